import CelCore
import Video

/// Decides which decoded frames are candidates for the dataset, and numbers the shots.
///
/// In `scenes` mode every frame is decoded: a new shot starts where `SceneCutDetector`
/// sees a cut, and each shot yields its sharpest frame once the shot ends (one held frame,
/// so memory does not grow with the shot). In `keyframes` and `interval` mode the frames
/// arrive seconds apart, so consecutive samples that differ by more than the scene
/// threshold start a new shot, without the spike test meant for frame-to-frame scores.
struct FrameSampler {
  struct Candidate {
    var frame: DecodedFrame
    var time: Double
    var shot: Int
  }

  private let mode: ExtractMode
  private let interval: Double
  private var detector: SceneCutDetector
  private var shot = -1
  private var nextSampleTime: Double
  private var best: (candidate: Candidate, sharpness: Double)?

  init(mode: ExtractMode, interval: Double, start: Double, sceneThreshold: Double) {
    self.mode = mode
    self.interval = interval
    nextSampleTime = start
    detector = SceneCutDetector(threshold: sceneThreshold, spikeRatio: mode == .scenes ? 3 : 0)
  }

  /// Feeds the next decoded frame (with a small thumbnail of it); returns the candidates
  /// it completes, at most one.
  mutating func feed(_ frame: DecodedFrame, time: Double, thumbnail: PixelBuffer) -> Candidate? {
    switch mode {
    case .keyframes:
      if detector.isCut(thumbnail) || shot < 0 { shot += 1 }
      return Candidate(frame: frame, time: time, shot: shot)
    case .interval:
      guard time >= nextSampleTime else { return nil }
      while nextSampleTime <= time { nextSampleTime += interval }
      if detector.isCut(thumbnail) || shot < 0 { shot += 1 }
      return Candidate(frame: frame, time: time, shot: shot)
    case .scenes:
      let isCut = detector.isCut(thumbnail) || shot < 0
      var finished: Candidate?
      if isCut {
        finished = best?.candidate
        best = nil
        shot += 1
      }
      let sharpness = thumbnail.sharpness
      if sharpness > best?.sharpness ?? -1 {
        best = (Candidate(frame: frame, time: time, shot: shot), sharpness)
      }
      return finished
    }
  }

  /// The candidate still held at the end of the stream (the last shot's best frame).
  mutating func finish() -> Candidate? {
    defer { best = nil }
    return best?.candidate
  }
}
