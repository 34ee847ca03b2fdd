import ArgumentParser
import CelCore
import Video

/// How `cel-extract` picks frames.
package enum ExtractMode: String, ExpressibleByArgument, CaseIterable, Sendable {
  /// Decode only key frames: a film costs its key frames, not all its frames.
  case keyframes
  /// Decode every frame and keep the sharpest frame of each shot.
  case scenes
  /// One frame every `--interval` seconds.
  case interval
}

/// Image formats for extracted frames.
package enum FrameFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case png, jpg, webp

  var encoderFormat: StillImageEncoder.Format {
    switch self {
    case .png: .png
    case .jpg: .jpg
    case .webp: .webp
    }
  }
}

/// The options of the extract stage: every one changes which frames come out or how they
/// are stored, so all of them are recorded in the manifest.
package struct ExtractOptions: ParsableArguments, Sendable {
  @Option(help: "How to pick frames: keyframes, scenes or interval.")
  package var mode: ExtractMode = .keyframes

  @Option(help: "Seconds between frames in interval mode.")
  package var interval: Double = 2

  @Option(
    name: .customLong("scene-threshold"),
    help: "Cut score (0-1, one minus the correlation of consecutive frames) that starts a new shot."
  )
  package var sceneThreshold: Double = 0.5

  @Option(help: "Skip everything before this time in seconds (opening credits).")
  package var start: Double?

  @Option(help: "Stop at this time in seconds (ending credits).")
  package var end: Double?

  @Option(name: .customLong("max-frames"), help: "Stop after keeping this many frames.")
  package var maxFrames: Int?

  @Option(help: "Image format of the frames: png, jpg or webp.")
  package var format: FrameFormat = .png

  @Option(help: "JPEG/WebP quality (1-100) or PNG compression level (0-9).")
  package var quality: Int?

  @Option(
    name: .customLong("dark-level"), help: "Drop frames whose mean grey level is at most this.")
  package var darkLevel: Double = 20

  @Option(
    name: .customLong("bright-level"), help: "Drop frames whose mean grey level is at least this.")
  package var brightLevel: Double = 235

  @Option(
    name: .customLong("flat-deviation"),
    help: "Drop frames whose grey standard deviation is below this (flat colour, fades).")
  package var flatDeviation: Double = 8

  @Option(
    name: .customLong("duplicate-distance"),
    help:
      "Drop a frame whose perceptual hash is within this many bits of the last kept one (0 keeps all)."
  )
  package var duplicateDistance: Int = 6

  @Flag(
    name: .customLong("crop-bars"), inversion: .prefixedNo,
    help: "Detect and crop letterbox and pillarbox bars.")
  package var cropBars = true

  @Option(help: "Index of the video stream to read (default: the file's default video stream).")
  package var stream: Int?

  package init() {}

  package mutating func validate() throws {
    guard interval > 0 else { throw ValidationError("--interval must be more than 0 seconds") }
    guard (0...1).contains(sceneThreshold) else {
      throw ValidationError("--scene-threshold must be between 0 and 1")
    }
    if let start, start < 0 { throw ValidationError("--start must not be negative") }
    if let start, let end, end <= start { throw ValidationError("--end must come after --start") }
    if let maxFrames, maxFrames < 1 { throw ValidationError("--max-frames must be at least 1") }
    guard duplicateDistance >= 0 else {
      throw ValidationError("--duplicate-distance must not be negative")
    }
    if let quality {
      let range = format == .png ? 0...9 : 1...100
      guard range.contains(quality) else {
        throw ValidationError("--quality for \(format.rawValue) must be in \(range)")
      }
    }
  }

  /// The options as recorded in the manifest: a change to any of them re-runs the stage.
  var parameters: [String: String] {
    var values = [
      "mode": mode.rawValue, "scene-threshold": "\(sceneThreshold)", "format": format.rawValue,
      "dark-level": "\(darkLevel)", "bright-level": "\(brightLevel)",
      "flat-deviation": "\(flatDeviation)", "duplicate-distance": "\(duplicateDistance)",
      "crop-bars": "\(cropBars)",
    ]
    if mode == .interval { values["interval"] = "\(interval)" }
    if let start { values["start"] = "\(start)" }
    if let end { values["end"] = "\(end)" }
    if let maxFrames { values["max-frames"] = "\(maxFrames)" }
    if let quality { values["quality"] = "\(quality)" }
    if let stream { values["stream"] = "\(stream)" }
    return values
  }
}
