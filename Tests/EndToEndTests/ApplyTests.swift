import CelCore
import Foundation
import Imaging
import TestSupport
import Testing
import Video

/// cel-apply and cel-import with the published Hayao weights, on real photos and on a
/// small video with sound.
@Suite(.serialized) struct ApplyTests {
  let apply = Executable(name: "cel-apply")

  func photo(_ name: String, width: Int, height: Int, in folder: URL) throws -> URL {
    let url = folder.appendingPathComponent(name)
    try Image.read(OpenCVSamples.folder.appendingPathComponent("fruits.jpg"))
      .resized(width: width, height: height, interpolation: .cubic).write(to: url)
    return url
  }

  @Test func aFullHDPhotoComesOutTheSameSizeThroughTiles() throws {
    let folder = try makeTemporaryDirectory()
    let input = try photo("fruits.png", width: 1920, height: 1080, in: folder)
    let output = folder.appendingPathComponent("cartoon.png")
    let result = try apply.run([
      "--model", SharedData.hayao.path, "-i", input.path, "-o", output.path, "-q",
    ])
    #expect(result.status == 0, "\(result.errors)")
    let cartoon = try Image.read(output)
    #expect(cartoon.width == 1920 && cartoon.height == 1080)
    let original = try Image.read(input).pixels()
    let styled = try cartoon.pixels()
    let change = zip(original.bytes, styled.bytes).map { abs(Int($0) - Int($1)) }.reduce(0, +)
    #expect(Double(change) / Double(original.bytes.count) > 8)

    let again = try apply.run([
      "--model", SharedData.hayao.path, "-i", input.path, "-o", output.path,
    ])
    #expect(again.status != 0)
    #expect(
      again.errors
        == "Error: \(output.path): cannot write: exists (use --overwrite to replace it)\n")
  }

  @Test func aFolderAndAnImportedStyle() throws {
    let folder = try makeTemporaryDirectory()
    let photos = folder.appendingPathComponent("photos")
    try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
    _ = try photo("a.png", width: 160, height: 120, in: photos)
    _ = try photo("b.jpg", width: 99, height: 77, in: photos)
    let style = folder.appendingPathComponent("hayao.safetensors")
    let imported = try Executable(name: "cel-import").run([
      "--from", SharedData.hayao.path, "--to", style.path,
    ])
    #expect(imported.status == 0, "\(imported.errors)")
    let output = folder.appendingPathComponent("cartoons")
    let result = try apply.run(["--model", style.path, "-i", photos.path, "-o", output.path, "-q"])
    #expect(result.status == 0, "\(result.errors)")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: output.path).sorted() == [
        "a.png", "b.jpg",
      ])
    #expect(try Image.read(output.appendingPathComponent("b.jpg")).width == 99)

    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let none = try apply.run([
      "--model", style.path, "-i", empty.path, "-o", folder.appendingPathComponent("x").path,
    ])
    #expect(none.errors == "Error: \(empty.path): holds no images\n")
  }

  @Test func aVideoKeepsItsFramesSizeRateAndSound() throws {
    let folder = try makeTemporaryDirectory()
    let sound = folder.appendingPathComponent("sound.wav")
    try WaveFile.write(seconds: 1.2, to: sound)
    var film = SyntheticFilm(width: 96, height: 64, frameRate: 10)
    for index in 0..<12 { film.show(.shifted(3, index * 2), frames: 1) }
    let input = folder.appendingPathComponent("clip.mkv")
    try film.write(to: input) { $0.audioSource = sound }
    #expect(try VideoDecoder(url: input).info.audioStreamCount == 1)

    let output = folder.appendingPathComponent("cartoon.mkv")
    let result = try apply.run([
      "--style", SharedData.hayao.path, "-i", input.path, "-o", output.path, "-q",
    ])
    #expect(result.status == 0, "\(result.errors)")
    let decoder = try VideoDecoder(url: output)
    #expect(decoder.info.width == 96 && decoder.info.height == 64)
    #expect(decoder.info.frameRate.map { abs($0 - 10) < 0.01 } == true)
    #expect(decoder.info.audioStreamCount == 1)
    var frames = 0
    while try decoder.nextFrame() != nil { frames += 1 }
    #expect(frames == 12)

    let silent = folder.appendingPathComponent("silence.wav")
    try WaveFile.write(seconds: 0.5, to: silent)
    let refused = try apply.run([
      "--style", SharedData.hayao.path, "-i", silent.path, "-o",
      folder.appendingPathComponent("o.mkv").path,
    ])
    #expect(refused.errors == "Error: \(silent.path): has no video stream\n")
  }
}
