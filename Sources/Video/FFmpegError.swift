internal import CFFmpeg
import CelCore

/// A negative FFmpeg return code and the function that produced it.
package struct FFmpegError: Error, CustomStringConvertible {
  package let code: Int32
  package let function: String

  package var description: String { "\(function) failed: \(Self.text(for: code))" }

  /// FFmpeg's own words for `code`. Wraps `av_strerror`.
  static func text(for code: Int32) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 128) { buffer in
      guard let base = buffer.baseAddress, av_strerror(code, base, buffer.count) == 0 else {
        return "error \(code)"
      }
      return String(cString: base)
    }
  }

  static var outOfMemory: Int32 { cffmpeg_error_nomem() }
}

/// Throws an `FFmpegError` for a negative `result`; passes other values through.
/// Checks that `pixels` holds the rows its size says before FFmpeg reads them.
func requireRows(_ pixels: PixelBuffer, _ function: String) throws {
  guard pixels.holdsItsRows else {
    throw FFmpegError(
      code: cffmpeg_error_invalid(), function: "\(function) (\(pixels.sizeMismatch))")
  }
}

@discardableResult
func check(_ result: Int32, _ function: @autoclosure () -> String) throws -> Int32 {
  guard result < 0 else { return result }
  throw FFmpegError(code: result, function: function())
}

enum FFmpegLibrary {
  /// Silences FFmpeg's own log lines once per process: decoders complain on stderr about
  /// every damaged packet, and Celshade counts and reports those itself.
  static let quietLogs: Void = cffmpeg_quiet_logs()
}
