import CelCore
import Foundation
import Torch

/// A training checkpoint in a run folder: `checkpoints/epoch-E-batch-B.safetensors` with
/// every tensor of the generator, the discriminator and Adam (not VGG's, which the user
/// has), and a `.json` record beside it written after it. The record's presence means the
/// checkpoint is complete; new checkpoints never overwrite one in place.
package struct Checkpoint: Codable, Sendable, Equatable {
  /// The position training resumes at: batch `batch` of epoch `epoch` (both from 0).
  package var epoch: Int
  package var batch: Int
  package var generatorSteps: Int
  package var discriminatorSteps: Int
  package var generatorRate: Float
  package var discriminatorRate: Float

  package static let folderName = "checkpoints"

  /// Where training resumes: batch `batch` of epoch `epoch`.
  package struct Position: Sendable, Equatable, Comparable {
    package var epoch: Int
    package var batch: Int

    package static let start = Position(epoch: 0, batch: 0)

    package init(epoch: Int, batch: Int) {
      self.epoch = epoch
      self.batch = batch
    }

    package static func < (a: Position, b: Position) -> Bool {
      (a.epoch, a.batch) < (b.epoch, b.batch)
    }
  }

  package var position: Position { Position(epoch: epoch, batch: batch) }

  var baseName: String { String(format: "epoch-%04d-batch-%06d", epoch, batch) }

  /// The most advanced checkpoint of a run folder, if any. Its record is written last, so a
  /// record means a complete checkpoint; a record that is damaged, or whose weights are
  /// gone, is an error naming it rather than a silent step back to an older one.
  package static func latest(in run: URL) throws -> (checkpoint: Checkpoint, weights: URL)? {
    let folder = run.appendingPathComponent(folderName)
    guard FileManager.default.fileExists(atPath: folder.path),
      let record = try FileIO.files(in: folder, extensions: ["json"]).last
    else { return nil }
    let weights = record.deletingPathExtension().appendingPathExtension("safetensors")
    guard FileIO.fileSize(weights) != nil else {
      throw CelError.invalidInput(
        record.path, reason: "has no \(weights.lastPathComponent) beside it: remove the record")
    }
    return (try read(record), weights)
  }

  /// Reads a checkpoint record, refusing one whose numbers no run writes.
  package static func read(_ record: URL) throws -> Checkpoint {
    guard let data = FileManager.default.contents(atPath: record.path) else {
      throw CelError.unreadable(record.path, reason: "cannot open")
    }
    let checkpoint: Checkpoint
    do {
      checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
    } catch {
      throw CelError.invalidInput(
        record.path, reason: "is not a checkpoint record (\(JSONFailure(error)))")
    }
    let counts = [
      checkpoint.epoch, checkpoint.batch, checkpoint.generatorSteps,
      checkpoint.discriminatorSteps,
    ]
    let rates = [checkpoint.generatorRate, checkpoint.discriminatorRate]
    guard counts.allSatisfy({ $0 >= 0 }), rates.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw CelError.invalidInput(
        record.path, reason: "is damaged: a negative position or step count, or a bad rate")
    }
    return checkpoint
  }

  /// Writes the trainer's tensors, then this record, each atomically.
  func save(_ trainer: Trainer, variant: Generator.Variant, in run: URL) throws {
    let folder = run.appendingPathComponent(Self.folderName)
    try FileIO.createDirectory(folder)
    var tensors: [String: NumpyArray] = [:]
    for (name, shape) in trainer.tensors where !name.hasPrefix("vgg.") {
      let count = shape.reduce(1, *)
      tensors[name] = NumpyArray(shape: shape, values: try trainer.tensor(name, count: count))
    }
    let file = SafeTensors(
      tensors: tensors, metadata: [GeneratorWeights.variantKey: variant.rawValue])
    try FileIO.writeAtomically(
      try file.encoded(), to: folder.appendingPathComponent(baseName + ".safetensors"))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try FileIO.writeAtomically(
      try encoder.encode(self), to: folder.appendingPathComponent(baseName + ".json"))
  }

  /// Puts a checkpoint's tensors and step counts back into a trainer.
  static func restore(_ weights: URL, checkpoint: Checkpoint, into trainer: Trainer) throws {
    let file = try SafeTensors.read(weights)
    for (name, shape) in trainer.tensors where !name.hasPrefix("vgg.") {
      guard let tensor = file.tensors[name], tensor.shape == shape else {
        throw CelError.invalidInput(
          weights.path,
          reason:
            "tensor \(name) is missing or has another shape: not a checkpoint of this run's network"
        )
      }
      try trainer.setTensor(name, tensor.values)
    }
    trainer.steps = (checkpoint.generatorSteps, checkpoint.discriminatorSteps)
    trainer.setRates(
      generator: checkpoint.generatorRate, discriminator: checkpoint.discriminatorRate)
  }
}
