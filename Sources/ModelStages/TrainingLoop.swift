import CelCore
import Foundation
import Training

/// The epochs of a run from a position on. Each batch loads while the one before trains;
/// the learning rate steps down on schedule; the observers hear of every step and epoch;
/// a checkpoint is written after every epoch, and when Ctrl-C asks the run to stop.
struct TrainingLoop {
  var trainer: Trainer
  var data: TrainingData
  var options: TrainOptions
  var folder: RunFolder
  var variant: Generator.Variant
  var observers: [any TrainingObserver]
  var isQuiet: Bool

  /// Trains from `start` to the last epoch; returns the steps taken.
  func run(from start: Checkpoint.Position) async throws -> Int {
    let totalEpochs = options.initEpochs + options.epochs
    guard start.epoch <= totalEpochs else {
      throw CelError.invalidInput(
        folder.url.path,
        reason: "has trained up to epoch \(start.epoch), past the \(totalEpochs) asked for")
    }
    let stop = StopSignal()
    var steps = 0
    for epoch in start.epoch..<totalEpochs {
      let rate = options.rate(at: epoch)
      trainer.setRates(generator: rate, discriminator: rate)
      let batches = data.batches(epoch: epoch, size: options.batch, seed: options.seed)
      let first = epoch == start.epoch ? start.batch : 0
      guard first <= batches.count else {
        throw CelError.invalidInput(
          folder.url.path,
          reason: "stopped at batch \(first + 1) of epoch \(epoch + 1), which now has "
            + "\(batches.count) batches: the photo set has changed since")
      }
      let initialisation = epoch < options.initEpochs
      let progress = ProgressReporter(
        "train epoch \(epoch + 1)/\(totalEpochs) on \(trainer.device)\(initialisation ? " (init)" : "")",
        total: batches.count - first, quiet: isQuiet)
      let size = options.imageSize
      func loading(_ index: Int) -> Task<TrainingData.Batch, any Error>? {
        guard index < batches.count else { return nil }
        return Task { [items = batches[index]] in try TrainingData.load(items, size: size) }
      }
      var next = loading(first)
      for index in first..<batches.count {
        guard let current = next else { break }
        let batch = try await current.value
        next = loading(index + 1)
        let started = Date()
        let losses = try trainer.step(
          initialisation: initialisation, photos: batch.photos, styles: batch.styles,
          smoothed: batch.smoothed, batch: options.batch, size: size)
        let step = TrainingStep(
          epoch: epoch, batch: index, batchesPerEpoch: batches.count,
          initialisation: initialisation, losses: losses,
          seconds: Date().timeIntervalSince(started))
        for observer in observers { try observer.stepFinished(step) }
        steps += 1
        progress.advance(note: String(format: "content %.3f", losses.content))
        if stop.isRequested {
          next?.cancel()
          let resumeAt =
            index + 1 < batches.count
            ? Checkpoint.Position(epoch: epoch, batch: index + 1)
            : Checkpoint.Position(epoch: epoch + 1, batch: 0)
          try folder.saveCheckpoint(trainer, at: resumeAt, rate: rate, variant: variant)
          throw CelError.interrupted(
            "checkpoint saved at epoch \(resumeAt.epoch + 1), batch \(resumeAt.batch + 1); run again with --resume"
          )
        }
      }
      try folder.saveCheckpoint(
        trainer, at: Checkpoint.Position(epoch: epoch + 1, batch: 0), rate: rate, variant: variant)
      for observer in observers {
        try observer.epochFinished(epoch, batchesPerEpoch: batches.count, trainer: trainer)
      }
      progress.finish("epoch done")
    }
    return steps
  }
}
