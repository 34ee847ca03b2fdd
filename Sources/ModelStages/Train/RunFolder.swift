import CelCore
import Foundation
import Torch

/// A `cel-train` run folder: `run.json` (what the run is), `checkpoints/`, `metrics.csv`,
/// TensorBoard events in `tb/`, and sample grids in `samples/`.
struct RunFolder {
  let url: URL

  var settingsFile: URL { url.appendingPathComponent("run.json") }
  var metrics: URL { url.appendingPathComponent("metrics.csv") }
  var board: URL { url.appendingPathComponent("tb") }
  var samples: URL { url.appendingPathComponent("samples") }

  /// A new run of `settings`; refuses a folder that holds a run already.
  static func create(_ url: URL, settings: TrainOptions.RunSettings) throws -> RunFolder {
    let folder = RunFolder(url: url)
    if try Checkpoint.latest(in: url) != nil
      || FileManager.default.fileExists(atPath: folder.settingsFile.path)
    {
      throw CelError.cannotWrite(
        url.path,
        reason: "holds a run already: add --resume to continue it, or choose another --run")
    }
    try FileIO.createDirectory(url)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try FileIO.writeAtomically(try encoder.encode(settings), to: folder.settingsFile)
    return folder
  }

  /// A run to continue: it must have been started with `settings`; every difference is named.
  static func resume(_ url: URL, settings: TrainOptions.RunSettings) throws -> RunFolder {
    let folder = RunFolder(url: url)
    guard let data = FileManager.default.contents(atPath: folder.settingsFile.path) else {
      throw CelError.invalidInput(url.path, reason: "is not a cel-train run folder (no run.json)")
    }
    let recorded: TrainOptions.RunSettings
    do {
      recorded = try JSONDecoder().decode(TrainOptions.RunSettings.self, from: data)
    } catch {
      throw CelError.invalidInput(
        folder.settingsFile.path, reason: "is not a run's settings (\(JSONFailure(error)))")
    }
    let differences = recorded.differences(from: settings)
    guard differences.isEmpty else {
      throw CelError.invalidInput(
        url.path,
        reason: "was started otherwise: "
          + differences.joined(separator: ", ") + "; resume it with the same")
    }
    return folder
  }

  /// The latest complete checkpoint's position, after its tensors and step counts are put
  /// back into `trainer`; the start when there is none.
  func restoreLatest(into trainer: Trainer) throws -> Checkpoint.Position {
    guard let latest = try Checkpoint.latest(in: url) else { return .start }
    try Checkpoint.restore(latest.weights, checkpoint: latest.checkpoint, into: trainer)
    return latest.checkpoint.position
  }

  /// Writes a checkpoint of `trainer` that resumes at `position`.
  func saveCheckpoint(
    _ trainer: Trainer, at position: Checkpoint.Position, rate: Float, variant: Generator.Variant
  ) throws {
    let steps = trainer.steps
    let checkpoint = Checkpoint(
      epoch: position.epoch, batch: position.batch, generatorSteps: steps.generator,
      discriminatorSteps: steps.discriminator, generatorRate: rate, discriminatorRate: rate)
    try checkpoint.save(trainer, variant: variant, in: url)
  }
}

/// A decoding error as one line: which key, and what was wrong with it.
struct JSONFailure: CustomStringConvertible {
  var error: any Error
  init(_ error: any Error) { self.error = error }

  var description: String {
    guard let error = error as? DecodingError else { return "not JSON" }
    switch error {
    case .keyNotFound(let key, _): return "no \(key.stringValue)"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not JSON" : "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is damaged"
    @unknown default: return "not readable"
    }
  }
}
