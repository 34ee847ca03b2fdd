import CelCore
import DataStages
import Foundation

/// Runs a film pipeline on a set of films: its per-film steps (extract, tile) for each
/// film, several films at once, then its set-wide steps (smooth, split) over every film.
///
/// A film's steps write only inside its own folder, so films run side by side here, or as
/// separate jobs on a cluster (`--film`), and a film that fails leaves the others whole.
package struct FilmSetRunner: Sendable {
  package var pipeline: Pipeline
  package var dataset: URL
  /// Films processed at once.
  package var jobs: Int
  package var isQuiet = false

  package init(pipeline: Pipeline, dataset: URL, jobs: Int) {
    self.pipeline = pipeline
    self.dataset = dataset
    self.jobs = max(1, jobs)
  }

  /// The pipeline's leading per-film steps, and the rest.
  var filmSteps: ArraySlice<Pipeline.Step> { pipeline.steps.prefix { $0.stage.isPerFilm } }
  var setSteps: ArraySlice<Pipeline.Step> { pipeline.steps.drop { $0.stage.isPerFilm } }

  /// Films processed at once by default: one per core, as memory allows (a film in flight
  /// holds its decoder and a few full-size frames: well under `memoryPerJob`).
  package static func defaultJobs(films: Int) -> Int {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let byMemory = (SystemMemory.available() ?? Int.max) / memoryPerJob
    return max(1, min(cores, films, byMemory))
  }

  package static let memoryPerJob = 1 << 30

  /// A film whose per-film steps failed, and why.
  package struct Failure: Sendable {
    package var film: FilmSet.Film
    package var error: any Error

    package init(film: FilmSet.Film, error: any Error) {
      self.film = film
      self.error = error
    }
  }

  /// Runs the per-film steps of `films`, `jobs` at a time. `report` hears each film's
  /// outcomes as it finishes. A film's failure is written beside its outputs
  /// (`films/NAME/failed.txt`) and returned; the other films go on.
  package func runFilms(
    _ films: [FilmSet.Film],
    report: @escaping @Sendable (FilmSet.Film, [any StageReport]) -> Void
  ) async throws -> [Failure] {
    let threads = max(1, ProcessInfo.processInfo.activeProcessorCount / min(jobs, films.count))
    let steps = Array(filmSteps)
    let (dataset, isQuiet) = (self.dataset, self.isQuiet)
    return try await withThrowingTaskGroup(of: Failure?.self) { group in
      var failures: [Failure] = []
      var inFlight = 0
      for film in films {
        if inFlight >= jobs, let finished = try await group.next() {
          if let finished { failures.append(finished) }
          inFlight -= 1
        }
        try Task.checkCancellation()
        group.addTask {
          let folder = FilmSet.folder(of: film, in: dataset)
          let failedNote = FilmSet.failureNote(of: film, in: dataset)
          do {
            var context = StageContext(
              input: URL(fileURLWithPath: film.file), dataset: folder, isQuiet: isQuiet)
            context.film = film
            context.threads = threads
            var outcomes: [any StageReport] = []
            for step in steps {
              outcomes.append(try await step.stage.run(arguments: step.arguments, context: context))
            }
            try? FileManager.default.removeItem(at: failedNote)
            report(film, outcomes)
            return nil
          } catch let error as CancellationError {
            throw error
          } catch {
            try? FileIO.createDirectory(folder)
            try? FileIO.writeAtomically(Data("\(error)\n".utf8), to: failedNote)
            return Failure(film: film, error: error)
          }
        }
        inFlight += 1
      }
      for try await finished in group {
        if let finished { failures.append(finished) }
      }
      return failures.sorted { a, b in
        films.firstIndex(of: a.film) ?? 0 < films.firstIndex(of: b.film) ?? 0
      }
    }
  }

  /// Runs the set-wide steps over every film whose tiles are cut.
  package func runSet(report: (any StageReport) -> Void) async throws -> [any StageReport] {
    var outcomes: [any StageReport] = []
    for step in setSteps {
      let context = StageContext(input: nil, dataset: dataset, isQuiet: isQuiet)
      let outcome = try await step.stage.run(arguments: step.arguments, context: context)
      report(outcome)
      outcomes.append(outcome)
    }
    return outcomes
  }

  /// The films of the set whose per-film steps have not finished: a stage unrecorded in
  /// the film's manifest, or a failure noted.
  package func unfinished(_ films: [FilmSet.Film]) -> [FilmSet.Film] {
    films.filter { film in
      let folder = FilmSet.folder(of: film, in: dataset)
      let recorded = (try? DatasetManifest.load(from: folder).stages.keys).map(Set.init) ?? []
      return filmSteps.contains { !recorded.contains($0.stage.rawValue) }
        || FileManager.default.fileExists(atPath: FilmSet.failureNote(of: film, in: dataset).path)
    }
  }
}
