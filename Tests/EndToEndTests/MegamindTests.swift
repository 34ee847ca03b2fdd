import CelCore
import DataStages
import Foundation
import TestSupport
import Testing

/// The real animated clip from Debian's opencv-doc package (720×528 MPEG-4, 270 frames).
@Suite struct MegamindTests {
  func extract(_ mode: String) throws -> (records: [FrameRecord], counts: [String: Int]) {
    let dataset = try makeTemporaryDirectory().appendingPathComponent(mode)
    let result = try Executable(name: "cel-extract").run(
      ["-i", OpenCVSamples.megamind.path, "-o", dataset.path, "--mode", mode, "-q"])
    #expect(result.status == 0, "\(result.errors)")
    let records = try JSONLines.read(
      FrameRecord.self, from: dataset.appendingPathComponent("frames.jsonl"))
    let counts = try DatasetManifest.load(from: dataset).stages["extract"]?.counts ?? [:]
    return (records, counts)
  }

  @Test func keyframesModeDecodesOnlyTheKeyFrames() throws {
    let (records, counts) = try extract("keyframes")
    let decoded = try #require(counts["decoded"])
    #expect((3...12).contains(decoded))  // a key frame every couple of seconds, not 270 frames
    #expect((2...decoded).contains(records.count))
    #expect(records.allSatisfy { $0.isKeyframe && $0.width == 720 && (0...11.3).contains($0.time) })
    #expect(records.map(\.time) == records.map(\.time).sorted())
    #expect(try extract("keyframes").records == records)  // stable from run to run
  }

  @Test func scenesModeFindsTheClipsShots() throws {
    let (records, counts) = try extract("scenes")
    #expect(counts["decoded"] == 270)
    #expect((3...8).contains(records.count), "\(records.map(\.time))")
    #expect(Set(records.map(\.shot)).count == records.count)  // one frame per shot
    #expect(records.map(\.time) == records.map(\.time).sorted())
    #expect(try extract("scenes").records == records)
  }
}
