import CelCore
import Foundation

/// `RUN/report/index.html` for a `cel-train` run: every loss term and the
/// discriminator's accuracies over the steps, the time per step, and the sample grids in
/// epoch order. A half-written last row (a killed run) is skipped and said so.
package struct RunReport {
  package var run: URL

  package init(run: URL) { self.run = run }

  struct Row {
    var epoch: Int
    var batch: Int
    /// Content, style, generator adversarial, discriminator, three accuracies, seconds.
    var values: [Double]
  }

  /// The rows that parse, and how many did not.
  static func rows(_ url: URL) -> (rows: [Row], malformed: Int)? {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
    var rows: [Row] = []
    var malformed = 0
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      let numbers = fields.dropFirst(3).compactMap { Double($0) }
      guard fields.count == 11, let epoch = Int(fields[0]), let batch = Int(fields[1]),
        numbers.count == 8
      else {
        malformed += 1
        continue
      }
      rows.append(Row(epoch: epoch, batch: batch, values: numbers))
    }
    return (rows, malformed)
  }

  package func write() throws -> URL {
    let folder = run.appendingPathComponent("report")
    try FileIO.createDirectory(folder)
    var body = "<h1>Training run \(HTML.escape(run.lastPathComponent))</h1>"
    if let parsed = Self.rows(run.appendingPathComponent("metrics.csv")) {
      let rows = parsed.rows
      if parsed.malformed > 0 {
        body += HTML.missing(
          "\(parsed.malformed) unreadable rows of metrics.csv skipped (a run stopped mid-write).")
      }
      body += "<p>\(rows.count) steps over \(Set(rows.map(\.epoch)).count) epochs.</p>"
      func series(_ names: [String], _ columns: [Int]) -> [SVGChart.Series] {
        zip(names, columns).map { name, column in
          SVGChart.Series(
            name: name,
            points: rows.enumerated().map { (Double($0.offset), $0.element.values[column]) })
        }
      }
      body +=
        "<h2>Losses</h2>"
        + SVGChart().lines(
          series(["content", "style", "generator adversarial", "discriminator"], [0, 1, 2, 3]),
          xLabel: "step")
      body +=
        "<h2>Discriminator accuracy</h2>"
        + SVGChart().lines(
          series(["real style", "smoothed", "generated"], [4, 5, 6]), xLabel: "step")
      body +=
        "<h2>Seconds per step</h2>" + SVGChart().lines(series(["seconds"], [7]), xLabel: "step")
    } else {
      body += HTML.missing("No metrics.csv: this run has not finished a step.")
    }
    body += "<h2>Samples</h2>"
    let samples =
      (try? FileIO.files(in: run.appendingPathComponent("samples"), extensions: ["png"])) ?? []
    if samples.isEmpty {
      body += HTML.missing("No sample grids yet: one is written after every epoch.")
    } else {
      body +=
        "<div class=\"grids\">"
        + samples.map { url in
          "<figure><img src=\"../samples/\(HTML.escape(url.lastPathComponent))\" alt=\"\(HTML.escape(url.lastPathComponent))\"><figcaption>\(HTML.escape(url.deletingPathExtension().lastPathComponent)): photos above, cartoons below</figcaption></figure>"
        }.joined() + "</div>"
    }
    let page = folder.appendingPathComponent("index.html")
    try FileIO.writeAtomically(
      Data(HTML.page(title: "Celshade run \(run.lastPathComponent)", body: body).utf8), to: page)
    return page
  }
}
