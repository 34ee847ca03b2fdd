import CelCore
import Foundation
import TestSupport
import Testing
import Video

@Suite struct BadVideoTests {
  @Test func aFileWithoutVideoIsRefusedByName() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("speech.wav")
    try WaveFile.silence(seconds: 0.5).write(to: url)
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
    var generator = SplitMix(seed: 9)
    for offset in stride(from: bytes.count * 2 / 5, to: bytes.count * 3 / 5, by: 97) {
      bytes[offset] = UInt8(truncatingIfNeeded: generator.next())
    }
    try bytes.write(to: url)

    let decoder = try VideoDecoder(url: url)
    var decoded = 0
    while try decoder.nextFrame() != nil { decoded += 1 }
    #expect(decoder.damagedPackets > 0)
    #expect(decoded > 30)
  }
}

/// A mono 16-bit PCM WAV file: audio and nothing else.
enum WaveFile {
  static func silence(seconds: Double, rate: Int = 8000) -> Data {
    let samples = Int(seconds * Double(rate))
    var data = Data()
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: Array("RIFF".utf8))
    append(UInt32(36 + samples * 2))
    data.append(contentsOf: Array("WAVEfmt ".utf8))
    append(UInt32(16))
    append(UInt16(1))
    append(UInt16(1))
    append(UInt32(rate))
    append(UInt32(rate * 2))
    append(UInt16(2))
    append(UInt16(16))
    data.append(contentsOf: Array("data".utf8))
    append(UInt32(samples * 2))
    data.append(Data(count: samples * 2))
    return data
  }
}
