import CelCore
import Foundation
import Imaging
import Video

/// Finds a film's black bars once, before extraction, from key frames spread over it.
///
/// One frame cannot tell bars from a dark scene's black edges; a dozen frames from all over
/// the film can: whatever shows picture in any of them is picture (the union of their
/// areas). Costs a dozen seeks and key-frame decodes, whatever the film's length.
enum LetterboxProbe {
  static let sampleCount = 12

  /// The picture area in square-pixel coordinates, or the full frame when there are no bars.
  static func pictureArea(
    of url: URL, stream: Int?, info: StreamInfo, from start: Double, to end: Double?
  ) throws -> PixelRect {
    let size = info.squarePixelSize
    let full = PixelRect(x: 0, y: 0, width: size.width, height: size.height)
    let decoder = try VideoDecoder(url: url, streamIndex: stream, keyframesOnly: true, threads: 1)
    let converter = FrameConverter()
    let detector = LetterboxDetector()
    let last = end ?? info.duration
    var areas: [PixelRect] = []

    func sample(_ frame: DecodedFrame) throws {
      let image = try Image(converter.convert(frame, width: size.width, height: size.height))
      let maxima = try image.greyMaxima()
      if let area = detector.content(rowMaxima: maxima.rows, columnMaxima: maxima.columns) {
        areas.append(area)
      }
    }

    if let last, last > start {
      for index in 0..<sampleCount {
        let time = start + (Double(index) + 0.5) / Double(sampleCount) * (last - start)
        try? decoder.seek(to: time)
        if let frame = try decoder.nextFrame() { try sample(frame) }
      }
    } else {
      for _ in 0..<sampleCount {
        guard let frame = try decoder.nextFrame() else { break }
        try sample(frame)
      }
    }
    return LetterboxDetector.union(of: areas) ?? full
  }
}
