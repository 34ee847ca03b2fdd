import CelCore
import Foundation
import ONNX
import Torch

/// The generator as an ONNX model, for runtimes other than Celshade's (ONNX Runtime,
/// OpenVINO, TensorRT, onnxruntime-web).
///
/// It computes what `cel-apply` does, layer for layer: reflection padding before every
/// convolution but the transposed ones, the variant's norm, and the picture padded by
/// reflection to multiples of 4 and cut back after, so any height and width go in. Input and
/// output are RGB in [-1, 1], N x 3 x H x W, as ONNX models of this kind elsewhere take; the
/// published network, trained on BGR, has the flip at both ends inside the graph.
extension GeneratorWeights {
  /// ONNX opset 17: every operator here is in it, and runtimes from 2022 on read it.
  package static let onnxOpset = 17
  /// The IR version opset 17 came with.
  private static let onnxIRVersion = 8

  package static let onnxInput = "image"
  package static let onnxOutput = "cartoon"

  /// The model, with the variant and the colour convention in its metadata.
  package func onnxModel() throws -> Onnx_ModelProto {
    var graph = ONNXGeneratorWriter(weights: self)
    try graph.write()
    var model = Onnx_ModelProto()
    model.irVersion = Int64(Self.onnxIRVersion)
    var opset = Onnx_OperatorSetIdProto()
    opset.domain = ""
    opset.version = Int64(Self.onnxOpset)
    model.opsetImport = [opset]
    model.producerName = "celshade"
    model.docString = "CartoonGAN generator (\(variant.rawValue)), exported by cel-export."
    model.graph = graph.builder.graph
    model.metadataProps = [
      (Self.variantKey, variant.rawValue),
      ("celshade.input", Self.onnxConvention),
      ("celshade.network_channel_order", variant == .published ? "BGR" : "RGB"),
    ].map { key, value in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = value
      return entry
    }
    return model
  }

  /// The convention, as the model's metadata and the README state it.
  package static let onnxConvention =
    "image and cartoon: float32 RGB in [-1, 1] (value / 127.5 - 1), N x 3 x H x W, any H and W;"
    + " a network trained on BGR flips the channels inside the graph"
}

/// Writes the generator's nodes in order, reading each tensor by the name its variant's
/// files give it.
private struct ONNXGeneratorWriter {
  let weights: GeneratorWeights
  var builder = ONNXGraphBuilder(name: "cartoongan_generator")

  init(weights: GeneratorWeights) { self.weights = weights }

  /// Tensor names of one layer kind, by variant: the published files' own names, or the
  /// trained network's `body.N` modules.
  private var names: LayerNames {
    weights.variant == .published ? .published : .trained
  }

  mutating func write() throws {
    let dimensions: [ONNXGraphBuilder.Dimension] = [
      .named("batch"), .fixed(3), .named("height"), .named("width"),
    ]
    builder.addInput(GeneratorWeights.onnxInput, dimensions: dimensions)
    var x = GeneratorWeights.onnxInput
    let flips = weights.variant == .published
    if flips { x = flipChannels(x, name: "to_bgr") }

    // Reflect the bottom and right edges out to multiples of 4, as cel-apply does.
    let shape = builder.node("Shape", [x], name: "size")
    let sides = builder.node(
      "Slice",
      [
        shape, builder.constant("size/first", int64s: [2]),
        builder.constant("size/last", int64s: [4]),
      ], name: "size/sides")
    let four = builder.constant("size/four", int64s: [4])
    let remainder = builder.node("Mod", [sides, four], name: "size/remainder")
    let extra = builder.node(
      "Mod", [builder.node("Sub", [four, remainder], name: "size/short"), four], name: "size/extra")
    let pads = builder.node(
      "Concat", [builder.constant("size/no_pads", int64s: [0, 0, 0, 0, 0, 0]), extra],
      [ONNXAttribute.int("axis", 0)], name: "size/pads")
    x = builder.node("Pad", [x, pads], [ONNXAttribute.string("mode", "reflect")], name: "size/pad")

    let n = names
    x = try relu(norm(convolve(x, n.entry), n.entryNorm))
    x = try relu(norm(convolve(convolve(x, n.down1, stride: 2), n.down1Flat), n.down1Norm))
    x = try relu(norm(convolve(convolve(x, n.down2, stride: 2), n.down2Flat), n.down2Norm))
    for block in n.blocks {
      let y = try relu(norm(convolve(x, block.first), block.firstNorm))
      x = builder.node(
        "Add", [try norm(convolve(y, block.second), block.secondNorm), x], name: block.second)
    }
    x = try relu(norm(convolve(upsample(x, n.up1), n.up1Flat), n.up1Norm))
    x = try relu(norm(convolve(upsample(x, n.up2), n.up2Flat), n.up2Norm))
    x = builder.node("Tanh", [try convolve(x, n.exit)], name: n.exit)

    x = builder.node(
      "Slice",
      [
        x, builder.constant("size/origin", int64s: [0, 0]), sides,
        builder.constant("size/axes", int64s: [2, 3]),
      ], name: "size/crop")
    if flips {
      x = flipChannels(x, name: "to_rgb", output: GeneratorWeights.onnxOutput)
    } else {
      x = builder.node("Identity", [x], name: "output", output: GeneratorWeights.onnxOutput)
    }
    builder.addOutput(x, dimensions: dimensions)
  }

  /// A reflection-padded convolution, stride 1 or 2.
  private mutating func convolve(_ x: String, _ layer: String, stride: Int = 1) throws -> String {
    let weight = try tensor(layer + ".weight")
    let kernel = weight.shape[2]
    let pad = kernel / 2
    let pads = builder.constant(
      layer + "/pads", int64s: [0, 0, pad, pad, 0, 0, pad, pad].map(Int64.init))
    let padded = builder.node(
      "Pad", [x, pads], [ONNXAttribute.string("mode", "reflect")], name: layer)
    return builder.node(
      "Conv", [padded, try constant(layer + ".weight"), try constant(layer + ".bias")],
      [
        ONNXAttribute.ints("kernel_shape", [kernel, kernel]),
        ONNXAttribute.ints("strides", [stride, stride]),
      ],
      name: layer)
  }

  /// A transposed convolution that doubles the sides: stride 2, padding 1, output padding 1.
  private mutating func upsample(_ x: String, _ layer: String) throws -> String {
    builder.node(
      "ConvTranspose", [x, try constant(layer + ".weight"), try constant(layer + ".bias")],
      [
        ONNXAttribute.ints("kernel_shape", [3, 3]), ONNXAttribute.ints("strides", [2, 2]),
        ONNXAttribute.ints("pads", [1, 1, 1, 1]), ONNXAttribute.ints("output_padding", [1, 1]),
      ], name: layer)
  }

  /// The variant's norm. The published one divides by (std + 1e-9); ONNX's instance norm
  /// divides by sqrt(var + epsilon), and with epsilon 1e-18 the two differ by under 1e-9
  /// relative wherever the deviation is above float32's rounding, while runtimes fuse it.
  private mutating func norm(_ x: String, _ layer: String) throws -> String {
    switch weights.variant {
    case .published:
      return builder.node(
        "InstanceNormalization",
        [x, try constant(layer + ".scale"), try constant(layer + ".shift")],
        [ONNXAttribute.float("epsilon", 1e-18)], name: layer)
    case .trainedInstanceNorm:
      return builder.node(
        "InstanceNormalization",
        [x, try constant(layer + ".weight"), try constant(layer + ".bias")],
        [ONNXAttribute.float("epsilon", 1e-5)], name: layer)
    case .trainedBatchNorm:
      return builder.node(
        "BatchNormalization",
        [
          x, try constant(layer + ".weight"), try constant(layer + ".bias"),
          try constant(layer + ".running_mean"), try constant(layer + ".running_var"),
        ],
        [ONNXAttribute.float("epsilon", 1e-5)], name: layer)
    }
  }

  private mutating func relu(_ x: String) -> String {
    builder.node("Relu", [x], name: String(x.prefix { $0 != "/" }))
  }

  private mutating func flipChannels(_ x: String, name: String, output: String? = nil) -> String {
    builder.node(
      "Gather", [x, builder.constant(name + "/order", int64s: [2, 1, 0])],
      [ONNXAttribute.int("axis", 1)], name: name, output: output)
  }

  private func tensor(_ name: String) throws -> NumpyArray {
    guard let tensor = weights.tensors[name] else {
      throw CelError.invalidInput(name, reason: "the generator has no tensor of this name")
    }
    return tensor
  }

  /// A tensor of the weights as an initializer under its own name.
  private mutating func constant(_ name: String) throws -> String {
    let tensor = try tensor(name)
    return builder.constant(name, floats: tensor.values, shape: tensor.shape)
  }
}

/// The layer names of one variant, in the network's order.
private struct LayerNames {
  struct Block {
    var first, firstNorm, second, secondNorm: String
  }
  var entry, entryNorm: String
  var down1, down1Flat, down1Norm, down2, down2Flat, down2Norm: String
  var blocks: [Block]
  var up1, up1Flat, up1Norm, up2, up2Flat, up2Norm: String
  var exit: String

  /// CartoonGan-tensorflow's names.
  static let published = LayerNames(
    entry: "conv01_1", entryNorm: "in01_1",
    down1: "conv02_1", down1Flat: "conv02_2", down1Norm: "in02_1",
    down2: "conv03_1", down2Flat: "conv03_2", down2Norm: "in03_1",
    blocks: (4...11).map { index in
      let id = index < 10 ? "0\(index)" : "\(index)"
      return Block(
        first: "conv\(id)_1", firstNorm: "in\(id)_1", second: "conv\(id)_2",
        secondNorm: "in\(id)_2")
    },
    up1: "deconv01_1", up1Flat: "deconv01_2", up1Norm: "in12_1",
    up2: "deconv02_1", up2Flat: "deconv02_2", up2Norm: "in13_1",
    exit: "deconv03_1")

  /// cel-train's network: `body.N` is the N-th module of its sequence.
  static let trained = LayerNames(
    entry: "body.0", entryNorm: "body.1",
    down1: "body.3", down1Flat: "body.4", down1Norm: "body.5",
    down2: "body.7", down2Flat: "body.8", down2Norm: "body.9",
    blocks: (11...18).map { index in
      Block(
        first: "body.\(index).conv1", firstNorm: "body.\(index).norm1",
        second: "body.\(index).conv2", secondNorm: "body.\(index).norm2")
    },
    up1: "body.19", up1Flat: "body.20", up1Norm: "body.21",
    up2: "body.23", up2Flat: "body.24", up2Norm: "body.25",
    exit: "body.27")
}
