import CelCore

/// Flat-colour drawing with dark outlines, the look of cel animation, on a `PixelBuffer`.
struct Canvas {
  var pixels: PixelBuffer
  static let ink: [UInt8] = [24, 20, 20]

  init(width: Int, height: Int, background: [UInt8]) {
    pixels = PixelBuffer(width: width, height: height, filledWith: background)
  }

  /// A filled disc with an outline `outline` pixels wide.
  mutating func disc(
    x cx: Double, y cy: Double, radius: Double, colour: [UInt8], outline: Double = 3
  ) {
    let x0 = max(0, Int(cx - radius - 1))
    let x1 = min(pixels.width - 1, Int(cx + radius + 1))
    let y0 = max(0, Int(cy - radius - 1))
    let y1 = min(pixels.height - 1, Int(cy + radius + 1))
    guard x0 <= x1, y0 <= y1 else { return }
    for y in y0...y1 {
      for x in x0...x1 {
        let distance = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy))
          .squareRoot()
        if distance <= radius - outline {
          set(x, y, colour)
        } else if distance <= radius {
          set(x, y, Self.ink)
        }
      }
    }
  }

  /// A filled rectangle with an outline.
  mutating func box(x: Int, y: Int, width: Int, height: Int, colour: [UInt8], outline: Int = 3) {
    pixels.fill(x: x, y: y, width: width, height: height, with: Self.ink)
    pixels.fill(
      x: x + outline, y: y + outline, width: width - 2 * outline, height: height - 2 * outline,
      with: colour)
  }

  /// Multiplies every pixel by `factor` (a fade).
  mutating func dim(_ factor: Double) {
    for index in pixels.bytes.indices {
      pixels.bytes[index] = UInt8(Double(pixels.bytes[index]) * factor)
    }
  }

  /// Rotates the colour channels' levels by an amount that depends on `seed` (so repeated
  /// shots are not identical), leaving the ink dark.
  mutating func tint(_ seed: Int) {
    let shift = [
      UInt8(truncatingIfNeeded: seed * 37), UInt8(truncatingIfNeeded: seed * 59),
      UInt8(truncatingIfNeeded: seed * 83),
    ]
    for index in pixels.bytes.indices where pixels.bytes[index] > 40 {
      pixels.bytes[index] = 50 &+ (pixels.bytes[index] &- 50 &+ shift[index % 3]) % 200
    }
  }

  private mutating func set(_ x: Int, _ y: Int, _ colour: [UInt8]) {
    let offset = (y * pixels.width + x) * 3
    pixels.bytes[offset] = colour[0]
    pixels.bytes[offset + 1] = colour[1]
    pixels.bytes[offset + 2] = colour[2]
  }
}
