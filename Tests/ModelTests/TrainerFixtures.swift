import CelCore
import TestSupport
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
}
