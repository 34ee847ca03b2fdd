import CelCore
import Foundation
import Training

/// `metrics.csv` of a run: one row per step, appended as training goes. A run resumed
/// from a checkpoint first drops the rows after it (and any half-written last row), so
/// the file never holds a step twice.
final class MetricsLog {
  static let header =
    "epoch,batch,phase,content,style,generator_adversarial,discriminator,real_accuracy,smooth_accuracy,fake_accuracy,seconds"
  private let handle: FileHandle

  /// Opens `url`, keeping the rows before `epoch`/`batch`.
  init(_ url: URL, keepingBefore epoch: Int, batch: Int) throws {
    let old = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    let kept = old.split(separator: "\n").dropFirst().filter { row in
      let fields = row.split(separator: ",")
      guard fields.count == 11, let e = Int(fields[0]), let b = Int(fields[1]) else { return false }
      return (e, b) < (epoch, batch)
    }
    try FileIO.writeAtomically(
      Data(([Self.header] + kept.map(String.init)).map { $0 + "\n" }.joined().utf8), to: url)
    guard let handle = try? FileHandle(forWritingTo: url) else {
      throw CelError.cannotWrite(url.path, reason: "cannot open for appending")
    }
    try handle.seekToEnd()
    self.handle = handle
  }

  deinit { try? handle.close() }

  func append(
    epoch: Int, batch: Int, initialisation: Bool, losses: Trainer.StepLosses, seconds: Double
  ) throws {
    let values = [
      losses.content, losses.style, losses.generatorAdversarial, losses.discriminator,
      losses.realAccuracy, losses.smoothAccuracy, losses.fakeAccuracy,
    ]
    let row =
      "\(epoch),\(batch),\(initialisation ? "init" : "adversarial"),"
      + values.map { String(format: "%.6g", $0) }.joined(separator: ",")
      + String(format: ",%.3f\n", seconds)
    try handle.write(contentsOf: Data(row.utf8))
  }
}
