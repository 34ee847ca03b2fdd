import CelCore

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
}
