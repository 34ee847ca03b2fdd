import CelCore
import DataStages
import Foundation

/// Runs a pipeline's stages in order on one dataset, in this process.
///
/// Each stage decides for itself, from the manifest, whether its outputs are current, so
/// a re-run redoes only the stages whose options or inputs changed, and those after them.
package struct PipelineRunner: Sendable {
  package var pipeline: Pipeline
  package var input: URL?
  package var dataset: URL
  package var isQuiet = false

  package init(pipeline: Pipeline, input: URL?, dataset: URL) {
    self.pipeline = pipeline
    self.input = input
    self.dataset = dataset
  }

  /// Runs every step; `report` hears each stage's outcome as it finishes.
  package func run(report: (any StageReport) -> Void = { _ in }) async throws
    -> [any StageReport]
  {
    var outcomes: [any StageReport] = []
    for step in pipeline.steps {
      let outcome = try await step.stage.run(
        arguments: step.arguments,
        context: StageContext(input: input, dataset: dataset, isQuiet: isQuiet))
      report(outcome)
      outcomes.append(outcome)
    }
    return outcomes
  }
}
