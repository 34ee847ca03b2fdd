import CelCore
import Foundation
import TestSupport
import Testing
import Video

/// FFmpeg reads height x width x channels bytes from every picture it is handed: a buffer
/// whose bytes no longer match its size is refused in Swift first.
@Suite struct PixelBufferCheckTests {
  func damaged() -> PixelBuffer {
    var pixels = PixelBuffer(width: 32, height: 16, filledWith: [10, 20, 30])
    pixels.bytes.removeLast(7)
    return pixels
  }

  @Test func theEncoderRefusesAShortFrame() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("clip.mkv")
    let encoder = try VideoEncoder(url: url, settings: VideoEncoder.Settings(width: 32, height: 16))
    let error = #expect(throws: FFmpegError.self) { try encoder.append(damaged()) }
    #expect(error?.function == "append frame (1529 bytes for 32x16 pixels of 3 channels)")
    try encoder.append(PixelBuffer(width: 32, height: 16, filledWith: [10, 20, 30]))
    try encoder.finish()
  }

  @Test(arguments: [StillImageEncoder.Format.png, .jpg])
  func theStillEncoderRefusesAShortPicture(format: StillImageEncoder.Format) {
    let error = #expect(throws: FFmpegError.self) {
      _ = try StillImageEncoder.encode(damaged(), as: format)
    }
    #expect(error?.function.hasPrefix("encode still image (1529 bytes") == true)
  }
}
