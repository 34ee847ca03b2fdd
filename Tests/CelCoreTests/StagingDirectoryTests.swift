import CelCore
import Foundation
import TestSupport
import Testing

@Suite struct StagingDirectoryTests {
  @Test func resumesFinishedFilesOnlyForTheSameKey() throws {
    let root = try makeTemporaryDirectory()
    let target = root.appendingPathComponent("frames")
    let first = try StagingDirectory(for: target, key: "a")
    try FileIO.writeAtomically(Data("x".utf8), to: first.url.appendingPathComponent("1.png"))
    let unfinished = first.url.appendingPathComponent(".2.tmp.png")
    try Data("half".utf8).write(to: unfinished)

    let again = try StagingDirectory(for: target, key: "a")
    #expect(again.finishedNames == ["1.png"])
    #expect(!FileManager.default.fileExists(atPath: unfinished.path))

    let other = try StagingDirectory(for: target, key: "b")
    #expect(other.finishedNames.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: other.url.appendingPathComponent("1.png").path))
  }

  @Test func commitReplacesTheWholeFolder() throws {
    let root = try makeTemporaryDirectory()
    let target = root.appendingPathComponent("smooth")
    try FileIO.createDirectory(target)
    try Data("old".utf8).write(to: target.appendingPathComponent("old.png"))
    let staging = try StagingDirectory(for: target, key: "k")
    try Data("new".utf8).write(to: staging.url.appendingPathComponent("new.png"))
    try staging.commit()
    let names = try FileManager.default.contentsOfDirectory(atPath: target.path)
    #expect(names == ["new.png"])
    #expect(!FileManager.default.fileExists(atPath: staging.url.path))
  }
}
