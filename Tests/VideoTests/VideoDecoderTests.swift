import CelCore
import Foundation
import TestSupport
import Testing
import Video

@Suite struct VideoDecoderTests {
  func film(frames: Int = 20) -> SyntheticFilm {
    var film = SyntheticFilm()
    for index in 0..<frames { film.show(.shifted(1, index), frames: 1) }
    return film
  }

  func decodeAll(_ url: URL, keyframesOnly: Bool = false) throws -> [(Double, Bool)] {
    let decoder = try VideoDecoder(url: url, keyframesOnly: keyframesOnly)
    var frames: [(Double, Bool)] = []
    while let frame = try decoder.nextFrame() {
      frames.append((((frame.seconds ?? -1) * 1000).rounded() / 1000, frame.isKeyframe))
    }
    return frames
  }

  @Test func decodesEveryFrameWithItsTime() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("f.mp4")
    try film().write(to: url) { $0.keyframeInterval = 5 }
    let frames = try decodeAll(url)
    #expect(frames.map(\.0) == (0..<20).map { Double($0) / 10 })
    #expect(frames.filter { $0.1 }.map { $0.0 } == [0, 0.5, 1.0, 1.5])
  }

  @Test func keyframesOnlyDecodesOnlyKeyFrames() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("f.mkv")
    try film().write(to: url) { $0.keyframeInterval = 5 }
    let frames = try decodeAll(url, keyframesOnly: true)
    #expect(frames.map(\.0) == [0, 0.5, 1.0, 1.5])
    #expect(frames.allSatisfy { $0.1 })
  }

  @Test func keepsVariableFrameTimes() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("vfr.mkv")
    var settings = VideoEncoder.Settings(width: 64, height: 48)
    settings.options = ["preset": "ultrafast"]
    let encoder = try VideoEncoder(url: url, settings: settings)
    let times = [0, 0.04, 0.5, 0.52, 1.7, 3.0]
    for time in times {
      try encoder.append(SyntheticFilm.draw(.scene(2), width: 64, height: 48), at: time)
    }
    try encoder.finish()
    #expect(try decodeAll(url).map(\.0) == times)
  }

  @Test func seeksToAStartTime() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("f.mp4")
    try film().write(to: url) { $0.keyframeInterval = 5 }
    let decoder = try VideoDecoder(url: url)
    try decoder.seek(to: 1.2)
    let first = try #require(try decoder.nextFrame())
    #expect(first.seconds == 1.0)  // the key frame before the target
  }

  struct FormatCase: Sendable, CustomTestStringConvertible {
    var codec: String
    var pixelFormat: String
    var container: String
    var testDescription: String { "\(codec) \(pixelFormat) in .\(container)" }
  }

  @Test(arguments: [
    FormatCase(codec: "libx264", pixelFormat: "yuv420p10le", container: "mkv"),
    FormatCase(codec: "ffv1", pixelFormat: "bgr0", container: "mkv"),
    FormatCase(codec: "png", pixelFormat: "pal8", container: "mov"),
    FormatCase(codec: "mpeg4", pixelFormat: "yuv420p", container: "avi"),
  ])
  func convertsOddPixelFormatsToBGR(_ format: FormatCase) throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("f.\(format.container)")
    let expected = SyntheticFilm.draw(.scene(3), width: 64, height: 48)
    var settings = VideoEncoder.Settings(width: 64, height: 48)
    settings.codec = format.codec
    settings.pixelFormat = format.pixelFormat
    if format.codec == "libx264" { settings.options = ["qp": "0", "preset": "ultrafast"] }
    if format.codec == "mpeg4" { settings.options = ["qscale": "1"] }
    let encoder = try VideoEncoder(url: url, settings: settings)
    try encoder.append(expected)
    try encoder.finish()

    let decoder = try VideoDecoder(url: url)
    #expect(decoder.info.pixelFormatName.hasPrefix(format.pixelFormat.prefix(3)))
    let frame = try #require(try decoder.nextFrame())
    let pixels = try FrameConverter().convert(frame, width: 64, height: 48)
    let error = zip(pixels.bytes, expected.bytes).map { abs(Int($0) - Int($1)) }
    let meanError = Double(error.reduce(0, +)) / Double(error.count)
    #expect(meanError < 6, "mean error \(meanError)")
  }

  @Test func readsSampleAspectRatioAndRotation() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("anamorphic.mp4")
    var film = SyntheticFilm(width: 96, height: 96)
    film.show(.scene(1), frames: 2)
    try film.write(to: url) {
      $0.sampleAspect = (4, 3)
      $0.quarterTurns = 1
    }
    let info = try VideoDecoder(url: url).info
    #expect(info.sampleAspectNumerator == 4 && info.sampleAspectDenominator == 3)
    #expect(info.squarePixelSize == (128, 96))
    #expect(info.quarterTurns == 1)
  }

  @Test func picksTheDefaultVideoStreamOrTheOneAskedFor() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("two.mkv")
    var film = SyntheticFilm()
    film.show(.scene(1), frames: 3)
    try film.write(to: url) {
      $0.streamCount = 2
      $0.defaultStream = 1
    }
    #expect(try VideoDecoder(url: url).info.index == 1)
    #expect(try VideoDecoder(url: url, streamIndex: 0).info.index == 0)
    #expect(try VideoDecoder(url: url).info.videoStreamCount == 2)
    let error = #expect(throws: CelError.self) { try VideoDecoder(url: url, streamIndex: 5) }
    #expect(error?.description.contains("stream 5 is not a video stream") == true)
  }
}
