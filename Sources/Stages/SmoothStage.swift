import CelCore
import Foundation
import Imaging

/// The smooth stage: `tiles/` in, `smooth/` out, one edge-smoothed twin per tile under the
/// same name.
///
/// Regenerating with new parameters builds the whole new set beside the old one and swaps
/// it in at once, so a reader (or a training run) never sees old and new twins mixed.
package struct SmoothStage: Sendable {
  package static let name = "smooth"
  package var dataset: URL
  package var options: SmoothOptions
  package var isQuiet = false
  package var threads = ProcessInfo.processInfo.activeProcessorCount

  package init(dataset: URL, options: SmoothOptions) {
    self.dataset = dataset
    self.options = options
  }

  package func run() async throws -> StageOutcome {
    let layout = DatasetLayout(dataset)
    let tiles = try TileRecord.readAll(in: dataset)
    let fingerprint = try Fingerprint.ofContents(layout.tileRecords)
    let parameters = options.parameters
    let staging: StagingDirectory
    switch try StageBookkeeping.start(
      Self.name, in: dataset, parameters: parameters, inputFingerprint: fingerprint,
      outputs: [layout.smooth])
    {
    case .upToDate(let record): return .upToDate(record)
    case .run(let folder): staging = folder
    }

    Image.setLibraryThreads(1)
    let progress = ProgressReporter("smooth", total: tiles.count, quiet: isQuiet)
    let smoothing = options.smoothing
    let dataset = self.dataset
    let resumed = try await tiles.concurrentMap(limit: threads) { tile -> Int in
      defer { progress.advance() }
      let name = (tile.file as NSString).lastPathComponent
      if staging.finishedNames.contains(name) { return 1 }
      let source = dataset.appendingPathComponent(tile.file)
      let image = try Image.readColour(source)
      try image.edgeSmoothed(smoothing).write(to: staging.url.appendingPathComponent(name))
      return 0
    }.reduce(0, +)
    progress.finish("\(tiles.count) tiles smoothed")

    try staging.commit()
    let record = StageRecord(
      stage: Self.name, parameters: parameters, inputFingerprint: fingerprint,
      counts: ["smoothed": tiles.count, "resumed": resumed])
    try DatasetManifest.record(record, in: dataset)
    return .ran(record)
  }
}
