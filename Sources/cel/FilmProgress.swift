import CelCore
import DataStages
import Driver
import Foundation
import Synchronization

/// One line per film as it finishes, numbered, while several films run at once.
final class FilmProgress: Sendable {
  private let total: Int
  private let isQuiet: Bool
  private let done = Mutex(0)
  private let start = Date()

  init(total: Int, quiet: Bool) {
    self.total = total
    self.isQuiet = quiet
  }

  func finished(_ film: FilmSet.Film, _ outcomes: [any StageReport]) {
    let number = done.withLock { count in
      count += 1
      return count
    }
    for outcome in outcomes {
      for warning in outcome.warnings {
        FileHandle.standardError.write(Data("warning: film \(film.name): \(warning)\n".utf8))
      }
    }
    guard !isQuiet else { return }
    let parts = outcomes.map(\.brief)
    let seconds = Date().timeIntervalSince(start)
    print(
      "film \(film.name) [\(number)/\(total), \(String(format: "%.0f", seconds)) s]: "
        + parts.joined(separator: ", "))
  }

  func failed(_ failure: FilmSetRunner.Failure) {
    FileHandle.standardError.write(
      Data("error: film \(failure.film.name) failed: \(failure.error)\n".utf8))
  }
}
