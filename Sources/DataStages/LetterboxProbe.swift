import CelCore
import Foundation
import Imaging
import Synchronization
import Video

/// Finds a film's black bars once, before extraction, from key frames spread over it.
///
/// One frame cannot tell bars from a dark scene's black edges; a dozen frames from all over
/// the film can: whatever shows picture in any of them is picture (the union of their
/// areas). Costs a dozen seeks and key-frame decodes, whatever the film's length.
enum LetterboxProbe {
  static let sampleCount = 12

  /// The picture area in square-pixel coordinates, or the full frame when there are no bars.
  ///
  /// The samples are shared between two decoders on two threads, and read as grey, the
  /// decoder's luma plane: on a short film this probe is a good part of the whole run.
  static func pictureArea(
    of url: URL, stream: Int?, info: StreamInfo, from start: Double, to end: Double?
  ) throws -> PixelRect {
    let size = info.squarePixelSize
    let full = PixelRect(x: 0, y: 0, width: size.width, height: size.height)
    let last = end ?? info.duration
    // Without a duration, one decoder reads the first key frames.
    let times: [Double]? = last.flatMap { last in
      last > start
        ? (0..<sampleCount).map {
          start + (Double($0) + 0.5) / Double(sampleCount) * (last - start)
        }
        : nil
    }
    let parts = times == nil ? 1 : 2
    let areas = Mutex<[PixelRect]>([])
    let failure = Mutex<(any Error)?>(nil)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      do {
        let found = try sample(
          url, stream: stream, size: size,
          times: times.map { Array($0[part * $0.count / parts..<(part + 1) * $0.count / parts]) })
        areas.withLock { $0 += found }
      } catch {
        failure.withLock { $0 = error }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return LetterboxDetector.union(of: areas.withLock { $0 }) ?? full
  }

  /// The picture areas found in the key frames at `times`, or in the first key frames.
  private static func sample(
    _ url: URL, stream: Int?, size: (width: Int, height: Int), times: [Double]?
  ) throws -> [PixelRect] {
    let decoder = try VideoDecoder(url: url, streamIndex: stream, keyframesOnly: true, threads: 1)
    let converter = FrameConverter()
    let detector = LetterboxDetector()
    var areas: [PixelRect] = []
    for index in 0..<(times?.count ?? sampleCount) {
      if let time = times?[index] { try? decoder.seek(to: time) }
      guard let frame = try decoder.nextFrame() else { break }
      let grey = try Image(
        converter.convert(frame, width: size.width, height: size.height, channels: 1))
      let maxima = try grey.greyMaxima()
      if let area = detector.content(rowMaxima: maxima.rows, columnMaxima: maxima.columns) {
        areas.append(area)
      }
    }
    return areas
  }
}
