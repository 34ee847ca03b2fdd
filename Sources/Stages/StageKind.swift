import ArgumentParser
import CelCore
import Foundation

/// The stages a pipeline can name, and how each one is set up from its options.
package enum StageKind: String, CaseIterable, Sendable {
  case extract

  /// Why these command-line arguments are not valid options for the stage, or nil.
  func problem(with arguments: [String]) -> String? {
    do {
      switch self {
      case .extract: _ = try ExtractOptions.parse(arguments)
      }
      return nil
    } catch {
      let message: String =
        switch self {
        case .extract: ExtractOptions.message(for: error)
        }
      return message.replacingOccurrences(of: "\n", with: " ")
    }
  }

  /// Runs the stage with `arguments` on the pipeline's input and dataset.
  func run(arguments: [String], input: URL?, dataset: URL, isQuiet: Bool) async throws
    -> StageOutcome
  {
    switch self {
    case .extract:
      guard let input else {
        throw CelError.invalidRequest("the extract stage needs --input FILM")
      }
      var stage = ExtractStage(
        input: input, dataset: dataset, options: try ExtractOptions.parse(arguments))
      stage.isQuiet = isQuiet
      return try await stage.run()
    }
  }
}
