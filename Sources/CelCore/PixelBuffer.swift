/// Tightly packed 8-bit pixels in BGR (3 channels), BGRA (4) or grey (1) order.
///
/// The value type that crosses between the wrappers: `Video` decodes into it and `Imaging`
/// encodes from it, so neither needs to know the other.
package struct PixelBuffer: Sendable, Equatable {
  package var width: Int
  package var height: Int
  package var channels: Int
  package var bytes: [UInt8]

  package var bytesPerRow: Int { width * channels }

  package init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
    precondition(bytes.count == width * height * channels, "pixel count does not match the size")
    self.width = width
    self.height = height
    self.channels = channels
    self.bytes = bytes
  }

  /// A buffer filled with one colour (`value` has one entry per channel).
  package init(width: Int, height: Int, filledWith value: [UInt8]) {
    var bytes = [UInt8]()
    bytes.reserveCapacity(width * height * value.count)
    for _ in 0..<(width * height) { bytes.append(contentsOf: value) }
    self.init(width: width, height: height, channels: value.count, bytes: bytes)
  }

  /// Paints an axis-aligned rectangle, clipped to the buffer.
  package mutating func fill(x: Int, y: Int, width w: Int, height h: Int, with value: [UInt8]) {
    precondition(value.count == channels, "colour has the wrong channel count")
    let x0 = max(0, x), y0 = max(0, y)
    let x1 = min(width, x + w), y1 = min(height, y + h)
    guard x0 < x1, y0 < y1 else { return }
    for row in y0..<y1 {
      for column in x0..<x1 {
        let offset = (row * width + column) * channels
        for c in 0..<channels { bytes[offset + c] = value[c] }
      }
    }
  }

  /// The pixel at (`x`, `y`), one value per channel.
  package func pixel(x: Int, y: Int) -> [UInt8] {
    let offset = (y * width + x) * channels
    return Array(bytes[offset..<(offset + channels)])
  }
}
