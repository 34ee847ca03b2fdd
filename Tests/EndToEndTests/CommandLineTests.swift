import CelCore
import DataStages
import Foundation
import TestSupport
import Testing

@Suite struct CommandLineTests {
  @Test(arguments: [
    ("cel-extract", ["--help"], "cel-extract-help.txt"),
    ("cel", ["run", "--help"], "cel-run-help.txt"),
  ])
  func helpMatchesItsSnapshot(name: String, arguments: [String], snapshot: String) throws {
    let result = try Executable(name: name).run(arguments)
    #expect(result.status == 0)
    #expect(try matchesSnapshot(result.output, named: snapshot), "\(result.output)")
  }

  @Test func theReadmeCommandMakesTheSampleDatasetAndSkipsWhenCurrent() throws {
    let dataset = try makeTemporaryDirectory().appendingPathComponent("sample")
    let arguments = [
      "run", "Pipelines/film-to-dataset.yaml", "--input", "Samples/sample.mp4", "--output",
      dataset.path,
    ]
    let first = try Executable(name: "cel").run(arguments)
    #expect(first.status == 0, "\(first.errors)")
    // The film's stages are recorded in its folder, the set's in the set's.
    let film = dataset.appendingPathComponent("films/sample")
    let manifest = try String(
      contentsOf: film.appendingPathComponent("manifest.json"), encoding: .utf8)
    #expect(try matchesSnapshot(manifest, named: "sample-manifest.json"), "\(manifest)")
    let records = try JSONLines.read(FrameRecord.self, from: DatasetLayout(film).frameRecords)
    #expect(records.count == 10)
    #expect(try DatasetManifest.load(from: dataset).stages.keys.sorted() == ["split"])

    let second = try Executable(name: "cel").run(arguments)
    #expect(second.output.contains("film sample [1/1"))
    #expect(second.output.contains("extract up to date, tile up to date"))
  }

  @Test func badInputExitsNonZeroWithOneLine() throws {
    let folder = try makeTemporaryDirectory()
    let missing = folder.appendingPathComponent("film.mkv").path
    let result = try Executable(name: "cel-extract").run([
      "-i", missing, "-o", folder.appendingPathComponent("d").path,
    ])
    #expect(result.status != 0)
    #expect(result.errors == "Error: \(missing): no such file or folder\n")

    let pipeline = folder.appendingPathComponent("typo.yaml")
    try Data("stages:\n  - extract:\n      mod: scenes\n".utf8).write(to: pipeline)
    let typo = try Executable(name: "cel").run([
      "run", pipeline.path, "-i", "Samples/sample.mp4", "-o",
      folder.appendingPathComponent("d").path,
    ])
    #expect(typo.status != 0)
    #expect(typo.errors.hasPrefix("Error: \(pipeline.path):3: stage 'extract', key 'mod'"))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("d").path))
  }

  @Test(.timeLimit(.minutes(5))) func killedMidwayThenRunAgainFinishesWithoutRedoingFrames()
    throws
  {
    let folder = try makeTemporaryDirectory()
    let film = folder.appendingPathComponent("long.mp4")
    var synthetic = SyntheticFilm(width: 640, height: 360, frameRate: 25)
    for index in 0..<400 { synthetic.show(.shifted(index / 25 + 1, index % 25 * 8), frames: 1) }
    try synthetic.write(to: film) { $0.keyframeInterval = 1 }
    let dataset = folder.appendingPathComponent("d")
    let arguments = [
      "-i", film.path, "-o", dataset.path, "--duplicate-distance", "0", "--quality", "9", "-q",
    ]

    let (process, _, _) = try Executable(name: "cel-extract").start(arguments)
    let staging = dataset.appendingPathComponent(".frames.partial")
    var finished: [String] = []
    // Polled on this thread, not with Task.sleep: other tests keep the shared task threads
    // busy, and a starved poll would only look after the run had finished.
    for _ in 0..<20_000 where process.isRunning {
      finished = ((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []).filter
      { !$0.hasPrefix(".") }
      if finished.count >= 5 { break }
      usleep(1000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(finished.count >= 5)
    #expect(!FileManager.default.fileExists(atPath: dataset.appendingPathComponent("frames").path))
    #expect(
      !FileManager.default.fileExists(atPath: dataset.appendingPathComponent("manifest.json").path))

    let rerun = try Executable(name: "cel-extract").run(arguments)
    #expect(rerun.status == 0, "\(rerun.errors)")
    let manifest = try DatasetManifest.load(from: dataset)
    let counts = try #require(manifest.stages["extract"]?.counts)
    #expect(counts["kept"] == 400)
    #expect((counts["resumed"] ?? 0) >= 5)
    let names = try FileManager.default.contentsOfDirectory(
      atPath: dataset.appendingPathComponent("frames").path)
    #expect(names.count == 400)
    #expect(names.allSatisfy { !$0.hasPrefix(".") })
  }
}
