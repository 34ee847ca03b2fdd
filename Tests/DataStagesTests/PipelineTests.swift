import CelCore
import DataStages
import Driver
import Foundation
import TestSupport
import Testing

@Suite struct PipelineTests {
  func load(_ yaml: String) throws -> Pipeline {
    let url = try makeTemporaryDirectory().appendingPathComponent("p.yaml")
    try Data(yaml.utf8).write(to: url)
    return try Pipeline.load(url)
  }

  func error(_ yaml: String) throws -> PipelineError? {
    #expect(throws: PipelineError.self) { try load(yaml) }
  }

  @Test func readsStagesAndTheirOptionsAsArguments() throws {
    let pipeline = try load(
      """
      stages:
        - extract:
            mode: scenes
            crop-bars: false
            max-frames: 5
      """)
    #expect(pipeline.steps.map(\.stage) == [.extract])
    #expect(
      pipeline.steps[0].arguments == ["--mode", "scenes", "--no-crop-bars", "--max-frames", "5"])
  }

  @Test func errorsNameTheLineAndTheKey() throws {
    let unknownKey = try error("stages:\n  - extract:\n      mode: scenes\n      treshold: 3\n")
    #expect(unknownKey?.line == 4)
    #expect(unknownKey?.message.contains("key 'treshold'") == true)

    let unknownStage = try error("stages:\n  - extract: {}\n  - smoothe:\n")
    #expect(unknownStage?.line == 3)
    #expect(unknownStage?.message.contains("unknown stage 'smoothe'") == true)

    let badValue = try error("stages:\n  - extract:\n      max-frames: many\n")
    #expect(badValue?.line == 3)

    let badTop = try error("stage:\n  - extract:\n")
    #expect(badTop?.line == 1)

    let badYAML = try error("stages: [\n")
    #expect(badYAML?.message == "not valid YAML")
  }

  @Test func theShippedPipelinesLoad() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Pipelines").standardized
    let files = try FileIO.files(in: folder, extensions: ["yaml"])
    #expect(!files.isEmpty)
    for file in files { _ = try Pipeline.load(file) }
  }
}
