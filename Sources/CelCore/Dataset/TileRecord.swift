import Foundation

/// One line of `tiles.jsonl`: a tile and where it was cut from.
package struct TileRecord: Codable, Sendable, Equatable {
  /// Path relative to the dataset: `tiles/NAME`.
  package var file: String
  /// The image it was cut from: `frames/NAME` inside the dataset, or the path given.
  package var source: String
  /// The tile's rectangle in the source after scaling by `scale`.
  package var rect: PixelRect
  package var scale: Double
  /// Tiles of one group always land on the same side of the split: a film's shot
  /// (`film.mkv#12`), or a photo's own name.
  package var group: String

  package init(file: String, source: String, rect: PixelRect, scale: Double, group: String) {
    self.file = file
    self.source = source
    self.rect = rect
    self.scale = scale
    self.group = group
  }
}

extension TileRecord {
  /// The records of `dataset`'s `tiles.jsonl`, each tile checked to be on disk.
  package static func readAll(in dataset: URL) throws -> [TileRecord] {
    let layout = DatasetLayout(dataset)
    guard FileManager.default.fileExists(atPath: layout.tileRecords.path) else {
      try CelError.requireDirectory(dataset.path)
      throw CelError.invalidInput(dataset.path, reason: "has no tiles.jsonl: run cel-tile first")
    }
    let tiles = try JSONLines.read(TileRecord.self, from: layout.tileRecords)
    for tile in tiles where FileIO.fileSize(dataset.appendingPathComponent(tile.file)) == nil {
      throw CelError.invalidInput(
        dataset.appendingPathComponent(tile.file).path, reason: "missing (listed in tiles.jsonl)")
    }
    return tiles
  }
}
