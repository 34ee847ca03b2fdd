import CelCore
import DataStages
import Foundation
import TestSupport
import Testing

/// Sets of films made by `cel run` and `cel films`: films add up, run side by side, leave
/// only when told to, survive a bad film and a `kill -9`, and come out the same from a
/// Slurm job array.
@Suite(.serialized) struct FilmSetTests {
  static let pipeline = "Pipelines/film-to-dataset.yaml"

  /// Small films of their own content: four shots of 640×360, a key frame a second.
  static func makeFilms(_ names: [String], in folder: URL, seed: Int = 1) throws -> [URL] {
    try names.enumerated().map { index, name in
      let url = folder.appendingPathComponent(name)
      var film = SyntheticFilm(width: 640, height: 360, frameRate: 10)
      for shot in 0..<4 { film.show(.scene(seed * 100 + index * 10 + shot), frames: 20) }
      try film.write(to: url)
      return url
    }
  }

  func cel(_ arguments: [String]) throws -> Executable.Result {
    try Executable(name: "cel").run(arguments)
  }

  func run(_ inputs: [String], set: URL, extra: [String] = []) throws -> Executable.Result {
    try cel(
      ["run", Self.pipeline] + inputs.flatMap { ["--input", $0] } + ["--output", set.path] + extra)
  }

  /// Every regular file under `folder` by relative path, with its bytes.
  static func contents(of folder: URL, excluding excluded: Set<String> = []) throws -> [String:
    Data]
  {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let path = enumerator?.nextObject() as? String {
      if excluded.contains(where: { path.hasPrefix($0) }) { continue }
      let url = folder.appendingPathComponent(path)
      if FileIO.isFolder(url.path) == false { files[path] = try Data(contentsOf: url) }
    }
    return files
  }

  /// Every file and folder under `folder` by relative path, with its modification time;
  /// the reports, which say when they were made, left out.
  static func modificationTimes(in folder: URL) throws -> [String: Date] {
    var times: [String: Date] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    while let path = enumerator?.nextObject() as? String {
      if path.split(separator: "/").contains("report") { continue }
      let attributes = try FileManager.default.attributesOfItem(
        atPath: folder.appendingPathComponent(path).path)
      times[path] = attributes[.modificationDate] as? Date
    }
    return times
  }

  /// Running again with the same films and options writes nothing: tools that watch
  /// modification times (make, rsync, backups, a job array reading the set) see no change.
  @Test func aRunThatChangesNothingWritesNothing() throws {
    let folder = try makeTemporaryDirectory()
    let films = try Self.makeFilms(["ep01.mp4", "ep02.mp4"], in: folder)
    let set = folder.appendingPathComponent("set")
    let first = try run(films.map(\.path), set: set)
    #expect(first.status == 0, "\(first.errors)")
    let before = try Self.modificationTimes(in: set)
    #expect(before.keys.contains("films.json") && before.keys.contains("manifest.json"))
    usleep(50_000)  // past any file system's timestamp granularity
    let again = try run(films.map(\.path), set: set)
    #expect(again.status == 0, "\(again.errors)")
    let after = try Self.modificationTimes(in: set)
    let changed = after.keys.filter { after[$0] != before[$0] }.sorted()
    #expect(changed.isEmpty, "rewritten: \(changed)")
    #expect(after.count == before.count)
  }

  @Test func filmsAddUpRunAgainIsUpToDateAndRemovingIsExplicit() throws {
    let folder = try makeTemporaryDirectory()
    let films = try Self.makeFilms(["ep01.mp4", "ep02.mp4"], in: folder)
    let set = folder.appendingPathComponent("set")

    let first = try run([films[0].path], set: set)
    #expect(first.status == 0, "\(first.errors)")
    let before = try Self.contents(of: set.appendingPathComponent("films/ep01"))
    let trainBefore = try String(
      contentsOf: set.appendingPathComponent("splits/train.txt"), encoding: .utf8)

    // Another film alone adds it; the first film's files and split side stay as they were.
    let second = try run([films[1].path], set: set)
    #expect(second.status == 0, "\(second.errors)")
    #expect(second.output.contains("set: 2 films: ep01, ep02"))
    #expect(try Self.contents(of: set.appendingPathComponent("films/ep01")) == before)
    let trainAfter = try String(
      contentsOf: set.appendingPathComponent("splits/train.txt"), encoding: .utf8)
    let ep01Train = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("ep01-") }
    }
    #expect(ep01Train(trainAfter) == ep01Train(trainBefore))
    #expect(trainAfter.contains("ep02-"))

    // The same command again does nothing, film by film.
    let again = try run([films[1].path], set: set)
    #expect(again.status == 0)
    #expect(
      again.output.contains("film ep01 [")
        && again.output.contains("extract up to date, tile up to date"))
    #expect(
      again.output.contains("smooth: up to date") && again.output.contains("split: up to date"))

    // The same content under another path is the same film; another content under the
    // same name is another film.
    let copy = folder.appendingPathComponent("copy")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: films[0], to: copy.appendingPathComponent("ep01.mp4"))
    let other = try makeTemporaryDirectory("other")
    let namesake = try Self.makeFilms(["ep01.mp4"], in: other, seed: 7)[0]
    let third = try run([copy.appendingPathComponent("ep01.mp4").path, namesake.path], set: set)
    #expect(third.status == 0, "\(third.errors)")
    #expect(third.output.contains("already in the set: \(copy.path)/ep01.mp4 as film ep01"))
    let set3 = try FilmSet.load(from: set)
    #expect(set3.films.count == 3)
    #expect(set3.films[2].name.hasPrefix("ep01-") && set3.films[2].name.count == 13)

    // Removing is explicit, and the views lose the film.
    let removed = try cel(["films", "remove", set.path, "ep02"])
    #expect(removed.status == 0, "\(removed.errors)")
    #expect(try FilmSet.load(from: set).films.map(\.name) == ["ep01", set3.films[2].name])
    #expect(!FileManager.default.fileExists(atPath: set.appendingPathComponent("films/ep02").path))
    let views =
      try FileManager.default.contentsOfDirectory(
        atPath: set.appendingPathComponent("train/tiles").path)
      + FileManager.default.contentsOfDirectory(
        atPath: set.appendingPathComponent("val/tiles").path)
    #expect(!views.isEmpty && !views.contains { $0.hasPrefix("ep02-") })
    let unknown = try cel(["films", "remove", set.path, "ep09"])
    #expect(unknown.status != 0 && unknown.errors.contains("holds no film named 'ep09'"))

    // The report shows every film.
    let report = try cel(["report", set.path])
    #expect(report.status == 0, "\(report.errors)")
    let page = try String(
      contentsOf: set.appendingPathComponent("report/index.html"), encoding: .utf8)
    for film in try FilmSet.load(from: set).films { #expect(page.contains(film.name)) }
  }

  @Test func inputsComeAsFilesFoldersAndListsAndMistakesTakeOneLine() throws {
    let folder = try makeTemporaryDirectory()
    let films = folder.appendingPathComponent("films")
    try FileManager.default.createDirectory(at: films, withIntermediateDirectories: true)
    let made = try Self.makeFilms(["b.mkv", "a.mp4"], in: films)
    try Data("notes".utf8).write(to: films.appendingPathComponent("notes.txt"))
    let set = folder.appendingPathComponent("set")

    let added = try cel(["films", "add", set.path, "--input", films.path])
    #expect(added.status == 0, "\(added.errors)")
    #expect(try FilmSet.load(from: set).films.map(\.name) == ["a", "b"])
    #expect(added.output.contains("passed over 1 files that are not videos"))
    #expect(added.output.contains("--array=0-1"))

    let list = folder.appendingPathComponent("films.txt")
    try Data("# the season\nfilms/a.mp4\n\nfilms/missing.mkv  # gone\n".utf8).write(to: list)
    let missing = try cel(["films", "add", set.path, "--inputs", list.path])
    #expect(missing.status != 0)
    #expect(
      missing.errors
        == "Error: \(list.path):4: films/missing.mkv: no such film (a video file is expected)\n")

    let twice = try cel(["films", "add", set.path, "--input", made[0].path, "--input", films.path])
    #expect(twice.status != 0)
    #expect(twice.errors.hasPrefix("Error: \(made[0].path): given twice"))

    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let none = try cel(["films", "add", set.path, "--input", empty.path])
    #expect(none.status != 0 && none.errors.hasPrefix("Error: \(empty.path): holds no video files"))
    #expect(try FilmSet.load(from: set).films.count == 2)
  }

  @Test func aBadFilmIsNamedAndTheOthersAreComplete() throws {
    let folder = try makeTemporaryDirectory()
    let films = try Self.makeFilms(["good.mp4"], in: folder)
    let bad = folder.appendingPathComponent("bad.mp4")
    try Data(String(repeating: "not a film\n", count: 100).utf8).write(to: bad)
    let set = folder.appendingPathComponent("set")

    let result = try run([bad.path, films[0].path], set: set, extra: ["--jobs", "2"])
    #expect(result.status != 0)
    #expect(result.errors.contains("error: film bad failed: \(bad.path):"))
    #expect(result.errors.contains("1 of 2 films failed: bad; the others are complete and kept"))
    let manifest = try DatasetManifest.load(from: set.appendingPathComponent("films/good"))
    #expect(manifest.stages.keys.sorted() == ["extract", "smooth", "tile"])
    #expect(try DatasetManifest.load(from: set).stages["split"] != nil)
    let status = try cel(["films", "list", set.path])
    #expect(status.output.contains("bad\tfailed: \(bad.path):"))
  }

  @Test func aMovedFilmIsKeptAChangedOneIsRefusedAndOtherShapesAreNamed() throws {
    let folder = try makeTemporaryDirectory()
    let films = try Self.makeFilms(["kept.mp4", "changed.mp4"], in: folder)
    let set = folder.appendingPathComponent("set")
    #expect(try run(films.map(\.path), set: set).status == 0)
    let kept = try Self.contents(of: set.appendingPathComponent("films/kept"))

    // A film whose file has gone stays as it was made; one whose file now holds another
    // film is refused, by name, and the rest of the set is kept.
    try FileManager.default.removeItem(at: films[0])
    let other = try makeTemporaryDirectory("other")
    try FileManager.default.removeItem(at: films[1])
    try FileManager.default.moveItem(
      at: try Self.makeFilms(["changed.mp4"], in: other, seed: 5)[0], to: films[1])
    let again = try run([], set: set)
    #expect(again.status != 0)
    #expect(again.output.contains("film kept [") && again.output.contains("extract up to date"))
    #expect(
      again.errors.contains(
        "error: film changed failed: \(films[1].path): its content changed since it was added to the set as 'changed'"
      ))
    #expect(try Self.contents(of: set.appendingPathComponent("films/kept")) == kept)

    let unknown = try run([], set: set, extra: ["--film", "7"])
    #expect(unknown.status != 0)
    #expect(unknown.errors.contains("holds no film named '7' nor numbered so (0-1)"))

    // A dataset of another shape is not turned into a set.
    let single = folder.appendingPathComponent("single")
    #expect(
      try Executable(name: "cel-extract").run([
        "-i", OpenCVSamples.megamind.path, "-o", single.path, "-q",
      ]).status == 0)
    let refused = try run([films[1].path], set: single)
    #expect(refused.status != 0)
    #expect(
      refused.errors.hasPrefix("Error: \(single.path): holds a dataset that is not a set of films"))
    #expect(!FilmSet.exists(in: single))
  }

  @Test(.timeLimit(.minutes(5))) func killedMidwayThenRunAgainKeepsWhatFinished() throws {
    let folder = try makeTemporaryDirectory()
    let short = try Self.makeFilms(["short.mp4"], in: folder)[0]
    let long = folder.appendingPathComponent("long.mp4")
    var synthetic = SyntheticFilm(width: 640, height: 360, frameRate: 25)
    for index in 0..<300 { synthetic.show(.shifted(index / 25 + 1, index % 25 * 8), frames: 1) }
    try synthetic.write(to: long) { $0.keyframeInterval = 1 }
    let set = folder.appendingPathComponent("set")
    #expect(try run([short.path], set: set).status == 0)
    let shortFiles = try Self.contents(of: set.appendingPathComponent("films/short"))

    let (process, _, _) = try Executable(name: "cel").start(
      ["run", Self.pipeline, "--input", long.path, "--output", set.path, "-q"])
    let staging = set.appendingPathComponent("films/long/.frames.partial")
    var finished: [String] = []
    for _ in 0..<20_000 where process.isRunning {
      finished = ((try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? [])
        .filter { !$0.hasPrefix(".") }
      if finished.count >= 5 { break }
      usleep(1000)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(finished.count >= 5)
    #expect(
      !FileManager.default.fileExists(atPath: set.appendingPathComponent("films/long/frames").path))

    let rerun = try run([], set: set)
    #expect(rerun.status == 0, "\(rerun.errors)")
    #expect(
      rerun.output.contains("film short [")
        && rerun.output.contains("extract up to date, tile up to date"))
    #expect(try Self.contents(of: set.appendingPathComponent("films/short")) == shortFiles)
    let records = try DatasetManifest.load(from: set.appendingPathComponent("films/long"))
    let counts = try #require(records.stages["extract"]?.counts)
    #expect((counts["resumed"] ?? 0) >= 5)
    let frames = try FileManager.default.contentsOfDirectory(
      atPath: set.appendingPathComponent("films/long/frames").path)
    #expect(frames.count == counts["kept"] && frames.allSatisfy { !$0.hasPrefix(".") })
    #expect(try FilmSet.load(from: set).films.map(\.name) == ["short", "long"])
  }

  @Test(.timeLimit(.minutes(5))) func aSlurmJobArrayMakesTheSetALocalRunMakes() throws {
    let folder = try makeTemporaryDirectory()
    let films = try Self.makeFilms(["ep1.mp4", "ep2.mp4", "ep3.mp4"], in: folder)
    let local = folder.appendingPathComponent("local")
    let result = try run(films.map(\.path), set: local, extra: ["-q"])
    #expect(result.status == 0, "\(result.errors)")

    let cluster = try SlurmCluster()
    defer { cluster.stop() }
    let onCluster = folder.appendingPathComponent("cluster")
    let path =
      Executable.productsFolder.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
    let submitted = try cluster.output(
      Executable.packageRoot.appendingPathComponent("Scripts/slurm/submit-films").path,
      [Self.pipeline, onCluster.path] + films.map(\.path), environment: ["PATH": path])
    #expect(submitted.contains("(3 films)"))
    try cluster.waitForJobs(timeout: 240)

    let logs = try Self.contents(of: onCluster.appendingPathComponent("slurm-logs"))
    #expect(logs.keys.sorted() == ["combine.out", "film-0.out", "film-1.out", "film-2.out"])
    let expected = try Self.contents(of: local)
    let made = try Self.contents(of: onCluster, excluding: ["slurm-logs"])
    #expect(made.keys.sorted() == expected.keys.sorted(), "\(logs)")
    #expect(made.keys.filter { made[$0] != expected[$0] }.isEmpty)
    #expect(made.keys.contains("films/ep3/frames.jsonl") && made.keys.contains("splits/val.txt"))
  }
}
