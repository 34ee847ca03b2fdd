import CelCore
import Foundation

/// `RUN/report/index.html` for a `cel-train` run: every loss term and the
/// discriminator's accuracies over the steps, the time per step, and the sample grids in
/// epoch order. A half-written last row (a killed run) is skipped and said so.
package struct RunReport {
  package var run: URL

  package init(run: URL) { self.run = run }

  package func write() throws -> URL {
    let folder = run.appendingPathComponent("report")
    try FileIO.createDirectory(folder)
    var body = "<h1>Training run \(HTML.escape(run.lastPathComponent))</h1>"
    if let file = FileManager.default.contents(
      atPath: run.appendingPathComponent("metrics.csv").path)
    {
      let (rows, unreadable) = MetricsRow.rows(of: file)
      if unreadable > 0 {
        body += HTML.missing(
          "\(unreadable) unreadable rows of metrics.csv skipped (a run stopped mid-write).")
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
