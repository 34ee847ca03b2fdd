import CelCore

/// A picture as three float planes (NCHW, batch of one) with values in [-1, 1], the form
/// the generator takes and gives. Channel order is the picture's own (BGR).
struct PlanarImage {
  var width: Int
  var height: Int
  var values: [Float]

  init(width: Int, height: Int, values: [Float]? = nil) {
    self.width = width
    self.height = height
    self.values = values ?? [Float](repeating: 0, count: 3 * width * height)
  }

  /// The picture's planes, in its own channel order or (`swappingChannels`) reversed.
  init(_ pixels: PixelBuffer, swappingChannels: Bool = false) {
    let plane = pixels.width * pixels.height
    var values = [Float](repeating: 0, count: 3 * plane)
    pixels.bytes.withUnsafeBufferPointer { bytes in
      for index in 0..<plane {
        for channel in 0..<3 {
          let source = swappingChannels ? 2 - channel : channel
          values[channel * plane + index] = Float(bytes[index * 3 + source]) / 127.5 - 1
        }
      }
    }
    self.init(width: pixels.width, height: pixels.height, values: values)
  }

  /// Back to 8-bit pixels, (y + 1) / 2 of full scale, rounded and clamped; the planes'
  /// order reversed again when `swappingChannels`.
  func pixels(swappingChannels: Bool = false) -> PixelBuffer {
    let plane = width * height
    var bytes = [UInt8](repeating: 0, count: 3 * plane)
    for index in 0..<plane {
      for channel in 0..<3 {
        let value = (values[channel * plane + index] + 1) * 127.5
        bytes[index * 3 + (swappingChannels ? 2 - channel : channel)] = UInt8(
          max(0, min(255, value.rounded())))
      }
    }
    return PixelBuffer(width: width, height: height, channels: 3, bytes: bytes)
  }

  func cropped(_ rect: PixelRect) -> PlanarImage {
    var result = PlanarImage(width: rect.width, height: rect.height)
    for channel in 0..<3 {
      for y in 0..<rect.height {
        let from = channel * width * height + (rect.y + y) * width + rect.x
        let to = channel * rect.width * rect.height + y * rect.width
        result.values.replaceSubrange(
          to..<(to + rect.width), with: values[from..<(from + rect.width)])
      }
    }
    return result
  }

  /// Sides grown to multiples of `multiple` by mirroring the last rows and columns.
  func reflectPadded(toMultipleOf multiple: Int) -> PlanarImage {
    let newWidth = (width + multiple - 1) / multiple * multiple
    let newHeight = (height + multiple - 1) / multiple * multiple
    guard newWidth != width || newHeight != height else { return self }
    func mirror(_ i: Int, _ n: Int) -> Int { i < n ? i : max(0, 2 * n - 2 - i) }
    var result = PlanarImage(width: newWidth, height: newHeight)
    for channel in 0..<3 {
      for y in 0..<newHeight {
        for x in 0..<newWidth {
          result.values[channel * newWidth * newHeight + y * newWidth + x] =
            values[channel * width * height + mirror(y, height) * width + mirror(x, width)]
        }
      }
    }
    return result
  }
}
