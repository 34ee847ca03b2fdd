import ArgumentParser
import CelCore
import Foundation
import Imaging

/// Measures image work on a folder of PNGs with the same I/O path the stages use: one task
/// per core, OpenCV kept to one thread, each image read and written once.
@main
struct Bench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cel-bench", abstract: "Measurements behind Benchmarks/*.sh.",
    subcommands: [ImageWorkCommand.self, TrainStepCommand.self, GeneratorCommand.self],
    defaultSubcommand: ImageWorkCommand.self)
}

struct ImageWorkCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "images",
    abstract: "Time PNG decode+encode alone (the floor) and with edge smoothing, on one folder.")

  enum Work: String, ExpressibleByArgument, CaseIterable {
    /// Decode and encode each PNG: the floor any per-image stage pays.
    case roundtrip
    /// Decode, smooth (CartoonGAN recipe, paper's parameters) and encode each PNG.
    case smooth
  }

  @Argument(help: "roundtrip or smooth.")
  var work: Work

  @Option(help: "Folder of PNGs.")
  var input: String

  @Option(help: "Use at most this many images.")
  var limit = 1000

  @Option(help: "Parallel tasks.")
  var threads = ProcessInfo.processInfo.activeProcessorCount

  func run() async throws {
    let files = Array(
      try FileIO.files(in: URL(fileURLWithPath: input), extensions: ["png"]).prefix(limit))
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cel-bench-\(getpid())")
    try FileIO.createDirectory(output)
    defer { try? FileManager.default.removeItem(at: output) }
    Image.setLibraryThreads(1)
    let work = self.work
    let start = Date()
    _ = try await files.concurrentMap(limit: threads) { file in
      let image = try Image.read(file)
      let result = work == .smooth ? try image.edgeSmoothed(EdgeSmoothing()) : image
      try result.write(to: output.appendingPathComponent(file.lastPathComponent))
    }
    let seconds = Date().timeIntervalSince(start)
    print(
      String(
        format: "%@ %d %.3f %.1f", work.rawValue, files.count, seconds,
        Double(files.count) / seconds))
  }
}
