import ArgumentParser
import DataStages
import Foundation

@main
struct TileCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-tile",
    abstract: "Cut square tiles from a dataset's frames, or from any folder of images.",
    discussion: """
      Writes DATASET/tiles/ (PNG) and DATASET/tiles.jsonl (one record per tile: source image, \
      rectangle, scale, and the group that keeps a shot on one side of the split).

      Strategies: regions (default) divides each image into --regions areas and cuts one \
      tile at a random place inside each; grid cuts non-overlapping tiles; random cuts --count \
      tiles anywhere; center resizes the short side to --size and cuts the middle. The same \
      --seed gives the same tiles. Tiles with almost nothing in them (grey deviation below \
      --min-deviation, or fewer Canny edge pixels than --min-edges) are skipped and counted.

      Images smaller than a tile are skipped and counted, or enlarged with --upscale. Grey, \
      RGBA and 16-bit images are converted to 8-bit colour.
      """)

  @Option(name: .shortAndLong, help: "The dataset folder (tiles its frames/, writes tiles/).")
  var dataset: String

  @Option(name: .shortAndLong, help: "Tile this folder of images instead of the dataset's frames.")
  var input: String?

  @OptionGroup var options: TileOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    var stage = TileStage(
      dataset: URL(fileURLWithPath: dataset), input: input.map { URL(fileURLWithPath: $0) },
      options: options)
    stage.isQuiet = quiet
    report(try await stage.run(), quiet: quiet)
  }
}
