import ArgumentParser
import Foundation
import ModelStages

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
    let outcome = try WeightsFileStage(
      format: .safeTensors,
      source: URL(fileURLWithPath: from), target: URL(fileURLWithPath: to), overwrite: overwrite
    ).run()
    print("import: \(outcome.tensors) tensors (\(outcome.variant) generator) into \(to)")
  }
}
