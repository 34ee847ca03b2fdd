import CelCore
import DataStages
import Foundation
import TestSupport
import Testing

@Suite struct BadInputTests {
  func stage(input: URL, dataset: URL) throws -> ExtractStage {
    var stage = ExtractStage(input: input, dataset: dataset, options: try ExtractOptions.parse([]))
    stage.isQuiet = true
    return stage
  }

  /// The error, as one line, and a check that the dataset folder was not created.
  func failure(input: URL, dataset: URL? = nil) async throws -> String {
    let folder = try makeTemporaryDirectory()
    let target = dataset ?? folder.appendingPathComponent("dataset")
    do {
      _ = try await stage(input: input, dataset: target).run()
      Issue.record("no error for \(input.path)")
      return ""
    } catch {
      #expect(
        !FileManager.default.fileExists(atPath: folder.appendingPathComponent("dataset").path))
      let text = "\(error)"
      #expect(!text.contains("\n"))
      return text
    }
  }

  @Test func missingFileAndFolderAreNamed() async throws {
    let folder = try makeTemporaryDirectory()
    let missing = folder.appendingPathComponent("nope.mkv")
    #expect(try await failure(input: missing) == "\(missing.path): no such file or folder")
    #expect(try await failure(input: folder) == "\(folder.path): is a folder, expected a file")
  }

  @Test func emptyTextAndTruncatedFilesAreNamed() async throws {
    let folder = try makeTemporaryDirectory()
    let empty = folder.appendingPathComponent("empty.mp4")
    try Data().write(to: empty)
    let text = folder.appendingPathComponent("film.mkv")
    try Data("hello".utf8).write(to: text)
    var film = SyntheticFilm()
    film.show(.scene(1), frames: 30)
    let whole = folder.appendingPathComponent("whole.mp4")
    try film.write(to: whole)
    let truncated = folder.appendingPathComponent("truncated.mp4")
    let bytes = try Data(contentsOf: whole)
    try bytes.prefix(bytes.count / 2).write(to: truncated)  // the index (moov) is at the end

    for url in [empty, text, truncated] {
      let message = try await failure(input: url)
      #expect(message.hasPrefix("\(url.path): "), "\(message)")
    }
  }

  @Test func aTruncatedStreamKeepsWhatItHasAndWarns() async throws {
    let folder = try makeTemporaryDirectory()
    var film = SyntheticFilm()
    for seed in 1...6 { film.show(.scene(seed), frames: 10) }
    let whole = folder.appendingPathComponent("whole.mkv")
    try film.write(to: whole)
    let cut = folder.appendingPathComponent("cut.mkv")
    let bytes = try Data(contentsOf: whole)
    try bytes.prefix(bytes.count * 6 / 10).write(to: cut)
    let outcome = try await stage(input: cut, dataset: folder.appendingPathComponent("d")).run()
    let kept = outcome.record.counts["kept"] ?? 0
    #expect(kept >= 2 && kept < 6)
  }

  @Test func anUnwritableOutputIsNamedAndNothingIsWritten() async throws {
    let folder = try makeTemporaryDirectory()
    var film = SyntheticFilm()
    film.show(.scene(1), frames: 10)
    let input = folder.appendingPathComponent("film.mkv")
    try film.write(to: input)
    let blocker = folder.appendingPathComponent("file")
    try Data("x".utf8).write(to: blocker)
    let dataset = blocker.appendingPathComponent("dataset")
    let message = try await failure(input: input, dataset: dataset)
    #expect(message.hasPrefix("\(dataset.path): cannot write"), "\(message)")
  }

  @Test func invalidOptionsAreRejectedBeforeAnyWork() throws {
    #expect(throws: (any Error).self) { try ExtractOptions.parse(["--interval", "0"]) }
    #expect(throws: (any Error).self) { try ExtractOptions.parse(["--start", "5", "--end", "2"]) }
    #expect(throws: (any Error).self) {
      try ExtractOptions.parse(["--format", "png", "--quality", "50"])
    }
    #expect(throws: (any Error).self) { try ExtractOptions.parse(["--mode", "everything"]) }
  }
}
