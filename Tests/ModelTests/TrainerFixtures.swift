import CelCore
import Foundation
import TestSupport
import Testing
import Torch

/// Small trainers and batches the training tests share.
enum TrainerFixtures {
  /// A trainer whose VGG19 has seeded random weights, as ImageNet's cannot be fetched
  /// here: uniform with He's variance (2 / fan-in), so activations keep their scale through
  /// the 10 convolutions and the content loss has the size a trained VGG gives it. On the
  /// CPU, or on the GPU where `CEL_TEST_DEVICE` is `cuda` (as `Scripts/gpu-check` runs the
  /// parity test).
  static func trainer(seed: UInt64 = 3, batchNorm: Bool = true, rate: Float = 2e-4) throws
    -> Trainer
  {
    var options = Trainer.Options()
    options.seed = seed
    options.isBatchNorm = batchNorm
    options.device = device
    options.generatorRate = rate
    options.discriminatorRate = rate
    try TestThreads.apply()
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

  /// Where the training tests' trainers run: the CPU unless `CEL_TEST_DEVICE` says cuda.
  static let device: Trainer.Device =
    ProcessInfo.processInfo.environment["CEL_TEST_DEVICE"] == "cuda" ? .cuda : .cpu

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

  /// The group a compared tensor's update is measured in: each network's weights ("g",
  /// "d") and each of Adam's moments of each network ("adam.g exp_avg", ...). Nil for VGG19,
  /// which does not train, and for what `isCompared` leaves out.
  static func group(of name: String) -> String? {
    guard !name.hasPrefix("vgg."), isCompared(name) else { return nil }
    let parts = name.split(separator: ".")
    guard parts.first == "adam" else { return String(parts[0]) }
    return "adam.\(parts[1]) \(parts[parts.count - 1])"
  }

  /// How far two updates from the same state `before` are apart, per group: the relative L2
  /// norm of their difference over all the group's tensors (absolute where the group does
  /// not move, as the discriminator in the initialisation phase).
  static func updateDistances(from before: SafeTensors, _ a: SafeTensors, _ b: SafeTensors)
    throws -> [String: Double]
  {
    var sums: [String: (difference: Double, reference: Double)] = [:]
    for (name, tensor) in b.tensors {
      guard let group = group(of: name) else { continue }
      let start = try #require(before.tensors[name]).values
      let other = try #require(a.tensors[name]).values
      var (difference, reference) = sums[group] ?? (0, 0)
      for index in start.indices {
        let x = Double(other[index]) - Double(start[index])
        let y = Double(tensor.values[index]) - Double(start[index])
        difference += (x - y) * (x - y)
        reference += y * y
      }
      sums[group] = (difference, reference)
    }
    return sums.mapValues {
      $0.reference == 0 ? $0.difference.squareRoot() : ($0.difference / $0.reference).squareRoot()
    }
  }

  /// `state` with every weight of the networks whose names start with one of `prefixes`
  /// moved by 1e-8, up and down in turn: a start whose updates part from the original's by
  /// rounding alone, for measuring how far two correct runs are apart on this processor.
  static func nudged(_ state: SafeTensors, _ prefixes: [String] = ["g.", "d."]) -> SafeTensors {
    var nudged = state
    for (name, tensor) in state.tensors
    where prefixes.contains(where: name.hasPrefix) && !name.contains("running_") {
      nudged.tensors[name]?.values = tensor.values.enumerated().map {
        $0.element + ($0.offset % 2 == 0 ? 1e-8 : -1e-8)
      }
    }
    return nudged
  }

  /// How many times PyTorch's distance from itself an implementation's update may be from
  /// PyTorch's. Measured on an AVX-512 processor, cel-train's distance is at most 1.3 times
  /// PyTorch's own (where both run on other thread counts) and mostly far below it; the
  /// deliberate bugs of the parity test land 10 to 1000 times out.
  static let noiseMultiple = 4.0

  /// `candidate`'s update from `before` against `reference`'s, per group, with the bound
  /// that `noise` (another correct update from `before`) sets.
  struct UpdateComparison {
    var distances: [String: Double]
    var noise: [String: Double]

    /// The groups out of bounds, with both figures; empty when every group is within.
    var exceeding: [String] {
      distances.sorted { $0.key < $1.key }.compactMap { group, distance in
        // Below float32's epsilon no two updates can be told apart.
        let bound = TrainerFixtures.noiseMultiple * (noise[group] ?? 0) + 1e-7
        return distance <= bound ? nil : "\(group) \(distance) > \(bound)"
      }
    }
  }

  static func compareUpdates(
    from before: SafeTensors, _ candidate: SafeTensors, _ reference: SafeTensors,
    noise: SafeTensors
  ) throws -> UpdateComparison {
    UpdateComparison(
      distances: try updateDistances(from: before, candidate, reference),
      noise: try updateDistances(from: before, noise, reference))
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
