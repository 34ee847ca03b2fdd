import Foundation

/// How much memory a job can still take on this machine.
package enum SystemMemory {
  /// The kernel's estimate of memory available without swapping (`MemAvailable`), or less
  /// when the process's cgroup has a lower limit left; nil where neither can be read.
  package static func available() -> Int? {
    let machine = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8))
      .flatMap(availableBytes(meminfo:))
    let group = cgroupRoom()
    return [machine, group].compactMap { $0 }.min()
  }

  /// `MemAvailable` of a /proc/meminfo text, in bytes.
  package static func availableBytes(meminfo: String) -> Int? {
    for line in meminfo.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
      let fields = line.split(separator: " ")
      guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return nil }
      return kilobytes * 1024
    }
    return nil
  }

  /// The room left under this process's cgroup v2 memory limit, when it has one.
  private static func cgroupRoom() -> Int? {
    guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
      let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
    else { return nil }
    let folder = "/sys/fs/cgroup" + line.dropFirst(3)
    func number(_ name: String) -> Int? {
      (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8))
        .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    guard let limit = number("memory.max"), let used = number("memory.current") else {
      return nil
    }
    return max(0, limit - used)
  }
}

/// A number of bytes as users write it: `800M`, `1.5G`, `2048K`, or plain bytes.
package struct ByteCount: Sendable, Equatable, CustomStringConvertible {
  package var bytes: Int

  package init(bytes: Int) { self.bytes = bytes }

  package init?(_ text: String) {
    let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
    var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
    if digits.hasSuffix("B") { digits.removeLast() }
    var scale: Double = 1
    if let last = digits.last, let unit = units[last] {
      scale = unit
      digits.removeLast()
    }
    guard let value = Double(digits), value.isFinite, value > 0, value * scale < 1e18 else {
      return nil
    }
    bytes = Int(value * scale)
  }

  /// In the largest unit that keeps a digit before the point: `1.4 GB`, `800 MB`.
  package var description: String {
    let gigabytes = Double(bytes) / Double(1 << 30)
    if gigabytes >= 1 { return String(format: "%.1f GB", gigabytes) }
    return String(format: "%.0f MB", Double(bytes) / Double(1 << 20))
  }
}
