import ArgumentParser
import Driver
import Foundation
import Stages

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the stages a pipeline file names.",
    discussion: """
      Example: cel run Pipelines/film-to-dataset.yaml --input film.mkv --output datasets/film

      Stages whose options and inputs match the dataset's manifest.json are skipped; change \
      an option in the pipeline file and that stage runs again, and so do the stages after it.
      """)

  @Argument(help: "The pipeline file (YAML).")
  var pipeline: String

  @Option(name: .shortAndLong, help: "The film (or other input) for the first stage.")
  var input: String?

  @Option(name: .shortAndLong, help: "The dataset folder.")
  var output: String

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    let loaded = try Pipeline.load(URL(fileURLWithPath: pipeline))
    var runner = PipelineRunner(
      pipeline: loaded, input: input.map { URL(fileURLWithPath: $0) },
      dataset: URL(fileURLWithPath: output))
    runner.isQuiet = quiet
    _ = try await runner.run { report($0, quiet: quiet) }
  }
}
