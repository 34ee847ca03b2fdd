internal import CTorchBridge

/// Reads the names and shapes a bridge object lists by index (its parameters or tensors).
/// `describe` fills the name, the rank and up to four sizes of the tensor at an index.
func tensorListing(
  count: Int32,
  _ describe: (
    Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafeMutablePointer<Int32>,
    UnsafeMutablePointer<Int64>
  ) -> tb_status
) -> [(name: String, shape: [Int])] {
  (0..<count).compactMap { index in
    var name: UnsafePointer<CChar>?
    var rank: Int32 = 0
    var shape: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    let status = withUnsafeMutablePointer(to: &shape) { pointer in
      pointer.withMemoryRebound(to: Int64.self, capacity: 4) { describe(index, &name, &rank, $0) }
    }
    guard status == TB_OK, let name else { return nil }
    return (
      String(cString: name), [shape.0, shape.1, shape.2, shape.3].prefix(Int(rank)).map { Int($0) }
    )
  }
}
