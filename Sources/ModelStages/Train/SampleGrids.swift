import CelCore
import Foundation
import Imaging
import Torch

/// `samples/epoch-E.png` after every epoch: the fixed photos on top, their cartoons below.
struct SampleGrids: TrainingObserver {
  var photos: [URL]
  var size: Int
  var folder: URL

  static func url(epoch: Int, in folder: URL) -> URL {
    folder.appendingPathComponent(String(format: "epoch-%04d.png", epoch + 1))
  }

  func epochFinished(_ epoch: Int, batchesPerEpoch: Int, trainer: Trainer) throws {
    let planes = try photos.flatMap { try TrainingData.planes($0, size: size) }
    guard !planes.isEmpty else { return }
    let cartoons = try trainer.generate(planes, batch: photos.count, height: size, width: size)
    let picture = 3 * size * size
    var grid = PixelBuffer(width: photos.count * size, height: 2 * size, filledWith: [0, 0, 0])
    for (row, values) in [planes, cartoons].enumerated() {
      for column in photos.indices {
        let image = PlanarImage(
          width: size, height: size,
          values: Array(values[(column * picture)..<((column + 1) * picture)]))
        grid.paste(image.pixels(swappingChannels: true), x: column * size, y: row * size)
      }
    }
    try FileIO.createDirectory(folder)
    try Image(grid).write(to: Self.url(epoch: epoch, in: folder))
  }
}
