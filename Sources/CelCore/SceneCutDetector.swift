/// Finds shot boundaries in a stream of small colour thumbnails.
///
/// The score between two consecutive frames is the histogram distance: half the L1
/// distance between their 4×4×4-bin BGR colour histograms, that is, the share of pixels
/// whose colour class changed (0 = same colours, 1 = no colour in common). A cut is a
/// score of at least `threshold` that is also at least `spikeRatio` times the median
/// score of the previous frames. Colour histograms barely move under a pan; a fade moves
/// them a little on every frame, so its scores stay level and never spike.
package struct SceneCutDetector: Sendable {
  package var threshold: Double
  package var spikeRatio: Double
  private var previous: [Double]?
  private var recentScores: [Double] = []
  private static let window = 8

  package init(threshold: Double = 0.3, spikeRatio: Double = 3) {
    self.threshold = threshold
    self.spikeRatio = spikeRatio
  }

  /// Feeds the next frame's thumbnail; returns whether a new shot starts with it.
  package mutating func isCut(_ thumbnail: PixelBuffer) -> Bool {
    let histogram = Self.histogram(thumbnail)
    defer { previous = histogram }
    guard let previous else { return false }
    let score = Self.distance(previous, histogram)
    let sorted = recentScores.sorted()
    let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    recentScores.append(score)
    if recentScores.count > Self.window { recentScores.removeFirst() }
    return score >= threshold && score >= spikeRatio * median
  }

  /// Normalised 64-bin colour histogram (grey buffers use the grey level for all three).
  package static func histogram(_ pixels: PixelBuffer) -> [Double] {
    var counts = [Double](repeating: 0, count: 64)
    let channels = pixels.channels
    pixels.bytes.withUnsafeBufferPointer { bytes in
      var offset = 0
      while offset < bytes.count {
        let b = Int(bytes[offset]) >> 6
        let g = channels >= 3 ? Int(bytes[offset + 1]) >> 6 : b
        let r = channels >= 3 ? Int(bytes[offset + 2]) >> 6 : b
        counts[(b << 4) | (g << 2) | r] += 1
        offset += channels
      }
    }
    let total = Double(pixels.width * pixels.height)
    return counts.map { $0 / total }
  }

  /// Half the L1 distance between two normalised histograms, in 0...1.
  package static func distance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
  }
}
