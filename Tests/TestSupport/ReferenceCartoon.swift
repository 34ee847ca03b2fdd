import CelCore
import Foundation

/// The published generator's picture from an independent forward pass over the whole
/// picture in PyTorch's Python API (`cartoongan_reference.py`), for comparing with
/// Celshade's own.
package enum ReferenceCartoon {
  /// A BGR picture as a network's input: planes in BGR order (the published network's) or
  /// in RGB order, levels mapped onto [-1, 1]. Written here, apart from the product's own
  /// conversion.
  package static func input(_ picture: PixelBuffer, rgb: Bool = false) -> [Float] {
    let plane = picture.width * picture.height
    var values = [Float](repeating: 0, count: 3 * plane)
    for index in 0..<plane {
      for channel in 0..<3 {
        values[channel * plane + index] =
          Float(picture.bytes[index * 3 + (rgb ? 2 - channel : channel)]) / 127.5 - 1
      }
    }
    return values
  }

  /// A network's output planes (BGR or RGB order, [-1, 1]) as a BGR picture, in 8-bit
  /// levels as Celshade makes them: (y + 1) * 127.5, rounded and clamped.
  package static func pixels(_ planes: [Float], width: Int, height: Int, rgb: Bool = false)
    -> PixelBuffer
  {
    let plane = width * height
    var bytes = [UInt8](repeating: 0, count: 3 * plane)
    for index in 0..<plane {
      for channel in 0..<3 {
        let level = ((planes[channel * plane + index] + 1) * 127.5).rounded()
        bytes[index * 3 + (rgb ? 2 - channel : channel)] = UInt8(max(0, min(255, level)))
      }
    }
    return PixelBuffer(width: width, height: height, channels: 3, bytes: bytes)
  }

  /// The cartoon of a BGR picture with the published-layout weights in `weights`, in 8-bit
  /// pixels.
  package static func published(weights: URL, picture: PixelBuffer) throws -> PixelBuffer {
    let folder = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let inputFile = folder.appendingPathComponent("input.npy")
    let outputFile = folder.appendingPathComponent("output.npy")
    try NumpyArray(shape: [1, 3, picture.height, picture.width], values: input(picture)).encoded()
      .write(to: inputFile)
    try Python.run(
      Python.references.appendingPathComponent("cartoongan_reference.py"),
      [
        weights.path, inputFile.path, outputFile.path,
        "\(ProcessInfo.processInfo.activeProcessorCount)",
      ])
    return pixels(
      try NumpyArray.read(outputFile).values, width: picture.width, height: picture.height)
  }
}

/// How far two pictures of the same size differ, in grey levels over every channel value.
package struct LevelDifference: CustomStringConvertible {
  package var mean: Double
  package var percentile99: Int
  package var largest: Int

  package init(_ a: PixelBuffer, _ b: PixelBuffer) {
    precondition(a.bytes.count == b.bytes.count, "pictures differ in size")
    var counts = [Int](repeating: 0, count: 256)
    var total = 0
    for (x, y) in zip(a.bytes, b.bytes) {
      let difference = abs(Int(x) - Int(y))
      counts[difference] += 1
      total += difference
    }
    mean = Double(total) / Double(max(1, a.bytes.count))
    largest = counts.lastIndex { $0 > 0 } ?? 0
    var seen = 0
    percentile99 = 0
    for (level, count) in counts.enumerated() {
      seen += count
      if Double(seen) >= 0.99 * Double(a.bytes.count) {
        percentile99 = level
        break
      }
    }
  }

  package var description: String {
    String(format: "mean %.3f levels, p99 %d, largest %d", mean, percentile99, largest)
  }
}
