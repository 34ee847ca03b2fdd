import Foundation

/// `manifest.json` at a dataset's root: one record per stage that finished.
///
/// A stage writes its record last, after its outputs are in place, so a record means
/// "done". A stage whose record matches its current parameters and input fingerprint is
/// skipped; each stage's input fingerprint is a digest of the previous stage's output
/// records, so a stage that re-runs invalidates the stages after it.
package struct DatasetManifest: Codable, Sendable, Equatable {
  package var schemaVersion = 1
  package var stages: [String: StageRecord] = [:]

  package init() {}

  package static let fileName = "manifest.json"

  /// Reads the manifest of `dataset`, or an empty one when there is none yet.
  package static func load(from dataset: URL) throws -> DatasetManifest {
    let url = dataset.appendingPathComponent(fileName)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return DatasetManifest()
    }
    do {
      return try JSONDecoder().decode(DatasetManifest.self, from: data)
    } catch {
      throw CelError.invalidInput(url.path, reason: "not a Celshade manifest (\(error))")
    }
  }

  /// Replaces the record of `record.stage` and writes the manifest atomically.
  package static func record(_ record: StageRecord, in dataset: URL) throws {
    var manifest = try load(from: dataset)
    manifest.stages[record.stage] = record
    try manifest.save(in: dataset)
  }

  /// Drops the record of `stage`, so that the stage counts as not done.
  package static func forget(_ stage: String, in dataset: URL) throws {
    var manifest = try load(from: dataset)
    guard manifest.stages.removeValue(forKey: stage) != nil else { return }
    try manifest.save(in: dataset)
  }

  private func save(in dataset: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try FileIO.writeAtomically(
      try encoder.encode(self), to: dataset.appendingPathComponent(Self.fileName))
  }
}

/// What one stage did: enough to decide whether it must run again, and to report.
package struct StageRecord: Codable, Sendable, Equatable {
  package var stage: String
  package var toolVersion: String
  /// Exactly the options that change the outputs.
  package var parameters: [String: String]
  package var inputFingerprint: String
  /// Output counts: files written, and items dropped per reason.
  package var counts: [String: Int]
  package var warnings: [String] = []
  /// Inputs passed over at the user's request (`--skip-bad-inputs`), each with its reason.
  package var skipped: [String] = []

  package init(
    stage: String, parameters: [String: String], inputFingerprint: String,
    counts: [String: Int], warnings: [String] = [], skipped: [String] = []
  ) {
    self.stage = stage
    self.toolVersion = CelshadeVersion.current
    self.parameters = parameters
    self.inputFingerprint = inputFingerprint
    self.counts = counts
    self.warnings = warnings
    self.skipped = skipped
  }

  /// Whether this record already covers a run with these parameters and this input.
  package func isCurrent(parameters: [String: String], inputFingerprint: String) -> Bool {
    self.parameters == parameters && self.inputFingerprint == inputFingerprint
      && toolVersion == CelshadeVersion.current
  }
}

package enum CelshadeVersion {
  package static let current = "0.1.0"
}
