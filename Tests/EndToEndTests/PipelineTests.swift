import CelCore
import DataStages
import Foundation
import TestSupport
import Testing

/// The whole film-to-dataset pipeline on the real clip, then a regeneration of the twins.
@Suite(.serialized) struct FilmPipelineTests {
  func run(_ pipeline: String, dataset: URL) throws -> Executable.Result {
    let result = try Executable(name: "cel").run(
      ["run", pipeline, "--input", OpenCVSamples.megamind.path, "--output", dataset.path, "-q"])
    #expect(result.status == 0, "\(result.errors)")
    return result
  }

  func inode(_ url: URL) throws -> UInt64 {
    (try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64) ?? 0
  }

  @Test func megamindBecomesATrainingSetAndResmoothingRedoesOnlyTheTwins() throws {
    let dataset = try makeTemporaryDirectory().appendingPathComponent("megamind")
    let film = dataset.appendingPathComponent("films/Megamind")
    let layout = DatasetLayout(film)
    let views = DatasetLayout(dataset)
    _ = try run("Pipelines/film-to-dataset.yaml", dataset: dataset)
    let manifest = try DatasetManifest.load(from: film)
    #expect(manifest.stages.keys.sorted() == ["extract", "smooth", "tile"])
    #expect(try DatasetManifest.load(from: dataset).stages["split"] != nil)
    let tiles = try JSONLines.read(TileRecord.self, from: layout.tileRecords)
    #expect(tiles.count >= 6)
    let smoothNames = try FileManager.default.contentsOfDirectory(atPath: layout.smooth.path)
      .sorted()
    #expect(smoothNames == tiles.map { ($0.file as NSString).lastPathComponent }.sorted())
    let train = try FileManager.default.contentsOfDirectory(
      atPath: views.train.appendingPathComponent("tiles").path)
    let val = try FileManager.default.contentsOfDirectory(
      atPath: views.val.appendingPathComponent("tiles").path)
    #expect(train.count + val.count == tiles.count)
    let frameMtime =
      try FileManager.default.attributesOfItem(atPath: layout.frames.path)[.modificationDate]
      as? Date
    let tileInode = try inode(layout.tiles.appendingPathComponent(smoothNames[0]))
    let oldTwin = try Data(contentsOf: layout.smooth.appendingPathComponent(smoothNames[0]))

    _ = try run("Pipelines/resmooth.yaml", dataset: dataset)
    let after = try DatasetManifest.load(from: film)
    #expect(after.stages["extract"] == manifest.stages["extract"])
    #expect(after.stages["tile"] == manifest.stages["tile"])
    #expect(after.stages["smooth"]?.parameters["canny"] == "80.0,160.0")
    #expect(
      try FileManager.default.attributesOfItem(atPath: layout.frames.path)[.modificationDate]
        as? Date == frameMtime)
    #expect(try inode(layout.tiles.appendingPathComponent(smoothNames[0])) == tileInode)
    let newTwin = try Data(contentsOf: layout.smooth.appendingPathComponent(smoothNames[0]))
    #expect(newTwin != oldTwin)
    // The views follow the new twins.
    let side = train.contains(smoothNames[0]) ? views.train : views.val
    #expect(
      try inode(side.appendingPathComponent("smooth/\(smoothNames[0])"))
        == inode(layout.smooth.appendingPathComponent(smoothNames[0])))
  }

  @Test func photosBecomeAPhotoSet() throws {
    let photos = try makeTemporaryDirectory()
    for name in [
      "baboon.jpg", "fruits.jpg", "building.jpg", "lena.jpg", "messi5.jpg", "orange.jpg",
    ] {
      let source = OpenCVSamples.folder.appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: source.path) {
        try FileManager.default.copyItem(at: source, to: photos.appendingPathComponent(name))
      }
    }
    let dataset = try makeTemporaryDirectory().appendingPathComponent("photos")
    let result = try Executable(name: "cel").run(
      [
        "run", "Pipelines/photos-to-dataset.yaml", "--input", photos.path, "--output", dataset.path,
        "-q",
      ])
    #expect(result.status == 0, "\(result.errors)")
    let tiles = try JSONLines.read(TileRecord.self, from: DatasetLayout(dataset).tileRecords)
    #expect(tiles.count >= 10)
    #expect(!FileManager.default.fileExists(atPath: DatasetLayout(dataset).smooth.path))
    #expect(
      FileManager.default.fileExists(
        atPath: DatasetLayout(dataset).train.appendingPathComponent("tiles").path))
  }
}
