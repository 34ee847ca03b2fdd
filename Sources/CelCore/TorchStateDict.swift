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

/// The stored (uncompressed) entries of a zip file, the way torch.save writes them.
private struct ZipArchive {
  private let data: Data
  private var entries: [String: (offset: Int, size: Int)] = [:]
  private let bad: (String) -> CelError

  var names: [String] { Array(entries.keys) }

  init(_ data: Data, bad: @escaping (String) -> CelError) throws {
    self.data = data
    self.bad = bad
    // Every offset and length comes from the file: each read is checked against its end.
    func u16(_ at: Int) throws -> Int {
      guard at >= 0, at <= data.count - 2 else { throw bad("damaged zip (reads past the end)") }
      return Int(data[data.startIndex + at]) | Int(data[data.startIndex + at + 1]) << 8
    }
    func u32(_ at: Int) throws -> Int { try u16(at) | u16(at + 2) << 16 }
    func u64(_ at: Int) throws -> Int {
      let high = try u32(at + 4)
      guard high < 1 << 30 else { throw bad("damaged zip (an offset beyond any file)") }
      return try u32(at) | high << 32
    }
    guard data.count >= 22,
      let end = try stride(from: data.count - 22, through: max(0, data.count - 65_557), by: -1)
        .first(where: { try u32($0) == 0x0605_4b50 })
    else { throw bad("not a zip file") }
    var directory = try u32(end + 16)
    var count = try u16(end + 10)
    if directory == 0xFFFF_FFFF || count == 0xFFFF, end >= 20, try u32(end - 20) == 0x0706_4b50 {
      let record = try u64(end - 20 + 8)  // the zip64 end record
      count = try u64(record + 32)
      directory = try u64(record + 48)
    }
    // Each directory record takes 46 bytes at least: a count beyond that is damage.
    guard count <= data.count / 46 else { throw bad("damaged zip directory") }
    var at = directory
    for _ in 0..<count {
      guard try u32(at) == 0x0201_4b50 else { throw bad("damaged zip directory") }
      let method = try u16(at + 10)
      var size = try u32(at + 20)
      var local = try u32(at + 42)
      let nameLength = try u16(at + 28)
      let extraLength = try u16(at + 30)
      let commentLength = try u16(at + 32)
      let recordEnd = at + 46 + nameLength + extraLength + commentLength
      guard recordEnd <= data.count else { throw bad("damaged zip directory") }
      let name = String(
        decoding: data[(data.startIndex + at + 46)..<(data.startIndex + at + 46 + nameLength)],
        as: UTF8.self)
      var extra = at + 46 + nameLength
      while extra + 4 <= at + 46 + nameLength + extraLength {  // zip64 sizes and offset
        let id = try u16(extra)
        let length = try u16(extra + 2)
        if id == 1 {
          var field = extra + 4
          if try u32(at + 24) == 0xFFFF_FFFF { field += 8 }
          if size == 0xFFFF_FFFF {
            size = try u64(field)
            field += 8
          }
          if local == 0xFFFF_FFFF { local = try u64(field) }
        }
        extra += 4 + length
      }
      guard method == 0 else { throw bad("entry \(name) is compressed; torch.save stores entries") }
      guard try u32(local) == 0x0403_4b50 else { throw bad("damaged entry \(name)") }
      let start = try local + 30 + u16(local + 26) + u16(local + 28)
      guard size <= data.count, start <= data.count - size else {
        throw bad("damaged entry \(name)")
      }
      entries[name] = (start, size)
      at = recordEnd
    }
  }

  func contents(of name: String) throws -> Data {
    guard let entry = entries[name] else { throw bad("missing entry \(name)") }
    return data.subdata(
      in: (data.startIndex + entry.offset)..<(data.startIndex + entry.offset + entry.size))
  }
}

/// Values of the pickle subset torch.save writes for a state dict.
private indirect enum PickleValue {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case mark
  case tuple([PickleValue])
  case list([PickleValue])
  case dict([(PickleValue, PickleValue)])
  case global(String, String)
  case storage(type: String, key: String)
  case tensor(storage: (type: String, key: String), offset: Int, shape: [Int], stride: [Int])
}

private struct Unpickler {
  let bytes: [UInt8]
  let bad: (String) -> CelError
  var position = 0
  var stack: [PickleValue] = []
  var memo: [Int: PickleValue] = [:]

  init(bytes: Data, bad: @escaping (String) -> CelError) {
    self.bytes = Array(bytes)
    self.bad = bad
  }

  mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
    guard count >= 0, count <= bytes.count - position else { throw bad("data.pkl ends early") }
    defer { position += count }
    return bytes[position..<(position + count)]
  }

  mutating func little(_ count: Int) throws -> Int {
    try take(count).reversed().reduce(0) { $0 << 8 | Int($1) }
  }

  mutating func line() throws -> String {
    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
      throw bad("data.pkl ends early")
    }
    defer { position = end + 1 }
    return String(decoding: bytes[position..<end], as: UTF8.self)
  }

  mutating func popMark() throws -> [PickleValue] {
    guard let mark = stack.lastIndex(where: { if case .mark = $0 { true } else { false } }) else {
      throw bad("data.pkl is malformed (no mark)")
    }
    defer { stack.removeSubrange(mark...) }
    return Array(stack[(mark + 1)...])
  }

  mutating func pop() throws -> PickleValue {
    guard let value = stack.popLast() else { throw bad("data.pkl is malformed (empty stack)") }
    return value
  }

  mutating func run() throws -> PickleValue {
    while true {
      let opcode = try take(1).first ?? 0
      switch opcode {
      case 0x80: _ = try take(1)  // PROTO
      case 0x2E: return try pop()  // STOP
      case 0x28: stack.append(.mark)
      case 0x63:  // GLOBAL
        let module = try line()
        let name = try line()
        stack.append(.global(module, name))
      case 0x29: stack.append(.tuple([]))
      case 0x74: stack.append(.tuple(try popMark()))
      case 0x85: stack.append(.tuple([try pop()]))
      case 0x86:
        let b = try pop()
        let a = try pop()
        stack.append(.tuple([a, b]))
      case 0x87:
        let c = try pop()
        let b = try pop()
        let a = try pop()
        stack.append(.tuple([a, b, c]))
      case 0x7D: stack.append(.dict([]))
      case 0x5D: stack.append(.list([]))
      case 0x4E: stack.append(.none)
      case 0x88: stack.append(.bool(true))
      case 0x89: stack.append(.bool(false))
      case 0x4B: stack.append(.int(try little(1)))
      case 0x4D: stack.append(.int(try little(2)))
      case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try little(4)))))
      case 0x8A:  // LONG1
        let count = try little(1)
        stack.append(.int(count == 0 ? 0 : try little(count)))
      case 0x47:
        let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        stack.append(.float(Double(bitPattern: raw)))
      case 0x58: stack.append(.string(String(decoding: try take(try little(4)), as: UTF8.self)))
      case 0x8C: stack.append(.string(String(decoding: try take(try little(1)), as: UTF8.self)))
      case 0x55: stack.append(.string(String(decoding: try take(try little(1)), as: UTF8.self)))
      case 0x54: stack.append(.string(String(decoding: try take(try little(4)), as: UTF8.self)))
      case 0x71: memo[try little(1)] = stack.last
      case 0x72: memo[try little(4)] = stack.last
      case 0x94: memo[memo.count] = stack.last  // MEMOIZE
      case 0x68: stack.append(memo[try little(1)] ?? .none)
      case 0x6A: stack.append(memo[try little(4)] ?? .none)
      case 0x51:  // BINPERSID: ('storage', torch.FloatStorage, key, location, size)
        guard case .tuple(let id) = try pop(), id.count >= 3, case .global(_, let type) = id[1],
          case .string(let key) = id[2]
        else { throw bad("data.pkl names storage in an unknown way") }
        stack.append(.storage(type: type, key: key))
      case 0x52:  // REDUCE
        let arguments = try pop()
        let callable = try pop()
        stack.append(try reduce(callable, arguments))
      case 0x62: _ = try pop()  // BUILD: state (the dict's _metadata) is not needed
      case 0x73:
        let value = try pop()
        let key = try pop()
        guard case .dict(var entries) = try pop() else {
          throw bad("data.pkl sets an item on a non-dict")
        }
        entries.append((key, value))
        stack.append(.dict(entries))
      case 0x75:
        let items = try popMark()
        guard case .dict(var entries) = try pop() else {
          throw bad("data.pkl sets items on a non-dict")
        }
        for index in stride(from: 0, to: items.count - 1, by: 2) {
          entries.append((items[index], items[index + 1]))
        }
        stack.append(.dict(entries))
      case 0x61:
        let item = try pop()
        guard case .list(var items) = try pop() else { throw bad("data.pkl appends to a non-list") }
        items.append(item)
        stack.append(.list(items))
      case 0x65:
        let more = try popMark()
        guard case .list(let items) = try pop() else { throw bad("data.pkl appends to a non-list") }
        stack.append(.list(items + more))
      default:
        throw bad(
          "data.pkl uses pickle opcode 0x\(String(opcode, radix: 16)), which a state dict does not need"
        )
      }
    }
  }

  func reduce(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
    guard case .global(let module, let name) = callable, case .tuple(let args) = arguments else {
      return .none
    }
    switch (module, name) {
    case ("collections", "OrderedDict"): return .dict([])
    case ("torch._utils", "_rebuild_tensor_v2"):
      guard args.count >= 4, case .storage(let type, let key) = args[0],
        case .int(let offset) = args[1],
        case .tuple(let size) = args[2], case .tuple(let stride) = args[3]
      else { throw bad("data.pkl rebuilds a tensor in an unknown way") }
      let ints = { (values: [PickleValue]) in
        values.compactMap { if case .int(let v) = $0 { v } else { nil } }
      }
      return .tensor(storage: (type, key), offset: offset, shape: ints(size), stride: ints(stride))
    case ("torch._utils", "_rebuild_parameter"): return args.first ?? .none
    default: return .none
    }
  }
}
