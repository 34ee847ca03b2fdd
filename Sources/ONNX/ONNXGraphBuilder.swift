import Foundation

/// Builds an ONNX graph a node at a time, naming every value it makes, so that a network's
/// layers read as a sequence of calls. It knows ONNX's message layout, not any network.
package struct ONNXGraphBuilder {
  package private(set) var graph = Onnx_GraphProto()
  private var valueCount = 0

  package init(name: String) { graph.name = name }

  /// A dimension of an input or output: fixed, or named and left to the caller.
  package enum Dimension {
    case fixed(Int)
    case named(String)
  }

  /// Declares a float32 input.
  package mutating func addInput(_ name: String, dimensions: [Dimension]) {
    graph.input.append(Self.floatValue(name, dimensions))
  }

  /// Declares `value` a float32 output of the graph.
  package mutating func addOutput(_ value: String, dimensions: [Dimension]) {
    graph.output.append(Self.floatValue(value, dimensions))
  }

  /// A float32 initializer, `values` in row-major order.
  package mutating func constant(_ name: String, floats values: [Float], shape: [Int]) -> String {
    precondition(values.count == shape.reduce(1, *), "\(name): \(values.count) values for \(shape)")
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    tensor.dims = shape.map(Int64.init)
    // ONNX's raw data is little-endian, as every platform Celshade runs on is.
    tensor.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
    graph.initializer.append(tensor)
    return name
  }

  /// An int64 initializer: shapes, indices and pads.
  package mutating func constant(_ name: String, int64s values: [Int64]) -> String {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
    tensor.dims = [Int64(values.count)]
    tensor.int64Data = values
    graph.initializer.append(tensor)
    return name
  }

  /// Adds an `operation` node on `inputs` and returns the name of its one output: `output`,
  /// or one made from `name` so that a runtime's profile names the layer.
  package mutating func node(
    _ operation: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [],
    name: String, output: String? = nil
  ) -> String {
    valueCount += 1
    var node = Onnx_NodeProto()
    node.opType = operation
    node.name = "\(name)/\(operation)"
    node.input = inputs
    node.output = [output ?? "\(name)/\(operation):\(valueCount)"]
    node.attribute = attributes
    graph.node.append(node)
    return node.output[0]
  }

  private static func floatValue(_ name: String, _ dimensions: [Dimension]) -> Onnx_ValueInfoProto {
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    tensor.shape.dim = dimensions.map { dimension in
      var result = Onnx_TensorShapeProto.Dimension()
      switch dimension {
      case .fixed(let size): result.dimValue = Int64(size)
      case .named(let name): result.dimParam = name
      }
      return result
    }
    var value = Onnx_ValueInfoProto()
    value.name = name
    value.type.tensorType = tensor
    return value
  }
}

/// Node attributes, by the types the generator's nodes use.
package enum ONNXAttribute {
  package static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .int
    attribute.i = Int64(value)
    return attribute
  }

  package static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .ints
    attribute.ints = values.map(Int64.init)
    return attribute
  }

  package static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .float
    attribute.f = value
    return attribute
  }

  package static func string(_ name: String, _ value: String) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .string
    attribute.s = Data(value.utf8)
    return attribute
  }
}
