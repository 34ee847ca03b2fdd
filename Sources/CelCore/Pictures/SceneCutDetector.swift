/// Finds shot boundaries in a stream of small thumbnails.
///
/// The score of a frame against the previous one is `1 − max(0, r)`, where r is Pearson's
/// correlation between the two grey thumbnails inside the picture area (black bars left
/// out, since bars shared by both frames would make any two frames look alike). Within a
/// shot r stays near 1, also through a fade or a flash, since scaling brightness keeps a
/// picture's shape; at a cut it falls towards 0. A cut is a score of at least `threshold`
/// that is also at least `spikeRatio` times the median score of the previous 8 frames, so
/// a fast pan or frantic action, whose scores stay high frame after frame, is not a run of
/// cuts. Pass a `spikeRatio` of 0 when frames are seconds apart (key frames, intervals).
package struct SceneCutDetector: Sendable {
  package var threshold: Double
  package var spikeRatio: Double
  private var previous: PixelBuffer?
  private var recentScores: [Double] = []
  private let letterbox = LetterboxDetector()
  private static let window = 8

  package init(threshold: Double = 0.5, spikeRatio: Double = 3) {
    self.threshold = threshold
    self.spikeRatio = spikeRatio
  }

  /// Feeds the next frame's thumbnail; returns whether a new shot starts with it.
  package mutating func isCut(_ thumbnail: PixelBuffer) -> Bool {
    defer { previous = thumbnail }
    guard let previous, previous.width == thumbnail.width, previous.height == thumbnail.height
    else { return false }
    let score = self.score(previous, thumbnail)
    let sorted = recentScores.sorted()
    let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    recentScores.append(score)
    if recentScores.count > Self.window { recentScores.removeFirst() }
    return score >= threshold && score >= spikeRatio * median
  }

  /// The cut score of `b` after `a`, in 0...1.
  package func score(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
    let greyA = a.greyLevels
    let greyB = b.greyLevels
    let width = b.width
    let rows = (0..<b.height).map { y in greyB[(y * width)..<((y + 1) * width)].max() ?? 0 }
    let columns = (0..<width).map { x in
      stride(from: x, to: greyB.count, by: width).reduce(0) { max($0, greyB[$1]) }
    }
    let area =
      letterbox.content(rowMaxima: rows, columnMaxima: columns)
      ?? PixelRect(x: 0, y: 0, width: width, height: b.height)
    var valuesA: [Double] = []
    var valuesB: [Double] = []
    for y in area.y..<(area.y + area.height) {
      let range = (y * width + area.x)..<(y * width + area.x + area.width)
      valuesA.append(contentsOf: greyA[range])
      valuesB.append(contentsOf: greyB[range])
    }
    return 1 - max(0, Self.correlation(valuesA, valuesB))
  }

  /// Pearson's correlation. A flat image (black, a title card's ground) correlates fully
  /// with another flat image of the same level and not at all with anything else.
  package static func correlation(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    guard n > 0 else { return 1 }
    let meanA = a.reduce(0, +) / n
    let meanB = b.reduce(0, +) / n
    var covariance = 0.0
    var varianceA = 0.0
    var varianceB = 0.0
    for (x, y) in zip(a, b) {
      covariance += (x - meanA) * (y - meanB)
      varianceA += (x - meanA) * (x - meanA)
      varianceB += (y - meanB) * (y - meanB)
    }
    let isFlatA = varianceA <= 4 * n
    let isFlatB = varianceB <= 4 * n  // deviation under 2 levels
    if isFlatA || isFlatB { return isFlatA && isFlatB && abs(meanA - meanB) < 1 ? 1 : 0 }
    return covariance / (varianceA * varianceB).squareRoot()
  }
}
