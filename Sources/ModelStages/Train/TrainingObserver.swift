import Torch

/// One finished training step, as the loop's observers hear of it.
struct TrainingStep {
  var epoch: Int
  var batch: Int
  var batchesPerEpoch: Int
  var initialisation: Bool
  var losses: Trainer.StepLosses
  var seconds: Double

  /// The step's number counted over the whole run, as TensorBoard plots it.
  var number: Int { epoch * batchesPerEpoch + batch }
}

/// What a run writes besides its checkpoints (metrics, TensorBoard events, sample grids):
/// told of every step and every finished epoch, in the order the loop was given them.
protocol TrainingObserver {
  func stepFinished(_ step: TrainingStep) throws
  func epochFinished(_ epoch: Int, batchesPerEpoch: Int, trainer: Trainer) throws
}

extension TrainingObserver {
  func stepFinished(_ step: TrainingStep) throws {}
  func epochFinished(_ epoch: Int, batchesPerEpoch: Int, trainer: Trainer) throws {}
}
