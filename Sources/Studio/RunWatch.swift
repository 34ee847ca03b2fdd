import CelCore
import Foundation

/// What a training run has written since the last look: new rows of `metrics.csv` (whole
/// lines only, so a row being written is read once it is complete) and new sample grids.
package struct RunWatch: Sendable {
  package struct Update: Codable, Sendable, Equatable {
    /// The step numbers (the row's place in the file, from 0), epochs and values of new rows.
    package var steps: [Int] = []
    package var epochs: [Int] = []
    /// Losses, accuracies and seconds; a non-finite value (a diverged run) is null.
    package var values: [[Double?]] = []
    /// Names of sample grids not seen before, in epoch order.
    package var samples: [String] = []
    /// The file was rewritten shorter (a resumed run drops rows past its checkpoint): the
    /// rows sent before no longer stand.
    package var restarted = false
    package var isEmpty: Bool { steps.isEmpty && samples.isEmpty }
  }

  package var run: URL
  private var offset: UInt64 = 0
  private var rowsSeen = 0
  private var samplesSeen: Set<String> = []

  package init(run: URL) { self.run = run }

  /// Reads what is new.
  package mutating func poll() -> Update {
    var update = Update()
    if let handle = FileHandle(forReadingAtPath: run.appendingPathComponent("metrics.csv").path) {
      defer { try? handle.close() }
      if let size = try? handle.seekToEnd(), size < offset {
        (offset, rowsSeen, update.restarted) = (0, 0, true)
      }
      try? handle.seek(toOffset: offset)
      let data = (try? handle.readToEnd()) ?? Data()
      if let end = data.lastIndex(of: UInt8(ascii: "\n")) {
        let complete = data[data.startIndex...end]
        offset += UInt64(complete.count)
        for line in complete.split(separator: UInt8(ascii: "\n")) {
          let text = String(decoding: line, as: UTF8.self)
          if let row = MetricsRow(parsing: text) {
            update.steps.append(rowsSeen)
            update.epochs.append(row.epoch)
            update.values.append(row.values.map { $0.isFinite ? $0 : nil })
            rowsSeen += 1
          }
        }
      }
    }
    let samples = run.appendingPathComponent("samples")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? []
    let new = names.filter { $0.hasSuffix(".png") && !samplesSeen.contains($0) }
    samplesSeen.formUnion(new)
    update.samples = new.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    return update
  }
}
