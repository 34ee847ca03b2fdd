import ArgumentParser
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

  var parameters: [String: String] {
    var values = ["val": "\(val)", "seed": "\(seed)"]
    if let export { values["export"] = URL(fileURLWithPath: export).standardizedFileURL.path }
    if let photos { values["photos"] = URL(fileURLWithPath: photos).standardizedFileURL.path }
    return values
  }
}
