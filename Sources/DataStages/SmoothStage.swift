import CelCore
import Foundation
import Imaging

/// The smooth stage: `tiles/` in, `smooth/` out, one edge-smoothed twin per tile under the
/// same name; in a set of films, for every film, with the same parameters.
///
/// Regenerating with new parameters builds each film's new twins beside the old ones and
/// swaps them in whole; the train and val views go on linking the old twins until the
/// split relinks them, so a training run never sees old and new twins mixed.
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
    let units = try FilmSet.tileUnits(of: dataset).map { ($0, try TileRecord.readAll(in: $0)) }
    let progress = ProgressReporter(
      "smooth", total: units.reduce(0) { $0 + $1.1.count }, quiet: isQuiet)
    var outcomes: [StageOutcome] = []
    for (unit, tiles) in units {
      outcomes.append(try await smooth(tiles, in: unit, progress: progress))
    }
    let outcome = StageOutcome.combining(outcomes)
    if case .ran(let record) = outcome {
      progress.finish("\(record.counts["smoothed", default: 0]) tiles smoothed")
    }
    return outcome
  }

  /// Smooths the tiles of one film (or of the whole dataset, when it is not a set).
  private func smooth(_ tiles: [TileRecord], in unit: URL, progress: ProgressReporter)
    async throws -> StageOutcome
  {
    let layout = DatasetLayout(unit)
    let (smoothing, threads) = (options.smoothing, self.threads)
    return try await StageBookkeeping.run(
      Self.name, in: unit, parameters: options.parameters,
      inputFingerprint: try Fingerprint.ofContents(layout.tileRecords), folder: layout.smooth
    ) { staging in
      Image.setLibraryThreads(1)
      let resumed = try await tiles.concurrentMap(limit: threads) { tile -> Int in
        defer { progress.advance() }
        let name = (tile.file as NSString).lastPathComponent
        if staging.finishedNames.contains(name) { return 1 }
        let image = try Image.readColour(unit.appendingPathComponent(tile.file))
        try image.edgeSmoothed(smoothing).write(to: staging.url.appendingPathComponent(name))
        return 0
      }.reduce(0, +)
      return StageProduct(counts: ["smoothed": tiles.count, "resumed": resumed])
    }
  }
}
