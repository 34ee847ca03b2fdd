import ArgumentParser
import CelCore

extension TileStrategy: ExpressibleByArgument {}

/// The options of the tile stage; all of them change which tiles come out.
package struct TileOptions: ParsableArguments, Sendable {
  @Option(help: "How to place tiles: regions, grid, random or center.")
  package var strategy: TileStrategy = .regions

  @Option(help: "Tile side in pixels.")
  package var size = 256

  @Option(help: "Regions across x down, for the regions strategy.")
  package var regions = "3x2"

  @Option(help: "Tiles per image, for the random strategy.")
  package var count = 6

  @Option(help: "Resize images by this factor before cutting (0.5 makes 1080p frames 540p).")
  package var scale = 1.0

  @Option(help: "Seed of the random placement; the same seed gives the same tiles.")
  package var seed: UInt64 = 42

  @Option(
    name: .customLong("min-deviation"),
    help: "Skip tiles whose grey standard deviation is below this (flat sky, black).")
  package var minDeviation = 8.0

  @Option(
    name: .customLong("min-edges"),
    help: "Skip tiles with a smaller share of Canny (100, 200) edge pixels than this.")
  package var minEdges = 0.005

  @Flag(help: "Enlarge images smaller than a tile instead of skipping them.")
  package var upscale = false

  @Flag(
    name: .customLong("skip-bad-inputs"),
    help: "Count and list unreadable images in the manifest instead of stopping at the first.")
  package var skipBadInputs = false

  package init() {}

  package var layout: TileLayout {
    var layout = TileLayout(strategy: strategy, size: size)
    let parts = regions.split(separator: "x").compactMap { Int($0) }
    layout.columns = parts.first ?? 3
    layout.rows = parts.last ?? 2
    layout.count = count
    return layout
  }

  package mutating func validate() throws {
    guard size >= 8 else { throw ValidationError("--size must be at least 8 pixels") }
    let parts = regions.split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts.allSatisfy({ $0 >= 1 }) else {
      throw ValidationError("--regions must look like 3x2")
    }
    guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    guard scale > 0 else { throw ValidationError("--scale must be more than 0") }
    guard minEdges >= 0, minEdges < 1 else { throw ValidationError("--min-edges must be in 0..<1") }
  }

  var parameters: [String: String] {
    var values = [
      "strategy": strategy.rawValue, "size": "\(size)", "seed": "\(seed)",
      "min-deviation": "\(minDeviation)", "min-edges": "\(minEdges)", "upscale": "\(upscale)",
    ]
    if strategy != .center { values["scale"] = "\(scale)" }
    if strategy == .regions { values["regions"] = regions }
    if strategy == .random { values["count"] = "\(count)" }
    return values
  }
}
