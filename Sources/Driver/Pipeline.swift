import CelCore
import DataStages
import Foundation
import Yams

/// A pipeline file: the stages to run, in order, with their options.
///
/// ```yaml
/// stages:
///   - extract:
///       mode: keyframes
///       max-frames: 200
/// ```
/// Each option is a stage's command-line option without its dashes; `true`/`false` set
/// or clear a flag (`crop-bars: false` is `--no-crop-bars`).
package struct Pipeline: Sendable, Equatable {
  package struct Step: Sendable, Equatable {
    package var stage: StageKind
    package var options: [Option]
    package var line: Int?

    /// The options as command-line arguments.
    package var arguments: [String] { options.flatMap(\.arguments) }
  }

  package struct Option: Sendable, Equatable {
    package var key: String
    package var value: String
    package var line: Int?

    var arguments: [String] {
      switch value {
      case "true": ["--\(key)"]
      case "false": ["--no-\(key)"]
      default: ["--\(key)", value]
      }
    }
  }

  package var file: String
  package var steps: [Step]

  /// Reads and checks a pipeline file: every stage must exist and every option must be
  /// one that stage accepts, with a valid value.
  package static func load(_ url: URL) throws -> Pipeline {
    let file = url.path
    try CelError.requireFile(file)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
      throw CelError.unreadable(file, reason: "not UTF-8 text")
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw PipelineError(file: file, line: error.line, message: "not valid YAML")
    }
    guard let mapping = root?.mapping else {
      throw PipelineError(file: file, line: root?.mark?.line, message: "expected a 'stages:' list")
    }
    for (key, _) in mapping where key.string != "stages" {
      throw PipelineError(
        file: file, line: key.mark?.line,
        message: "unknown key '\(key.string ?? "?")' (expected 'stages')")
    }
    guard let list = mapping["stages"]?.sequence else {
      throw PipelineError(
        file: file, line: mapping.mark?.line, message: "expected a 'stages:' list")
    }
    let steps = try list.map { try step(from: $0, file: file) }
    return Pipeline(file: file, steps: steps)
  }

  private static func step(from node: Node, file: String) throws -> Step {
    guard let mapping = node.mapping, mapping.count == 1, let (nameNode, body) = mapping.first,
      let name = nameNode.string
    else {
      throw PipelineError(
        file: file, line: node.mark?.line, message: "each stage is written '- NAME: {options}'")
    }
    guard let stage = StageKind(rawValue: name) else {
      let known = StageKind.allCases.map(\.rawValue).joined(separator: ", ")
      throw PipelineError(
        file: file, line: nameNode.mark?.line, message: "unknown stage '\(name)' (stages: \(known))"
      )
    }
    var options: [Option] = []
    if body.scalar?.string.isEmpty == false || body.sequence != nil {
      throw PipelineError(
        file: file, line: body.mark?.line, message: "the options of '\(name)' must be a mapping")
    }
    for (keyNode, valueNode) in body.mapping ?? [:] {
      guard let key = keyNode.string, let value = valueNode.scalar?.string else {
        throw PipelineError(
          file: file, line: keyNode.mark?.line,
          message: "option values of '\(name)' must be scalars")
      }
      let option = Option(key: key, value: value, line: keyNode.mark?.line)
      options.append(option)
    }
    let step = Step(stage: stage, options: options, line: nameNode.mark?.line)
    if let problem = stage.problem(with: step.arguments) {
      // The parser's message quotes the option it choked on; point at that key's line.
      let culprit = options.first { option in
        ["'--\(option.key)'", "'--\(option.key) ", "'--no-\(option.key)'"].contains {
          problem.contains($0)
        }
      }
      let message =
        culprit.map { "stage '\(name)', key '\($0.key)': \(problem)" }
        ?? "stage '\(name)': \(problem)"
      throw PipelineError(file: file, line: culprit?.line ?? step.line, message: message)
    }
    return step
  }
}

extension YamlError {
  fileprivate var line: Int? {
    switch self {
    case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
    default: nil
    }
  }
}
