import ArgumentParser
import DataStages
import Foundation
import ModelStages

@main
struct ApplyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-apply",
    abstract: "Cartoonize a photo, a folder of photos, or a video with a generator.",
    discussion: """
      --model takes a .safetensors file (from cel-import or cel-train) or a folder of the \
      published CartoonGAN weights, one .npy per tensor (the Hayao, Shinkai, Hosoda and \
      Paprika sets of CartoonGan-tensorflow); every tensor is checked by name and shape.

      Pictures of any size keep their size and come out as the network draws them whole: \
      every normalisation sees the whole picture. The network runs one layer at a time in \
      bands of rows, in about 400 bytes a pixel and 0.3 GB besides (1.1 GB for 1920x1080; \
      a slower pass takes 0.25 GB less where memory is short); a picture that needs more \
      than is available is refused with the --max-side that fits. A video's frames go \
      the same way; it keeps its frame rate, size and audio, and is written as H.264 \
      (MPEG-4 Part 2 where this FFmpeg has no libx264).
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
