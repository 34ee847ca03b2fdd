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
  /// The film as its set knows it, when it belongs to a set of films: its frames are
  /// filed under its name, its outputs stay current while its file is away, and a file
  /// whose content changed since it was added is refused.
  package var film: FilmSet.Film?

  package init(input: URL, dataset: URL, options: ExtractOptions) {
    self.input = input
    self.dataset = dataset
    self.options = options
  }

  /// The stem of the frames' file names.
  var frameStem: String { film?.name ?? input.deletingPathExtension().lastPathComponent }
  /// The film as the frame records name it (and as tile groups are keyed).
  var sourceName: String { film?.name ?? input.lastPathComponent }

  package func run() async throws -> StageOutcome {
    let layout = DatasetLayout(dataset)
    if let film, FileIO.isFolder(input.path) == nil,
      let record = try StageBookkeeping.currentRecord(
        of: Self.name, in: dataset, parameters: options.parameters,
        inputFingerprint: film.fingerprint, outputs: [layout.frames, layout.frameRecords])
    {
      return .upToDate(record)
    }
    try CelError.requireFile(input.path)
    let fingerprint = try Fingerprint.ofFile(input)
    if let film, film.fingerprint != fingerprint {
      throw CelError.invalidInput(
        input.path,
        reason:
          "its content changed since it was added to the set as '\(film.name)' (remove that film and add the file again)"
      )
    }
    MemoryTuning.reuseLargeBuffers()
    let decoder = try VideoDecoder(
      url: input, streamIndex: options.stream, keyframesOnly: options.mode == .keyframes,
      threads: threads)
    return try await StageBookkeeping.run(
      Self.name, in: dataset, parameters: options.parameters, inputFingerprint: fingerprint,
      folder: layout.frames, besides: [layout.frameRecords]
    ) { staging in
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
      return StageProduct(
        counts: counts,
        warnings: decoder.damagedPackets > 0
          ? ["\(decoder.damagedPackets) damaged packets skipped"] : [],
        files: [
          (layout.frameRecords, try JSONLines.encode(run.records)),
          (layout.droppedFrames, try JSONLines.encode(run.dropped)),
        ])
    }
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
  var dropped: [DroppedFrame] = []
  var counts: [String: Int] = ["kept": 0, "decoded": 0]

  // One converter per target size, so each keeps its scaler.
  private let converter = FrameConverter()
  private let analyser = FrameConverter()
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
        writers.addTask { try job.write() }
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
        let thumbnail = try thumbnailer.thumbnail(
          frame, width: thumbnailWidth, height: thumbnailHeight)
        if let candidate = sampler.feed(frame, time: time, thumbnail: thumbnail),
          let job = try keep(candidate)
        {
          try await write(job)
        }
        progress.advance(
          note: String(format: "frames decoded, at %.0f s, %d kept", time, records.count))
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
    var format: StillImageEncoder.Format
    var quality: Int?

    func write() throws {
      try FileIO.writeAtomically(
        StillImageEncoder.encode(pixels, as: format, quality: quality), to: url)
    }
  }

  private mutating func drop(
    _ candidate: FrameSampler.Candidate, because reason: FrameFilter.Rejection
  ) {
    counts[reason.rawValue, default: 0] += 1
    dropped.append(
      DroppedFrame(
        time: (candidate.time * 1000).rounded() / 1000, reason: reason.rawValue,
        shot: candidate.shot))
  }

  /// Applies the filters to a candidate on a small grey copy (statistics and the hash barely
  /// change with scale, and most frames stop here), then converts a kept frame to its
  /// full-size, square-pixel, upright, bar-free picture. Returns the write to do, or nil
  /// when the frame is dropped or already written by an interrupted run.
  private mutating func keep(_ candidate: FrameSampler.Candidate) throws -> WriteJob? {
    let info = decoder.info
    let size = info.squarePixelSize
    let full = PixelRect(x: 0, y: 0, width: size.width, height: size.height)
    let small = (
      width: min(256, size.width), height: max(2, size.height * min(256, size.width) / size.width)
    )
    var grey = try analyser.convert(
      candidate.frame, width: small.width, height: small.height, channels: 1)
    if pictureArea != full {
      grey = grey.cropped(to: pictureArea.scaled(from: (size.width, size.height), to: small))
    }
    var analysed = try Image(grey)
    if info.quarterTurns != 0 { analysed = try analysed.rotated(quarterTurns: info.quarterTurns) }
    let statistics = try analysed.greyStatistics()
    if let reason = filter.rejection(mean: statistics.mean, deviation: statistics.deviation) {
      drop(candidate, because: reason)
      return nil
    }
    let hash = try analysed.perceptualHash()
    if filter.isDuplicate(hash) {
      drop(candidate, because: .duplicate)
      return nil
    }

    let turned = info.quarterTurns % 2 == 1
    let milliseconds = Int((candidate.time * 1000).rounded())
    let name =
      "\(stage.frameStem)-\(String(format: "%09d", milliseconds)).\(stage.options.format.rawValue)"
    records.append(
      FrameRecord(
        file: "frames/\(name)", source: stage.sourceName,
        time: Double(milliseconds) / 1000, kind: candidate.frame.pictureType,
        isKeyframe: candidate.frame.isKeyframe, shot: candidate.shot, hash: hash.description,
        crop: pictureArea, width: turned ? pictureArea.height : pictureArea.width,
        height: turned ? pictureArea.width : pictureArea.height))
    counts["kept", default: 0] += 1
    if staging.finishedNames.contains(name) {
      counts["resumed", default: 0] += 1
      return nil
    }
    // PNG and WebP take RGB: convert to it directly rather than to BGR and then again.
    var pixels = try converter.convert(
      candidate.frame, width: size.width, height: size.height, order: .rgb)
    if pictureArea != full { pixels = pixels.cropped(to: pictureArea) }
    pixels = pixels.rotated(quarterTurns: info.quarterTurns)
    return WriteJob(
      pixels: pixels, url: staging.url.appendingPathComponent(name),
      format: stage.options.format.encoderFormat, quality: stage.options.quality)
  }
}
