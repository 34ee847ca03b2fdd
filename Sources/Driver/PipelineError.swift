/// A problem in a pipeline file, located by file and line.
package struct PipelineError: Error, CustomStringConvertible, Equatable {
  package var file: String
  package var line: Int?
  package var message: String

  package var description: String {
    if let line { return "\(file):\(line): \(message)" }
    return "\(file): \(message)"
  }
}
