import CelCore
import Foundation
import Imaging
import TestSupport
import Testing

/// `cel report` pages, loaded in a real browser.
@Suite(.serialized) struct ReportTests {
  let cel = Executable(name: "cel")

  /// The sample film made into a dataset by the README's pipeline.
  func sampleDataset() throws -> URL {
    let dataset = try makeTemporaryDirectory().appendingPathComponent("sample")
    let made = try cel.run(
      [
        "run", "Pipelines/film-to-dataset.yaml", "-i", "Samples/sample.mp4", "-o", dataset.path,
        "-q",
      ])
    try #require(made.status == 0, "\(made.errors)")
    return dataset
  }

  @Test func aDatasetReportShowsItsChartsAndPictures() throws {
    let dataset = try sampleDataset()
    let result = try cel.run(["report", dataset.path])
    #expect(result.status == 0, "\(result.errors)")
    let page = dataset.appendingPathComponent("report/index.html")
    let loaded = try Browser.load(page)
    #expect(loaded.broken == 0)
    #expect(loaded.images == 48)  // 24 tiles beside their twins
    #expect(loaded.charts == 3)  // timeline, shots, split
    #expect(loaded.dom.contains("dropped: duplicate"))
    #expect(try Image.read(dataset.appendingPathComponent("report/contact-sheet.png")).width > 512)
    let deviation = try Browser.screenshot(page, to: dataset.appendingPathComponent("page.png"))
    #expect(deviation > 20)

    // Thumbnails are made once: a second report reuses them.
    let thumb = try FileIO.files(
      in: dataset.appendingPathComponent("report/thumbs"), extensions: ["png"])[0]
    let made =
      try FileManager.default.attributesOfItem(atPath: thumb.path)[.modificationDate] as? Date
    #expect(try cel.run(["report", dataset.path]).status == 0)
    #expect(
      try FileManager.default.attributesOfItem(atPath: thumb.path)[.modificationDate] as? Date
        == made)
  }

  @Test func aDatasetWithoutItsManifestSaysSoAndShowsTheRest() throws {
    let dataset = try sampleDataset()
    for path in ["manifest.json", "films/sample/manifest.json", "films/sample/smooth"] {
      try FileManager.default.removeItem(at: dataset.appendingPathComponent(path))
    }
    #expect(try cel.run(["report", dataset.path]).status == 0)
    let loaded = try Browser.load(dataset.appendingPathComponent("report/index.html"))
    #expect(loaded.dom.contains("No manifest.json"))
    #expect(loaded.dom.contains("No smooth/"))
    #expect(loaded.images == 24 && loaded.broken == 0)

    let empty = try makeTemporaryDirectory()
    let refused = try cel.run(["report", empty.path])
    #expect(
      refused.status != 0 && refused.errors.hasPrefix("Error: \(empty.path): neither a dataset"))
  }

  @Test func aRunWithoutMetricsSaysSo() throws {
    let run = try makeTemporaryDirectory().appendingPathComponent("run")
    try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
    try Data("{}".utf8).write(to: run.appendingPathComponent("run.json"))
    #expect(try cel.run(["report", run.path]).status == 0)
    let loaded = try Browser.load(run.appendingPathComponent("report/index.html"))
    #expect(loaded.dom.contains("No metrics.csv"))
    #expect(loaded.dom.contains("No sample grids yet"))
    #expect(loaded.broken == 0 && loaded.images == 0)
  }
}
