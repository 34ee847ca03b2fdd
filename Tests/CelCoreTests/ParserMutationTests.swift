import CelCore
import Foundation
import TestSupport
import Testing

/// Weight files are the user's (`cel-train --vgg`, `cel-apply --model`): however one is
/// damaged, reading it ends in one error that names it, never in a trap or a hang.
@Suite struct ParserMutationTests {
  func original() throws -> (URL, Data) {
    let folder = try makeTemporaryDirectory()
    let file = folder.appendingPathComponent("weights.pth")
    try Python.run(
      Python.references.appendingPathComponent("small_state_dict.py"), [file.path])
    return (folder, try Data(contentsOf: file))
  }

  @Test func theOriginalReads() throws {
    let (folder, data) = try original()
    let file = folder.appendingPathComponent("copy.pth")
    try data.write(to: file)
    let tensors = try TorchStateDict.read(file)
    #expect(tensors["features.0.weight"]?.shape == [4, 3, 3, 3])
    #expect(tensors["classifier.weight"]?.shape == [2, 8])
  }

  /// The zip directory's offset of an entry's local header, pointed past the end of the
  /// file: this used to trap.
  @Test func aLocalHeaderPastTheEndIsNamed() throws {
    let (folder, data) = try original()
    var damaged = [UInt8](data)
    let record = try #require(signatures(0x0201_4b50, in: damaged).first)
    write(UInt32(data.count + 100), at: record + 42, in: &damaged)
    let file = folder.appendingPathComponent("damaged.pth")
    try Data(damaged).write(to: file)
    let error = #expect(throws: CelError.self) { try TorchStateDict.read(file) }
    #expect(error?.description.hasPrefix("\(file.path): damaged zip") == true)
  }

  /// The formats users hand in, each with a valid file to mutate and its reader.
  enum Format: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case pth, npy, safetensors
    var testDescription: String { rawValue }

    func original(in folder: URL) throws -> Data {
      let tensor = NumpyArray(shape: [2, 3, 4], values: (0..<24).map { Float($0) / 7 })
      switch self {
      case .pth:
        let file = folder.appendingPathComponent("weights.pth")
        try Python.run(
          Python.references.appendingPathComponent("small_state_dict.py"), [file.path])
        return try Data(contentsOf: file)
      case .npy: return tensor.encoded()
      case .safetensors:
        return try SafeTensors(
          tensors: ["a": tensor, "b": NumpyArray(shape: [5], values: [1, 2, 3, 4, 5])],
          metadata: ["celshade.generator": "published"]
        ).encoded()
      }
    }

    func read(_ file: URL) throws {
      switch self {
      case .pth: _ = try TorchStateDict.read(file)
      case .npy: _ = try NumpyArray.read(file)
      case .safetensors: _ = try SafeTensors.read(file)
      }
    }
  }

  /// Truncations, flipped bytes, and lengths, offsets and sizes made huge or pointed past
  /// the end: each read succeeds or throws one `CelError` naming the file.
  @Test(arguments: Format.allCases)
  func thousandsOfMutationsEachEndInOneError(format: Format) throws {
    let folder = try makeTemporaryDirectory()
    let bytes = [UInt8](try format.original(in: folder))
    let records =
      signatures(0x0201_4b50, in: bytes) + signatures(0x0403_4b50, in: bytes)
      + signatures(0x0605_4b50, in: bytes)
    let file = folder.appendingPathComponent("mutant." + format.rawValue)
    var random = SeededGenerator(seed: 11)
    var refused = 0
    let rounds = 2000
    for round in 0..<rounds {
      var mutant = bytes
      switch round % 4 {
      case 0:
        mutant.removeLast(Int.random(in: 1..<bytes.count, using: &random))
      case 1:
        for _ in 0..<Int.random(in: 1...4, using: &random) {
          mutant[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(
            in: 1...255, using: &random)
        }
      case 2:
        // A length or offset field (a zip record's, or the header's) made huge or past the end.
        let base = records.randomElement(using: &random) ?? 0
        let field = base + Int.random(in: 0...44, using: &random)
        let values: [UInt32] = [
          0xFFFF_FFFF, UInt32(bytes.count), UInt32(bytes.count + 1), 0x7FFF_FFFF, 0, 0x8000_0000,
        ]
        write(values.randomElement(using: &random) ?? 0, at: field, in: &mutant)
      default:
        // Anywhere: the pickle program, a JSON or Python header, tensor data.
        let at = Int.random(in: 0..<bytes.count, using: &random)
        write(UInt32.random(in: 0...UInt32.max, using: &random), at: at, in: &mutant)
      }
      try Data(mutant).write(to: file)
      do {
        try format.read(file)
      } catch let error as CelError {
        #expect(error.description.hasPrefix(file.path), "\(error)")
        #expect(!error.description.contains("\n"))
        refused += 1
      }
    }
    #expect(refused > rounds / 4)
  }

  func signatures(_ signature: UInt32, in bytes: [UInt8]) -> [Int] {
    guard bytes.count >= 4 else { return [] }
    return (0...(bytes.count - 4)).filter { at in
      (0..<4).allSatisfy { bytes[at + $0] == UInt8(truncatingIfNeeded: signature >> (8 * $0)) }
    }
  }

  func write(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    for index in 0..<4 where offset + index < bytes.count {
      bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
    }
  }
}
