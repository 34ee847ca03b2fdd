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
    case file, source, time, kind, isKeyframe = "keyframe", shot, hash, crop, width, height
  }

  /// Reads a JSON Lines file of records.
  package static func readLines(_ url: URL) throws -> [FrameRecord] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").enumerated().map { number, line in
      do {
        return try decoder.decode(FrameRecord.self, from: Data(line.utf8))
      } catch {
        throw CelError.invalidInput(url.path, reason: "line \(number + 1) is not a frame record")
      }
    }
  }

  /// Writes records as JSON Lines, atomically.
  package static func writeLines(_ records: [FrameRecord], to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var data = Data()
    for record in records {
      data.append(try encoder.encode(record))
      data.append(0x0A)
    }
    try FileIO.writeAtomically(data, to: url)
  }
}
