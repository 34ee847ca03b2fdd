import ArgumentParser
import DataStages
import Foundation

@main
struct SplitCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-split",
    abstract: "Split a dataset's tiles into train and val, a whole shot to one side.",
    discussion: """
      Each group of tiles (a shot of a film, or one photo) goes to val when a hash of --seed \
      and the group's name falls below --val, so tiles of one shot never sit on both sides \
      and adding footage never moves what was already assigned. Writes splits/train.txt, \
      splits/val.txt and the views train/tiles, train/smooth, val/tiles, val/smooth (hard \
      links, no copies), and reports the share of tiles that went to val.

      --export FOLDER also writes the layout CartoonGan-tensorflow trains from: trainB and \
      trainB_smooth from this set's train side and, with --photos PHOTOSET (a split photo \
      dataset), trainA and testA from that set's train and val sides.
      """)

  @Option(name: .shortAndLong, help: "The dataset folder.")
  var dataset: String

  @OptionGroup var options: SplitOptions

  @Flag(name: .shortAndLong, help: "Print nothing but errors.")
  var quiet = false

  func run() async throws {
    report(
      try await SplitStage(dataset: URL(fileURLWithPath: dataset), options: options.settings).run(),
      quiet: quiet)
  }
}
