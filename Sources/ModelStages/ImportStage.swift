import CelCore
import Foundation

/// Turns generator weights (the published layout, one `.npy` per tensor) into one
/// `.safetensors` file with the generator variant in its metadata, so `cel-apply --model
/// FILE` needs nothing else and any tool that reads safetensors opens it.
package struct ImportStage: Sendable {
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
    package var tensors: Int
    package var variant: String
  }

  /// Checks every tensor by name and shape, then writes the file under a temporary name
  /// and renames it into place.
  package func run() throws -> Outcome {
    if FileManager.default.fileExists(atPath: target.path) && !overwrite {
      throw CelError.cannotWrite(target.path, reason: "exists (use --overwrite to replace it)")
    }
    let weights = try GeneratorWeights.load(source)
    try FileIO.writeAtomically(try weights.safeTensors().encoded(), to: target)
    return Outcome(tensors: weights.tensors.count, variant: weights.variant.rawValue)
  }
}
