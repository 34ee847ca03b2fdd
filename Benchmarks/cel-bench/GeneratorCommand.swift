import ArgumentParser
import CelCore
import Foundation
import Torch

/// Times the generator's forward pass alone on one picture size, with the weights of a
/// published style folder: the per-frame floor that `Benchmarks/video.sh` holds cel-apply's
/// video pipeline to.
extension Generator.Pass: ExpressibleByArgument {
  public init?(argument: String) {
    switch argument {
    case "blocked": self = .blocked
    case "banded": self = .banded
    default: return nil
    }
  }
}

struct GeneratorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generator", abstract: "Seconds per generator forward pass on the CPU.")

  @Option(help: "A folder of weights in the published layout (one .npy per tensor).")
  var weights: String

  @Option(
    help: "The CPU pass: blocked (banded where oneDNN has no kernels of its own here) or banded.")
  var pass = Generator.Pass.blocked

  @Option var width = 1920
  @Option var height = 1080
  @Option var runs = 3
  @Option var threads = ProcessInfo.processInfo.activeProcessorCount

  func run() throws {
    try TorchRuntime.prepare(threads: threads, cachingMemory: false)
    let generator = try Generator(variant: .published)
    for (name, _) in generator.parameters {
      let file = URL(fileURLWithPath: weights).appendingPathComponent(name + ".npy")
      try generator.setParameter(name, try NumpyArray.read(file).values)
    }
    var random = SeededGenerator(seed: 3)
    let picture = (0..<3 * width * height).map { _ in Float.random(in: -1...1, using: &random) }
    func forward() throws {
      _ = try generator.forward(picture, batch: 1, height: height, width: width, pass: pass)
    }
    try forward()  // warm-up: oneDNN's kernel choice and the pass's memory
    guard runs > 0 else { return }
    var seconds: [Double] = []
    for _ in 0..<runs {
      let start = Date()
      try forward()
      seconds.append(Date().timeIntervalSince(start))
    }
    print(String(format: "seconds-per-forward %.3f", seconds.sorted()[runs / 2]))
  }
}
