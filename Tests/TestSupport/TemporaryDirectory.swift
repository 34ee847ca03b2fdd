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

/// Test data shared beside the repository (never copied into it).
package enum SharedData {
  package static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")
  /// The published CartoonGAN "Hayao" generator, one .npy per tensor.
  package static let hayao = root.appendingPathComponent("pretrained/cartoongan-hayao")
}
