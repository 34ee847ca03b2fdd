import CelCore
import Foundation
import Torch

/// ImageNet-trained VGG19 weights for the content loss, from the file users have:
/// torchvision's `vgg19-*.pth` (a torch.save of the state dict) or a `.safetensors` file
/// with the same names (`features.0.weight`, ...). Only the convolutions up to conv4_4
/// (`features.0` to `features.25`) are used; each is checked by name and shape.
package struct VGGWeights: Sendable {
  package var tensors: [String: NumpyArray]

  static let layers: [(index: Int, input: Int, output: Int)] = [
    (0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128), (10, 128, 256), (12, 256, 256),
    (14, 256, 256), (16, 256, 256), (19, 256, 512), (21, 512, 512), (23, 512, 512),
    (25, 512, 512),
  ]

  package static let whereFrom = """
    the ImageNet VGG19 weights torchvision uses (vgg19-dcbb9e9d.pth, which \
    torchvision.models.vgg19(weights="IMAGENET1K_V1") downloads into ~/.cache/torch/hub/checkpoints/), \
    or a .safetensors file with the same tensor names
    """

  package static func load(_ url: URL) throws -> VGGWeights {
    try CelError.requireFile(url.path)
    let all =
      url.pathExtension.lowercased() == "safetensors"
      ? try SafeTensors.read(url).tensors : try TorchStateDict.read(url)
    var tensors: [String: NumpyArray] = [:]
    for layer in layers {
      for (suffix, shape) in [
        ("weight", [layer.output, layer.input, 3, 3]), ("bias", [layer.output]),
      ] {
        let name = "features.\(layer.index).\(suffix)"
        guard let tensor = all[name] else {
          throw CelError.invalidInput(
            url.path, reason: "missing tensor \(name): expected \(whereFrom)")
        }
        guard tensor.shape == shape else {
          throw CelError.invalidInput(
            url.path, reason: "tensor \(name) has shape \(tensor.shape), VGG19 needs \(shape)")
        }
        tensors[name] = tensor
      }
    }
    return VGGWeights(tensors: tensors)
  }

  /// Loads the weights into a trainer's VGG.
  package func install(in trainer: Trainer) throws {
    for (name, tensor) in tensors { try trainer.setTensor("vgg." + name, tensor.values) }
  }
}
