import Foundation

/// Reads the float32 tensors of a state dict saved by PyTorch's `torch.save` (the zip
/// format of PyTorch 1.6 and later), such as torchvision's `vgg19-*.pth`.
///
/// libtorch 1.13's own unpickler stops at the `OrderedDict` a state dict is, so this reads
/// the file itself: the zip's stored entries, and the pickle program in `data.pkl` run on
/// a small machine that knows what `torch.save` writes (dicts, tuples, the tensor rebuild
/// functions and storage references), nothing else. No code from the file is executed.
package enum TorchStateDict {
  package static func read(_ url: URL) throws -> [String: NumpyArray] {
    guard let data = try? Data(contentsOf: url, options: .alwaysMapped) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    func bad(_ reason: String) -> CelError { .invalidInput(url.path, reason: reason) }
    let archive = try ZipArchive(data, bad: bad)
    guard let program = archive.names.first(where: { $0.hasSuffix("/data.pkl") }) else {
      throw bad("not a file torch.save wrote (no data.pkl inside)")
    }
    let prefix = String(program.dropLast("data.pkl".count))
    var machine = Unpickler(bytes: try archive.contents(of: program), bad: bad)
    guard case .dict(let entries) = try machine.run() else {
      throw bad("does not hold a state dict")
    }
    var tensors: [String: NumpyArray] = [:]
    for (key, value) in entries {
      guard case .string(let name) = key,
        case .tensor(let storage, let offset, let shape, let stride) = value
      else { continue }
      guard storage.type == "FloatStorage" else { continue }
      guard shape.count == stride.count, offset >= 0, shape.allSatisfy({ $0 >= 0 }) else {
        throw bad("tensor \(name) has a damaged shape")
      }
      let contiguous = zip(shape.indices, shape).reversed().reduce((true, 1)) { state, item in
        (state.0 && (item.1 == 1 || stride[item.0] == state.1), state.1 &* item.1)
      }.0
      guard contiguous else { throw bad("tensor \(name) is not contiguous") }
      let bytes = try archive.contents(of: prefix + "data/" + storage.key)
      guard let count = NumpyArray.elementCount(shape, within: bytes.count),
        offset <= bytes.count / 4 - count
      else { throw bad("tensor \(name) runs past its storage") }
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
        bytes.withUnsafeBytes { raw in
          if let source = raw.baseAddress, let target = buffer.baseAddress {
            memcpy(target, source + offset * 4, count * 4)
          }
        }
        initialised = count
      }
      tensors[name] = NumpyArray(shape: shape, values: values)
    }
    return tensors
  }
}
