/// Tightly packed 8-bit pixels: BGR or RGB (3 channels), BGRA (4) or grey (1).
///
/// The value type that crosses between the wrappers: `Video` decodes into it and `Imaging`
/// encodes from it, so neither needs to know the other. OpenCV works in BGR; RGB exists so
/// a frame bound for an RGB encoder (PNG) is converted once, not twice.
package struct PixelBuffer: Sendable, Equatable {
  package enum ChannelOrder: Sendable { case bgr, rgb }

  package var width: Int
  package var height: Int
  package var channels: Int
  package var bytes: [UInt8]
  /// Order of colour channels when `channels` is 3 or 4.
  package var order = ChannelOrder.bgr

  package var bytesPerRow: Int { width * channels }

  /// Whether `bytes` holds exactly the rows the size says, as C code handed these pixels
  /// will read (`bytes` is a var: it can be changed after the size was checked).
  package var holdsItsRows: Bool { width > 0 && height > 0 && bytes.count == height * bytesPerRow }

  /// What is wrong when `holdsItsRows` is false, in words.
  package var sizeMismatch: String {
    "\(bytes.count) bytes for \(width)x\(height) pixels of \(channels) channels"
  }

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
    let x0 = max(0, x)
    let y0 = max(0, y)
    let x1 = min(width, x + w)
    let y1 = min(height, y + h)
    guard x0 < x1, y0 < y1 else { return }
    for row in y0..<y1 {
      for column in x0..<x1 {
        let offset = (row * width + column) * channels
        for c in 0..<channels { bytes[offset + c] = value[c] }
      }
    }
  }

  /// Copies `picture` (same channel count) in with its top-left corner at (`x`, `y`);
  /// it must fit inside.
  package mutating func paste(_ picture: PixelBuffer, x: Int, y: Int) {
    precondition(picture.channels == channels, "channel counts differ")
    precondition(
      x >= 0 && y >= 0 && x + picture.width <= width && y + picture.height <= height,
      "picture does not fit")
    for row in 0..<picture.height {
      let from = row * picture.bytesPerRow
      let to = ((y + row) * width + x) * channels
      bytes.replaceSubrange(
        to..<(to + picture.bytesPerRow), with: picture.bytes[from..<(from + picture.bytesPerRow)])
    }
  }

  /// The picture mirrored left to right.
  package func mirrored() -> PixelBuffer {
    var result = self
    for y in 0..<height {
      for x in 0..<width {
        let from = (y * width + width - 1 - x) * channels
        let to = (y * width + x) * channels
        for c in 0..<channels { result.bytes[to + c] = bytes[from + c] }
      }
    }
    return result
  }

  /// The pixels inside `rect` (which must lie inside the buffer).
  package func cropped(to rect: PixelRect) -> PixelBuffer {
    precondition(
      rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= width && rect.y + rect.height <= height,
      "crop outside the buffer")
    var bytes = [UInt8]()
    bytes.reserveCapacity(rect.width * rect.height * channels)
    for row in rect.y..<(rect.y + rect.height) {
      let start = (row * width + rect.x) * channels
      bytes.append(contentsOf: self.bytes[start..<(start + rect.width * channels)])
    }
    var cropped = PixelBuffer(
      width: rect.width, height: rect.height, channels: channels, bytes: bytes)
    cropped.order = order
    return cropped
  }

  /// The picture turned clockwise by `quarterTurns` × 90°.
  package func rotated(quarterTurns: Int) -> PixelBuffer {
    let turns = ((quarterTurns % 4) + 4) % 4
    guard turns != 0 else { return self }
    let (newWidth, newHeight) = turns == 2 ? (width, height) : (height, width)
    var rotated = [UInt8](repeating: 0, count: bytes.count)
    for y in 0..<height {
      for x in 0..<width {
        let (tx, ty) =
          switch turns {
          case 1: (height - 1 - y, x)
          case 2: (width - 1 - x, height - 1 - y)
          default: (y, width - 1 - x)
          }
        let from = (y * width + x) * channels
        let to = (ty * newWidth + tx) * channels
        for c in 0..<channels { rotated[to + c] = bytes[from + c] }
      }
    }
    var result = PixelBuffer(width: newWidth, height: newHeight, channels: channels, bytes: rotated)
    result.order = order
    return result
  }
}
