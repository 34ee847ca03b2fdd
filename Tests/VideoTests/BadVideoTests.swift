import CelCore
import Foundation
import TestSupport
import Testing
import Video

@Suite struct BadVideoTests {
  @Test func aFileWithoutVideoIsRefusedByName() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("speech.wav")
    try WaveFile.write(seconds: 0.5, to: url)
    let error = #expect(throws: CelError.self) { try VideoDecoder(url: url) }
    #expect(error?.description == "\(url.path): has no video stream")
  }

  @Test func emptyAndNonVideoFilesAreRefused() throws {
    let folder = try makeTemporaryDirectory()
    let empty = folder.appendingPathComponent("empty.mp4")
    try Data().write(to: empty)
    let text = folder.appendingPathComponent("notes.mkv")
    try Data(String(repeating: "not a film\n", count: 200).utf8).write(to: text)
    for url in [empty, text] {
      let error = #expect(throws: CelError.self) { try VideoDecoder(url: url) }
      #expect(error?.description.hasPrefix(url.path + ": ") == true)
    }
  }

  @Test func damagedPacketsInTheMiddleAreCountedNotFatal() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("damaged.avi")
    var film = SyntheticFilm()
    for index in 0..<60 { film.show(.shifted(2, index), frames: 1) }
    try film.write(to: url) {
      $0.codec = "mpeg4"
      $0.keyframeInterval = 10
      $0.options = [:]
    }
    var bytes = try Data(contentsOf: url)
    var generator = SeededGenerator(seed: 9)
    for offset in stride(from: bytes.count * 2 / 5, to: bytes.count * 3 / 5, by: 97) {
      bytes[offset] = UInt8(truncatingIfNeeded: generator.next())
    }
    try bytes.write(to: url)

    let decoder = try VideoDecoder(url: url)
    var decoded = 0
    while try decoder.nextFrame() != nil { decoded += 1 }
    #expect(decoder.damagedPackets > 0)
    #expect(decoded > 30)

    // Decoding key frames alone still sees the damage in the packets between them.
    let keyframes = try VideoDecoder(url: url, keyframesOnly: true)
    var keys = 0
    while try keyframes.nextFrame() != nil { keys += 1 }
    #expect(keyframes.damagedPackets > 0)
    #expect(keys >= 5)
  }
}
