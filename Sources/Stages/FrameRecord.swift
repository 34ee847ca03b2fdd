import CelCore
import Foundation

/// One line of `frames.jsonl`: a kept frame and where it came from.
package struct FrameRecord: Codable, Sendable, Equatable {
  /// Path relative to the dataset: `frames/NAME`.
  package var file: String
  /// The video file, as given on the command line.
  package var source: String
  /// Presentation time in seconds.
  package var time: Double
  /// FFmpeg's picture type: I, P or B.
  package var kind: String
  package var isKeyframe: Bool
  /// Shot number within the source, from 0.
  package var shot: Int
  /// 64-bit perceptual hash, 16 hex digits.
  package var hash: String
  /// The picture area kept, in square-pixel coordinates before rotation.
  package var crop: PixelRect
  package var width: Int
  package var height: Int

  enum CodingKeys: String, CodingKey {
    case file, source, time, kind
    case isKeyframe = "keyframe"
    case shot, hash, crop, width, height
  }
}

/// One line of `frames-dropped.jsonl`: a candidate frame the filters dropped, and why.
package struct DroppedFrame: Codable, Sendable, Equatable {
  package static let fileName = "frames-dropped.jsonl"
  package var time: Double
  /// `dark`, `bright`, `flat` or `duplicate`.
  package var reason: String
  package var shot: Int
}
