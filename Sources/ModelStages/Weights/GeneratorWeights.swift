import CelCore
import Foundation
import Torch

/// Generator weights from the files users have: the published CartoonGAN layout (a folder
/// with one `.npy` per tensor, as CartoonGan-tensorflow publishes Hayao, Shinkai, Hosoda
/// and Paprika) or a `.safetensors` file written by `cel-import` or `cel-train`.
///
/// Every tensor the generator needs is checked by name and shape before any is used; the
/// variant travels in the safetensors metadata, so `cel-apply` never has to be told.
package struct GeneratorWeights: Sendable {
  package var variant: Generator.Variant
  package var tensors: [String: NumpyArray]

  package static let variantKey = "celshade.generator"

  package init(variant: Generator.Variant, tensors: [String: NumpyArray]) {
    self.variant = variant
    self.tensors = tensors
  }

  /// Reads a folder of `.npy` files, a `.safetensors` file, or a `cel-train` run folder
  /// (its latest checkpoint).
  package static func load(_ url: URL) throws -> GeneratorWeights {
    guard let isFolder = FileIO.isFolder(url.path) else { throw CelError.missing(url.path) }
    var source = url
    if isFolder, let latest = try Checkpoint.latest(in: url) { source = latest.weights }
    let weights =
      isFolder && source == url ? try fromNumpyFolder(url) : try fromSafeTensors(source)
    try weights.check(against: try Generator(variant: weights.variant).parameters, source: source)
    return weights
  }

  private static func fromNumpyFolder(_ folder: URL) throws -> GeneratorWeights {
    let expected = try Generator(variant: .published).parameters
    guard
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent("conv01_1.weight.npy").path)
    else {
      throw CelError.invalidInput(
        folder.path, reason: "not a folder of CartoonGAN weights (no conv01_1.weight.npy)")
    }
    var tensors: [String: NumpyArray] = [:]
    for (name, _) in expected {
      let file = folder.appendingPathComponent(name + ".npy")
      guard FileManager.default.fileExists(atPath: file.path) else {
        throw CelError.invalidInput(folder.path, reason: "missing \(name).npy")
      }
      tensors[name] = try NumpyArray.read(file)
    }
    return GeneratorWeights(variant: .published, tensors: tensors)
  }

  private static func fromSafeTensors(_ file: URL) throws -> GeneratorWeights {
    let contents = try SafeTensors.read(file)
    let name = contents.metadata[variantKey] ?? Generator.Variant.published.rawValue
    guard let variant = Generator.Variant(rawValue: name) else {
      throw CelError.invalidInput(file.path, reason: "holds an unknown generator variant '\(name)'")
    }
    // A training checkpoint holds the discriminator and Adam's moments too.
    let prefix = filePrefix(variant)
    var tensors: [String: NumpyArray] = [:]
    for (name, tensor) in contents.tensors where name.hasPrefix(prefix) {
      tensors[String(name.dropFirst(prefix.count))] = tensor
    }
    return GeneratorWeights(variant: variant, tensors: tensors)
  }

  /// The prefix a variant's tensors carry in files: trained ones sit under "g." beside
  /// the discriminator's in checkpoints.
  private static func filePrefix(_ variant: Generator.Variant) -> String {
    variant == .published ? "" : "g."
  }

  /// Every parameter present with its shape; the first problem is named as the file names it.
  private func check(against expected: [(name: String, shape: [Int])], source: URL) throws {
    let prefix = Self.filePrefix(variant)
    for (name, shape) in expected {
      guard let tensor = tensors[name] else {
        throw CelError.invalidInput(source.path, reason: "missing tensor \(prefix)\(name)")
      }
      guard tensor.shape == shape else {
        throw CelError.invalidInput(
          source.path,
          reason:
            "tensor \(prefix)\(name) has shape \(tensor.shape), the generator needs \(shape)")
      }
    }
  }

  /// A generator holding these weights.
  package func makeGenerator() throws -> Generator {
    let generator = try Generator(variant: variant)
    for (name, _) in generator.parameters {
      if let tensor = tensors[name] { try generator.setParameter(name, tensor.values) }
    }
    return generator
  }

  /// The weights as a safetensors file, with the variant in its metadata.
  /// Trained variants keep the checkpoints' "g." names, so either file reads the same way.
  package func safeTensors() -> SafeTensors {
    let prefix = Self.filePrefix(variant)
    return SafeTensors(
      tensors: Dictionary(uniqueKeysWithValues: tensors.map { (prefix + $0.key, $0.value) }),
      metadata: [Self.variantKey: variant.rawValue])
  }
}
