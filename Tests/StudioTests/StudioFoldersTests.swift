import CelCore
import Foundation
import Studio
import TestSupport
import Testing

@Suite struct StudioFoldersTests {
  /// A served folder with a file inside, a secret beside it, and links in and out.
  func served() throws -> (StudioFolders, URL) {
    let parent = try makeTemporaryDirectory()
    let served = parent.appendingPathComponent("data")
    try FileManager.default.createDirectory(
      at: served.appendingPathComponent("inner"), withIntermediateDirectories: true)
    try Data("tile".utf8).write(to: served.appendingPathComponent("inner/tile.png"))
    try Data("secret".utf8).write(to: parent.appendingPathComponent("secret.txt"))
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("out"), withDestinationURL: parent)
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("secret.txt"),
      withDestinationURL: parent.appendingPathComponent("secret.txt"))
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("in"),
      withDestinationURL: served.appendingPathComponent("inner"))
    return (try StudioFolders([served]), parent)
  }

  @Test func namesInsideResolveAndNamesOutsideAreRefused() throws {
    let (folders, _) = try served()
    let tile = try folders.resolve("data/inner/tile.png")
    #expect(try String(contentsOf: tile, encoding: .utf8) == "tile")
    #expect(folders.name(of: tile) == "data/inner/tile.png")
    // A file that does not exist yet (an upload's name) resolves inside.
    #expect(try folders.resolve("data/inner/new.png").lastPathComponent == "new.png")
    // A link that stays inside is followed.
    #expect(try folders.resolve("data/in/tile.png").lastPathComponent == "tile.png")
    for name in [
      "data/../secret.txt", "data/inner/../../secret.txt", "/etc/passwd", "data//etc/passwd",
      "data/out/secret.txt", "data/secret.txt", "data/out", "other/file", "..", "data/./inner",
      "data/out/new.png",
    ] {
      #expect(throws: StudioError.outside(name), "\(name)") { try folders.resolve(name) }
    }
  }

  @Test func twoFoldersOfOneNameGetTheirOwn() throws {
    let first = try makeTemporaryDirectory().appendingPathComponent("runs")
    let second = try makeTemporaryDirectory().appendingPathComponent("runs")
    for folder in [first, second] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    let folders = try StudioFolders([first, second])
    #expect(folders.roots.map(\.name) == ["runs", "runs-2"])
    #expect(folders.name(of: second.appendingPathComponent("a")) == "runs-2/a")
    #expect(throws: CelError.self) {
      try StudioFolders([first.appendingPathComponent("missing")])
    }
  }
}
