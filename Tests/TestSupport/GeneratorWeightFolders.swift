import Foundation

/// Generator weights in the published CartoonGAN layout (one .npy per tensor) for tests.
package enum GeneratorWeightFolders {
  /// Seeded weights in the published names and shapes, written once per test process by
  /// numpy (`published_weights.py`), so that layout, loading and parity with PyTorch are
  /// tested on any clone.
  package static func seeded() throws -> URL { try seededFolder.get() }

  private static let seededFolder = Result {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("celshade-tests/seeded-weights-\(getpid())")
    try Python.run(
      Python.references.appendingPathComponent("published_weights.py"), [folder.path, "7"])
    return folder
  }

  /// The environment variable that names the folder of the published Hayao weights.
  package static let hayaoVariable = "CELSHADE_HAYAO"

  /// The published CartoonGAN "Hayao" weights where this machine has them: the folder
  /// `CELSHADE_HAYAO` names, else `shared/pretrained/cartoongan-hayao` beside the
  /// repository; nil when neither holds them.
  package static let hayao: URL? = {
    let beside = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("shared/pretrained/cartoongan-hayao")
    let named = ProcessInfo.processInfo.environment[hayaoVariable].map {
      URL(fileURLWithPath: $0)
    }
    return [named, beside].compactMap { $0 }.first {
      FileManager.default.fileExists(atPath: $0.appendingPathComponent("conv01_1.weight.npy").path)
    }
  }()

  /// Why tests of the real style did not run, in one line.
  package static let hayaoMissing =
    "not run: the published Hayao weights were not found (set \(hayaoVariable) to their folder)"
}
