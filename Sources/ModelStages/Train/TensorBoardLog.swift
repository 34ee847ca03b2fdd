import CelCore
import Foundation
import Imaging
import Torch

/// The run's TensorBoard events (`tb/`): every loss, accuracy and step time as scalars, and
/// each epoch's sample grid as an image. Told of an epoch after `SampleGrids`.
struct TensorBoardLog: TrainingObserver {
  var writer: TensorBoardWriter
  var samples: URL

  func stepFinished(_ step: TrainingStep) throws {
    let losses = step.losses
    try writer.scalars(
      [
        ("loss/content", losses.content), ("loss/style", losses.style),
        ("loss/generator_adversarial", losses.generatorAdversarial),
        ("loss/discriminator", losses.discriminator), ("accuracy/real", losses.realAccuracy),
        ("accuracy/smooth", losses.smoothAccuracy), ("accuracy/fake", losses.fakeAccuracy),
        ("time/seconds_per_step", Float(step.seconds)),
      ], step: step.number)
  }

  func epochFinished(_ epoch: Int, batchesPerEpoch: Int, trainer: Trainer) throws {
    let grid = SampleGrids.url(epoch: epoch, in: samples)
    guard let png = FileManager.default.contents(atPath: grid.path) else { return }
    let image = try Image.read(grid)
    try writer.image(
      "samples", png: png, width: image.width, height: image.height,
      step: (epoch + 1) * batchesPerEpoch)
  }
}
