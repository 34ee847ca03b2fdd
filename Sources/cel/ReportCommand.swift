import ArgumentParser
import CelCore
import Foundation
import Reports

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write an HTML report of a dataset or of a training run.",
    discussion: """
      For a dataset (a folder with manifest.json or films.json): DATASET/report/index.html with the frames \
      on the film's timeline (kept, and dropped with the reason), shot spans, every stage's \
      parameters and counts, tiles beside their edge-smoothed twins (also \
      report/contact-sheet.png), and the split per shot. For a run (a folder with \
      metrics.csv or checkpoints/): RUN/report/index.html with every loss and the \
      discriminator's accuracies over the steps, the time per step and the sample grids. \
      Pages are self-contained (inline CSS and SVG, pictures by relative path) and open \
      from disk in any browser; what is missing is said on the page.
      """)

  @Argument(help: "A dataset folder or a run folder.")
  var folder: String

  func run() throws {
    let url = URL(fileURLWithPath: folder)
    try CelError.requireDirectory(url.path)
    let isRun = ["metrics.csv", "checkpoints", "run.json"].contains {
      FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
    }
    let isDataset = ["manifest.json", "films.json", "frames.jsonl", "tiles.jsonl", "frames"]
      .contains {
        FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
      }
    guard isRun || isDataset else {
      throw CelError.invalidInput(
        url.path,
        reason:
          "neither a dataset (no manifest.json, frames or tiles) nor a training run (no metrics.csv)"
      )
    }
    let page = isRun ? try RunReport(run: url).write() : try DatasetReport(dataset: url).write()
    print("report: \(page.path)")
  }
}
