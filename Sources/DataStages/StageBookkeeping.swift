import CelCore
import Foundation

/// What a stage's work came to: its counts, and the record files that go beside its
/// output folder.
struct StageProduct: Sendable {
  var counts: [String: Int]
  var warnings: [String] = []
  var skipped: [String] = []
  /// Written, each atomically, once the folder is in place.
  var files: [(url: URL, data: Data)] = []
}

/// The steps every stage takes around its work, in one place: deciding whether its
/// outputs are current, staging the output folder for this exact request, swapping it in,
/// writing the record files, and recording the stage in the manifest.
enum StageBookkeeping {
  /// Runs `work` into a staging folder for `folder` unless the manifest of `unit` shows
  /// that `stage` already ran with these parameters on this input and `folder` and
  /// `besides` exist. The stage's old record is dropped before anything is swapped, so a
  /// run killed between the swap and the new record leaves the stage to run again, never
  /// an old record describing new files.
  static func run(
    _ stage: String, in unit: URL, parameters: [String: String], inputFingerprint: String,
    folder: URL, besides: [URL] = [], work: (StagingDirectory) async throws -> StageProduct
  ) async throws -> StageOutcome {
    if let record = try currentRecord(
      of: stage, in: unit, parameters: parameters, inputFingerprint: inputFingerprint,
      outputs: [folder] + besides)
    {
      return .upToDate(record)
    }
    try FileIO.createDirectory(unit)
    let staging = try StagingDirectory(
      for: folder,
      key: requestKey(inputFingerprint: inputFingerprint, parameters: parameters))
    let product = try await work(staging)
    try DatasetManifest.forget(stage, in: unit)
    try staging.commit()
    for file in product.files { try FileIO.writeAtomically(file.data, to: file.url) }
    let record = StageRecord(
      stage: stage, parameters: parameters, inputFingerprint: inputFingerprint,
      counts: product.counts, warnings: product.warnings, skipped: product.skipped)
    try DatasetManifest.record(record, in: unit)
    return .ran(record)
  }

  /// The manifest's record of `stage` if it covers these parameters and this input and its
  /// outputs still exist; nil when the stage has to run.
  static func currentRecord(
    of stage: String, in dataset: URL, parameters: [String: String], inputFingerprint: String,
    outputs: [URL]
  ) throws -> StageRecord? {
    guard let record = try DatasetManifest.load(from: dataset).stages[stage],
      record.isCurrent(parameters: parameters, inputFingerprint: inputFingerprint),
      outputs.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) })
    else { return nil }
    return record
  }

  /// Identifies one request (input and parameters), so an interrupted run resumes only
  /// into a staging folder that was being built for the same request.
  static func requestKey(inputFingerprint: String, parameters: [String: String]) -> String {
    var key = Fingerprint()
    key.combine(inputFingerprint)
    key.combine(CelshadeVersion.current)
    for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
      key.combine(name + "=" + value)
    }
    return key.hex
  }
}
