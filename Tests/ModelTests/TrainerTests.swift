import CelCore
import Foundation
import ModelStages
import TestSupport
import Testing
import Torch

@Suite(.tags(.slow)) struct TrainerTests {
  static func conv(_ input: Int, _ output: Int, _ kernel: Int) -> Int {
    input * output * kernel * kernel + output
  }

  func parameterCount(_ trainer: Trainer, prefix: String) -> Int {
    trainer.tensors.filter {
      $0.name.hasPrefix(prefix) && ($0.name.hasSuffix(".weight") || $0.name.hasSuffix(".bias"))
    }.reduce(0) { $0 + $1.shape.reduce(1, *) }
  }

  @Test func generatorAndDiscriminatorHaveThePapersShapes() throws {
    let trainer = try Trainer(options: Trainer.Options())
    // The paper's generator, counted layer by layer; norms carry a scale and a shift.
    let generator =
      Self.conv(3, 64, 7) + Self.conv(64, 128, 3) + Self.conv(128, 128, 3) + Self.conv(128, 256, 3)
      + Self.conv(256, 256, 3) + 16 * Self.conv(256, 256, 3) + Self.conv(256, 128, 3)
      + Self.conv(128, 128, 3) + Self.conv(128, 64, 3) + Self.conv(64, 64, 3) + Self.conv(64, 3, 7)
      + 2 * (64 + 128 + 256 + 16 * 256 + 128 + 64)
    #expect(parameterCount(trainer, prefix: "g.") == generator)
    // The same network as the published one: the same number of weights.
    let published = try Generator(variant: .published).parameters.reduce(0) {
      $0 + $1.shape.reduce(1, *)
    }
    #expect(generator == published)
    let discriminator =
      Self.conv(3, 32, 3) + Self.conv(32, 64, 3) + Self.conv(64, 128, 3) + Self.conv(128, 128, 3)
      + Self.conv(128, 256, 3) + Self.conv(256, 256, 3) + Self.conv(256, 1, 3) + 2
      * (128 + 256 + 256)
    #expect(parameterCount(trainer, prefix: "d.") == discriminator)
    #expect(trainer.tensors.first { $0.name == "d.body.15.weight" }?.shape == [1, 256, 3, 3])
  }

  /// C reads batch x 3 x size² values from every buffer it is handed: one too few or too
  /// many is refused in Swift, naming the buffer.
  @Test func buffersOfTheWrongSizeAreRefusedBeforeCReadsThem() throws {
    let trainer = try Trainer(options: Trainer.Options())
    let right = [Float](repeating: 0, count: 2 * 3 * 16 * 16)
    let short = [Float](repeating: 0, count: right.count - 1)
    func refusal(_ body: () throws -> Void) -> String? {
      let error = #expect(throws: TorchError.self) { try body() }
      #expect(error?.code == .invalidArgument)
      return error?.message
    }
    for (photos, styles, smoothed, what) in [
      (short, right, right, "photos"), (right, short, right, "style images"),
      (right, right, short, "smoothed images"),
    ] {
      let message = refusal {
        _ = try trainer.step(
          initialisation: false, photos: photos, styles: styles, smoothed: smoothed, batch: 2,
          size: 16)
      }
      #expect(message == "\(right.count - 1) values of \(what) where the batch's shape needs 1536")
    }
    _ = refusal { _ = try trainer.generate(short, batch: 2, height: 16, width: 16) }
    _ = refusal { _ = try trainer.features(right + [0], batch: 2, height: 16, width: 16) }
  }

  /// `--device cpu` always trains on the CPU; `--device cuda` trains on a GPU or says why
  /// it cannot.
  @Test func theDeviceIsTheOneAskedFor() throws {
    var options = Trainer.Options()
    options.device = .cpu
    #expect(try Trainer(options: options).device == "cpu")
    options.device = .cuda
    do {
      #expect(try Trainer(options: options).device == "cuda")
    } catch let error as TorchError {
      #expect(error.code == .invalidArgument)
      #expect(
        error.description
          == "create trainer: no CUDA device: this libtorch was built without CUDA or sees no GPU")
    }
  }

  @Test func vggFeaturesMatchTorchvision() throws {
    let folder = try makeTemporaryDirectory()
    let state = folder.appendingPathComponent("vgg19-random.pth")
    let input = folder.appendingPathComponent("input.npy")
    let output = folder.appendingPathComponent("output.npy")
    let exactOutput = folder.appendingPathComponent("exact.npy")
    try Python.run(
      Python.references.appendingPathComponent("vgg_reference.py"),
      [state.path, input.path, output.path, exactOutput.path])

    let trainer = try Trainer(options: Trainer.Options())
    try VGGWeights.load(state).install(in: trainer)
    let images = try NumpyArray.read(input)
    let expected = try NumpyArray.read(output)
    let ours = try trainer.features(images.values, batch: 2, height: 48, width: 64)
    #expect(expected.shape == [2, 512, 6, 8])
    // Both float32 passes against the float64 one: the bound is float32's rounding on this
    // processor, as torchvision's kernels here round.
    let exact = try NumpyArray.read(exactOutput).values
    func largest(_ a: [Float]) -> Float { zip(a, exact).map { abs($0 - $1) }.max() ?? .infinity }
    #expect(
      largest(ours) <= 4 * largest(expected.values),
      "largest difference \(largest(ours)), torchvision's in float32 \(largest(expected.values))")
    try FileManager.default.removeItem(at: state)
  }

  @Test func aMissingVGGTensorIsNamed() throws {
    let file = try makeTemporaryDirectory().appendingPathComponent("vgg.safetensors")
    let tensors = [
      "features.0.weight": NumpyArray(
        shape: [64, 3, 3, 3], values: Array(repeating: 0, count: 1728))
    ]
    try SafeTensors(tensors: tensors).encoded().write(to: file)
    let error = #expect(throws: CelError.self) { try VGGWeights.load(file) }
    #expect(error?.description.hasPrefix("\(file.path): missing tensor features.0.bias") == true)
  }

  @Test func theContentLossFallsDuringInitialisation() throws {
    let trainer = try TrainerFixtures.trainer()
    let photos = TrainerFixtures.pictures(1)
    var losses: [Float] = []
    for _ in 0..<8 {
      losses.append(
        try trainer.step(
          initialisation: true, photos: photos, styles: [], smoothed: [], batch: 2, size: 32
        ).content)
    }
    #expect(losses.last ?? .infinity < (losses.first ?? 0) * 0.8, "\(losses)")
    let adversarial = try trainer.step(
      initialisation: false, photos: photos, styles: TrainerFixtures.pictures(5),
      smoothed: TrainerFixtures.pictures(7), batch: 2,
      size: 32)
    #expect(adversarial.discriminator > 0 && adversarial.generatorAdversarial > 0)
    #expect((0...1).contains(adversarial.realAccuracy))
  }

  @Test func restoringEveryTensorGivesTheSameNextStep() throws {
    let first = try TrainerFixtures.trainer()
    for seed in [1, 3] {
      _ = try first.step(
        initialisation: false, photos: TrainerFixtures.pictures(seed),
        styles: TrainerFixtures.pictures(seed + 10),
        smoothed: TrainerFixtures.pictures(seed + 20), batch: 2, size: 32)
    }
    let second = try TrainerFixtures.trainer(seed: 99)  // other weights, until restored
    for (name, shape) in first.tensors {
      try second.setTensor(name, try first.tensor(name, count: shape.reduce(1, *)))
    }
    second.steps = first.steps
    let next = { (trainer: Trainer) in
      try trainer.step(
        initialisation: false, photos: TrainerFixtures.pictures(8),
        styles: TrainerFixtures.pictures(18),
        smoothed: TrainerFixtures.pictures(28), batch: 2, size: 32)
    }
    let a = try next(first)
    let b = try next(second)
    #expect(abs(a.content - b.content) < 1e-5 && abs(a.discriminator - b.discriminator) < 1e-5)
    let weight = "g.body.0.weight"
    #expect(try first.tensor(weight, count: 9408) == second.tensor(weight, count: 9408))
  }

  /// cel-apply runs a checkpoint's generator on its own: it must take every `g.*` tensor
  /// and compute what the trainer's generator computes.
  @Test(arguments: [true, false]) func aTrainedGeneratorRunsAloneAsInTraining(batchNorm: Bool)
    throws
  {
    let trainer = try TrainerFixtures.trainer(batchNorm: batchNorm)
    _ = try trainer.step(
      initialisation: false, photos: TrainerFixtures.pictures(2),
      styles: TrainerFixtures.pictures(12), smoothed: TrainerFixtures.pictures(22), batch: 2,
      size: 32)
    let generator = try Generator(
      variant: batchNorm ? .trainedBatchNorm : .trainedInstanceNorm)
    let trained = trainer.tensors.filter { $0.name.hasPrefix("g.") }
    #expect(generator.parameters.map(\.name) == trained.map { String($0.name.dropFirst(2)) })
    #expect(generator.parameters.map(\.shape) == trained.map(\.shape))
    for (name, shape) in trained {
      try generator.setParameter(
        String(name.dropFirst(2)), try trainer.tensor(name, count: shape.reduce(1, *)))
    }
    let photos = TrainerFixtures.pictures(4)
    let expected = try trainer.generate(photos, batch: 2, height: 32, width: 32)
    let alone = try generator.forward(photos, batch: 2, height: 32, width: 32)
    #expect(zip(expected, alone).map { abs($0 - $1) }.max() ?? 1 < 1e-5)
    #expect(expected.contains { abs($0) > 0.01 })
  }
}
