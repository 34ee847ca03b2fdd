import Foundation

/// A fresh folder under the system's temporary directory, one per test.
package func makeTemporaryDirectory(_ label: String = #function) throws -> URL {
  let name = label.filter { $0.isLetter || $0.isNumber }
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("celshade-tests")
    .appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Where the real animated clip and photos of Debian's opencv-doc package live.
package enum OpenCVSamples {
  package static let folder = URL(fileURLWithPath: "/usr/share/doc/opencv-doc/examples/data")
  package static let megamind = folder.appendingPathComponent("Megamind.avi")
}
