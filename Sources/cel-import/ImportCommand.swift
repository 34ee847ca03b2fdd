import ArgumentParser
import CelCore
import Foundation
import ModelStages
import Stages

@main
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-import",
    abstract: "Turn published CartoonGAN weights (.npy per tensor) into one .safetensors file.",
    discussion: """
      Checks every tensor's name and shape, and records the generator variant in the file's \
      metadata, so cel-apply --model FILE needs nothing else. The file opens in any tool \
      that reads safetensors.
      """)

  @Option(help: "The folder of .npy files.")
  var from: String

  @Option(help: "The .safetensors file to write.")
  var to: String

  @Flag(help: "Replace the file if it exists.")
  var overwrite = false

  func run() throws {
    let target = URL(fileURLWithPath: to)
    if FileManager.default.fileExists(atPath: target.path) && !overwrite {
      throw CelError.cannotWrite(target.path, reason: "exists (use --overwrite to replace it)")
    }
    let weights = try GeneratorWeights.load(URL(fileURLWithPath: from))
    try FileIO.writeAtomically(try weights.safeTensors().encoded(), to: target)
    print(
      "import: \(weights.tensors.count) tensors (\(weights.variant.rawValue) generator) into \(to)")
  }
}
