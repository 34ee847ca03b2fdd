import CelCore
import Foundation
import ModelStages
import TestSupport
import Testing
import Torch

@Suite struct WeightsTests {
  /// A copy (links) of a folder in the published layout that a test may damage.
  func publishedCopy() throws -> URL {
    let source = try GeneratorWeightFolders.seeded()
    let folder = try makeTemporaryDirectory().appendingPathComponent("style")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
      try FileManager.default.createSymbolicLink(
        at: folder.appendingPathComponent(name),
        withDestinationURL: source.appendingPathComponent(name))
    }
    return folder
  }

  @Test func thePublishedLayoutLoadsWithEveryShapeChecked() throws {
    let weights = try GeneratorWeights.load(try GeneratorWeightFolders.seeded())
    #expect(weights.variant == .published)
    let generator = try Generator(variant: .published)
    #expect(generator.parameters.count == 94)
    #expect(generator.parameters.first?.shape == [64, 3, 7, 7])
    #expect(
      generator.parameters.first { $0.name == "deconv01_1.weight" }?.shape == [256, 128, 3, 3])
  }

  @Test func aMissingTensorIsNamed() throws {
    let folder = try publishedCopy()
    try FileManager.default.removeItem(at: folder.appendingPathComponent("conv07_2.weight.npy"))
    let error = #expect(throws: CelError.self) { try GeneratorWeights.load(folder) }
    #expect(error?.description == "\(folder.path): missing conv07_2.weight.npy")
  }

  @Test func aMisshapenTensorIsNamed() throws {
    let folder = try publishedCopy()
    let file = folder.appendingPathComponent("in05_1.scale.npy")
    try FileManager.default.removeItem(at: file)
    try NumpyArray(shape: [128], values: Array(repeating: 1, count: 128)).encoded().write(to: file)
    let error = #expect(throws: CelError.self) { try GeneratorWeights.load(folder) }
    #expect(
      error?.description
        == "\(folder.path): tensor in05_1.scale has shape [128], the generator needs [256]")
  }

  @Test func aWrongFolderIsNamed() throws {
    let folder = try makeTemporaryDirectory()
    let error = #expect(throws: CelError.self) { try GeneratorWeights.load(folder) }
    #expect(
      error?.description
        == "\(folder.path): not a folder of CartoonGAN weights (no conv01_1.weight.npy)")
    let junk = folder.appendingPathComponent("style.safetensors")
    try Data("junk".utf8).write(to: junk)
    let second = #expect(throws: CelError.self) { try GeneratorWeights.load(junk) }
    #expect(second?.description.hasPrefix("\(junk.path): not a safetensors file") == true)
  }

  @Test func importedSafetensorsHoldTheSameWeightsAndTheVariant() throws {
    let weights = try GeneratorWeights.load(try GeneratorWeightFolders.seeded())
    let file = try makeTemporaryDirectory().appendingPathComponent("style.safetensors")
    try weights.safeTensors().encoded().write(to: file)
    let loaded = try GeneratorWeights.load(file)
    #expect(loaded.variant == .published)
    #expect(loaded.tensors == weights.tensors)
    #expect(try SafeTensors.read(file).metadata[GeneratorWeights.variantKey] == "published")
  }

  /// Trained weights travel under the checkpoints' "g." names, and problems are named so.
  @Test func trainedWeightsRoundTripAndAMissingOneIsNamedAsInTheFile() throws {
    let expected = try Generator(variant: .trainedInstanceNorm).parameters
    var tensors: [String: NumpyArray] = [:]
    for (index, (name, shape)) in expected.enumerated() {
      let count = shape.reduce(1, *)
      tensors[name] = NumpyArray(shape: shape, values: (0..<count).map { Float(($0 + index) % 7) })
    }
    let folder = try makeTemporaryDirectory()
    let file = folder.appendingPathComponent("trained.safetensors")
    let weights = GeneratorWeights(variant: .trainedInstanceNorm, tensors: tensors)
    try weights.safeTensors().encoded().write(to: file)
    #expect(try SafeTensors.read(file).tensors.keys.allSatisfy { $0.hasPrefix("g.") })
    let loaded = try GeneratorWeights.load(file)
    #expect(loaded.variant == .trainedInstanceNorm && loaded.tensors == tensors)

    tensors["body.11.norm2.bias"] = nil
    let damaged = folder.appendingPathComponent("damaged.safetensors")
    try GeneratorWeights(variant: .trainedInstanceNorm, tensors: tensors).safeTensors().encoded()
      .write(to: damaged)
    let error = #expect(throws: CelError.self) { try GeneratorWeights.load(damaged) }
    #expect(error?.description == "\(damaged.path): missing tensor g.body.11.norm2.bias")
  }

  @Test func numpyFilesRoundTrip() throws {
    let file = try makeTemporaryDirectory().appendingPathComponent("a.npy")
    let array = NumpyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6.5])
    try array.encoded().write(to: file)
    #expect(try NumpyArray.read(file) == array)
  }
}
