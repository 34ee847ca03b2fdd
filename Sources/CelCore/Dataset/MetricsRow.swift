import Foundation

/// One row of a training run's `metrics.csv`: a step's position and phase, its losses, the
/// discriminator's accuracies and the step's time. `cel-train` writes it; resuming and the
/// run report read it back, through this one parser.
package struct MetricsRow: Sendable, Equatable {
  package static let header =
    "epoch,batch,phase,content,style,generator_adversarial,discriminator,real_accuracy,smooth_accuracy,fake_accuracy,seconds"

  package var epoch: Int
  package var batch: Int
  package var isInitialisation: Bool
  /// Content, style, generator adversarial, discriminator, the three accuracies, seconds.
  package var values: [Double]

  package init(epoch: Int, batch: Int, isInitialisation: Bool, values: [Double]) {
    self.epoch = epoch
    self.batch = batch
    self.isInitialisation = isInitialisation
    self.values = values
  }

  /// A row as written, or nil for anything else (a half-written last row, a damaged file).
  /// A loss of nan or inf is a row: a run that diverged wrote it.
  package init?(parsing line: some StringProtocol) {
    let fields = line.split(separator: ",", omittingEmptySubsequences: false)
    guard fields.count == 11, let epoch = Int(fields[0]), let batch = Int(fields[1]),
      epoch >= 0, batch >= 0, fields[2] == "init" || fields[2] == "adversarial"
    else { return nil }
    let values = fields.dropFirst(3).compactMap { Double($0) }
    guard values.count == 8 else { return nil }
    self.init(epoch: epoch, batch: batch, isInitialisation: fields[2] == "init", values: values)
  }

  /// Every row of a `metrics.csv` that reads, and how many lines below the header did not.
  /// Bytes that are not UTF-8 spoil their own line only.
  package static func rows(of file: Data) -> (rows: [MetricsRow], unreadable: Int) {
    let lines = String(decoding: file, as: UTF8.self).split(separator: "\n").dropFirst()
    let rows = lines.compactMap { MetricsRow(parsing: $0) }
    return (rows, lines.count - rows.count)
  }

  /// The row as `metrics.csv` holds it, without its line break.
  package var line: String {
    "\(epoch),\(batch),\(isInitialisation ? "init" : "adversarial"),"
      + values.dropLast().map { String(format: "%.6g", $0) }.joined(separator: ",")
      + String(format: ",%.3f", values.last ?? 0)
  }
}
