import CelCore

/// A generator that turns planar pictures in [-1, 1] into cartoons: the published network
/// (`Generator`) or a trained one (`TrainedGenerator`).
package protocol PictureGenerator: AnyObject {
  /// The colour order the network was trained on.
  var channelOrder: PixelBuffer.ChannelOrder { get }
  /// Whether tiles of one picture can share normalisation statistics (`setStatistics`).
  var sharesStatistics: Bool { get }
  func setStatistics(_ statistics: Generator.Statistics) throws
  func forward(_ input: [Float], batch: Int, height: Int, width: Int) throws -> [Float]
}

extension Generator: PictureGenerator {
  package var channelOrder: PixelBuffer.ChannelOrder { .bgr }
  package var sharesStatistics: Bool { true }
}

/// A generator trained by `cel-train`, run in evaluation mode: batch norm uses its running
/// statistics (so tiles agree by themselves); instance norm normalises each tile alone.
package final class TrainedGenerator: PictureGenerator {
  private let trainer: Trainer

  /// A generator of `variant` holding `tensors` (named `g.*`, as checkpoints store them).
  package init(variant: Generator.Variant, tensors: [String: NumpyArray]) throws {
    var options = Trainer.Options()
    options.isBatchNorm = variant == .trainedBatchNorm
    trainer = try Trainer(options: options)
    for name in trainer.generatorTensorNames {
      guard let tensor = tensors[name] else {
        throw TorchError(
          code: .invalidArgument, operation: "load generator", message: "missing \(name)")
      }
      try trainer.setTensor(name, tensor.values)
    }
  }

  package var channelOrder: PixelBuffer.ChannelOrder { .rgb }
  package var sharesStatistics: Bool { false }
  package func setStatistics(_ statistics: Generator.Statistics) throws {}

  package func forward(_ input: [Float], batch: Int, height: Int, width: Int) throws -> [Float] {
    try trainer.generate(input, batch: batch, height: height, width: width)
  }

  /// Names and shapes the generator of `variant` needs.
  package static func expectedTensors(_ variant: Generator.Variant) throws -> [(
    name: String, shape: [Int]
  )] {
    var options = Trainer.Options()
    options.isBatchNorm = variant == .trainedBatchNorm
    let trainer = try Trainer(options: options)
    let names = Set(trainer.generatorTensorNames)
    return trainer.tensors.filter { names.contains($0.name) }
  }
}
