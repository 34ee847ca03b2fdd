import Foundation

/// A float32 array read from a NumPy `.npy` file (format versions 1 to 3, little-endian
/// `<f4`, C order): the form the published CartoonGAN weights come in.
package struct NumpyArray: Sendable, Equatable {
  package var shape: [Int]
  package var values: [Float]

  package init(shape: [Int], values: [Float]) {
    self.shape = shape
    self.values = values
  }

  /// The number of float32 values of `shape` when they fit in `bytes`; nil for a shape
  /// that is negative, overflows or claims more than that. Shapes come from users' files,
  /// so nothing is allocated from one before this check.
  package static func elementCount(_ shape: [Int], within bytes: Int) -> Int? {
    var count = 1
    for size in shape {
      guard size >= 0 else { return nil }
      let (product, overflow) = count.multipliedReportingOverflow(by: size)
      guard !overflow, product <= bytes / 4 else { return nil }
      count = product
    }
    return count
  }

  /// Reads `url`; errors name the file and what is wrong with it.
  package static func read(_ url: URL) throws -> NumpyArray {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    func bad(_ reason: String) -> CelError { .invalidInput(url.path, reason: reason) }
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    guard data.count >= 10, Array(data.prefix(6)) == magic else {
      throw bad("not a NumPy .npy file")
    }
    let major = data[data.startIndex + 6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
      headerStart = 10
    } else {
      guard data.count >= 12 else { throw bad("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
      headerStart = 12
    }
    guard data.count >= headerStart + headerLength,
      let header = String(
        data: data.subdata(
          in: (data.startIndex + headerStart)..<(data.startIndex + headerStart + headerLength)),
        encoding: .utf8)
    else { throw bad("truncated header") }
    guard header.contains("'descr': '<f4'") else { throw bad("not float32 little-endian ('<f4')") }
    guard header.contains("'fortran_order': False") else { throw bad("stored in Fortran order") }
    guard let open = header.range(of: "'shape': ("),
      let close = header[open.upperBound...].firstIndex(of: ")")
    else { throw bad("no shape in the header") }
    let shape = header[open.upperBound..<close].split(separator: ",")
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
    let start = data.startIndex + headerStart + headerLength
    guard let count = elementCount(shape, within: data.count - (headerStart + headerLength)),
      data.count - (headerStart + headerLength) == count * 4
    else {
      throw bad("holds \(data.count - headerStart - headerLength) bytes of data for shape \(shape)")
    }
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
      _ = data[start...].withUnsafeBytes { bytes in
        bytes.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
      }
      initialised = count
    }
    return NumpyArray(shape: shape, values: values)
  }

  /// The `.npy` file's bytes (format version 1, `<f4`, C order).
  package func encoded() -> Data {
    let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    values.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
    return data
  }
}
