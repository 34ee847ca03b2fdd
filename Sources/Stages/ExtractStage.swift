import CelCore
import Foundation
import Imaging
import Video

/// The extract stage: a video file in, `frames/` and `frames.jsonl` out.
///
/// Decoding, thumbnails and the keep-or-drop decisions run in order on one task (FFmpeg's
/// decoder threads use the cores meanwhile); encoding the kept frames, the costly part,
/// runs on up to `threads` tasks at once. At most that many frames are in flight, so
/// memory stays flat whatever the film's length.
package struct ExtractStage: Sendable {
  package static let name = "extract"
  package var input: URL
  package var dataset: URL
  package var options: ExtractOptions
  package var isQuiet = false
  package var threads = ProcessInfo.processInfo.activeProcessorCount

  package init(input: URL, dataset: URL, options: ExtractOptions) {
    self.input = input
    self.dataset = dataset
    self.options = options
  }

  package var framesURL: URL { dataset.appendingPathComponent("frames") }
  package var recordsURL: URL { dataset.appendingPathComponent("frames.jsonl") }

  package func run() async throws -> StageOutcome {
    try CelError.requireFile(input.path)
    let decoder = try VideoDecoder(
      url: input, streamIndex: options.stream, keyframesOnly: options.mode == .keyframes,
      threads: threads)
    let fingerprint = try Fingerprint.ofFile(input)
    let parameters = options.parameters
    try FileIO.createDirectory(dataset)
    if let record = try DatasetManifest.load(from: dataset).stages[Self.name],
      record.isCurrent(parameters: parameters, inputFingerprint: fingerprint),
      FileManager.default.fileExists(atPath: recordsURL.path)
    {
      return .upToDate(record)
    }

    var stagingKey = Fingerprint()
    stagingKey.combine(fingerprint)
    for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { stagingKey.combine(key + value) }
    let staging = try StagingDirectory(for: framesURL, key: stagingKey.hex)

    let size = decoder.info.squarePixelSize
    let pictureArea =
      options.cropBars
      ? try LetterboxProbe.pictureArea(
        of: input, stream: options.stream, info: decoder.info, from: options.start ?? 0,
        to: options.end)
      : PixelRect(x: 0, y: 0, width: size.width, height: size.height)
    var run = ExtractionRun(
      stage: self, decoder: decoder, staging: staging, pictureArea: pictureArea)
    try await run.decodeAll()
    let counts = run.counts
    guard counts["decoded", default: 0] > 0 else {
      throw CelError.invalidInput(input.path, reason: "no frame could be decoded")
    }
    try staging.commit()
    try FrameRecord.writeLines(run.records, to: recordsURL)
    var warnings: [String] = []
    if decoder.damagedPackets > 0 {
      warnings.append("\(decoder.damagedPackets) damaged packets skipped")
    }
    let record = StageRecord(
      stage: Self.name, parameters: parameters, inputFingerprint: fingerprint, counts: counts,
      warnings: warnings)
    try DatasetManifest.record(record, in: dataset)
    return .ran(record)
  }
}

/// One pass over the film: the state that lives only while the stage runs.
private struct ExtractionRun {
  let stage: ExtractStage
  let decoder: VideoDecoder
  let staging: StagingDirectory
  /// Where the picture is, bars excluded; the same for every frame of the film.
  let pictureArea: PixelRect
  var records: [FrameRecord] = []
  var counts: [String: Int] = ["kept": 0, "decoded": 0]

  private let converter = FrameConverter()
  private let thumbnailer = FrameConverter()
  private var filter: FrameFilter
  private var sampler: FrameSampler
  private let progress: ProgressReporter

  init(
    stage: ExtractStage, decoder: VideoDecoder, staging: StagingDirectory, pictureArea: PixelRect
  ) {
    self.stage = stage
    self.decoder = decoder
    self.staging = staging
    self.pictureArea = pictureArea
    filter = FrameFilter(stage.options)
    sampler = FrameSampler(
      mode: stage.options.mode, interval: stage.options.interval,
      start: stage.options.start ?? 0, sceneThreshold: stage.options.sceneThreshold)
    progress = ProgressReporter("extract", quiet: stage.isQuiet)
    for reason in FrameFilter.Rejection.allCases { counts[reason.rawValue] = 0 }
  }

  mutating func decodeAll() async throws {
    let options = stage.options
    let info = decoder.info
    if let start = options.start { try decoder.seek(to: start) }
    let thumbnailWidth = 96
    let thumbnailHeight = max(2, (thumbnailWidth * info.height / max(1, info.width)) & ~1)

    try await withThrowingTaskGroup(of: Void.self) { writers in
      var inFlight = 0
      func write(_ job: WriteJob) async throws {
        if inFlight >= max(1, stage.threads) {
          try await writers.next()
          inFlight -= 1
        }
        writers.addTask { try Image(job.pixels).write(to: job.url, quality: job.quality) }
        inFlight += 1
      }

      // A frame without a timestamp (some AVI files) follows its predecessor by one frame.
      let frameDuration = 1 / (info.frameRate ?? 25)
      var lastTime = (options.start ?? 0) - frameDuration
      while !isFull, let frame = try decoder.nextFrame() {
        try Task.checkCancellation()
        let time = frame.seconds ?? lastTime + frameDuration
        lastTime = time
        if let start = options.start, time < start { continue }
        if let end = options.end, time > end { break }
        counts["decoded", default: 0] += 1
        let thumbnail = try thumbnailer.convert(
          frame, width: thumbnailWidth, height: thumbnailHeight)
        if let candidate = sampler.feed(frame, time: time, thumbnail: thumbnail),
          let job = try keep(candidate)
        {
          try await write(job)
        }
        progress.advance(note: String(format: "frames decoded, at %.0f s, %d kept", time, records.count))
      }
      if !isFull, let candidate = sampler.finish(), let job = try keep(candidate) {
        try await write(job)
      }
      try await writers.waitForAll()
    }
    counts["damaged-packets"] = decoder.damagedPackets
    progress.finish("\(records.count) frames kept of \(counts["decoded", default: 0]) decoded")
  }

  private var isFull: Bool {
    guard let maxFrames = stage.options.maxFrames else { return false }
    return records.count >= maxFrames
  }

  private struct WriteJob: Sendable {
    var pixels: PixelBuffer
    var url: URL
    var quality: Int?
  }

  /// Converts a candidate to a square-pixel, upright, bar-free image and applies the
  /// filters; returns the write to do, or nil when the frame is dropped or already written.
  private mutating func keep(_ candidate: FrameSampler.Candidate) throws -> WriteJob? {
    let info = decoder.info
    let size = info.squarePixelSize
    var image = try Image(converter.convert(candidate.frame, width: size.width, height: size.height))
    if pictureArea.width != size.width || pictureArea.height != size.height {
      image = try image.cropped(to: pictureArea)
    }
    if info.quarterTurns != 0 { image = try image.rotated(quarterTurns: info.quarterTurns) }

    let statistics = try image.greyStatistics()
    if let reason = filter.rejection(mean: statistics.mean, deviation: statistics.deviation) {
      counts[reason.rawValue, default: 0] += 1
      return nil
    }
    let hash = try image.perceptualHash()
    if filter.isDuplicate(hash) {
      counts[FrameFilter.Rejection.duplicate.rawValue, default: 0] += 1
      return nil
    }

    let milliseconds = Int((candidate.time * 1000).rounded())
    let stem = stage.input.deletingPathExtension().lastPathComponent
    let name = "\(stem)-\(String(format: "%09d", milliseconds)).\(stage.options.format.rawValue)"
    records.append(
      FrameRecord(
        file: "frames/\(name)", source: stage.input.lastPathComponent,
        time: Double(milliseconds) / 1000, kind: candidate.frame.pictureType,
        isKeyframe: candidate.frame.isKeyframe, shot: candidate.shot, hash: hash.description,
        crop: pictureArea, width: image.width, height: image.height))
    counts["kept", default: 0] += 1
    if staging.finishedNames.contains(name) {
      counts["resumed", default: 0] += 1
      return nil
    }
    return WriteJob(
      pixels: try image.pixels(), url: staging.url.appendingPathComponent(name),
      quality: stage.options.quality)
  }
}
