/// Where tiles are cut from an image: the crop strategies of `cel-tile`, as pure geometry.
package enum TileStrategy: String, CaseIterable, Sendable {
  /// The image divided into a grid of regions, one random tile inside each region: the way
  /// the well-known anime sets were cut, so tiles spread over the whole frame.
  case regions
  /// Non-overlapping tiles in a grid centred on the image.
  case grid
  /// `count` tiles at uniformly random places.
  case random
  /// One tile from the centre (the caller first resizes the short side to the tile size).
  case center
}

/// The rectangles to cut from an image of a given size.
package struct TileLayout: Sendable, Equatable {
  package var strategy: TileStrategy
  package var size: Int
  /// Regions across and down, for `regions`.
  package var columns = 3
  package var rows = 2
  /// Tiles per image, for `random`.
  package var count = 6

  package init(strategy: TileStrategy, size: Int) {
    self.strategy = strategy
    self.size = size
  }

  /// Tile rectangles for an image `width`×`height`, in reading order; empty when the image
  /// is smaller than a tile. Random choices come from `generator`.
  package func rectangles(
    width: Int, height: Int, using generator: inout some RandomNumberGenerator
  ) -> [PixelRect] {
    guard width >= size, height >= size else { return [] }
    switch strategy {
    case .center:
      return [PixelRect(x: (width - size) / 2, y: (height - size) / 2, width: size, height: size)]
    case .grid:
      let across = width / size
      let down = height / size
      let left = (width - across * size) / 2
      let top = (height - down * size) / 2
      return (0..<down).flatMap { row in
        (0..<across).map { column in
          PixelRect(x: left + column * size, y: top + row * size, width: size, height: size)
        }
      }
    case .random:
      return (0..<count).map { _ in
        PixelRect(
          x: Int.random(in: 0...(width - size), using: &generator),
          y: Int.random(in: 0...(height - size), using: &generator), width: size, height: size)
      }
    case .regions:
      return (0..<rows).flatMap { row in
        (0..<columns).map { column in
          let x0 = column * width / columns
          let x1 = (column + 1) * width / columns
          let y0 = row * height / rows
          let y1 = (row + 1) * height / rows
          return PixelRect(
            x: place(from: x0, to: x1, limit: width, using: &generator),
            y: place(from: y0, to: y1, limit: height, using: &generator), width: size,
            height: size)
        }
      }
    }
  }

  /// A tile's start inside the region `from..<to` of an axis `limit` long: anywhere inside
  /// when the region holds a tile, else centred on the region and kept inside the image.
  private func place(
    from start: Int, to end: Int, limit: Int, using generator: inout some RandomNumberGenerator
  ) -> Int {
    if end - start >= size { return Int.random(in: start...(end - size), using: &generator) }
    return min(max(0, (start + end) / 2 - size / 2), limit - size)
  }
}
