import ArgumentParser
import CelCore
import Foundation
import ModelStages
import Stages

/// The stages a pipeline can name, and how each one is set up from its options.
package enum StageKind: String, CaseIterable, Sendable {
  case extract, tile, smooth, split, apply, train

  /// Why these command-line arguments are not valid options for the stage, or nil.
  func problem(with arguments: [String]) -> String? {
    let message: String? =
      switch self {
      case .extract: Self.problem(ExtractOptions.self, arguments)
      case .tile: Self.problem(TileOptions.self, arguments)
      case .smooth: Self.problem(SmoothOptions.self, arguments)
      case .split: Self.problem(SplitOptions.self, arguments)
      case .apply: Self.problem(ApplyOptions.self, arguments)
      case .train: Self.problem(TrainOptions.self, arguments + ["--run", "run"])
      }
    return message?.replacingOccurrences(of: "\n", with: " ")
  }

  private static func problem<Options: ParsableArguments>(
    _ type: Options.Type, _ arguments: [String]
  ) -> String? {
    do {
      _ = try Options.parse(arguments)
      return nil
    } catch {
      return Options.message(for: error)
    }
  }

  /// Runs the stage with `arguments` on the pipeline's input and dataset. The input is the
  /// film for `extract`; a folder as input is what `tile` cuts (the photo pipelines); for
  /// `apply` the input is what to cartoonize and the output where the cartoons go; for
  /// `train` the output is the run folder.
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
    case .tile:
      let folder = input.flatMap { FileIO.isFolder($0.path) == true ? $0 : nil }
      var stage = TileStage(
        dataset: dataset, input: folder, options: try TileOptions.parse(arguments))
      stage.isQuiet = isQuiet
      return try await stage.run()
    case .smooth:
      var stage = SmoothStage(dataset: dataset, options: try SmoothOptions.parse(arguments))
      stage.isQuiet = isQuiet
      return try await stage.run()
    case .split:
      return try await SplitStage(dataset: dataset, options: try SplitOptions.parse(arguments))
        .run()
    case .apply:
      guard let input else {
        throw CelError.invalidRequest("the apply stage needs --input PHOTO, FOLDER or VIDEO")
      }
      var stage = ApplyStage(
        input: input, output: dataset, options: try ApplyOptions.parse(arguments))
      stage.isQuiet = isQuiet
      return try await stage.run()
    case .train:
      // The pipeline's output is the run folder.
      var stage = TrainStage(options: try TrainOptions.parse(arguments + ["--run", dataset.path]))
      stage.isQuiet = isQuiet
      return try await stage.run()
    }
  }
}
