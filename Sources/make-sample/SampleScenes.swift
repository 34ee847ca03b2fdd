import CelCore
import Foundation

/// The sample film's four shots, drawn frame by frame (colours are BGR).
enum SampleScenes {
  static let secondsPerShot = 3.0

  /// The picture at `time` seconds of a film `width`×`height` (letterbox bars excluded);
  /// each `cycle` of the four shots turns the colours a little.
  static func frame(at time: Double, width: Int, height: Int, cycle: Int = 0) -> PixelBuffer {
    let shot = min(3, Int(time / secondsPerShot))
    let t = time - Double(shot) * secondsPerShot
    let w = Double(width)
    let h = Double(height)
    var canvas: Canvas
    switch shot {
    case 0:  // A meadow; a red ball rolls across, the camera still.
      canvas = Canvas(width: width, height: height, background: [235, 200, 120])
      canvas.disc(x: w * 0.25, y: h * 1.35, radius: h * 0.8, colour: [80, 170, 90])
      canvas.disc(x: w * 0.8, y: h * 1.5, radius: h * 0.85, colour: [60, 150, 70])
      canvas.disc(x: w * 0.85, y: h * 0.2, radius: h * 0.1, colour: [90, 230, 250])
      canvas.disc(x: w * (0.1 + 0.25 * t), y: h * 0.62, radius: h * 0.12, colour: [50, 50, 220])
    case 1:  // A room; a character's head bobs by the table.
      canvas = Canvas(width: width, height: height, background: [170, 200, 225])
      canvas.box(
        x: width / 10, y: height * 6 / 10, width: width * 8 / 10, height: height / 8,
        colour: [40, 80, 130])
      canvas.box(
        x: width * 6 / 10, y: height / 8, width: width / 5, height: height / 4,
        colour: [200, 140, 90])
      let bob = sin(t * 2 * .pi) * h * 0.02
      canvas.disc(x: w * 0.35, y: h * 0.4 + bob, radius: h * 0.16, colour: [140, 210, 245])
      canvas.disc(x: w * 0.31, y: h * 0.37 + bob, radius: h * 0.025, colour: Canvas.ink, outline: 0)
      canvas.disc(x: w * 0.39, y: h * 0.37 + bob, radius: h * 0.025, colour: Canvas.ink, outline: 0)
    case 2:  // Night sky panning past the moon and the roofs.
      canvas = Canvas(width: width, height: height, background: [110, 50, 40])
      let pan = t * w * 0.12
      canvas.disc(x: w * 0.7 - pan, y: h * 0.3, radius: h * 0.14, colour: [170, 240, 250])
      for house in 0..<6 {
        let x = Int(Double(house) * w * 0.22 - pan * 1.5)
        canvas.box(
          x: x, y: height * 6 / 10, width: width / 6, height: height / 2, colour: [60, 90, 150])
        canvas.box(
          x: x + width / 24, y: height * 7 / 10, width: width / 20, height: height / 12,
          colour: [90, 220, 250])
      }
    default:  // Sunset over the sea, then a fade to black.
      canvas = Canvas(width: width, height: height, background: [90, 150, 250])
      canvas.disc(x: w * 0.5, y: h * (0.55 + 0.05 * t), radius: h * 0.2, colour: [60, 90, 240])
      canvas.box(
        x: -4, y: height * 6 / 10, width: width + 8, height: height, colour: [140, 80, 30])
      if t > 1.5 { canvas.dim(max(0, 1 - (t - 1.5) / 1.2)) }
    }
    if cycle > 0 { canvas.tint(cycle) }
    return canvas.pixels
  }
}
