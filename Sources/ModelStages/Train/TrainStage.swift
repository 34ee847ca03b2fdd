import ArgumentParser
import CelCore
import DataStages
import Foundation
import Torch

/// `cel-train`: CartoonGAN training on a style set and a photo set, with checkpoints that
/// let a run stop anywhere and continue exactly where it stopped.
///
/// Epochs `0..<init-epochs` train the generator on the content loss alone; the rest are
/// adversarial. The stage checks its inputs, sets up the trainer and the run folder
/// (`RunFolder`), and hands both to the `TrainingLoop` with the run's observers: metrics,
/// sample grids, TensorBoard.
package struct TrainStage: Sendable {
  package static let name = "train"
  package var options: TrainOptions
  package var isQuiet = false

  package init(options: TrainOptions) { self.options = options }

  package func run() async throws -> TrainOutcome {
    // Here, not in train: the trainer's tensors must be gone first.
    defer { TorchRuntime.releaseCachedMemory() }
    return try await train()
  }

  private func train() async throws -> TrainOutcome {
    guard let vggPath = options.vgg else { throw ValidationError(TrainOptions.missingVGG) }
    let vggFile = URL(fileURLWithPath: vggPath)
    let vgg = try VGGWeights.load(vggFile)
    let initial = try options.initFrom.map {
      try GeneratorWeights.load(URL(fileURLWithPath: $0)).asTrainableInstanceNorm()
    }
    let data = try TrainingData(
      style: URL(fileURLWithPath: options.style), photos: URL(fileURLWithPath: options.photos),
      sampleCount: options.samples)
    let ranks = try TrainingRanks.from(environment: ProcessInfo.processInfo.environment)
    let ranksBatch = options.batch * (ranks?.size ?? 1)
    guard data.photos.count >= ranksBatch else {
      throw CelError.invalidInput(
        options.photos,
        reason: "has \(data.photos.count) train photos, fewer than a batch of \(ranksBatch)")
    }
    // Each rank on one machine takes its own GPU; `--device cuda` without one ends here.
    let cudaDevice = try CUDA.index(for: options.device, index: ranks?.localRank ?? 0)
    // The ranks meet before any of them touches the run folder, so that a rank that fails
    // there ends the others' wait at their first exchange.
    let group = try ranks?.join(cudaDevice: cudaDevice)
    let url = URL(fileURLWithPath: options.run)
    let settings = options.settings(
      vggFingerprint: try Fingerprint.ofFile(vggFile), ranks: ranks?.size ?? 1)
    let isWriter = ranks?.isWriter ?? true
    let folder =
      !isWriter
      ? RunFolder(url: url)
      : options.resume
        ? try RunFolder.resume(url, settings: settings)
        : try RunFolder.create(url, settings: settings)
    try TorchRuntime.prepare(
      threads: options.threads ?? ProcessInfo.processInfo.activeProcessorCount, cachingMemory: true)
    var trainerOptions = options.trainerOptions
    trainerOptions.device = cudaDevice == nil ? .cpu : .cuda
    trainerOptions.deviceIndex = cudaDevice ?? 0
    let trainer = try Trainer(options: trainerOptions)
    try vgg.install(in: trainer)
    if let group { trainer.join(group) }
    for (name, tensor) in initial?.tensors ?? [:] {
      try trainer.setTensor("g." + name, tensor.values)
    }
    // A checkpoint, when there is one, replaces the starting weights.
    let start = options.resume ? try folder.restoreLatest(into: trainer) : .start

    let observers: [any TrainingObserver] =
      isWriter
      ? [
        try MetricsLog(folder.metrics, keepingBefore: start),
        SampleGrids(photos: data.samples, size: options.imageSize, folder: folder.samples),
        TensorBoardLog(
          writer: try TensorBoardWriter(folder: folder.board), samples: folder.samples),
      ] : []
    let loop = TrainingLoop(
      trainer: trainer, data: data, options: options, folder: folder,
      variant: options.norm == .batch ? .trainedBatchNorm : .trainedInstanceNorm,
      observers: observers, isQuiet: isQuiet || !isWriter, ranks: ranks, group: group)
    let steps = try await loop.run(from: start)
    return TrainOutcome(
      run: url, device: trainer.device, ranks: ranks?.size ?? 1, steps: steps,
      epochs: options.initEpochs + options.epochs - start.epoch)
  }
}

/// What a `cel-train` run came to. A run folder is not a dataset, so nothing goes into a
/// manifest: `run.json` and the checkpoints are the run's record.
package struct TrainOutcome: StageReport {
  package var run: URL
  package var device: String
  /// Processes that trained together.
  package var ranks: Int
  package var steps: Int
  /// Epochs finished by this call (a resumed run counts from where it resumed).
  package var epochs: Int

  package var stage: String { TrainStage.name }
  package var summary: String {
    "\(stage): \(steps) steps over \(epochs) epochs on \(device)"
      + (ranks > 1 ? " in each of \(ranks) ranks" : "") + ", in \(run.path)"
  }
  package var brief: String { "\(steps) training steps" }
  package var warnings: [String] { [] }
}
