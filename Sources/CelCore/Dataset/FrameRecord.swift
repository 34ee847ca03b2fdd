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

  package init(
    file: String, source: String, time: Double, kind: String, isKeyframe: Bool, shot: Int,
    hash: String, crop: PixelRect, width: Int, height: Int
  ) {
    self.file = file
    self.source = source
    self.time = time
    self.kind = kind
    self.isKeyframe = isKeyframe
    self.shot = shot
    self.hash = hash
    self.crop = crop
    self.width = width
    self.height = height
  }

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

  package init(time: Double, reason: String, shot: Int) {
    self.time = time
    self.reason = reason
    self.shot = shot
  }
}
