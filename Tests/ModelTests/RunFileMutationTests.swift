import CelCore
import Foundation
import ModelStages
import Reports
import TestSupport
import Testing

/// A run folder's own files are read back (`--resume`, `cel-apply --model RUN`, `cel report`)
/// and a user may damage them: however one is damaged, reading it ends in one error naming
/// it, or in a value no run would refuse, never in a trap.
@Suite struct RunFileMutationTests {
  /// A checkpoint record as `Checkpoint.save` writes it.
  static let record = """
    {
      "batch" : 3,
      "discriminatorRate" : 0.0002,
      "discriminatorSteps" : 41,
      "epoch" : 12,
      "generatorRate" : 0.0002,
      "generatorSteps" : 163
    }
    """

  @Test func theOriginalRecordReads() throws {
    let folder = try makeTemporaryDirectory()
    let file = folder.appendingPathComponent("epoch-0012-batch-000003.json")
    try Data(Self.record.utf8).write(to: file)
    let checkpoint = try Checkpoint.read(file)
    #expect(checkpoint.position == Checkpoint.Position(epoch: 12, batch: 3))
    #expect((checkpoint.generatorSteps, checkpoint.discriminatorSteps) == (163, 41))
  }

  @Test func thousandsOfDamagedRecordsEachEndInOneError() throws {
    let folder = try makeTemporaryDirectory()
    let file = folder.appendingPathComponent("epoch-0012-batch-000003.json")
    let bytes = [UInt8](Self.record.utf8)
    var random = SeededGenerator(seed: 5)
    var refused = 0
    let rounds = 2000
    let numbers = ["-1", "1e400", "99999999999999999999", "-0.0", "nan", "\"12\"", "null", "[]"]
    for round in 0..<rounds {
      var mutant = bytes
      switch round % 4 {
      case 0: mutant.removeLast(Int.random(in: 1..<bytes.count, using: &random))
      case 1:
        for _ in 0..<Int.random(in: 1...3, using: &random) {
          mutant[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(
            in: 1...255, using: &random)
        }
      case 2:
        // A value made negative, huge, of another type or missing.
        var text = Self.record
        let keys = ["batch", "epoch", "generatorSteps", "discriminatorSteps", "generatorRate"]
        let key = keys.randomElement(using: &random) ?? "epoch"
        let line = try #require(text.split(separator: "\n").first { $0.contains("\"\(key)\"") })
        let replacement = numbers.randomElement(using: &random) ?? "-1"
        let comma = line.hasSuffix(",") ? "," : ""
        text = text.replacingOccurrences(
          of: String(line), with: "  \"\(key)\" : \(replacement)\(comma)")
        mutant = [UInt8](text.utf8)
      default:
        // Nesting made deep.
        let depth = Int.random(in: 100...100_000, using: &random)
        mutant =
          [UInt8](repeating: UInt8(ascii: "["), count: depth)
          + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
      }
      try Data(mutant).write(to: file)
      do {
        let checkpoint = try Checkpoint.read(file)
        #expect(checkpoint.epoch >= 0 && checkpoint.batch >= 0)
        #expect(checkpoint.generatorSteps >= 0 && checkpoint.discriminatorSteps >= 0)
        #expect(checkpoint.generatorRate.isFinite && checkpoint.generatorRate > 0)
      } catch let error as CelError {
        #expect(error.description.hasPrefix(file.path + ": "), "\(error)")
        #expect(!error.description.contains("\n"))
        refused += 1
      }
    }
    #expect(refused > rounds / 2)
  }

  /// A record whose weights are gone is named, not skipped for an older checkpoint.
  @Test func aRecordWithoutItsWeightsIsNamed() throws {
    let run = try makeTemporaryDirectory()
    let folder = run.appendingPathComponent(Checkpoint.folderName)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let record = folder.appendingPathComponent("epoch-0012-batch-000003.json")
    try Data(Self.record.utf8).write(to: record)
    let error = #expect(throws: CelError.self) { try Checkpoint.latest(in: run) }
    #expect(
      error?.description
        == "\(record.path): has no epoch-0012-batch-000003.safetensors beside it: remove the record"
    )
  }

  func metricsRows(_ count: Int) -> [MetricsRow] {
    (0..<count).map { step in
      MetricsRow(
        epoch: step / 5, batch: step % 5, isInitialisation: step < 10,
        values: [1.5 / Double(step + 1), 0, 0.7, 1.2, 0.5, 0.25, 0.75, 0.012])
    }
  }

  @Test func aMetricsRowReadsBackAsWritten() throws {
    for row in metricsRows(20) {
      #expect(MetricsRow(parsing: row.line)?.line == row.line)
    }
    #expect(MetricsRow(parsing: MetricsRow.header) == nil)
    let diverged = "3,1,adversarial,nan,0,inf,1,0.5,0.5,0.5,0.010"
    #expect(MetricsRow(parsing: diverged)?.values[0].isNaN == true)
  }

  /// Damaged `metrics.csv` files: every line either reads as a row that writes back the
  /// same, or is counted unreadable; the run report is written for each.
  @Test func thousandsOfDamagedMetricsFilesReadAndReport() throws {
    let run = try makeTemporaryDirectory()
    let file = run.appendingPathComponent("metrics.csv")
    let original = [MetricsRow.header] + metricsRows(30).map(\.line)
    let bytes = [UInt8](original.map { $0 + "\n" }.joined().utf8)
    var random = SeededGenerator(seed: 9)
    let fields = ["-4", "99999999999999999999999", "1e999", "nan", "", "init", ",,", "\u{0}"]
    var rowsSeen = 0
    var malformedSeen = 0
    for round in 0..<1500 {
      var mutant = bytes
      switch round % 3 {
      case 0: mutant.removeLast(Int.random(in: 1..<bytes.count, using: &random))
      case 1:
        for _ in 0..<Int.random(in: 1...6, using: &random) {
          mutant[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(
            in: 1...255, using: &random)
        }
      default:
        var lines = original
        let line = Int.random(in: 1..<lines.count, using: &random)
        var parts = lines[line].split(separator: ",", omittingEmptySubsequences: false).map(
          String.init)
        parts[Int.random(in: 0..<parts.count, using: &random)] =
          fields.randomElement(using: &random) ?? ""
        lines[line] = parts.joined(separator: ",")
        mutant = [UInt8](lines.map { $0 + "\n" }.joined().utf8)
      }
      try Data(mutant).write(to: file)
      let (rows, unreadable) = MetricsRow.rows(of: Data(mutant))
      for row in rows {
        #expect(row.epoch >= 0 && row.batch >= 0 && row.values.count == 8)
        #expect(MetricsRow(parsing: row.line) != nil)
      }
      // Lines lost to the damage are counted, never more than the file has.
      let lines = mutant.split(separator: UInt8(ascii: "\n")).count - 1
      #expect(rows.count + unreadable == lines)
      let page = try RunReport(run: run).write()
      let html = try String(contentsOf: page, encoding: .utf8)
      #expect(html.contains("<p>\(rows.count) steps over"), "round \(round)")
      rowsSeen += rows.count
      malformedSeen += unreadable
    }
    #expect(rowsSeen > 0 && malformedSeen > 0)
  }
}
