import CelCore
import Testing

@Suite struct TileLayoutTests {
  func rectangles(_ strategy: TileStrategy, width: Int, height: Int, seed: UInt64 = 42)
    -> [PixelRect]
  {
    var generator = SeededGenerator(seed: seed, item: "frame")
    return TileLayout(strategy: strategy, size: 256).rectangles(
      width: width, height: height, using: &generator)
  }

  @Test func regionsPutOneTileInsideEachRegion() {
    let tiles = rectangles(.regions, width: 1920, height: 1080)
    #expect(tiles.count == 6)
    for (index, tile) in tiles.enumerated() {
      let column = index % 3
      let row = index / 3
      #expect(tile.x >= column * 640 && tile.x + 256 <= (column + 1) * 640)
      #expect(tile.y >= row * 540 && tile.y + 256 <= (row + 1) * 540)
    }
    #expect(tiles == rectangles(.regions, width: 1920, height: 1080))  // same seed, same tiles
    #expect(tiles != rectangles(.regions, width: 1920, height: 1080, seed: 7))
  }

  @Test func regionsSmallerThanATileAreCentredAndKeptInside() {
    let tiles = rectangles(.regions, width: 640, height: 272)
    #expect(tiles.count == 6)
    #expect(tiles.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x + 256 <= 640 && $0.y + 256 <= 272 })
    // Regions 0..<213 and 213..<426 across: centres 106 and 319; the last clamped inside.
    #expect(tiles[0] == PixelRect(x: 0, y: 0, width: 256, height: 256))
    #expect(tiles[1] == PixelRect(x: 191, y: 0, width: 256, height: 256))
    #expect(tiles[5] == PixelRect(x: 384, y: 16, width: 256, height: 256))
  }

  @Test func gridTilesDoNotOverlapAndAreCentred() {
    let tiles = rectangles(.grid, width: 1000, height: 600)
    #expect(
      tiles == [
        PixelRect(x: 116, y: 44, width: 256, height: 256),
        PixelRect(x: 372, y: 44, width: 256, height: 256),
        PixelRect(x: 628, y: 44, width: 256, height: 256),
        PixelRect(x: 116, y: 300, width: 256, height: 256),
        PixelRect(x: 372, y: 300, width: 256, height: 256),
        PixelRect(x: 628, y: 300, width: 256, height: 256),
      ])
  }

  @Test func centerAndRandom() {
    #expect(
      rectangles(.center, width: 456, height: 256) == [
        PixelRect(x: 100, y: 0, width: 256, height: 256)
      ])
    let random = rectangles(.random, width: 800, height: 600)
    #expect(random.count == 6)
    #expect(random.allSatisfy { $0.x + 256 <= 800 && $0.y + 256 <= 600 })
    #expect(Set(random.map(\.x)).count > 1)
  }

  @Test func imagesSmallerThanATileGiveNone() {
    #expect(rectangles(.regions, width: 255, height: 1000).isEmpty)
    #expect(rectangles(.center, width: 300, height: 200).isEmpty)
  }
}
