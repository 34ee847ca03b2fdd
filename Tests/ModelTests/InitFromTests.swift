import CelCore
import Foundation
import Imaging
import ModelStages
import TestSupport
import Testing
import Torch

/// Training that starts from a published style: the trainable instance-norm network with
/// the published weights draws the published network's picture.
@Suite(.tags(.slow)) struct InitFromTests {
  /// How far the picture the trainer draws with `style` mapped onto its instance-norm
  /// generator lies from the published network's picture of `picture` (BGR), in values
  /// of [-1, 1]: the mean and the largest difference.
  func difference(style: URL, picture: PixelBuffer) throws -> (mean: Float, largest: Float) {
    let published = try GeneratorWeights.load(style)
    let trainable = try published.asTrainableInstanceNorm()
    var options = Trainer.Options()
    options.isBatchNorm = false
    options.device = .cpu
    let trainer = try Trainer(options: options)
    let names = Set(trainer.tensors.map(\.name).filter { $0.hasPrefix("g.") })
    #expect(names == Set(trainable.tensors.keys.map { "g." + $0 }))
    for (name, tensor) in trainable.tensors { try trainer.setTensor("g." + name, tensor.values) }

    let (width, height) = (picture.width, picture.height)
    let plane = width * height
    func swapped(_ planes: [Float]) -> [Float] {
      Array(planes[(2 * plane)...] + planes[plane..<(2 * plane)] + planes[..<plane])
    }
    let bgr = ReferenceCartoon.input(picture)
    let drawn = try trainer.generate(swapped(bgr), batch: 1, height: height, width: width)
    let expected = try published.makeGenerator().forward(
      bgr, batch: 1, height: height, width: width)
    let differences = zip(drawn, swapped(expected)).map { abs($0 - $1) }
    return (differences.reduce(0, +) / Float(differences.count), differences.max() ?? .infinity)
  }

  func photo(_ name: String, width: Int, height: Int) throws -> PixelBuffer {
    try Image.read(OpenCVSamples.folder.appendingPathComponent(name))
      .resized(width: width, height: height, interpolation: .cubic).pixels()
  }

  @Test func theTrainerWithPublishedWeightsDrawsThePublishedPicture() throws {
    let found = try difference(
      style: try GeneratorWeightFolders.seeded(),
      picture: try photo("fruits.jpg", width: 96, height: 64))
    #expect(found.largest <= 1e-3, "\(found)")
  }

  @Test(
    .enabled(
      if: GeneratorWeightFolders.hayao != nil,
      Comment(rawValue: GeneratorWeightFolders.hayaoMissing)))
  func theTrainerWithTheHayaoStyleDrawsItsPicture() throws {
    // The real style has channels whose deviation is small enough for the two norms' eps
    // to show: measured, a mean of 2.8e-4 and at most 2.5e-3 (a third of a grey level).
    let found = try difference(
      style: try #require(GeneratorWeightFolders.hayao),
      picture: try photo("building.jpg", width: 288, height: 200))
    #expect(found.mean <= 1e-3 && found.largest <= 4e-3, "\(found)")
  }

  @Test func reversingAnAxisReversesItAlone() {
    let array = NumpyArray(shape: [2, 3, 2], values: (0..<12).map(Float.init))
    #expect(array.reversingAxis(1).values == [4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7])
    #expect(array.reversingAxis(0).values == [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5])
  }
}
