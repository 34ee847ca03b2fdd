import Foundation

/// The stored (uncompressed) entries of a zip file, the way torch.save writes them.
struct ZipArchive {
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
