import CelCore

/// Drops frames not worth training on: near-black, near-white and flat frames (fades,
/// credits' black, title cards), and near-duplicates of the last kept frame.
struct FrameFilter {
  enum Rejection: String, CaseIterable {
    case dark, bright, flat, duplicate
  }

  var darkLevel: Double
  var brightLevel: Double
  var flatDeviation: Double
  /// Hamming distance at or below which a frame duplicates the last kept one; 0 disables.
  var duplicateDistance: Int
  private var lastKept: PerceptualHash?

  init(_ options: ExtractOptions) {
    darkLevel = options.darkLevel
    brightLevel = options.brightLevel
    flatDeviation = options.flatDeviation
    duplicateDistance = options.duplicateDistance
  }

  /// Why a frame with these grey statistics should be dropped, if it should.
  func rejection(mean: Double, deviation: Double) -> Rejection? {
    if mean <= darkLevel { return .dark }
    if mean >= brightLevel { return .bright }
    if deviation < flatDeviation { return .flat }
    return nil
  }

  /// Whether `hash` is a near-duplicate of the last kept frame; if not, it becomes the
  /// last kept frame.
  mutating func isDuplicate(_ hash: PerceptualHash) -> Bool {
    if duplicateDistance > 0, let lastKept, lastKept.distance(to: hash) <= duplicateDistance {
      return true
    }
    lastKept = hash
    return false
  }
}
