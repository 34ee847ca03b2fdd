import CelCore
import Foundation
import Studio
import TestSupport
import Testing

@Suite struct StudioCatalogTests {
  func touch(_ url: URL) throws {
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("{}".utf8).write(to: url)
  }

  @Test func findsDatasetsRunsAndStylesButNotTheirInsides() throws {
    let root = try makeTemporaryDirectory().appendingPathComponent("data")
    // A set of films, a one-film dataset, a run with checkpoints, a published style, a
    // .safetensors style, the studio's own folder and a hidden one.
    try touch(root.appendingPathComponent("sets/season/films.json"))
    try touch(root.appendingPathComponent("sets/season/films/ep1/manifest.json"))
    try touch(root.appendingPathComponent("sets/season/films/ep1/tiles/a.png"))
    try touch(root.appendingPathComponent("film/manifest.json"))
    try touch(root.appendingPathComponent("film/tiles/a.png"))
    try touch(root.appendingPathComponent("runs/first/run.json"))
    try touch(
      root.appendingPathComponent("runs/first/checkpoints/epoch-0001-batch-000000.safetensors"))
    try touch(root.appendingPathComponent("styles/Hayao/conv01_1.weight.npy"))
    try touch(root.appendingPathComponent("styles/Paprika.safetensors"))
    try touch(root.appendingPathComponent("studio/results/run.json"))
    try touch(root.appendingPathComponent(".cache/other/run.json"))
    // A folder of frames only is not a dataset the studio can show.
    try touch(root.appendingPathComponent("half/manifest.json"))

    let catalog = StudioCatalog(scanning: try StudioFolders([root]))
    #expect(catalog.datasets.map(\.id) == ["data/film", "data/sets/season"])
    #expect(catalog.runs.map(\.id) == ["data/runs/first"])
    #expect(catalog.styles.map(\.id) == ["data/styles/Hayao", "data/styles/Paprika.safetensors"])
    #expect(catalog.styles.map(\.name) == ["Hayao", "Paprika"])
  }
}
