import CelCore
import Foundation

/// `cel serve` started as users start it, on a free port, and a plain HTTP/1.1 client that
/// sends request targets exactly as written (`..` included), as an attacker's client would.
/// Its state is fixed once started, and each request opens its own connection, so clients
/// on many tasks may share it.
final class StudioProcess: @unchecked Sendable {
  struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as a JSON object, when it is one.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
  }

  let process: Process
  let output: Pipe
  let errors: Pipe
  let port: Int
  /// What `cel serve` printed before it listened.
  let banner: String

  init(serving folders: [URL], arguments: [String] = []) throws {
    (process, output, errors) = try Executable(name: "cel").start(
      ["serve", "--port", "0"] + folders.flatMap { ["--data", $0.path] } + arguments)
    // The first line names the address; read it byte by byte so nothing after is lost.
    var line = Data()
    while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty,
      byte != Data("\n".utf8)
    {
      line.append(byte)
    }
    banner = String(decoding: line, as: UTF8.self)
    guard let range = banner.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression),
      let port = Int(banner[range].dropFirst("127.0.0.1:".count).dropLast())
    else {
      process.terminate()
      let complaint = String(
        decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      throw CelError.invalidRequest("cel serve did not start: \(banner) \(complaint)")
    }
    self.port = port
  }

  deinit { if process.isRunning { process.terminate() } }

  /// Ctrl-C, and what the server printed until it ended.
  func interrupt() -> Executable.Result {
    kill(process.processIdentifier, SIGINT)
    return Executable.finish(process, output, errors)
  }

  /// The most memory the server has held (its peak resident set), in bytes.
  var peakMemory: Int {
    let status =
      (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8))
      ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
  }

  func get(_ target: String) throws -> Reply { try request("GET", target) }

  /// Sends a request; `headers` add to or replace (`Host`) the usual ones.
  func request(
    _ method: String, _ target: String, body: Data = Data(), headers: [String: String] = [:]
  ) throws -> Reply {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw CelError.invalidRequest("no socket") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw CelError.invalidRequest("cannot connect to port \(port)") }
    // A server may answer before it has read the whole body (an upload refused early) and
    // wait for it no more: sending gives up after a while, and the answer is read all the same.
    var timeout = timeval(tv_sec: 3, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    timeout.tv_sec = 120
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var fields = ["Host": "127.0.0.1:\(port)", "Connection": "close"]
    fields.merge(headers) { _, new in new }
    let head =
      "\(method) \(target) HTTP/1.1\r\n"
      + fields.map { "\($0.key): \($0.value)\r\n" }.joined()
      + "Content-Length: \(body.count)\r\n\r\n"
    for part in [Data(head.utf8), body] where !part.isEmpty {
      let sent = part.withUnsafeBytes { bytes -> Bool in
        guard let start = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
          let count = send(socket, start + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
          if count <= 0 { return false }
          offset += count
        }
        return true
      }
      if !sent { break }
    }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !Self.isComplete(received) {
      let count = recv(socket, &buffer, buffer.count, 0)
      if count <= 0 { break }
      received.append(contentsOf: buffer[0..<count])
    }
    return try Self.parse(received, target: target)
  }

  /// A reply's head: its status, its headers (names in lower case), and where its body
  /// starts; nil until the whole head has arrived.
  private static func head(_ data: Data) -> (status: Int, headers: [String: String], body: Int)? {
    guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else { return nil }
    let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self)
      .components(separatedBy: "\r\n")
    let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
        .trimmingCharacters(in: .whitespaces)
    }
    return (status, headers, end.upperBound)
  }

  /// Whether `data` holds a whole reply: its head and the body its head announces.
  private static func isComplete(_ data: Data) -> Bool {
    guard let head = head(data) else { return false }
    if let length = head.headers["content-length"].flatMap({ Int($0) }) {
      return data.count - head.body >= length
    }
    return head.headers["transfer-encoding"] == "chunked"
      && data.suffix(5) == Data("0\r\n\r\n".utf8)
  }

  private static func parse(_ data: Data, target: String) throws -> Reply {
    guard let head = head(data) else { throw CelError.invalidRequest("\(target): no answer") }
    var body = Data(data[head.body...])
    if head.headers["transfer-encoding"] == "chunked" { body = dechunked(body) }
    return Reply(status: head.status, headers: head.headers, body: body)
  }

  private static func dechunked(_ data: Data) -> Data {
    var body = Data()
    var rest = data[...]
    while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)),
      let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16),
      size > 0, rest.count >= lineEnd.upperBound - rest.startIndex + size
    {
      let start = lineEnd.upperBound
      body.append(rest[start..<start + size])
      rest = rest[min(rest.endIndex, start + size + 2)...]
    }
    return body
  }

  /// The job's state once it has finished, or after `seconds`.
  func finishedJob(_ id: String, seconds: Double = 120) throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      let job = try get("/api/jobs/\(id)").json
      let state = job?["state"] as? String
      if state == "done" || state == "failed" || Date() > deadline { return job ?? [:] }
      usleep(100_000)
    }
  }
}
