import ArgumentParser
import DataStages
import Foundation

@main
struct ExtractCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-extract",
    abstract: "Pull the frames worth training on out of a film.",
    discussion: """
      Reads any file FFmpeg's libraries decode and writes DATASET/frames/ (one image per kept \
      frame, square pixels, upright, black bars cropped) and DATASET/frames.jsonl (one record \
      per frame: source, time, picture type, shot, perceptual hash, crop).

      Modes: keyframes (default) decodes only the key frames, so a two-hour film costs only \
      those; scenes decodes every frame and keeps the sharpest frame of each shot; interval \
      keeps one frame every --interval seconds. In every mode near-black, near-white and flat \
      frames are dropped, and so are near-duplicates of the last kept frame; the manifest \
      counts each reason.

      Running the same command again does nothing when the film and options are unchanged, \
      and resumes where it stopped after an interruption.
      """)

  @Option(name: .shortAndLong, help: "The video file to read.")
  var input: String

  @Option(name: .shortAndLong, help: "The dataset folder to write into (created if needed).")
  var output: String

  @OptionGroup var options: ExtractOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    var stage = ExtractStage(
      input: URL(fileURLWithPath: input), dataset: URL(fileURLWithPath: output), options: options)
    stage.isQuiet = quiet
    report(try await stage.run(), quiet: quiet, subject: input)
  }
}
