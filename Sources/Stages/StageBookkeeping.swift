import CelCore
import Foundation

/// The steps every stage takes around its work: deciding whether its outputs are current,
/// and naming the staging folder for this exact request.
enum StageBookkeeping {
  /// How a stage begins: with nothing to do, or with a staging folder for its output.
  enum Start {
    case upToDate(StageRecord)
    case run(StagingDirectory)
  }

  /// Returns the manifest's record of `stage` if it covers these parameters and this input
  /// and `outputs` all exist; otherwise prepares the staging folder for `outputs[0]`,
  /// keeping what an interrupted run of the same request finished.
  static func start(
    _ stage: String, in dataset: URL, parameters: [String: String], inputFingerprint: String,
    outputs: [URL]
  ) throws -> Start {
    if let record = try currentRecord(
      of: stage, in: dataset, parameters: parameters, inputFingerprint: inputFingerprint,
      outputs: outputs)
    {
      return .upToDate(record)
    }
    return .run(
      try StagingDirectory(
        for: outputs[0], key: requestKey(inputFingerprint: inputFingerprint, parameters: parameters)
      ))
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
