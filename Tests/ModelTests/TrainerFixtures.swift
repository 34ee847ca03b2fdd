import CelCore
import Foundation
import TestSupport
import Testing
import Training

/// Small trainers and batches the training tests share.
enum TrainerFixtures {
  /// A trainer whose VGG19 has seeded random weights, as ImageNet's cannot be fetched
  /// here: uniform with He's variance (2 / fan-in), so activations keep their scale through
  /// the 10 convolutions and the content loss has the size a trained VGG gives it. On the
  /// CPU whatever libtorch has, since tolerances here assume float32 CPU kernels.
  static func trainer(seed: UInt64 = 3, batchNorm: Bool = true, rate: Float = 2e-4) throws
    -> Trainer
  {
    var options = Trainer.Options()
    options.seed = seed
    options.isBatchNorm = batchNorm
    options.device = .cpu
    options.generatorRate = rate
    options.discriminatorRate = rate
    let trainer = try Trainer(options: options)
    var generator = SeededGenerator(seed: 11)
    for (name, shape) in trainer.tensors where name.hasPrefix("vgg.") {
      let count = shape.reduce(1, *)
      let fanIn = shape.count == 4 ? shape[1] * 9 : 1
      let scale = Float((6.0 / Double(fanIn)).squareRoot())  // uniform(-a, a) has variance a²/3
      try trainer.setTensor(
        name, (0..<count).map { _ in Float.random(in: -1...1, using: &generator) * scale })
    }
    return trainer
  }

  /// `count` drawn frames of the synthetic film, `size`², as planar RGB in [-1, 1].
  static func pictures(_ seed: Int, count: Int = 2, size: Int = 32) -> [Float] {
    (0..<count).flatMap { index -> [Float] in
      let picture = SyntheticFilm.draw(.scene(seed + index), width: size, height: size)
      let plane = size * size
      var values = [Float](repeating: 0, count: 3 * plane)
      for i in 0..<plane {
        for c in 0..<3 { values[c * plane + i] = Float(picture.bytes[i * 3 + 2 - c]) / 127.5 - 1 }
      }
      return values
    }
  }

  /// Every tensor of the trainer (VGG19's too), with Adam's step counts as metadata.
  static func state(of trainer: Trainer) throws -> SafeTensors {
    var tensors: [String: NumpyArray] = [:]
    for (name, shape) in trainer.tensors {
      tensors[name] = NumpyArray(
        shape: shape, values: try trainer.tensor(name, count: shape.reduce(1, *)))
    }
    let steps = trainer.steps
    return SafeTensors(
      tensors: tensors,
      metadata: [
        "generator_steps": String(steps.generator),
        "discriminator_steps": String(steps.discriminator),
      ])
  }

  static func restore(_ state: SafeTensors, into trainer: Trainer) throws {
    for (name, tensor) in state.tensors { try trainer.setTensor(name, tensor.values) }
    trainer.steps = (
      Int(state.metadata["generator_steps"] ?? "") ?? -1,
      Int(state.metadata["discriminator_steps"] ?? "") ?? -1
    )
  }

  /// The relative L2 norm of the difference between two updates of the same tensor.
  static func updateDifference(before: [Float], ours: [Float], theirs: [Float]) -> Double {
    var difference = 0.0
    var reference = 0.0
    for index in before.indices {
      let a = Double(ours[index]) - Double(before[index])
      let b = Double(theirs[index]) - Double(before[index])
      difference += (a - b) * (a - b)
      reference += b * b
    }
    return reference == 0 ? difference.squareRoot() : (difference / reference).squareRoot()
  }

  /// The relative L2 difference of the generator's compared weights, as one vector.
  static func weightDifference(_ a: SafeTensors, _ b: SafeTensors, _ isCompared: (String) -> Bool)
    throws -> Double
  {
    var difference = 0.0
    var reference = 0.0
    for (name, tensor) in b.tensors where name.hasPrefix("g.") && isCompared(name) {
      for (x, y) in zip(try #require(a.tensors[name]).values, tensor.values) {
        difference += Double(x - y) * Double(x - y)
        reference += Double(y) * Double(y)
      }
    }
    return (difference / reference).squareRoot()
  }

  /// Biases that reach a norm layer through nothing but reflection-padded convolutions: a
  /// per-channel constant is removed by the norm's mean, so their true gradient is zero and
  /// Adam turns rounding noise into updates of ±lr. The parity test checks this list against
  /// the one PyTorch's modules give.
  static let zeroGradientBiases: Set<String> = Set(
    [0, 3, 4, 7, 8, 19, 20, 23, 24].map { "g.body.\($0).bias" }
      + (11...18).flatMap { ["g.body.\($0).conv1.bias", "g.body.\($0).conv2.bias"] }
      + [4, 9, 12].map { "d.body.\($0).bias" })

  /// Whether a tensor's update is compared: not those biases, nor their Adam moments.
  static func isCompared(_ name: String) -> Bool {
    !zeroGradientBiases.contains(name)
      && !zeroGradientBiases.contains { name.hasPrefix("adam.\($0).") }
  }
}
