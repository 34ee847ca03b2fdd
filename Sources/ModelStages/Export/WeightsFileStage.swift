import CelCore
import Foundation
import ONNX

/// Writes generator weights as one file of another format: `cel-import` makes a
/// `.safetensors` file (the variant in its metadata, so `cel-apply --model FILE` needs
/// nothing else), `cel-export` an ONNX model (`GeneratorWeights.onnxModel`). The source is
/// anything `GeneratorWeights.load` reads: a published style folder, a `.safetensors`
/// generator, a run folder (its latest checkpoint) or one checkpoint's file.
package struct WeightsFileStage: Sendable {
  package enum Format: Sendable {
    case safeTensors, onnx
  }

  package var format: Format
  package var source: URL
  package var target: URL
  package var overwrite = false

  package init(format: Format, source: URL, target: URL, overwrite: Bool = false) {
    self.format = format
    self.source = source
    self.target = target
    self.overwrite = overwrite
  }

  /// What was written.
  package struct Outcome: Sendable {
    package var tensors: Int
    package var variant: String
    package var bytes: Int
  }

  /// Checks every tensor by name and shape, then writes the file under a temporary name
  /// and renames it into place.
  package func run() throws -> Outcome {
    if FileManager.default.fileExists(atPath: target.path) && !overwrite {
      throw CelError.cannotWrite(target.path, reason: "exists (use --overwrite to replace it)")
    }
    let weights = try GeneratorWeights.load(source)
    let data =
      switch format {
      case .safeTensors: try weights.safeTensors().encoded()
      case .onnx: try weights.onnxModel().serializedData()
      }
    try FileIO.writeAtomically(data, to: target)
    return Outcome(
      tensors: weights.tensors.count, variant: weights.variant.rawValue, bytes: data.count)
  }
}
