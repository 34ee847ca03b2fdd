import CelCore
import Foundation
import TestSupport
import Testing

@Suite struct ManifestTests {
  @Test func recordsStagesSideBySideAndJudgesCurrency() throws {
    let dataset = try makeTemporaryDirectory()
    let extract = StageRecord(
      stage: "extract", parameters: ["mode": "keyframes"], inputFingerprint: "f1",
      counts: ["kept": 3])
    try DatasetManifest.record(extract, in: dataset)
    try DatasetManifest.record(
      StageRecord(stage: "tile", parameters: [:], inputFingerprint: "f2", counts: [:]), in: dataset)
    let loaded = try DatasetManifest.load(from: dataset)
    #expect(loaded.stages.keys.sorted() == ["extract", "tile"])
    #expect(loaded.stages["extract"] == extract)
    #expect(extract.isCurrent(parameters: ["mode": "keyframes"], inputFingerprint: "f1"))
    #expect(!extract.isCurrent(parameters: ["mode": "scenes"], inputFingerprint: "f1"))
    #expect(!extract.isCurrent(parameters: ["mode": "keyframes"], inputFingerprint: "f9"))
  }

  @Test func aDamagedManifestIsAnErrorNamingTheFile() throws {
    let dataset = try makeTemporaryDirectory()
    try Data("{ nope".utf8).write(to: dataset.appendingPathComponent("manifest.json"))
    let error = #expect(throws: CelError.self) { try DatasetManifest.load(from: dataset) }
    #expect(error?.description.contains("manifest.json") == true)
  }

  @Test func fileFingerprintsFollowContent() throws {
    let folder = try makeTemporaryDirectory()
    let a = folder.appendingPathComponent("a")
    let b = folder.appendingPathComponent("b")
    try Data(repeating: 1, count: 3 << 20).write(to: a)
    var changed = Data(repeating: 1, count: 3 << 20)
    changed[changed.count - 10] = 2
    try changed.write(to: b)
    #expect(try Fingerprint.ofFile(a) != Fingerprint.ofFile(b))
    #expect(try Fingerprint.ofFile(a) == Fingerprint.ofFile(a))
  }

  @Test func concurrentMapKeepsInputOrder() async throws {
    let doubled = try await Array(0..<50).concurrentMap(limit: 3) { $0 * 2 }
    #expect(doubled == Array(0..<50).map { $0 * 2 })
  }
}
