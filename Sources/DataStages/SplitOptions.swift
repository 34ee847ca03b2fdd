import ArgumentParser
import CelCore
import Foundation

/// The options of the split stage.
package struct SplitOptions: ParsableArguments, Sendable {
  @Option(help: "Share of groups (shots, or photos) that go to val, in 0..<1.")
  package var val = 0.2

  @Option(help: "Seed of the assignment; the same seed gives the same split.")
  package var seed: UInt64 = 42

  @Option(
    help: ArgumentHelp(
      "Also write the folders CartoonGan-tensorflow trains from (trainA, testA, trainB, trainB_smooth).",
      valueName: "folder"))
  package var export: String?

  @Option(
    help: ArgumentHelp("The photo dataset for the export's trainA and testA.", valueName: "dataset")
  )
  package var photos: String?

  package init() {}

  package mutating func validate() throws {
    guard val >= 0, val < 1 else {
      throw ValidationError("--val must be at least 0 and below 1, such as 0.2")
    }
    if photos != nil && export == nil { throw ValidationError("--photos goes with --export") }
  }

  /// What the split stage works from.
  package var settings: SplitSettings {
    SplitSettings(
      val: val, seed: seed,
      export: export.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
      photos: photos.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
  }
}

/// The split's settings, from its options or from the manifest's record of the last split.
package struct SplitSettings: Sendable, Equatable {
  var val: Double
  var seed: UInt64
  /// Absolute paths.
  var export: String?
  var photos: String?

  /// The settings as recorded in the manifest: a change to any of them re-runs the stage.
  var parameters: [String: String] {
    var values = ["val": "\(val)", "seed": "\(seed)"]
    if let export { values["export"] = export }
    if let photos { values["photos"] = photos }
    return values
  }

  /// The settings a split's record says it ran with.
  init(recorded record: StageRecord, in manifest: URL) throws {
    guard let val = record.parameters["val"].flatMap(Double.init),
      let seed = record.parameters["seed"].flatMap(UInt64.init)
    else {
      throw CelError.invalidInput(manifest.path, reason: "the split's record lacks its val or seed")
    }
    self.init(
      val: val, seed: seed, export: record.parameters["export"],
      photos: record.parameters["photos"])
  }

  init(val: Double, seed: UInt64, export: String?, photos: String?) {
    self.val = val
    self.seed = seed
    self.export = export
    self.photos = photos
  }
}
