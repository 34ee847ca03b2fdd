import CelCore
import Foundation

/// What running a stage came to.
package enum StageOutcome: Sendable {
  /// The manifest already covered these parameters and this input: nothing was done.
  case upToDate(StageRecord)
  case ran(StageRecord)

  package var record: StageRecord {
    switch self {
    case .upToDate(let record), .ran(let record): record
    }
  }

  /// One line for the terminal.
  package var summary: String {
    switch self {
    case .upToDate(let record): "\(record.stage): up to date, nothing to do"
    case .ran(let record):
      "\(record.stage): "
        + record.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        .joined(separator: ", ") + valShare(record.counts)
    }
  }

  private func valShare(_ counts: [String: Int]) -> String {
    guard let val = counts["val-tiles"], let train = counts["train-tiles"], val + train > 0 else {
      return ""
    }
    return String(format: " (%.1f%% of tiles in val)", 100 * Double(val) / Double(val + train))
  }
}

/// Prints a stage's one-line summary to standard output and its warnings to standard error,
/// each headed by `subject` (the stage's name unless told otherwise, such as the film).
package func report(_ outcome: StageOutcome, quiet: Bool, subject: String? = nil) {
  if !quiet { print(outcome.summary) }
  let subject = subject ?? outcome.record.stage
  for warning in outcome.record.warnings {
    FileHandle.standardError.write(Data("warning: \(subject): \(warning)\n".utf8))
  }
}

extension StageOutcome {
  /// One outcome for a stage run on each film of a set: counts added up, warnings kept,
  /// up to date only when every film was.
  static func combining(_ outcomes: [StageOutcome]) -> StageOutcome {
    guard outcomes.count != 1 else { return outcomes[0] }
    var record = outcomes[0].record
    var digest = Fingerprint()
    for outcome in outcomes { digest.combine(outcome.record.inputFingerprint) }
    record.inputFingerprint = digest.hex
    record.counts = outcomes.reduce(into: [:]) { $0.merge($1.record.counts, uniquingKeysWith: +) }
    record.warnings = outcomes.flatMap(\.record.warnings)
    record.skipped = outcomes.flatMap(\.record.skipped)
    let allCurrent = outcomes.allSatisfy {
      if case .upToDate = $0 { true } else { false }
    }
    return allCurrent ? .upToDate(record) : .ran(record)
  }
}
