import CelCore
import Foundation
import ModelStages
import TestSupport
import Testing
import Training

/// Training that starts from a published style: the trainable instance-norm network with
/// the published weights draws the published network's picture.
@Suite(.tags(.slow)) struct InitFromTests {
  @Test func theTrainerWithPublishedWeightsDrawsThePublishedPicture() throws {
    let published = try GeneratorWeights.load(try GeneratorWeightFolders.seeded())
    let trainable = try published.asTrainableInstanceNorm()
    var options = Trainer.Options()
    options.isBatchNorm = false
    options.device = .cpu
    let trainer = try Trainer(options: options)
    let names = Set(trainer.tensors.map(\.name).filter { $0.hasPrefix("g.") })
    #expect(names == Set(trainable.tensors.keys.map { "g." + $0 }))
    for (name, tensor) in trainable.tensors { try trainer.setTensor("g." + name, tensor.values) }

    let size = 64
    let rgb = TrainerFixtures.pictures(3, count: 1, size: size)
    let plane = size * size
    let bgr = Array(rgb[(2 * plane)...] + rgb[plane..<(2 * plane)] + rgb[..<plane])
    let drawn = try trainer.generate(rgb, batch: 1, height: size, width: size)
    let expected = try published.makeGenerator().forward(bgr, batch: 1, height: size, width: size)
    let expectedRGB = Array(
      expected[(2 * plane)...] + expected[plane..<(2 * plane)] + expected[..<plane])
    let worst = zip(drawn, expectedRGB).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-3, "largest difference \(worst)")
  }

  @Test func reversingAnAxisReversesItAlone() {
    let array = NumpyArray(shape: [2, 3, 2], values: (0..<12).map(Float.init))
    #expect(array.reversingAxis(1).values == [4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7])
    #expect(array.reversingAxis(0).values == [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5])
  }
}
