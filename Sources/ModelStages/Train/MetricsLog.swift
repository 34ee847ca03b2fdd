import CelCore
import Foundation
import Torch

/// `metrics.csv` of a run: one `MetricsRow` per step, appended as training goes. A run
/// resumed from a checkpoint first drops the rows after it (and any damaged or
/// half-written row), so the file never holds a step twice.
final class MetricsLog: TrainingObserver {
  private let handle: FileHandle

  /// Opens `url`, keeping the well-formed rows before `position`.
  init(_ url: URL, keepingBefore position: Checkpoint.Position) throws {
    let old = FileManager.default.contents(atPath: url.path) ?? Data()
    let kept = MetricsRow.rows(of: old).rows.filter {
      Checkpoint.Position(epoch: $0.epoch, batch: $0.batch) < position
    }
    try FileIO.writeAtomically(
      Data(([MetricsRow.header] + kept.map(\.line)).map { $0 + "\n" }.joined().utf8), to: url)
    guard let handle = try? FileHandle(forWritingTo: url) else {
      throw CelError.cannotWrite(url.path, reason: "cannot open for appending")
    }
    try handle.seekToEnd()
    self.handle = handle
  }

  deinit { try? handle.close() }

  func stepFinished(_ step: TrainingStep) throws {
    let values = step.losses.values.map(Double.init)
    let row = MetricsRow(
      epoch: step.epoch, batch: step.batch, isInitialisation: step.initialisation,
      values: values + [step.seconds])
    try handle.write(contentsOf: Data((row.line + "\n").utf8))
  }
}
