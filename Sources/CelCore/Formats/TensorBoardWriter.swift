import Foundation

/// Writes TensorBoard event files (`events.out.tfevents.*`): TFRecord framing with masked
/// CRC-32C checksums around `Event` protocol buffers, encoded here field by field, so
/// `tensorboard --logdir` shows scalars and images without TensorFlow.
package final class TensorBoardWriter {
  private let handle: FileHandle
  package let url: URL

  /// Creates a new event file in `folder`.
  package init(folder: URL) throws {
    try FileIO.createDirectory(folder)
    let host = ProcessInfo.processInfo.hostName
    url = folder.appendingPathComponent(
      "events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host).\(getpid())")
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: url)
    else { throw CelError.cannotWrite(url.path, reason: "cannot create the event file") }
    self.handle = handle
    try write(event: Protobuf().double(1, Date().timeIntervalSince1970).string(3, "brain.Event:2"))
  }

  deinit { try? handle.close() }

  /// One scalar per tag at `step`.
  package func scalars(_ values: [(tag: String, value: Float)], step: Int) throws {
    var summary = Protobuf()
    for (tag, value) in values {
      summary = summary.message(1, Protobuf().string(1, tag).float(2, value))
    }
    try write(
      event: Protobuf().double(1, Date().timeIntervalSince1970).varint(2, UInt64(step)).message(
        5, summary))
  }

  /// An encoded (PNG) image under `tag` at `step`.
  package func image(_ tag: String, png: Data, width: Int, height: Int, step: Int) throws {
    let image = Protobuf().varint(1, UInt64(height)).varint(2, UInt64(width)).varint(3, 3).bytes(
      4, png)
    let summary = Protobuf().message(1, Protobuf().string(1, tag).message(4, image))
    try write(
      event: Protobuf().double(1, Date().timeIntervalSince1970).varint(2, UInt64(step)).message(
        5, summary))
  }

  private func write(event: Protobuf) throws {
    var length = Data()
    withUnsafeBytes(of: UInt64(event.data.count).littleEndian) { length.append(contentsOf: $0) }
    var record = length
    withUnsafeBytes(of: Self.maskedCRC(length).littleEndian) { record.append(contentsOf: $0) }
    record.append(event.data)
    withUnsafeBytes(of: Self.maskedCRC(event.data).littleEndian) { record.append(contentsOf: $0) }
    try handle.write(contentsOf: record)
  }

  private static let table: [UInt32] = (0..<256).map { index in
    (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
  }

  /// CRC-32C, rotated and offset as TFRecord wants it.
  static func maskedCRC(_ data: Data) -> UInt32 {
    let crc = ~data.reduce(UInt32.max) { crc, byte in
      table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }
    return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }
}

/// Just enough of the protocol buffer wire format for TensorBoard events.
struct Protobuf {
  var data = Data()

  private func key(_ field: Int, _ wireType: Int) -> Data {
    Self.varintBytes(UInt64(field << 3 | wireType))
  }

  static func varintBytes(_ value: UInt64) -> Data {
    var value = value
    var bytes = Data()
    repeat {
      bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
      value >>= 7
    } while value > 0
    return bytes
  }

  func varint(_ field: Int, _ value: UInt64) -> Protobuf {
    Protobuf(data: data + key(field, 0) + Self.varintBytes(value))
  }

  func double(_ field: Int, _ value: Double) -> Protobuf {
    var copy = data + key(field, 1)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { copy.append(contentsOf: $0) }
    return Protobuf(data: copy)
  }

  func float(_ field: Int, _ value: Float) -> Protobuf {
    var copy = data + key(field, 5)
    withUnsafeBytes(of: value.bitPattern.littleEndian) { copy.append(contentsOf: $0) }
    return Protobuf(data: copy)
  }

  func bytes(_ field: Int, _ value: Data) -> Protobuf {
    Protobuf(data: data + key(field, 2) + Self.varintBytes(UInt64(value.count)) + value)
  }

  func string(_ field: Int, _ value: String) -> Protobuf { bytes(field, Data(value.utf8)) }
  func message(_ field: Int, _ value: Protobuf) -> Protobuf { bytes(field, value.data) }
}
