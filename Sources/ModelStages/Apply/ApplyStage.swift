import CelCore
import DataStages
import Foundation
import Imaging
import Torch
import Video

/// Cartoonizes a photo, a folder of photos, or a video with a generator.
///
/// Photos keep their size (or are scaled down to `--max-side` first); a folder's photos
/// are read and written on other tasks while the generator works; a video keeps its frame
/// rate and size and is written with H.264 (libx264) when this FFmpeg has it, MPEG-4 Part 2
/// otherwise. Outputs are written under temporary names and renamed into place.
package struct ApplyStage: Sendable {
  package var input: URL
  package var output: URL
  package var options: ApplyOptions
  package var isQuiet = false

  package init(input: URL, output: URL, options: ApplyOptions) {
    self.input = input
    self.output = output
    self.options = options
  }

  package enum Kind: Sendable { case photo, folder, video }

  /// What the input is: a folder, a file with an image extension, or else a video.
  package func kind() throws -> Kind {
    guard let isFolder = FileIO.isFolder(input.path) else { throw CelError.missing(input.path) }
    if isFolder { return .folder }
    return DatasetLayout.imageExtensions.contains(input.pathExtension.lowercased())
      ? .photo : .video
  }

  package static let name = "apply"

  /// Runs, and counts the pictures (photos or frames) cartoonized.
  package func run() async throws -> ApplyOutcome {
    ApplyOutcome(output: output, pictures: try await cartoonizeAll())
  }

  private func cartoonizeAll() async throws -> Int {
    let kind = try kind()
    if FileManager.default.fileExists(atPath: output.path) && !options.overwrite {
      throw CelError.cannotWrite(output.path, reason: "exists (use --overwrite to replace it)")
    }
    let cudaDevice = try CUDA.index(for: options.device)
    try TorchRuntime.prepare(
      threads: options.threads ?? ProcessInfo.processInfo.activeProcessorCount, cachingMemory: false
    )
    let weights = try GeneratorWeights.load(URL(fileURLWithPath: options.model))
    let cartoonizer = try Cartoonizer(
      weights: weights, cudaDevice: cudaDevice, memoryLimit: options.memoryLimit?.bytes)
    switch kind {
    case .photo:
      let picture = try readPhoto(input)
      try checkMemory(width: picture.width, height: picture.height, source: input)
      try writePhoto(try cartoonizer.cartoonize(picture), to: output)
      return 1
    case .folder: return try await applyToFolder(cartoonizer)
    case .video: return try applyToVideo(cartoonizer)
    }
  }

  /// A photo as 8-bit BGR, scaled down to `--max-side` when asked.
  func readPhoto(_ url: URL) throws -> PixelBuffer {
    var image = try Image.readColour(url)
    if let maxSide = options.maxSide, max(image.width, image.height) > maxSide {
      let scale = Double(maxSide) / Double(max(image.width, image.height))
      image = try image.resized(
        width: max(1, Int(Double(image.width) * scale)),
        height: max(1, Int(Double(image.height) * scale)))
    }
    return try image.pixels()
  }

  /// Refuses a picture that needs more memory than `--memory-limit` or, by default, than
  /// the machine has available, naming what it needs and the `--max-side` that would fit.
  func checkMemory(width: Int, height: Int, source: URL) throws {
    guard let limit = options.memoryLimit?.bytes ?? SystemMemory.available() else { return }
    let needed = Cartoonizer.bytesNeeded(width: width, height: height)
    guard needed > limit else { return }
    // The longest side that fits, at this picture's aspect ratio.
    let longest = max(width, height)
    func fits(_ side: Int) -> Bool {
      Cartoonizer.bytesNeeded(
        width: max(1, width * side / longest), height: max(1, height * side / longest)) <= limit
    }
    var (low, high) = (0, longest)
    while low < high {
      let middle = (low + high + 1) / 2
      if fits(middle) { low = middle } else { high = middle - 1 }
    }
    let advice = low >= 4 ? "scale it down with --max-side \(low)" : "free some memory"
    throw CelError.invalidInput(
      source.path,
      reason: "a \(width)x\(height) picture needs \(ByteCount(bytes: needed)) to cartoonize, "
        + "\(ByteCount(bytes: limit)) is available; \(advice)")
  }

  func writePhoto(_ picture: PixelBuffer, to url: URL) throws {
    try Image(picture).write(to: url)
  }

  private func applyToFolder(_ cartoonizer: Cartoonizer) async throws -> Int {
    let files = try FileIO.files(in: input, extensions: DatasetLayout.imageExtensions)
    guard !files.isEmpty else { throw CelError.invalidInput(input.path, reason: "holds no images") }
    try FileIO.createDirectory(output)
    let progress = ProgressReporter("apply", total: files.count, quiet: isQuiet)
    // Reading the next photo and writing the last one overlap the generator's work.
    var next: Task<PixelBuffer, any Error>? = Task { [self] in try readPhoto(files[0]) }
    var writing: Task<Void, any Error>?
    for (index, file) in files.enumerated() {
      guard let reading = next else { break }
      let picture = try await reading.value
      try checkMemory(width: picture.width, height: picture.height, source: file)
      next = index + 1 < files.count ? Task { [self] in try readPhoto(files[index + 1]) } : nil
      let cartoon = try cartoonizer.cartoonize(picture)
      try await writing?.value
      let target = output.appendingPathComponent(file.lastPathComponent)
      writing = Task { [self] in try writePhoto(cartoon, to: target) }
      progress.advance()
    }
    try await writing?.value
    progress.finish("\(files.count) photos cartoonized")
    return files.count
  }

  private func applyToVideo(_ cartoonizer: Cartoonizer) throws -> Int {
    let decoder = try VideoDecoder(url: input)
    let info = decoder.info
    let size = info.squarePixelSize
    var settings = VideoEncoder.Settings(width: size.width, height: size.height)
    // A header may claim any rate or length: keep both to what a video can be.
    let rate = info.frameRate.flatMap { $0.isFinite ? min(max($0, 1), 240) : nil } ?? 25
    settings.frameRate = Int(rate.rounded())
    settings.keyframeInterval = settings.frameRate * 2
    settings.codec = VideoEncoder.hasEncoder("libx264") ? "libx264" : "mpeg4"
    settings.options =
      settings.codec == "libx264" ? ["crf": "18", "preset": "medium"] : ["qscale": "3"]
    settings.audioSource = input
    let temporary = FileIO.temporaryURL(for: output)
    let progress = ProgressReporter(
      "apply",
      total: info.duration.map { $0 * rate }.flatMap { $0.isFinite && $0 < 1e9 ? Int($0) : nil },
      quiet: isQuiet)
    try checkMemory(width: size.width, height: size.height, source: input)
    var count = 0
    do {
      let encoder = try VideoEncoder(url: temporary, settings: settings)
      count = try cartoonizeFrames(
        decoder: decoder, size: size, encoder: encoder, cartoonizer: cartoonizer,
        progress: progress)
      try FileIO.replace(output, with: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
    progress.finish("\(count) frames cartoonized")
    return count
  }

  /// A frame on its way through: its pixels and presentation time.
  private typealias Frame = (pixels: PixelBuffer, seconds: Double?)

  /// Decodes on one thread, cartoonizes on this one and encodes on a third, two frames
  /// queued between each, so that the generator never waits for FFmpeg. The decoder and
  /// the encoder each go to their thread and are used there alone.
  private func cartoonizeFrames(
    decoder: VideoDecoder, size: (width: Int, height: Int), encoder: VideoEncoder,
    cartoonizer: Cartoonizer, progress: ProgressReporter
  ) throws -> Int {
    let decoded = BoundedChannel<Frame>(capacity: 2)
    let cartoons = BoundedChannel<Frame>(capacity: 2)
    let decoderHandOff = UncheckedTransfer(decoder)
    let encoderHandOff = UncheckedTransfer(encoder)
    let decoding = startThread {
      let decoder = decoderHandOff.value
      let converter = FrameConverter()
      do {
        while let frame = try decoder.nextFrame() {
          let pixels = try converter.convert(frame, width: size.width, height: size.height)
          try decoded.send((pixels, frame.seconds))
        }
        decoded.finish()
      } catch {
        decoded.fail(error)
      }
    }
    let encoding = startThread {
      let encoder = encoderHandOff.value
      do {
        while let cartoon = try cartoons.receive() {
          try encoder.append(cartoon.pixels, at: cartoon.seconds)
        }
        try encoder.finish()
      } catch {
        cartoons.fail(error)
      }
    }
    var count = 0
    do {
      while let frame = try decoded.receive() {
        try cartoons.send((try cartoonizer.cartoonize(frame.pixels), frame.seconds))
        count += 1
        progress.advance()
      }
      cartoons.finish()
    } catch {
      decoded.fail(error)
      cartoons.fail(error)
    }
    decoding.wait()
    encoding.wait()
    // The first error of any of the three, the encoder's included when it failed after the
    // last frame was handed over.
    if let failure = cartoons.failure ?? decoded.failure { throw failure }
    return count
  }

  /// Runs `body` on a thread of its own; the semaphore is signalled when it returns.
  private func startThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
      body()
      done.signal()
    }.start()
    return done
  }
}

/// What cartoonizing came to. The output is pictures, not a dataset: no manifest.
package struct ApplyOutcome: StageReport {
  package var output: URL
  /// Photos or frames cartoonized.
  package var pictures: Int

  package var stage: String { ApplyStage.name }
  package var summary: String { "\(stage): \(brief) into \(output.path)" }
  package var brief: String { "\(pictures) \(pictures == 1 ? "picture" : "pictures") cartoonized" }
  package var warnings: [String] { [] }
}
