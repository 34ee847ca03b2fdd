import Foundation

/// Values of the pickle subset torch.save writes for a state dict.
indirect enum PickleValue {
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

struct Unpickler {
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
