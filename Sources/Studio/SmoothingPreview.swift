import CelCore
import DataStages
import Foundation
import Imaging

/// Twelve tiles of a dataset with their edge-smoothed twins and edge masks, redrawn for any
/// parameters by the same code as `cel-smooth`, so the sliders show what the set would be.
package struct SmoothingPreview: Sendable {
  package static let tileCount = 12

  package struct Tile: Codable, Sendable, Equatable {
    /// The tile, as the studio serves it.
    package var tile: String
    /// The twin and its mask, as `data:` URLs of PNGs.
    package var twin: String
    package var mask: String
  }

  package struct Page: Codable, Sendable, Equatable {
    /// The parameters the twins were drawn with.
    package var parameters: [String: String]
    /// The parameters the set's smooth stage last ran with, if it has run.
    package var current: [String: String]?
    package var tiles: [Tile]
    package var milliseconds: Double
  }

  package var dataset: URL
  /// The sampled tiles: spread evenly over the set's tile lists, in their order.
  package let tiles: [URL]
  /// The first film's folder (or the dataset), whose manifest holds the smooth stage's record.
  private let firstUnit: URL

  package init(dataset: URL) throws {
    self.dataset = dataset
    let units = try FilmSet.tileUnits(of: dataset)
    firstUnit = units[0]
    let all = try units.flatMap { unit in
      try TileRecord.readAll(in: unit).map { unit.appendingPathComponent($0.file) }
    }
    guard !all.isEmpty else { throw StudioError.notFound("tiles of \(dataset.lastPathComponent)") }
    let count = min(Self.tileCount, all.count)
    tiles = (0..<count).map { all[$0 * all.count / count] }
  }

  /// The smooth stage's parameters as the set's manifest records them.
  package var current: [String: String]? {
    (try? DatasetManifest.load(from: firstUnit))?.stages[SmoothStage.name]?.parameters
  }

  /// Draws every sampled tile's twin and mask, a core per tile.
  package func draw(_ options: SmoothOptions, folders: StudioFolders) async throws -> Page {
    let start = ContinuousClock.now
    let smoothing = options.smoothing
    Image.setLibraryThreads(1)
    let drawn = try await tiles.concurrentMap(
      limit: ProcessInfo.processInfo.activeProcessorCount
    ) { file -> Tile in
      let image = try Image.readColour(file)
      let twin = try image.edgeSmoothed(smoothing).encoded(as: "png")
      let mask = try image.edgeMask(smoothing).encoded(as: "png")
      return Tile(
        tile: "/files/" + folders.link(to: file),
        twin: "data:image/png;base64," + twin.base64EncodedString(),
        mask: "data:image/png;base64," + mask.base64EncodedString())
    }
    return Page(
      parameters: options.parameters, current: current, tiles: drawn,
      milliseconds: (ContinuousClock.now - start) / .milliseconds(1))
  }
}
