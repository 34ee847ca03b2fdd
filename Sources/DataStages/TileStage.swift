import CelCore
import Foundation
import Imaging

/// The tile stage: frames (or any folder of images) in, `tiles/` and `tiles.jsonl` out.
///
/// Each image is read once, scaled once, and all its tiles are cut, checked and written in
/// the same pass, on one task per core (OpenCV itself kept to one thread), so memory holds
/// a few images whatever the number of frames.
package struct TileStage: Sendable {
  package static let name = "tile"
  package var dataset: URL
  /// A folder of images to tile; nil tiles the dataset's own `frames/`.
  package var input: URL?
  package var options: TileOptions
  package var isQuiet = false
  package var threads = ProcessInfo.processInfo.activeProcessorCount

  package init(dataset: URL, input: URL? = nil, options: TileOptions) {
    self.dataset = dataset
    self.input = input
    self.options = options
  }

  /// One image to cut.
  struct Source: Sendable {
    var url: URL
    /// How the record names it: `frames/NAME` for frames, the path given otherwise.
    var name: String
    /// Stem of the tiles' file names.
    var stem: String
    var group: String
  }

  /// What cutting one image came to.
  struct Cut: Sendable {
    var records: [TileRecord] = []
    var counts: [String: Int] = [:]
    var skipped: String?
  }

  package func run() async throws -> StageOutcome {
    let (sources, fingerprint) = try listSources()
    let layout = DatasetLayout(dataset)
    let (isQuiet, threads, options) = (self.isQuiet, self.threads, self.options)
    return try await StageBookkeeping.run(
      Self.name, in: dataset, parameters: options.parameters, inputFingerprint: fingerprint,
      folder: layout.tiles, besides: [layout.tileRecords]
    ) { staging in
      Image.setLibraryThreads(1)
      let progress = ProgressReporter("tile", total: sources.count, quiet: isQuiet)
      let cuts = try await sources.concurrentMap(limit: threads) { source in
        let cut = try Self.cut(source, options: options, into: staging)
        progress.advance()
        return cut
      }
      var counts: [String: Int] = ["images": sources.count, "tiles": 0, "flat": 0, "no-lines": 0]
      for cut in cuts { counts.merge(cut.counts, uniquingKeysWith: +) }
      let records = cuts.flatMap(\.records)
      counts["tiles"] = records.count
      progress.finish("\(records.count) tiles from \(sources.count) images")
      return StageProduct(
        counts: counts, skipped: cuts.compactMap(\.skipped),
        files: [(layout.tileRecords, try JSONLines.encode(records))])
    }
  }

  /// The images to cut and a fingerprint of them: the extract stage's records, or the
  /// names, sizes and dates of the folder's images.
  func listSources() throws -> ([Source], String) {
    if let input {
      try CelError.requireDirectory(input.path)
      let files = try FileIO.files(in: input, extensions: DatasetLayout.imageExtensions)
      guard !files.isEmpty else {
        throw CelError.invalidInput(input.path, reason: "holds no images")
      }
      var digest = Fingerprint()
      var stems: Set<String> = []
      let sources = files.map { url in
        let name = url.lastPathComponent
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        digest.combine(name)
        digest.combine("\(attributes?[.size] ?? 0) \(attributes?[.modificationDate] ?? "")")
        var stem = url.deletingPathExtension().lastPathComponent
        if !stems.insert(stem).inserted { stem = name }
        return Source(url: url, name: url.path, stem: stem, group: name)
      }
      return (sources, digest.hex)
    }
    let layout = DatasetLayout(dataset)
    guard FileManager.default.fileExists(atPath: layout.frameRecords.path) else {
      throw CelError.invalidInput(
        dataset.path, reason: "has no frames.jsonl: run cel-extract first, or give --input FOLDER")
    }
    let frames = try JSONLines.read(FrameRecord.self, from: layout.frameRecords)
    let sources = frames.map { frame in
      let url = dataset.appendingPathComponent(frame.file)
      return Source(
        url: url, name: frame.file, stem: url.deletingPathExtension().lastPathComponent,
        group: "\(frame.source)#\(frame.shot)")
    }
    return (sources, try Fingerprint.ofContents(layout.frameRecords))
  }

  /// Reads, scales and cuts one image, writing its tiles into the staging folder.
  static func cut(_ source: Source, options: TileOptions, into staging: StagingDirectory) throws
    -> Cut
  {
    var cut = Cut()
    let image: Image
    do {
      image = try Image.readColour(source.url)
    } catch {
      guard options.skipBadInputs else { throw error }
      cut.counts["unreadable"] = 1
      cut.skipped = "\(error)"
      return cut
    }
    let size = options.size
    let shortSide = Double(min(image.width, image.height))
    let fitted = Double(size) / shortSide  // makes the short side exactly one tile
    var factor = options.strategy == .center ? min(fitted, 1) : options.scale
    if shortSide * factor < Double(size) {
      guard options.upscale else {
        cut.counts["too-small"] = 1
        return cut
      }
      factor = fitted
    }
    let width = Int((Double(image.width) * factor).rounded())
    let height = Int((Double(image.height) * factor).rounded())
    let scaled =
      width == image.width && height == image.height
      ? image
      : try image.resized(width: width, height: height, interpolation: factor < 1 ? .area : .cubic)

    var generator = SeededGenerator(seed: options.seed, item: source.stem)
    let rectangles = options.layout.rectangles(width: width, height: height, using: &generator)
    for (index, rect) in rectangles.enumerated() {
      let tile = try scaled.cropped(to: rect)
      if try tile.greyStatistics().deviation < options.minDeviation {
        cut.counts["flat", default: 0] += 1
        continue
      }
      if try tile.edgeDensity(low: 100, high: 200) < options.minEdges {
        cut.counts["no-lines", default: 0] += 1
        continue
      }
      let name = "\(source.stem)-\(index).png"
      cut.records.append(
        TileRecord(
          file: "tiles/\(name)", source: source.name, rect: rect, scale: factor, group: source.group
        ))
      if staging.finishedNames.contains(name) {
        cut.counts["resumed", default: 0] += 1
      } else {
        try tile.write(to: staging.url.appendingPathComponent(name))
      }
    }
    return cut
  }
}
