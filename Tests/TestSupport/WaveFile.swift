import Foundation

/// A mono 16-bit PCM WAV file holding a 440 Hz tone: audio and nothing else.
package enum WaveFile {
  package static func write(seconds: Double, rate: Int = 8000, to url: URL) throws {
    let samples = Int(seconds * Double(rate))
    var data = Data()
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
    data.append(contentsOf: Array("RIFF".utf8))
    append(UInt32(36 + samples * 2))
    data.append(contentsOf: Array("WAVEfmt ".utf8))
    append(UInt32(16))
    append(UInt16(1))
    append(UInt16(1))
    append(UInt32(rate))
    append(UInt32(rate * 2))
    append(UInt16(2))
    append(UInt16(16))
    data.append(contentsOf: Array("data".utf8))
    append(UInt32(samples * 2))
    for index in 0..<samples {
      append(Int16(8000 * sin(Double(index) * 2 * .pi * 440 / Double(rate))))
    }
    try data.write(to: url)
  }
}
