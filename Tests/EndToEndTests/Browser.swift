import Foundation
import Imaging

/// Debian's Chromium, headless: what a page becomes once loaded, and how it looks.
enum Browser {
  static let executable = URL(fileURLWithPath: "/usr/bin/chromium")

  struct Loaded {
    var dom: String
    /// What the report's own load handler counted.
    var images: Int
    var broken: Int
    var charts: Int
  }

  static func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments =
      [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
        "--virtual-time-budget=5000",
      ] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  static func load(_ page: URL) throws -> Loaded {
    let dom = try run(["--dump-dom", page.absoluteString])
    func attribute(_ name: String) -> Int {
      guard let range = dom.range(of: "data-\(name)=\"") else { return -1 }
      return Int(dom[range.upperBound...].prefix { $0.isNumber }) ?? -1
    }
    return Loaded(
      dom: dom, images: attribute("images"), broken: attribute("broken"),
      charts: attribute("charts"))
  }

  /// A screenshot of the page, and the standard deviation of its grey levels (a blank
  /// page is near 0).
  static func screenshot(_ page: URL, to png: URL) throws -> Double {
    _ = try run(["--screenshot=\(png.path)", "--window-size=1200,1600", page.absoluteString])
    return try Image.read(png).greyStatistics().deviation
  }
}
