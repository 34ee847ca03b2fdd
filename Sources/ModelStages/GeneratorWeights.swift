import CelCore
import Foundation
import Training

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

  /// Reads a folder of `.npy` files, a `.safetensors` file, or a `cel-train` run folder
  /// (its latest checkpoint).
  package static func load(_ url: URL) throws -> GeneratorWeights {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
      throw CelError.missing(url.path)
    }
    var source = url
    if isFolder.boolValue, let latest = try Checkpoint.latest(in: url) { source = latest.weights }
    let weights =
      isFolder.boolValue && source == url ? try fromNumpyFolder(url) : try fromSafeTensors(source)
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
    guard variant != .published else {
      return GeneratorWeights(variant: variant, tensors: contents.tensors)
    }
    // A training checkpoint holds the discriminator and Adam's moments too; the
    // generator's own tensors are the ones under "g.".
    var tensors: [String: NumpyArray] = [:]
    for (name, tensor) in contents.tensors where name.hasPrefix("g.") {
      tensors[String(name.dropFirst(2))] = tensor
    }
    return GeneratorWeights(variant: variant, tensors: tensors)
  }

  /// Every parameter present with its shape; the first problem is named.
  private func check(against expected: [(name: String, shape: [Int])], source: URL) throws {
    for (name, shape) in expected {
      guard let tensor = tensors[name] else {
        throw CelError.invalidInput(source.path, reason: "missing tensor \(name)")
      }
      guard tensor.shape == shape else {
        throw CelError.invalidInput(
          source.path,
          reason: "tensor \(name) has shape \(tensor.shape), the generator needs \(shape)")
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
    let prefix = variant == .published ? "" : "g."
    return SafeTensors(
      tensors: Dictionary(uniqueKeysWithValues: tensors.map { (prefix + $0.key, $0.value) }),
      metadata: [Self.variantKey: variant.rawValue])
  }
}
