import Foundation

/// Runs one of the package's built executables and captures what it prints.
struct Executable {
  struct Result {
    var status: Int32
    var output: String
    var errors: String
  }

  /// The folder that holds the test runner also holds the built executables.
  static let productsFolder: URL = {
    let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = runner.deletingLastPathComponent()
    while folder.path != "/"
      && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cel").path)
    {
      folder = folder.deletingLastPathComponent()
    }
    return folder
  }()

  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  var name: String

  /// Starts the executable, with `environment` added to the test's; the caller waits for it
  /// or stops it.
  func start(_ arguments: [String], environment added: [String: String] = [:]) throws -> (
    Process, Pipe, Pipe
  ) {
    let process = Process()
    process.executableURL = Self.productsFolder.appendingPathComponent(name)
    process.arguments = arguments
    process.currentDirectoryURL = Self.packageRoot
    var environment = ProcessInfo.processInfo.environment
    environment["COLUMNS"] = "100"
    environment.merge(added) { _, new in new }
    process.environment = environment
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    return (process, output, errors)
  }

  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
    let (process, output, errors) = try start(arguments, environment: environment)
    return Self.finish(process, output, errors)
  }

  /// Waits for a started executable and collects what it printed.
  static func finish(_ process: Process, _ output: Pipe, _ errors: Pipe) -> Result {
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    let complained = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, output: String(decoding: printed, as: UTF8.self),
      errors: String(decoding: complained, as: UTF8.self))
  }
}

/// Compares `text` with a snapshot file in Snapshots/; `RECORD_SNAPSHOTS=1` rewrites it.
func matchesSnapshot(_ text: String, named name: String) throws -> Bool {
  let url = Executable.packageRoot.appendingPathComponent("Tests/EndToEndTests/Snapshots/\(name)")
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
    try Data(text.utf8).write(to: url)
    return true
  }
  let recorded = try String(contentsOf: url, encoding: .utf8)
  return recorded == text
}
