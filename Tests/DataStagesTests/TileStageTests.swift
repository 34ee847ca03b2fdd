import CelCore
import DataStages
import Foundation
import Imaging
import TestSupport
import Testing

@Suite struct TileStageTests {
  /// A folder with one photo-like image per entry of `sizes` (BGR, 8-bit).
  func photoFolder(_ sizes: [(Int, Int)]) throws -> URL {
    let folder = try makeTemporaryDirectory()
    for (index, size) in sizes.enumerated() {
      let pixels = SyntheticFilm.draw(.scene(index + 1), width: size.0, height: size.1)
      try Image(pixels).write(to: folder.appendingPathComponent("photo\(index).png"))
    }
    return folder
  }

  func tile(
    _ input: URL?, dataset: URL, _ configure: (inout TileOptions) -> Void = { _ in }
  ) async throws -> (records: [TileRecord], record: StageRecord) {
    var options = try TileOptions.parse([])
    configure(&options)
    var stage = TileStage(dataset: dataset, input: input, options: options)
    stage.isQuiet = true
    let outcome = try await stage.run()
    return (
      try JSONLines.read(TileRecord.self, from: DatasetLayout(dataset).tileRecords), outcome.record
    )
  }

  @Test func cutsTheRectanglesTheLayoutGivesForTheSeed() async throws {
    let folder = try photoFolder([(900, 600)])
    let dataset = try makeTemporaryDirectory()
    let (records, _) = try await tile(folder, dataset: dataset) {
      $0.minEdges = 0
      $0.minDeviation = 0
    }
    var generator = SeededGenerator(seed: 42, item: "photo0")
    let expected = TileLayout(strategy: .regions, size: 256).rectangles(
      width: 900, height: 600, using: &generator)
    #expect(records.map(\.rect) == expected)
    #expect(records.map(\.file) == (0..<6).map { "tiles/photo0-\($0).png" })
    #expect(records.allSatisfy { $0.group == "photo0.png" })
    let source = try Image.read(folder.appendingPathComponent("photo0.png"))
    for record in records {
      let tile = try Image.read(dataset.appendingPathComponent(record.file)).pixels()
      #expect(tile.width == 256 && tile.height == 256)
      #expect(tile == (try source.cropped(to: record.rect).pixels()))
    }
  }

  @Test func scalesFirstAndSkipsFlatTiles() async throws {
    let folder = try makeTemporaryDirectory()
    var pixels = PixelBuffer(width: 1200, height: 800, filledWith: [200, 180, 160])
    pixels.fill(x: 0, y: 0, width: 600, height: 800, with: [10, 10, 10])
    for y in stride(from: 0, to: 800, by: 40) {
      for x in stride(from: 600, to: 1200, by: 40) where (x / 40 + y / 40) % 2 == 0 {
        pixels.fill(x: x, y: y, width: 40, height: 40, with: [20, 40, 60])
      }
    }
    try Image(pixels).write(to: folder.appendingPathComponent("half.png"))
    let (records, record) = try await tile(folder, dataset: try makeTemporaryDirectory()) {
      $0.strategy = .grid
      $0.scale = 0.5
    }
    #expect(
      records.allSatisfy { $0.scale == 0.5 && $0.rect.x + 256 <= 600 && $0.rect.y + 256 <= 400 })
    #expect(records.count == 1)  // 600×400 holds two tiles; the one on flat black is skipped
    #expect(record.counts["flat"] == 1)
  }

  @Test func smallGreyAlphaAndDeepImagesAreHandled() async throws {
    let folder = try makeTemporaryDirectory()
    let colour = SyntheticFilm.draw(.scene(3), width: 300, height: 300)
    try Image(colour).write(to: folder.appendingPathComponent("a-colour.png"))
    let grey = PixelBuffer(
      width: 300, height: 300, channels: 1, bytes: colour.greyLevels.map { UInt8($0) })
    try Image(grey).write(to: folder.appendingPathComponent("b-grey.png"))
    var bgra = [UInt8]()
    for index in 0..<(300 * 300) { bgra += colour.bytes[(index * 3)..<(index * 3 + 3)] + [255] }
    try Image(PixelBuffer(width: 300, height: 300, channels: 4, bytes: bgra)).write(
      to: folder.appendingPathComponent("c-alpha.png"))
    try DeepPNG.write(width: 300, height: 300, to: folder.appendingPathComponent("d-deep.png"))
    try Image(SyntheticFilm.draw(.scene(4), width: 200, height: 150)).write(
      to: folder.appendingPathComponent("e-small.png"))

    let dataset = try makeTemporaryDirectory()
    let (records, record) = try await tile(folder, dataset: dataset) {
      $0.strategy = .center
      $0.minEdges = 0
      $0.minDeviation = 0
    }
    #expect(
      records.map(\.source).map { ($0 as NSString).lastPathComponent } == [
        "a-colour.png", "b-grey.png", "c-alpha.png", "d-deep.png",
      ])
    #expect(record.counts["too-small"] == 1)
    for record in records {
      let tile = try Image.read(dataset.appendingPathComponent(record.file))
      #expect(tile.channels == 3 && tile.depth == 8 && tile.width == 256)
    }

    let (upscaled, _) = try await tile(folder, dataset: try makeTemporaryDirectory()) {
      $0.strategy = .center
      $0.minEdges = 0
      $0.minDeviation = 0
      $0.upscale = true
    }
    #expect(upscaled.count == 5)
  }

  @Test func aCorruptImageStopsTheRunOrIsCountedWhenAskedTo() async throws {
    let folder = try photoFolder([(400, 400)])
    let broken = folder.appendingPathComponent("broken.png")
    try Data("not a png".utf8).write(to: broken)
    let dataset = try makeTemporaryDirectory().appendingPathComponent("d")
    let error = await #expect(throws: CelError.self) { try await tile(folder, dataset: dataset) }
    #expect(error?.description == "\(broken.path): not an image OpenCV can decode")
    #expect(!FileManager.default.fileExists(atPath: DatasetLayout(dataset).tiles.path))

    let (records, record) = try await tile(folder, dataset: dataset) { $0.skipBadInputs = true }
    #expect(!records.isEmpty)
    #expect(record.counts["unreadable"] == 1)
    #expect(record.skipped == ["\(broken.path): not an image OpenCV can decode"])
  }

  @Test func framesOfAFilmKeepTheirShotAsGroup() async throws {
    let dataset = try makeTemporaryDirectory()
    var film = SyntheticFilm(width: 640, height: 360)
    for seed in 1...3 { film.show(.scene(seed), frames: 10) }
    let input = dataset.appendingPathComponent("film.mkv")
    try film.write(to: input)
    var extract = ExtractStage(
      input: input, dataset: dataset, options: try ExtractOptions.parse([]))
    extract.isQuiet = true
    _ = try await extract.run()
    let (records, _) = try await tile(nil, dataset: dataset) { $0.minEdges = 0 }
    #expect(Set(records.map(\.group)) == ["film.mkv#0", "film.mkv#1", "film.mkv#2"])
    #expect(records.allSatisfy { $0.source.hasPrefix("frames/film-") })
  }
}

/// A 16-bit RGB PNG, written by hand (OpenCV's bridge writes 8-bit only).
enum DeepPNG {
  static func write(width: Int, height: Int, to url: URL) throws {
    var raw = Data()
    for y in 0..<height {
      raw.append(0)  // filter: none
      for x in 0..<width {
        for channel in 0..<3 {
          let value = UInt16((x * 200 + y * 50 + channel * 9000) % 65536)
          raw.append(UInt8(value >> 8))
          raw.append(UInt8(value & 0xFF))
        }
      }
    }
    var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    var header = Data()
    header.append(contentsOf: bigEndian(UInt32(width)) + bigEndian(UInt32(height)))
    header.append(contentsOf: [16, 2, 0, 0, 0])
    png.append(chunk("IHDR", header))
    png.append(chunk("IDAT", storedZlib(raw)))
    png.append(chunk("IEND", Data()))
    try png.write(to: url)
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  static func chunk(_ type: String, _ body: Data) -> Data {
    var chunk = Data(bigEndian(UInt32(body.count)))
    let typed = Data(type.utf8) + body
    chunk.append(typed)
    chunk.append(contentsOf: bigEndian(crc32(typed)))
    return chunk
  }

  /// zlib stream of stored (uncompressed) blocks.
  static func storedZlib(_ data: Data) -> Data {
    var out = Data([0x78, 0x01])
    var offset = 0
    while offset < data.count {
      let count = min(65535, data.count - offset)
      out.append(offset + count == data.count ? 1 : 0)
      out.append(contentsOf: [
        UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF),
      ])
      out.append(data[offset..<(offset + count)])
      offset += count
    }
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in data {
      a = (a + UInt32(byte)) % 65521
      b = (b + a) % 65521
    }
    out.append(contentsOf: bigEndian(b << 16 | a))
    return out
  }

  static func crc32(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }
}
