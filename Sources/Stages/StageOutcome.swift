import CelCore

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
        .joined(separator: ", ")
    }
  }
}
