/// A 64-bit perceptual hash and its distance.
package struct PerceptualHash: Sendable, Hashable, CustomStringConvertible {
  package var bits: UInt64

  package init(bits: UInt64) { self.bits = bits }

  /// Reads the 16-digit hex form written in `frames.jsonl`.
  package init?(hex: String) {
    guard let bits = UInt64(hex, radix: 16) else { return nil }
    self.bits = bits
  }

  /// Number of differing bits: 0 for the same picture, about 32 for unrelated ones.
  package func distance(to other: PerceptualHash) -> Int { (bits ^ other.bits).nonzeroBitCount }

  package var description: String {
    let digits = String(bits, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}

extension PixelBuffer {
  /// Sharpness as the variance of the 4-neighbour Laplacian of the grey image: higher for
  /// crisp line art, lower for motion blur and cross-fades.
  package var sharpness: Double {
    guard width > 2, height > 2 else { return 0 }
    let grey = greyLevels
    var sum = 0.0
    var squares = 0.0
    for y in 1..<(height - 1) {
      for x in 1..<(width - 1) {
        let i = y * width + x
        let value = grey[i - 1] + grey[i + 1] + grey[i - width] + grey[i + width] - 4 * grey[i]
        sum += value
        squares += value * value
      }
    }
    let n = Double((width - 2) * (height - 2))
    return squares / n - (sum / n) * (sum / n)
  }

  /// BT.601 luma of every pixel.
  package var greyLevels: [Double] {
    (0..<(width * height)).map { index in
      let o = index * channels
      return channels >= 3
        ? 0.114 * Double(bytes[o]) + 0.587 * Double(bytes[o + 1]) + 0.299 * Double(bytes[o + 2])
        : Double(bytes[o])
    }
  }
}
