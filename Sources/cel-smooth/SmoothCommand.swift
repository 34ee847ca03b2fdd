import ArgumentParser
import DataStages
import Foundation

@main
struct SmoothCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-smooth",
    abstract: "Build the edge-smoothed twin of every tile (CartoonGAN's edge promotion).",
    discussion: """
      For each tile in DATASET/tiles/: Canny on the grey image (BT.601 luma of the decoded \
      colour image), the edge map dilated by a square kernel, and every pixel under it \
      replaced by the Gaussian-weighted average of its neighbourhood (reflected borders), \
      computed in floating point and truncated to 8 bits. Pixels away from edges are kept. \
      Writes DATASET/smooth/ with the tiles' names.

      Run it again with other parameters to regenerate the set in place: the new set is \
      built beside the old one and swapped in at once, frames and tiles are not touched, and \
      a dataset that was already split has its train/ and val/ views relinked.
      """)

  @Option(name: .shortAndLong, help: "The dataset folder.")
  var dataset: String

  @OptionGroup var options: SmoothOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    let url = URL(fileURLWithPath: dataset)
    var stage = SmoothStage(dataset: url, options: options)
    stage.isQuiet = quiet
    let outcome = try await stage.run()
    report(outcome, quiet: quiet)
    if case .ran = outcome, let split = try await SplitStage.refresh(in: url) {
      report(split, quiet: quiet)
    }
  }
}
