import ArgumentParser
import CelCore
import Foundation
import ModelStages

@main
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-export",
    abstract: "Write a generator as an ONNX model for ONNX Runtime, OpenVINO, TensorRT or the web.",
    discussion: """
      The model (opset \(GeneratorWeights.onnxOpset)) computes what cel-apply does, at any \
      height and width. Its input "\(GeneratorWeights.onnxInput)" and output \
      "\(GeneratorWeights.onnxOutput)" are float32 RGB in [-1, 1] (value / 127.5 - 1), \
      N x 3 x H x W; the published styles, trained on BGR, flip the channels inside the \
      graph. The model's metadata says so and names the generator variant.
      """)

  @Option(
    help: """
      The generator: a published style folder (.npy files), a .safetensors generator, a \
      cel-train run folder (its latest checkpoint), or one checkpoint's .safetensors file.
      """)
  var from: String

  @Option(help: "The .onnx file to write.")
  var to: String

  @Flag(help: "Replace the file if it exists.")
  var overwrite = false

  func run() throws {
    let outcome = try WeightsFileStage(
      format: .onnx,
      source: URL(fileURLWithPath: from), target: URL(fileURLWithPath: to), overwrite: overwrite
    ).run()
    print("export: \(outcome.variant) generator, \(ByteCount(bytes: outcome.bytes)), into \(to)")
  }
}
