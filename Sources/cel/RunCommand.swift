import ArgumentParser
import CelCore
import DataStages
import Driver
import Foundation

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the stages a pipeline file names.",
    discussion: """
      Examples:
        cel run Pipelines/film-to-dataset.yaml --input ep01.mkv --input ep02.mkv --output sets/show
        cel run Pipelines/film-to-dataset.yaml --input films/ --output sets/show --jobs 2
        cel run Pipelines/resmooth.yaml --output sets/show

      A pipeline that starts with extract makes a set of films: each --input (a video, a \
      folder of videos, or a list file given with --inputs) is added to the set, and its \
      frames and tiles are made in films/NAME/, several films at once. The set keeps every \
      film it was given: run again with another film and it is added; films are removed \
      only with `cel films remove`. Smoothing and the split then run over every film.

      Stages whose options and inputs match the manifest.json are skipped; change an option \
      in the pipeline file and that stage runs again, and so do the stages after it.

      On a cluster, `cel films add` registers the films, one job per film runs \
      `--film INDEX`, and a last job runs `--combine` (see Scripts/slurm/).
      """)

  @Argument(help: "The pipeline file (YAML).")
  var pipeline: String

  @Option(
    name: .shortAndLong,
    help: "A film, or a folder of films, for a film pipeline (repeatable); the input of others.")
  var input: [String] = []

  @Option(help: "A text file naming films, one path per line, # for comments (repeatable).")
  var inputs: [String] = []

  @Option(name: .shortAndLong, help: "The dataset folder.")
  var output: String

  @Option(
    name: .shortAndLong,
    help: "Films processed at once (default: one per core, as memory allows, 1 GiB each).")
  var jobs: Int?

  @Option(help: "Run only the per-film stages of this film of the set (its name or index from 0).")
  var film: String?

  @Flag(help: "Run only the set-wide stages, over the films whose per-film stages finished.")
  var combine = false

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func validate() throws {
    if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    if film != nil && combine {
      throw ValidationError("--film and --combine are two parts: give one")
    }
  }

  func run() async throws {
    let loaded = try Pipeline.load(URL(fileURLWithPath: pipeline))
    let dataset = URL(fileURLWithPath: output)
    guard loaded.steps.first?.stage == .extract else {
      guard input.count <= 1, inputs.isEmpty, film == nil, !combine else {
        throw ValidationError(
          "several inputs, --film and --combine are for pipelines that start with extract")
      }
      var runner = PipelineRunner(
        pipeline: loaded, input: input.first.map { URL(fileURLWithPath: $0) }, dataset: dataset)
      runner.isQuiet = quiet
      _ = try await runner.run { report($0, quiet: quiet) }
      return
    }
    try await runFilmPipeline(loaded, dataset: dataset)
  }

  private func runFilmPipeline(_ pipeline: Pipeline, dataset: URL) async throws {
    try FilmSetCommands.requireSetOrNew(dataset)
    let resolved = try FilmInputs.resolve(inputs: input, lists: inputs)
    var set = try FilmSet.load(from: dataset)
    if !resolved.files.isEmpty {
      set = try FilmSetCommands.add(resolved, to: dataset, quiet: quiet)
    }
    guard !set.films.isEmpty else {
      throw ValidationError("the set \(dataset.path) holds no film yet: give --input FILM")
    }
    let films: [FilmSet.Film]
    if let film {
      guard let chosen = set.film(named: film) else {
        throw CelError.invalidRequest(
          "\(dataset.path): holds no film named '\(film)' nor numbered so (0-\(set.films.count - 1))"
        )
      }
      films = [chosen]
    } else {
      films = combine ? [] : set.films
    }
    var runner = FilmSetRunner(
      pipeline: pipeline, dataset: dataset,
      jobs: jobs ?? FilmSetRunner.defaultJobs(films: films.count))
    runner.isQuiet = quiet || films.count > 1
    let progress = FilmProgress(total: films.count, quiet: quiet)
    var failures =
      films.isEmpty
      ? []
      : try await runner.runFilms(films) { film, outcomes in
        progress.finished(film, outcomes)
      }
    for failure in failures { progress.failed(failure) }
    if film == nil {
      if !quiet {
        print("set: \(set.films.count) films: " + set.films.map(\.name).joined(separator: ", "))
      }
      let unfinished = runner.unfinished(set.films)
        .filter { film in !failures.contains { $0.film == film } }
      for film in unfinished {
        failures.append(
          FilmSetRunner.Failure(
            film: film,
            error: CelError.invalidInput(
              film.file, reason: "its frames and tiles are not finished (run its film job again)")))
        progress.failed(failures[failures.count - 1])
      }
      if failures.count < set.films.count {
        runner.isQuiet = quiet
        _ = try await runner.runSet { report($0, quiet: quiet) }
      }
    }
    if !failures.isEmpty {
      throw CelError.invalidRequest(
        "\(failures.count) of \(films.isEmpty ? set.films.count : films.count) films failed: "
          + failures.map(\.film.name).joined(separator: ", ")
          + "; the others are complete and kept")
    }
  }
}
