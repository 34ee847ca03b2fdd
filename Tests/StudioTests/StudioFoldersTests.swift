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
    try FileManager.default.createSymbolicLink(
      at: served.appendingPathComponent("gone"),
      withDestinationURL: parent.appendingPathComponent("missing.txt"))
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
      "data/out/new.png", "data/gone",
    ] {
      #expect(throws: StudioError.outside(name), "\(name)") { try folders.resolve(name) }
    }
  }

  @Test func linksArePercentEncodedAndTheRootFolderIsNamedRoot() throws {
    let (folders, _) = try served()
    let odd = try folders.resolve("data/inner").appendingPathComponent("set #1/50%.png")
    #expect(folders.link(to: odd) == "data/inner/set%20%231/50%25.png")
    let everything = try StudioFolders([URL(fileURLWithPath: "/")])
    #expect(everything.roots.map(\.name) == ["root"])
    #expect(everything.name(of: URL(fileURLWithPath: "/etc/hostname")) == "root/etc/hostname")
    #expect(try everything.resolve("root/etc/hostname").path == "/etc/hostname")
  }

  @Test func aWorkFolderThatLeadsOutIsRefusedAtStart() throws {
    let (_, parent) = try served()
    let other = parent.appendingPathComponent("other")
    try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: other.appendingPathComponent("studio"), withDestinationURL: parent)
    #expect(throws: CelError.self) { try StudioFolders([other]) }
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
