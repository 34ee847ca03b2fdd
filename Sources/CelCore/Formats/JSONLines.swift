import Foundation

/// Reading and writing JSON Lines files (one record per line), the form of `frames.jsonl`
/// and `tiles.jsonl`.
package enum JSONLines {
  package static func read<Record: Decodable>(_ type: Record.Type, from url: URL) throws -> [Record]
  {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").enumerated().map { number, line in
      do {
        return try decoder.decode(Record.self, from: Data(line.utf8))
      } catch {
        throw CelError.invalidInput(url.path, reason: "line \(number + 1) is not a valid record")
      }
    }
  }

  /// Writes records atomically.
  package static func write<Record: Encodable>(_ records: [Record], to url: URL) throws {
    try FileIO.writeAtomically(try encode(records), to: url)
  }

  /// The records as JSON Lines text.
  package static func encode<Record: Encodable>(_ records: [Record]) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var data = Data()
    for record in records {
      data.append(try encoder.encode(record))
      data.append(0x0A)
    }
    return data
  }
}
