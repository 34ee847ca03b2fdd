import CelCore
import DataStages
import Foundation
import Imaging
import TestSupport
import Testing
import Video

@Suite struct ExtractStageTests {
  /// Runs the extract stage on `film` and returns the records and the manifest counts.
  func extract(
    _ film: SyntheticFilm, options configure: (inout ExtractOptions) -> Void = { _ in },
    name: String = "film.mkv", encoder: (inout VideoEncoder.Settings) -> Void = { _ in }
  ) async throws -> (records: [FrameRecord], counts: [String: Int], dataset: URL) {
    let folder = try makeTemporaryDirectory()
    let input = folder.appendingPathComponent(name)
    try film.write(to: input, configure: encoder)
    var options = try ExtractOptions.parse([])
    configure(&options)
    var stage = ExtractStage(
      input: input, dataset: folder.appendingPathComponent("dataset"), options: options)
    stage.isQuiet = true
    let outcome = try await stage.run()
    return (
      try JSONLines.read(FrameRecord.self, from: DatasetLayout(stage.dataset).frameRecords),
      outcome.record.counts,
      stage.dataset
    )
  }

  @Test func keyframesModeKeepsExactlyTheFramesWorthTraining() async throws {
    // One key frame a second: scene 1, black, scene 2, scene 2 again, white, flat grey, scene 3.
    var film = SyntheticFilm()
    for picture: SyntheticFilm.Picture in [
      .scene(1), .black, .scene(2), .scene(2), .white, .dimmed(9, 0), .scene(3),
    ] {
      film.show(picture, frames: 10)
    }
    film.frames[50..<60] = ArraySlice(Array(repeating: .dimmed(99, 0.0), count: 10))
    let (records, counts, dataset) = try await extract(film)
    #expect(records.map(\.time) == [0, 2, 6])
    #expect(
      records.map(\.file) == [
        "frames/film-000000000.png", "frames/film-000002000.png", "frames/film-000006000.png",
      ])
    #expect(counts["decoded"] == 7)
    #expect(counts["dark"] == 2)
    #expect(counts["bright"] == 1)
    #expect(counts["duplicate"] == 1)
    #expect(counts["kept"] == 3)
    #expect(records.map(\.shot) == [0, 2, 5])  // a new shot at every change of picture
    #expect(records.allSatisfy { $0.isKeyframe && $0.kind == "I" })
    for record in records {
      let image = try Image.read(dataset.appendingPathComponent(record.file))
      #expect(image.width == 160 && image.height == 96)
    }
  }

  @Test func flatFramesAreDroppedAsFlat() async throws {
    var film = SyntheticFilm()
    film.show(.scene(1), frames: 10)
    let (_, counts, _) = try await extract(film) { $0.flatDeviation = 500 }
    #expect(counts["flat"] == 1 && counts["kept"] == 0)
  }

  @Test func cropsLetterboxBarsAndRecordsTheCrop() async throws {
    var film = SyntheticFilm(width: 160, height: 120)
    film.letterbox = 20
    film.show(.scene(4), frames: 10)
    let (records, _, dataset) = try await extract(film)
    let record = try #require(records.first)
    #expect(record.crop == PixelRect(x: 0, y: 20, width: 160, height: 80))
    #expect(record.width == 160 && record.height == 80)
    let image = try Image.read(dataset.appendingPathComponent(record.file))
    #expect(image.height == 80)

    let (kept, _, _) = try await extract(film) { $0.cropBars = false }
    #expect(kept.first?.height == 120)
  }

  @Test func anamorphicAndRotatedFramesComeOutSquareAndUpright() async throws {
    var film = SyntheticFilm(width: 120, height: 80)
    film.show(.scene(5), frames: 10)
    let (records, _, _) = try await extract(
      film, name: "phone.mp4",
      encoder: {
        $0.sampleAspect = (3, 2)
        $0.quarterTurns = 1
      })
    let record = try #require(records.first)
    #expect(record.width == 80, "\(record)")
    #expect(record.height == 180)  // 120×80 at 3:2 is 180×80, then turned
  }

  @Test func scenesModeKeepsOneFramePerShotAndIgnoresTheFade() async throws {
    var film = SyntheticFilm()
    for shot in 1...3 {
      for step in 0..<15 { film.show(.shifted(shot, step), frames: 1) }
    }
    for step in 0..<10 { film.show(.dimmed(3, 1 - Double(step) / 10), frames: 1) }
    let (records, counts, _) = try await extract(film) { $0.mode = .scenes }
    #expect(records.map(\.shot) == [0, 1, 2])
    #expect(records.map(\.time).map { Int($0 * 10) / 15 } == [0, 1, 2])  // one in each shot
    #expect(counts["decoded"] == 55)
  }

  @Test func intervalModeSamplesEveryInterval() async throws {
    var film = SyntheticFilm()
    for index in 0..<30 { film.show(.scene(index / 6 + 1), frames: 1) }
    let (records, _, _) = try await extract(film) {
      $0.mode = .interval
      $0.interval = 0.6
      $0.duplicateDistance = 0
    }
    #expect(records.map(\.time) == [0, 0.6, 1.2, 1.8, 2.4])
  }

  @Test func startEndAndMaxFramesBoundTheRun() async throws {
    var film = SyntheticFilm()
    for seed in 1...8 { film.show(.scene(seed), frames: 10) }
    let (bounded, _, _) = try await extract(film) {
      $0.start = 2
      $0.end = 5.5
    }
    #expect(bounded.map(\.time) == [2, 3, 4, 5])
    let (capped, _, _) = try await extract(film) { $0.maxFrames = 3 }
    #expect(capped.map(\.time) == [0, 1, 2])
  }

  @Test func aSecondRunIsSkippedAndAChangedOptionRunsAgain() async throws {
    var film = SyntheticFilm()
    for seed in 1...3 { film.show(.scene(seed), frames: 10) }
    let folder = try makeTemporaryDirectory()
    let input = folder.appendingPathComponent("film.mp4")
    try film.write(to: input)
    let dataset = folder.appendingPathComponent("dataset")
    var stage = ExtractStage(input: input, dataset: dataset, options: try ExtractOptions.parse([]))
    stage.isQuiet = true
    guard case .ran = try await stage.run() else {
      Issue.record("first run skipped")
      return
    }
    guard case .upToDate = try await stage.run() else {
      Issue.record("second run redone")
      return
    }
    stage.options.format = .jpg
    guard case .ran = try await stage.run() else {
      Issue.record("changed format skipped")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(
      atPath: DatasetLayout(stage.dataset).frames.path
    ).sorted()
    #expect(names == ["film-000000000.jpg", "film-000001000.jpg", "film-000002000.jpg"])
  }
}
