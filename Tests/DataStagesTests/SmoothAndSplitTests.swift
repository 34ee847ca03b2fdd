import CelCore
import DataStages
import Foundation
import Imaging
import TestSupport
import Testing

@Suite struct SmoothAndSplitTests {
  func smooth(_ dataset: URL, _ arguments: [String] = []) async throws -> StageOutcome {
    var stage = SmoothStage(dataset: dataset, options: try SmoothOptions.parse(arguments))
    stage.isQuiet = true
    return try await stage.run()
  }

  func split(_ dataset: URL, _ arguments: [String] = []) async throws -> StageOutcome {
    try await SplitStage(dataset: dataset, options: try SplitOptions.parse(arguments).settings)
      .run()
  }

  func names(_ folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  func inode(_ url: URL) throws -> UInt64 {
    (try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64) ?? 0
  }

  @Test func smoothingWritesATwinPerTileAndRegeneratesInPlace() async throws {
    let dataset = try await makeTiledDataset(groups: 3)
    let layout = DatasetLayout(dataset)
    _ = try await smooth(dataset)
    #expect(try names(layout.smooth) == names(layout.tiles))
    let tileInode = try inode(layout.tiles.appendingPathComponent(try names(layout.tiles)[0]))
    let before = try Data(
      contentsOf: layout.smooth.appendingPathComponent(try names(layout.smooth)[0]))

    guard case .upToDate = try await smooth(dataset) else {
      Issue.record("re-ran unchanged")
      return
    }
    guard case .ran = try await smooth(dataset, ["--canny", "20,40", "--dilation", "9"]) else {
      Issue.record("did not regenerate")
      return
    }
    let after = try Data(
      contentsOf: layout.smooth.appendingPathComponent(try names(layout.smooth)[0]))
    #expect(before != after)
    #expect(try inode(layout.tiles.appendingPathComponent(try names(layout.tiles)[0])) == tileInode)
    let parameters = try DatasetManifest.load(from: dataset).stages["smooth"]?.parameters
    #expect(parameters?["canny"] == "20.0,40.0")
  }

  @Test func aMissingTileIsNamed() async throws {
    let dataset = try await makeTiledDataset(groups: 1)
    let tile = DatasetLayout(dataset).tiles.appendingPathComponent(
      try names(DatasetLayout(dataset).tiles)[0])
    try FileManager.default.removeItem(at: tile)
    let error = await #expect(throws: CelError.self) { try await smooth(dataset) }
    #expect(error?.description == "\(tile.path): missing (listed in tiles.jsonl)")
  }

  @Test func splitKeepsEachGroupOnOneSideWithLinkedTwins() async throws {
    let dataset = try await makeTiledDataset(groups: 20)
    let layout = DatasetLayout(dataset)
    _ = try await smooth(dataset)
    let outcome = try await split(dataset, ["--val", "0.3", "--seed", "7"])
    let records = try JSONLines.read(TileRecord.self, from: layout.tileRecords)
    let train = Set(
      try String(contentsOf: layout.splits.appendingPathComponent("train.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init))
    let val = Set(
      try String(contentsOf: layout.splits.appendingPathComponent("val.txt"), encoding: .utf8)
        .split(separator: "\n").map(String.init))
    #expect(train.count + val.count == records.count && train.isDisjoint(with: val))
    #expect(!val.isEmpty && !train.isEmpty)
    let sides = Dictionary(grouping: records) { $0.group }.mapValues { tiles in
      Set(tiles.map { val.contains(($0.file as NSString).lastPathComponent) })
    }
    #expect(sides.values.allSatisfy { $0.count == 1 })  // no group on both sides
    #expect(try Set(names(layout.val.appendingPathComponent("tiles"))) == val)
    #expect(try Set(names(layout.train.appendingPathComponent("smooth"))) == train)
    for name in val {
      #expect(
        try inode(layout.val.appendingPathComponent("smooth/\(name)"))
          == inode(layout.smooth.appendingPathComponent(name)))
    }
    #expect(outcome.record.counts["val-tiles"] == val.count)
    #expect(outcome.summary.contains("% of tiles in val"))
  }

  @Test func addingAFilmKeepsTheFirstFilmsAssignments() async throws {
    let dataset = try await makeTiledDataset(groups: 12, prefix: "a")
    _ = try await split(dataset)
    let before = try String(
      contentsOf: DatasetLayout(dataset).splits.appendingPathComponent("val.txt"), encoding: .utf8)

    // The same tiles plus a second set's: re-tile a folder holding both.
    let both = try makeTemporaryDirectory()
    let first = try FileIO.files(in: DatasetLayout(dataset).tiles, extensions: ["png"])
    let grown = try await makeTiledDataset(groups: 12, prefix: "b", into: both)
    var records = try JSONLines.read(TileRecord.self, from: DatasetLayout(dataset).tileRecords)
    records += try JSONLines.read(TileRecord.self, from: DatasetLayout(grown).tileRecords)
    for file in first {
      try FileManager.default.copyItem(
        at: file, to: DatasetLayout(grown).tiles.appendingPathComponent(file.lastPathComponent))
    }
    try JSONLines.write(records, to: DatasetLayout(grown).tileRecords)
    _ = try await split(grown)
    let after = try String(
      contentsOf: DatasetLayout(grown).splits.appendingPathComponent("val.txt"), encoding: .utf8)
    let firstFilmAfter = after.split(separator: "\n").filter { $0.hasPrefix("a") }.joined(
      separator: "\n")
    #expect(firstFilmAfter == before.split(separator: "\n").joined(separator: "\n"))
  }

  @Test func aMissingTwinIsNamedAndNothingIsSplit() async throws {
    let dataset = try await makeTiledDataset(groups: 2)
    let layout = DatasetLayout(dataset)
    _ = try await smooth(dataset)
    let name = try names(layout.smooth)[0]
    try FileManager.default.removeItem(at: layout.smooth.appendingPathComponent(name))
    let error = await #expect(throws: CelError.self) { try await split(dataset) }
    #expect(
      error?.description.hasPrefix("\(layout.smooth.appendingPathComponent(name).path): missing")
        == true)
    #expect(!FileManager.default.fileExists(atPath: layout.train.path))
  }

  @Test func badFractionsAreRefused() {
    #expect(throws: (any Error).self) { try SplitOptions.parse(["--val", "1.5"]) }
    #expect(throws: (any Error).self) { try SplitOptions.parse(["--val", "-0.1"]) }
    #expect(throws: (any Error).self) { try SmoothOptions.parse(["--canny", "200,100"]) }
    #expect(throws: (any Error).self) { try SmoothOptions.parse(["--gaussian", "4"]) }
  }

  @Test func exportWritesTheCartoonGanTensorflowLayout() async throws {
    let style = try await makeTiledDataset(groups: 10, prefix: "s")
    _ = try await smooth(style)
    let photos = try await makeTiledDataset(groups: 10, prefix: "p")
    _ = try await split(photos, ["--val", "0.3"])
    let export = try makeTemporaryDirectory().appendingPathComponent("realworld2cartoon")
    _ = try await split(style, ["--export", export.path, "--photos", photos.path])
    let styleTrain = try String(
      contentsOf: DatasetLayout(style).splits.appendingPathComponent("train.txt"), encoding: .utf8
    ).split(separator: "\n").map(String.init)
    #expect(try names(export) == ["testA", "trainA", "trainB", "trainB_smooth"])
    #expect(try names(export.appendingPathComponent("trainB")) == styleTrain.sorted())
    #expect(try names(export.appendingPathComponent("trainB_smooth")) == styleTrain.sorted())
    let photoVal = try String(
      contentsOf: DatasetLayout(photos).splits.appendingPathComponent("val.txt"), encoding: .utf8
    ).split(separator: "\n").map(String.init)
    #expect(try names(export.appendingPathComponent("testA")) == photoVal.sorted())
  }
}
