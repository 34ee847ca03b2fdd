import CelCore
import Foundation
import TestSupport
import Testing
import Training

/// cel-train's training step against the same step in PyTorch's Python API
/// (`Reference/train_steps_reference.py`, on the networks of
/// `Benchmarks/cartoongan_torch.py`), one step at a time from a shared state.
///
/// Adversarial training is chaotic: two correct implementations part within a few free
/// adversarial steps, so each step starts from the state PyTorch reached after the one
/// before, and only the step's own update is compared. The tolerances assume float32 on
/// the CPU, where these trainers run; TF32 or non-deterministic GPU kernels would need
/// looser ones.
@Suite(.tags(.slow), .serialized) struct TrainingParityTests {
  struct Step {
    var initialisation: Bool
    var rate: Float
    var text: String { "\(initialisation ? "init" : "adversarial"):\(rate)" }
  }

  /// Three initialisation steps and three adversarial ones, the last after a learning-rate
  /// step.
  static let plan =
    Array(repeating: Step(initialisation: true, rate: 2e-4), count: 3)
    + Array(repeating: Step(initialisation: false, rate: 2e-4), count: 2)
    + [Step(initialisation: false, rate: 2e-5)]

  static let batch = 2
  static let size = 32

  func step(_ trainer: Trainer, _ step: Step, batches: SafeTensors, index: Int) throws
    -> Trainer.StepLosses
  {
    func pictures(_ kind: String) throws -> [Float] {
      try #require(batches.tensors["\(kind).\(index)"]).values
    }
    trainer.setRates(generator: step.rate, discriminator: step.rate)
    return try trainer.step(
      initialisation: step.initialisation, photos: try pictures("photos"),
      styles: try pictures("styles"), smoothed: try pictures("smoothed"), batch: Self.batch,
      size: Self.size)
  }

  @Test(arguments: [true, false])
  func everyStepUpdatesAsPyTorchsDoesFromTheSameState(batchNorm: Bool) throws {
    let folder = try makeTemporaryDirectory()
    let trainer = try TrainerFixtures.trainer(seed: 5, batchNorm: batchNorm)
    let start = try TrainerFixtures.state(of: trainer)
    let startFile = folder.appendingPathComponent("start.safetensors")
    try start.encoded().write(to: startFile)
    var pictures: [String: NumpyArray] = [:]
    for index in Self.plan.indices {
      for (offset, kind) in ["photos", "styles", "smoothed"].enumerated() {
        pictures["\(kind).\(index)"] = NumpyArray(
          shape: [Self.batch, 3, Self.size, Self.size],
          values: TrainerFixtures.pictures(100 * offset + 7 * index))
      }
    }
    let batches = SafeTensors(tensors: pictures)
    let batchFile = folder.appendingPathComponent("batches.safetensors")
    try batches.encoded().write(to: batchFile)
    let out = folder.appendingPathComponent("torch")
    try Python.run(
      Python.references.appendingPathComponent("train_steps_reference.py"),
      [
        startFile.path, batchFile.path, out.path, batchNorm ? "batch" : "instance",
        Self.plan.map(\.text).joined(separator: ","),
      ])
    let theirLosses = try JSONDecoder().decode(
      [[String: Float]].self,
      from: Data(contentsOf: out.appendingPathComponent("losses.json")))
    let zeroGradient = Set(
      try JSONDecoder().decode(
        [String].self, from: Data(contentsOf: out.appendingPathComponent("zero-gradient.json"))))
    #expect(zeroGradient == TrainerFixtures.zeroGradientBiases)
    let isCompared = TrainerFixtures.isCompared

    var before = start
    for (index, planned) in Self.plan.enumerated() {
      let theirs = try SafeTensors.read(
        out.appendingPathComponent("state-\(index).safetensors"))
      let losses = try step(trainer, planned, batches: batches, index: index)
      let expected = theirLosses[index]
      var pairs = [("content", losses.content)]
      if !planned.initialisation {
        pairs += [
          ("generator_adversarial", losses.generatorAdversarial),
          ("discriminator", losses.discriminator),
        ]
        for (name, value) in [
          ("real_accuracy", losses.realAccuracy), ("smooth_accuracy", losses.smoothAccuracy),
          ("fake_accuracy", losses.fakeAccuracy),
        ] {
          #expect(value == expected[name], "step \(index): \(name)")
        }
      }
      for (name, value) in pairs {
        let reference = try #require(expected[name])
        #expect(
          abs(value - reference) <= 1e-5 * abs(reference),
          "step \(index): \(name) \(value) \(reference)")
      }
      let ours = try TrainerFixtures.state(of: trainer)
      var compared = 0
      for (name, tensor) in theirs.tensors where isCompared(name) {
        let previous = try #require(before.tensors[name]).values
        let mine = try #require(ours.tensors[name]).values
        let difference = TrainerFixtures.updateDifference(
          before: previous, ours: mine, theirs: tensor.values)
        #expect(difference <= 1e-3, "step \(index): \(name) updates differ by \(difference)")
        compared += 1
      }
      #expect(compared > 100)
      #expect(
        ours.metadata["generator_steps"] == theirs.metadata["generator_steps"]
          && ours.metadata["discriminator_steps"] == theirs.metadata["discriminator_steps"])
      // Re-sync: the next step starts from PyTorch's state on both sides.
      try TrainerFixtures.restore(
        SafeTensors(tensors: theirs.tensors, metadata: theirs.metadata), into: trainer)
      before = try TrainerFixtures.state(of: trainer)
    }

    // Free-running over the initialisation phase, the two part no faster than cel-train
    // parts from itself when every generator weight is moved by 1e-8: Adam's first steps
    // move each weight by about lr whichever way its gradient's sign points, so a weight
    // whose gradient is near zero goes either way on any rounding, in any implementation.
    let initialisation = Self.plan.prefix { $0.initialisation }
    func freeRun(from shared: SafeTensors) throws -> SafeTensors {
      let free = try TrainerFixtures.trainer(seed: 99, batchNorm: batchNorm)
      try TrainerFixtures.restore(shared, into: free)
      for (index, planned) in initialisation.enumerated() {
        _ = try step(free, planned, batches: batches, index: index)
      }
      return try TrainerFixtures.state(of: free)
    }
    var nudged = start
    for (name, tensor) in start.tensors where name.hasPrefix("g.") {
      nudged.tensors[name]?.values = tensor.values.enumerated().map {
        $0.element + ($0.offset % 2 == 0 ? 1e-8 : -1e-8)
      }
    }
    let ours = try freeRun(from: start)
    let theirs = try SafeTensors.read(
      out.appendingPathComponent("state-\(initialisation.count - 1).safetensors"))
    let ownDrift = try TrainerFixtures.weightDifference(ours, try freeRun(from: nudged), isCompared)
    let drift = try TrainerFixtures.weightDifference(ours, theirs, isCompared)
    #expect(drift <= ownDrift, "free-running: \(drift) from PyTorch, \(ownDrift) from itself")
  }
}
