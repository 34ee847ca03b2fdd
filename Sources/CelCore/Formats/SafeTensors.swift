import Foundation

/// Reading and writing `.safetensors` files (float32 tensors and string metadata): an
/// 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
/// byte range, then the raw data. Other tools (PyTorch, JAX, TensorFlow) read them.
package struct SafeTensors: Sendable, Equatable {
  package var tensors: [String: NumpyArray]
  package var metadata: [String: String]

  package init(tensors: [String: NumpyArray], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The file's bytes, tensors in name order.
  package func encoded() throws -> Data {
    var header: [String: Any] = ["__metadata__": metadata]
    var offset = 0
    var body = Data()
    for name in tensors.keys.sorted() {
      guard let tensor = tensors[name] else { continue }
      let bytes = tensor.values.withUnsafeBufferPointer { Data(buffer: $0) }
      header[name] = [
        "dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes.count],
      ]
      offset += bytes.count
      body.append(bytes)
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }  // the format pads the header with spaces
    var file = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(body)
    return file
  }

  package static func read(_ url: URL) throws -> SafeTensors {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    func bad(_ reason: String) -> CelError { .invalidInput(url.path, reason: reason) }
    guard data.count >= 8 else { throw bad("not a safetensors file (too short)") }
    let length = (0..<8).reduce(0) { $0 | Int(data[data.startIndex + $1]) << (8 * $1) }
    guard length > 0, length <= data.count - 8,
      let header = try? JSONSerialization.jsonObject(
        with: data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + length)))
        as? [String: Any]
    else { throw bad("not a safetensors file (no readable header)") }
    let base = data.startIndex + 8 + length
    var tensors: [String: NumpyArray] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in header {
      if name == "__metadata__" {
        metadata = value as? [String: String] ?? [:]
        continue
      }
      guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
        let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
        offsets.count == 2
      else { throw bad("tensor \(name) has a malformed entry") }
      guard dtype == "F32" else { throw bad("tensor \(name) is \(dtype); float32 (F32) is needed") }
      let available = data.count - 8 - length
      guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= available,
        let count = NumpyArray.elementCount(shape, within: available),
        offsets[1] - offsets[0] == count * 4
      else { throw bad("tensor \(name) runs past the end of the file") }
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
        _ = data[(base + offsets[0])..<(base + offsets[1])].withUnsafeBytes {
          $0.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
        }
        initialised = count
      }
      tensors[name] = NumpyArray(shape: shape, values: values)
    }
    return SafeTensors(tensors: tensors, metadata: metadata)
  }
}
