import ArgumentParser
import CelCore
import Torch

/// The options of `cel-apply`.
package struct ApplyOptions: ParsableArguments, Sendable {
  @Option(
    name: [.customLong("model"), .customLong("style")],
    help: ArgumentHelp(
      "Generator weights: a .safetensors file, or a folder of the published .npy files (a style).",
      valueName: "weights"))
  package var model: String

  @Option(name: .customLong("max-side"), help: "Scale pictures down first so no side exceeds this.")
  package var maxSide: Int?

  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "Refuse pictures that need more memory than this (800M, 1.5G; default: what is available).",
      valueName: "size"))
  package var memoryLimit: ByteCount?

  @Flag(help: "Replace the output if it exists.")
  package var overwrite = false

  @Option(help: "Threads libtorch uses (default: all cores).")
  package var threads: Int?

  @Option(
    help: ArgumentHelp(
      "Where the generator runs: auto (a GPU where libtorch has CUDA and sees one), cpu or cuda.",
      valueName: "device"))
  package var device: Trainer.Device = .auto

  package init() {}

  package mutating func validate() throws {
    if let maxSide, maxSide < 4 { throw ValidationError("--max-side must be at least 4") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }
}

extension ByteCount: ExpressibleByArgument {
  package init?(argument: String) { self.init(argument) }
}
