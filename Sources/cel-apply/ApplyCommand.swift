import ArgumentParser
import Foundation
import ModelStages
import Stages

@main
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-apply",
    abstract: "Cartoonize a photo, a folder of photos, or a video with a generator.",
    discussion: """
      --model takes a .safetensors file (from cel-import or cel-train) or a folder of the \
      published CartoonGAN weights, one .npy per tensor (the Hayao, Shinkai, Hosoda and \
      Paprika sets of CartoonGan-tensorflow); every tensor is checked by name and shape.

      Pictures of any size keep their size: large ones are processed in overlapping --tile \
      tiles that share one set of normalisation statistics and are blended, so memory stays \
      bounded and no seams show. A video keeps its frame rate, size and audio, and is written \
      as H.264 (MPEG-4 Part 2 where this FFmpeg has no libx264).
      """)

  @Option(name: .shortAndLong, help: "A photo, a folder of photos, or a video.")
  var input: String

  @Option(
    name: .shortAndLong, help: "Where to write: a file for a photo or video, a folder for a folder."
  )
  var output: String

  @OptionGroup var options: ApplyOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    var stage = ApplyStage(
      input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), options: options)
    stage.isQuiet = quiet
    report(try await stage.run(), quiet: quiet)
  }
}
