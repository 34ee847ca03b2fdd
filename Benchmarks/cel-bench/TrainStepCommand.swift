import ArgumentParser
import CelCore
import Foundation
import Torch

extension Trainer.Device: ExpressibleByArgument {}

/// Times full CartoonGAN training steps (discriminator then generator, with the VGG19
/// content loss) on random batches, as `Benchmarks/train.sh` compares with PyTorch.
struct TrainStepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-step", abstract: "Seconds per adversarial training step.")

  @Option var batch = 4
  @Option var size = 256
  @Option var steps = 2
  @Option var threads = ProcessInfo.processInfo.activeProcessorCount
  @Option var device = Trainer.Device.cpu

  func run() throws {
    try TorchRuntime.prepare(threads: threads, cachingMemory: true)
    var options = Trainer.Options()
    options.device = device
    let trainer = try Trainer(options: options)
    var generator = SeededGenerator(seed: 1)
    for (name, shape) in trainer.tensors where name.hasPrefix("vgg.") {
      try trainer.setTensor(
        name,
        (0..<shape.reduce(1, *)).map { _ in Float.random(in: -0.05...0.05, using: &generator) })
    }
    let count = batch * 3 * size * size
    let pictures = (0..<3).map { _ in
      (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
    }
    func step() throws {
      _ = try trainer.step(
        initialisation: false, photos: pictures[0], styles: pictures[1], smoothed: pictures[2],
        batch: batch, size: size)
    }
    try step()  // warm-up: first-call allocations and oneDNN's kernel choice
    let start = Date()
    for _ in 0..<steps { try step() }
    print(String(format: "seconds-per-step %.3f", Date().timeIntervalSince(start) / Double(steps)))
  }
}
