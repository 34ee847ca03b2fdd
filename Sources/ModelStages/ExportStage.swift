import CelCore
import Foundation
import ONNX

/// Writes a generator as an ONNX model (`GeneratorWeights.onnxModel`) for other runtimes:
/// from a published style folder, a `.safetensors` generator, a run folder (its latest
/// checkpoint) or one checkpoint's `.safetensors` file.
package struct ExportStage: Sendable {
  package var source: URL
  package var target: URL
  package var overwrite = false

  package init(source: URL, target: URL, overwrite: Bool = false) {
    self.source = source
    self.target = target
    self.overwrite = overwrite
  }

  /// What was written.
  package struct Outcome: Sendable {
    package var variant: String
    package var bytes: Int
  }

  /// Checks every tensor by name and shape, then writes the model under a temporary name
  /// and renames it into place.
  package func run() throws -> Outcome {
    if FileManager.default.fileExists(atPath: target.path) && !overwrite {
      throw CelError.cannotWrite(target.path, reason: "exists (use --overwrite to replace it)")
    }
    let weights = try GeneratorWeights.load(source)
    let data = try weights.onnxModel().serializedData()
    try FileIO.writeAtomically(data, to: target)
    return Outcome(variant: weights.variant.rawValue, bytes: data.count)
  }
}
