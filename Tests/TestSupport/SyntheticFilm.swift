import CelCore
import Foundation
import Video

/// Small test videos with known content, encoded through libavcodec.
///
/// A film is a list of segments; each segment shows one picture (optionally moving) for a
/// number of frames. Pictures are flat-colour scenes with outlined shapes, distinct enough
/// for the perceptual hash and the cut detector to tell apart.
package struct SyntheticFilm {
  package enum Picture: Sendable {
    /// A scene drawn from `seed`: background colour and shapes differ per seed.
    case scene(Int)
    case black
    case white
    /// Scene `seed` dimmed by `factor` (for fades).
    case dimmed(Int, Double)
    /// Scene `seed` shifted right by `pixels` (for pans).
    case shifted(Int, Int)
  }

  package var width = 160
  package var height = 96
  package var frameRate = 10
  /// Black bars added above and below (letterbox) and left and right (pillarbox).
  package var letterbox = 0
  package var pillarbox = 0
  package var frames: [Picture] = []

  package init(width: Int = 160, height: Int = 96, frameRate: Int = 10) {
    self.width = width
    self.height = height
    self.frameRate = frameRate
  }

  /// Appends `count` frames of `picture`.
  package mutating func show(_ picture: Picture, frames count: Int) {
    frames += Array(repeating: picture, count: count)
  }

  /// Encodes the film to `url` with `settings` adjusted to the film's size and rate.
  package func write(
    to url: URL, configure: (inout VideoEncoder.Settings) -> Void = { _ in }
  ) throws {
    var settings = VideoEncoder.Settings(width: width, height: height)
    settings.frameRate = frameRate
    settings.keyframeInterval = frameRate
    settings.codec = "libx264"
    settings.options = ["preset": "ultrafast", "x264-params": "scenecut=0", "qp": "10"]
    configure(&settings)
    let encoder = try VideoEncoder(url: url, settings: settings)
    for stream in 0..<settings.streamCount {
      for (index, picture) in frames.enumerated() {
        try encoder.append(
          render(picture, variant: stream), stream: stream, at: Double(index) / Double(frameRate))
      }
    }
    try encoder.finish()
  }

  /// The full frame for `picture`, bars included. `variant` changes the colours, so two
  /// streams of one file can be told apart.
  package func render(_ picture: Picture, variant: Int = 0) -> PixelBuffer {
    var frame = PixelBuffer(width: width, height: height, filledWith: [0, 0, 0])
    let innerWidth = width - 2 * pillarbox
    let innerHeight = height - 2 * letterbox
    let inner = Self.draw(picture, width: innerWidth, height: innerHeight, variant: variant)
    frame.paste(inner, x: pillarbox, y: letterbox)
    return frame
  }

  /// A scene's picture alone, without bars.
  package static func draw(_ picture: Picture, width: Int, height: Int, variant: Int = 0)
    -> PixelBuffer
  {
    switch picture {
    case .black: return PixelBuffer(width: width, height: height, filledWith: [0, 0, 0])
    case .white: return PixelBuffer(width: width, height: height, filledWith: [255, 255, 255])
    case .scene(let seed):
      return scene(seed, width: width, height: height, shift: 0, variant: variant)
    case .shifted(let seed, let shift):
      return scene(seed, width: width, height: height, shift: shift, variant: variant)
    case .dimmed(let seed, let factor):
      var pixels = scene(seed, width: width, height: height, shift: 0, variant: variant)
      pixels.bytes = pixels.bytes.map { UInt8(Double($0) * factor) }
      return pixels
    }
  }

  private static func scene(_ seed: Int, width: Int, height: Int, shift: Int, variant: Int)
    -> PixelBuffer
  {
    var generator = SeededGenerator(seed: UInt64(seed * 7919 + variant * 104_729 + 1))
    func colour() -> [UInt8] { (0..<3).map { _ in UInt8(60 + generator.next() % 170) } }
    var pixels = PixelBuffer(width: width, height: height, filledWith: colour())
    for _ in 0..<6 {
      let w = width / 6 + Int(generator.next() % UInt64(width / 3))
      let h = height / 6 + Int(generator.next() % UInt64(height / 3))
      let x = Int(generator.next() % UInt64(width)) - w / 3 + shift
      let y = Int(generator.next() % UInt64(height)) - h / 3
      pixels.fill(x: x, y: y, width: w, height: h, with: [20, 20, 20])
      pixels.fill(x: x + 2, y: y + 2, width: w - 4, height: h - 4, with: colour())
    }
    return pixels
  }
}
