internal import CFFmpeg
import CelCore

/// One decoded picture. Owns its `AVFrame` (reference-counted buffers, so keeping one
/// frame alive costs no copy); not `Sendable`.
package final class DecodedFrame {
  private let frame: UnsafeMutablePointer<AVFrame>
  private let timeBase: AVRational

  init(timeBase: AVRational) throws {
    guard let frame = av_frame_alloc() else {
      throw FFmpegError(code: FFmpegError.outOfMemory, function: "av_frame_alloc")
    }
    self.frame = frame
    self.timeBase = timeBase
  }

  deinit {
    var owned: UnsafeMutablePointer<AVFrame>? = frame
    av_frame_free(&owned)
  }

  func withUnsafeFrame<T>(_ body: (UnsafeMutablePointer<AVFrame>) throws -> T) rethrows -> T {
    try body(frame)
  }

  /// Presentation time in seconds (FFmpeg's best-effort timestamp), or nil when unknown.
  package var seconds: Double? {
    let pts = frame.pointee.best_effort_timestamp
    return pts == cffmpeg_nopts() ? nil : Double(pts) * av_q2d(timeBase)
  }

  /// "I", "P", "B", ... as FFmpeg names the picture type.
  package var pictureType: String {
    String(UnicodeScalar(UInt8(bitPattern: av_get_picture_type_char(frame.pointee.pict_type))))
  }

  /// Whether the decoder marked this frame as a key frame.
  package var isKeyframe: Bool { frame.pointee.key_frame != 0 }
}
