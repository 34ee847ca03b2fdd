import CelCore
import Foundation
import Torch

/// The epochs of a run from a position on. Each batch loads while the one before trains;
/// the learning rate steps down on schedule; the observers hear of every step and epoch;
/// a checkpoint is written after every epoch, and when Ctrl-C asks the run to stop.
///
/// Among several ranks, every epoch's batches are drawn at `--batch` × ranks and each rank
/// takes its own slice of each; the ranks average their losses and their stop requests
/// after every step, so they stop together, and rank 0 alone writes checkpoints (the
/// stage gives the others no observers).
struct TrainingLoop {
  var trainer: Trainer
  var data: TrainingData
  var options: TrainOptions
  var folder: RunFolder
  var variant: Generator.Variant
  var observers: [any TrainingObserver]
  var isQuiet: Bool
  var ranks: TrainingRanks?
  var group: ProcessGroup?

  /// This rank's share of one epoch's batches.
  func batches(epoch: Int) -> [[TrainingData.Item]] {
    let size = ranks?.size ?? 1
    let rank = ranks?.rank ?? 0
    return data.batches(epoch: epoch, size: options.batch * size, seed: options.seed).map {
      Array($0[(rank * options.batch)..<((rank + 1) * options.batch)])
    }
  }

  /// The step's losses averaged over the ranks, and whether any rank was asked to stop.
  func shared(_ losses: Trainer.StepLosses, stop: Bool) throws -> (Trainer.StepLosses, Bool) {
    guard let group, let ranks else { return (losses, stop) }
    let mean: [Float]
    do {
      mean = try group.average(losses.values + [stop ? 1 : 0])
    } catch let error as TorchError {
      throw ranks.lost(error)
    }
    return (Trainer.StepLosses(values: Array(mean.prefix(7))), mean[7] > 0)
  }

  func step(_ batch: TrainingData.Batch, initialisation: Bool) throws -> Trainer.StepLosses {
    do {
      return try trainer.step(
        initialisation: initialisation, photos: batch.photos, styles: batch.styles,
        smoothed: batch.smoothed, batch: options.batch, size: options.imageSize)
    } catch let error as TorchError where ranks != nil && error.code != .invalidArgument {
      // A step among ranks fails in its gradients' exchange when a rank has gone.
      throw ranks?.lost(error) ?? error
    }
  }

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
      let batches = batches(epoch: epoch)
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
        let (losses, stopping) = try shared(
          try step(batch, initialisation: initialisation), stop: stop.isRequested)
        let step = TrainingStep(
          epoch: epoch, batch: index, batchesPerEpoch: batches.count,
          initialisation: initialisation, losses: losses,
          seconds: Date().timeIntervalSince(started))
        for observer in observers { try observer.stepFinished(step) }
        steps += 1
        progress.advance(note: String(format: "content %.3f", losses.content))
        if stopping {
          next?.cancel()
          let resumeAt =
            index + 1 < batches.count
            ? Checkpoint.Position(epoch: epoch, batch: index + 1)
            : Checkpoint.Position(epoch: epoch + 1, batch: 0)
          if ranks?.isWriter ?? true {
            try folder.saveCheckpoint(trainer, at: resumeAt, rate: rate, variant: variant)
          }
          throw CelError.interrupted(
            "checkpoint saved at epoch \(resumeAt.epoch + 1), batch \(resumeAt.batch + 1); run again with --resume"
          )
        }
      }
      if ranks?.isWriter ?? true {
        try folder.saveCheckpoint(
          trainer, at: Checkpoint.Position(epoch: epoch + 1, batch: 0), rate: rate,
          variant: variant)
      }
      for observer in observers {
        try observer.epochFinished(epoch, batchesPerEpoch: batches.count, trainer: trainer)
      }
      progress.finish("epoch done")
    }
    return steps
  }
}
