import Foundation

/// A 64-bit FNV-1a digest, hex-encoded: cheap, stable across runs and machines, and enough
/// to tell whether a stage's input changed. Not a security hash.
package struct Fingerprint: Sendable {
  private var state: UInt64 = 0xcbf2_9ce4_8422_2325

  package init() {}

  package mutating func combine(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      state ^= UInt64(byte)
      state &*= 0x0000_0100_0000_01b3
    }
  }

  package mutating func combine(_ text: String) { combine(Array(text.utf8) + [0]) }

  /// The digest as a number.
  package var value: UInt64 { state }

  package var hex: String {
    let digits = String(state, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }

  /// Fingerprint of a file: its size and its first and last megabyte, so a film of many
  /// gigabytes is recognised without reading it whole.
  package static func ofFile(_ url: URL) throws -> String {
    guard let handle = try? FileHandle(forReadingFrom: url) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    defer { try? handle.close() }
    let window = 1 << 20
    let size = try handle.seekToEnd()
    var digest = Fingerprint()
    digest.combine(String(size))
    try handle.seek(toOffset: 0)
    digest.combine(try handle.read(upToCount: window) ?? Data())
    if size > UInt64(window) {
      try handle.seek(toOffset: max(UInt64(window), size - UInt64(window)))
      digest.combine(try handle.read(upToCount: window) ?? Data())
    }
    return digest.hex
  }

  /// Fingerprint of a whole (small) file such as a stage's record list.
  package static func ofContents(_ url: URL) throws -> String {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw CelError.unreadable(url.path, reason: "cannot open")
    }
    var digest = Fingerprint()
    digest.combine(data)
    return digest.hex
  }
}
