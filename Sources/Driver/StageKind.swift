import ArgumentParser
import CelCore
import DataStages
import Foundation
import ModelStages

/// What a pipeline hands a stage besides its options: where its input and outputs are.
package struct StageContext: Sendable {
  /// The film for `extract`; a folder of images for `tile` (the photo pipelines); what to
  /// cartoonize for `apply`.
  package var input: URL?
  /// The dataset (or, in a set of films, the film's folder); the cartoons' place for
  /// `apply`; the run folder for `train`.
  package var dataset: URL
  package var isQuiet = false
  /// The film a per-film stage works on, in a set of films.
  package var film: FilmSet.Film?
  package var threads = ProcessInfo.processInfo.activeProcessorCount

  package init(input: URL?, dataset: URL, isQuiet: Bool = false) {
    self.input = input
    self.dataset = dataset
    self.isQuiet = isQuiet
  }
}

/// A stage as a pipeline runs it: built from its parsed options and the context.
protocol PipelineStage: Sendable {
  associatedtype Options: ParsableArguments
  associatedtype Outcome: StageReport
  /// Arguments the pipeline supplies in place of options the command line requires.
  static var suppliedArguments: [String] { get }
  init(options: Options, context: StageContext) throws
  func run() async throws -> Outcome
  static func problem(with arguments: [String]) -> String?
  static func run(arguments: [String], context: StageContext) async throws -> Outcome
}

extension PipelineStage {
  static var suppliedArguments: [String] { [] }
}

/// The stages a pipeline can name.
package enum StageKind: String, CaseIterable, Sendable {
  case extract, tile, smooth, split, apply, train

  private var type: any PipelineStage.Type {
    switch self {
    case .extract: ExtractStage.self
    case .tile: TileStage.self
    case .smooth: SmoothStage.self
    case .split: SplitStage.self
    case .apply: ApplyStage.self
    case .train: TrainStage.self
    }
  }

  /// Whether the stage works on one film at a time (and so runs once per film of a set).
  package var isPerFilm: Bool { self == .extract || self == .tile }

  /// Why these command-line arguments are not valid options for the stage, or nil.
  func problem(with arguments: [String]) -> String? {
    type.problem(with: arguments)?.replacingOccurrences(of: "\n", with: " ")
  }

  /// Runs the stage with `arguments` in `context`.
  func run(arguments: [String], context: StageContext) async throws -> any StageReport {
    try await type.run(arguments: arguments, context: context)
  }
}

extension PipelineStage {
  static func problem(with arguments: [String]) -> String? {
    do {
      _ = try Options.parse(arguments + suppliedArguments)
      return nil
    } catch {
      return Options.message(for: error)
    }
  }

  static func run(arguments: [String], context: StageContext) async throws -> Outcome {
    try await Self(options: try Options.parse(arguments + suppliedArguments), context: context)
      .run()
  }
}

extension ExtractStage: PipelineStage {
  init(options: ExtractOptions, context: StageContext) throws {
    guard let input = context.input else {
      throw CelError.invalidRequest("the extract stage needs --input FILM")
    }
    self.init(input: input, dataset: context.dataset, options: options)
    isQuiet = context.isQuiet
    film = context.film
    threads = context.threads
  }
}

extension TileStage: PipelineStage {
  /// A folder as the input is what tile cuts (the photo pipelines); otherwise the frames.
  init(options: TileOptions, context: StageContext) throws {
    let folder = context.input.flatMap { FileIO.isFolder($0.path) == true ? $0 : nil }
    self.init(dataset: context.dataset, input: folder, options: options)
    isQuiet = context.isQuiet
    threads = context.threads
  }
}

extension SmoothStage: PipelineStage {
  init(options: SmoothOptions, context: StageContext) throws {
    self.init(dataset: context.dataset, options: options)
    isQuiet = context.isQuiet
    threads = context.threads
  }
}

extension SplitStage: PipelineStage {
  init(options: SplitOptions, context: StageContext) throws {
    self.init(dataset: context.dataset, options: options.settings)
  }
}

extension ApplyStage: PipelineStage {
  init(options: ApplyOptions, context: StageContext) throws {
    guard let input = context.input else {
      throw CelError.invalidRequest("the apply stage needs --input PHOTO, FOLDER or VIDEO")
    }
    self.init(input: input, output: context.dataset, options: options)
    isQuiet = context.isQuiet
  }
}

extension TrainStage: PipelineStage {
  /// The pipeline's output is the run folder.
  static var suppliedArguments: [String] { ["--run", "run"] }

  init(options: TrainOptions, context: StageContext) throws {
    var options = options
    options.run = context.dataset.path
    self.init(options: options)
    isQuiet = context.isQuiet
  }
}
