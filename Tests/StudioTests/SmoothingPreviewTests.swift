import CelCore
import DataStages
import Foundation
import Imaging
import Studio
import TestSupport
import Testing

@Suite struct SmoothingPreviewTests {
  /// A dataset of 16 tiles from synthetic scenes, smoothed as `cel-smooth` does.
  func smoothedDataset() async throws -> URL {
    let dataset = try await makeTiledDataset(
      groups: 8, into: try makeTemporaryDirectory().appendingPathComponent("set"))
    var smooth = SmoothStage(dataset: dataset, options: try SmoothOptions.parse([]))
    smooth.isQuiet = true
    _ = try await smooth.run()
    return dataset
  }

  func pixels(ofDataURL url: String) throws -> PixelBuffer {
    let prefix = "data:image/png;base64,"
    #expect(url.hasPrefix(prefix))
    let file = try makeTemporaryDirectory().appendingPathComponent("drawn.png")
    try #require(Data(base64Encoded: String(url.dropFirst(prefix.count)))).write(to: file)
    return try Image.read(file).pixels()
  }

  @Test func twinsAreCelSmoothsAndMasksMarkWhatItReplaced() async throws {
    let dataset = try await smoothedDataset()
    let folders = try StudioFolders([dataset.deletingLastPathComponent()])
    let preview = try SmoothingPreview(dataset: dataset)
    #expect(preview.tiles.count == 12)
    let page = try await preview.draw(try SmoothOptions.parse([]), folders: folders)
    #expect(page.current == ["canny": "100.0,200.0", "dilation": "5", "gaussian": "5"])
    #expect(page.parameters == page.current)
    for (file, drawn) in zip(preview.tiles, page.tiles) {
      #expect(drawn.tile == "/files/" + (folders.name(of: file) ?? "?"))
      let stored = dataset.appendingPathComponent("smooth").appendingPathComponent(
        file.lastPathComponent)
      let twin = try pixels(ofDataURL: drawn.twin)
      #expect(twin == (try Image.read(stored).pixels()))
      let mask = try pixels(ofDataURL: drawn.mask)
      let tile = try Image.read(file).pixels()
      #expect(mask.channels == 1 && mask.bytes.allSatisfy { $0 == 0 || $0 == 255 })
      // Away from the mask the twin is the tile; under it, some pixels changed.
      var changedUnderMask = 0
      for index in 0..<(mask.width * mask.height) {
        let (x, y) = (index % mask.width, index / mask.width)
        for channel in 0..<3 {
          let offset = y * tile.bytesPerRow + x * 3 + channel
          if mask.bytes[y * mask.bytesPerRow + x] == 0 {
            #expect(twin.bytes[offset] == tile.bytes[offset])
          } else if twin.bytes[offset] != tile.bytes[offset] {
            changedUnderMask += 1
          }
        }
      }
      #expect(changedUnderMask > 0 || !mask.bytes.contains(255))
    }
    // Other parameters draw other twins: a wider dilation marks more, thresholds above any
    // gradient mark nothing and keep every tile as it is.
    let edges = { (page: SmoothingPreview.Page) in
      try page.tiles.map { try pixels(ofDataURL: $0.mask).bytes.filter { $0 == 255 }.count }
        .reduce(0, +)
    }
    let wider = try await preview.draw(
      try SmoothOptions.parse(["--dilation", "9"]), folders: folders)
    #expect(try edges(wider) > edges(page))
    #expect(wider.parameters["dilation"] == "9")
    let none = try await preview.draw(
      try SmoothOptions.parse(["--canny", "5000,6000"]), folders: folders)
    #expect(try edges(none) == 0)
    for (file, drawn) in zip(preview.tiles, none.tiles) {
      #expect(try pixels(ofDataURL: drawn.twin) == (try Image.read(file).pixels()))
    }
  }
}
