import Foundation

/// The Python the tests' independent references run on: Debian's (with numpy, OpenCV and
/// PyTorch 1.13), or the one `CELSHADE_PYTHON` names, as `Scripts/pypi-torch` sets it to
/// the venv whose PyTorch 2.15 the build links.
package enum Python {
  package static let interpreter = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["CELSHADE_PYTHON"] ?? "/usr/bin/python3")

  /// The venv `Scripts/setup` makes with ONNX, ONNX Runtime and OpenVINO from PyPI, which
  /// run the models cel-export writes, or the Python `CELSHADE_ONNX_PYTHON` names.
  package static let onnxRuntimes = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["CELSHADE_ONNX_PYTHON"]
      ?? "/opt/celshade/venv-onnx/bin/python3")

  /// The independent references in Python that the tests, benchmarks and scripts share.
  package static let references = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("References")

  /// Runs `script` with `arguments`; returns what it printed, or throws with its errors.
  @discardableResult
  package static func run(
    _ script: URL, _ arguments: [String], interpreter: URL = interpreter
  ) throws -> String {
    let process = Process()
    process.executableURL = interpreter
    process.arguments = [script.path] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read both before waiting: a full pipe would block the script.
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    let complaint = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ScriptFailure(
        script: script.lastPathComponent,
        errors: String(decoding: complaint, as: UTF8.self))
    }
    return String(decoding: printed, as: UTF8.self)
  }

  package struct ScriptFailure: Error, CustomStringConvertible {
    package var script: String
    package var errors: String
    package var description: String { "\(script) failed: \(errors)" }
  }
}
