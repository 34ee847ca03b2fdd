import CelCore
import Foundation

/// What a stage's run came to, as the terminal shows it.
package protocol StageReport: Sendable {
  var stage: String { get }
  /// One line for the terminal.
  var summary: String { get }
  /// The few words a film's progress line gives the stage.
  var brief: String { get }
  var warnings: [String] { get }
}

/// What running a dataset stage came to: the record it left in the manifest.
package enum StageOutcome: StageReport {
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

  package var brief: String {
    switch self {
    case .upToDate(let record): "\(record.stage) up to date"
    case .ran(let record) where record.stage == ExtractStage.name:
      "\(record.counts["kept", default: 0]) frames kept of \(record.counts["decoded", default: 0])"
    case .ran(let record) where record.stage == TileStage.name:
      "\(record.counts["tiles", default: 0]) tiles"
    case .ran(let record): record.stage
    }
  }

  package var stage: String { record.stage }
  package var warnings: [String] { record.warnings }

  private func valShare(_ counts: [String: Int]) -> String {
    guard let val = counts["val-tiles"], let train = counts["train-tiles"], val + train > 0 else {
      return ""
    }
    return String(format: " (%.1f%% of tiles in val)", 100 * Double(val) / Double(val + train))
  }
}

/// Prints a stage's one-line summary to standard output and its warnings to standard error,
/// each headed by `subject` (the stage's name unless told otherwise, such as the film).
package func report(_ outcome: some StageReport, quiet: Bool, subject: String? = nil) {
  if !quiet { print(outcome.summary) }
  let subject = subject ?? outcome.stage
  for warning in outcome.warnings {
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
