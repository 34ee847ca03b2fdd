import CelCore
import Foundation
import TestSupport
import Testing

/// cel-train as two processes that train one model over TCP on localhost, started with the
/// variables torchrun sets.
@Suite(.serialized) struct DistributedTrainTests {
  let train = Executable(name: "cel-train")

  func launcher(rank: Int, port: Int) -> [String: String] {
    [
      "RANK": String(rank), "WORLD_SIZE": "2", "LOCAL_RANK": String(rank),
      "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": String(port),
    ]
  }

  /// `--batch` per rank; the rest as the single-process tests train.
  func arguments(_ inputs: TrainTests.Inputs, run: URL, batch: Int, epochs: Int) -> [String] {
    var arguments = TrainTests().arguments(inputs, run: run, epochs: epochs)
    if let option = arguments.firstIndex(of: "--batch") { arguments[option + 1] = String(batch) }
    return arguments
  }

  /// Starts both ranks, rank `r` writing to `runs[r]`, and waits for both.
  func trainTogether(
    _ inputs: TrainTests.Inputs, runs: [URL], epochs: Int, extra: [String] = [],
    port: Int = Int.random(in: 20_000..<60_000)
  ) throws -> [Executable.Result] {
    let started = try runs.enumerated().map { rank, run in
      try train.start(
        arguments(inputs, run: run, batch: 1, epochs: epochs) + extra,
        environment: launcher(rank: rank, port: port))
    }
    return started.map { Executable.finish($0.0, $0.1, $0.2) }
  }

  func rows(_ run: URL) throws -> [[Substring]] {
    try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
      .split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
  }

  /// Two ranks of one picture each take the steps one process of two takes, with the same
  /// first loss (instance norm: batch norm normalises by each rank's own batch); rank 0
  /// alone writes the run folder.
  @Test func twoRanksTrainAsOneProcessOfTheirJointBatchAndRankZeroAloneWrites() throws {
    let inputs = try TrainTests.inputs.get()
    let folder = try makeTemporaryDirectory()
    let alone = folder.appendingPathComponent("alone")
    let instance = ["--norm", "instance"]
    let single = try train.run(arguments(inputs, run: alone, batch: 2, epochs: 0) + instance)
    #expect(single.status == 0, "\(single.errors)")

    let runs = [folder.appendingPathComponent("rank0"), folder.appendingPathComponent("rank1")]
    let results = try trainTogether(inputs, runs: runs, epochs: 0, extra: instance)
    for result in results { #expect(result.status == 0, "\(result.errors)") }
    #expect(!FileManager.default.fileExists(atPath: runs[1].path))
    let checkpoints = try FileIO.files(
      in: runs[0].appendingPathComponent("checkpoints"), extensions: ["json"])
    #expect(checkpoints.count == 1)
    let settings = try String(
      contentsOf: runs[0].appendingPathComponent("run.json"), encoding: .utf8)
    #expect(settings.contains("\"ranks\" : 2"))

    // The same batches, so the same number of steps, and the same first loss: the ranks'
    // mean over their halves is the loss over the whole batch.
    let joint = try rows(runs[0])
    let one = try rows(alone)
    #expect(joint.count == one.count && !one.isEmpty)
    let firstJoint = try #require(joint.first)
    let firstAlone = try #require(one.first)
    let a = try #require(Double(firstJoint[3]))
    let b = try #require(Double(firstAlone[3]))
    #expect(abs(a - b) <= 1e-4 * b, "first content loss \(a) among ranks, \(b) alone")
  }

  /// `kill -9` of rank 1: rank 0 stops with an error naming it and keeps its last
  /// complete checkpoint; both resumed with the same world size end where two ranks never
  /// stopped end.
  @Test func aKilledRankStopsTheOtherAndBothResumeExactly() throws {
    let inputs = try TrainTests.inputs.get()
    let folder = try makeTemporaryDirectory()
    let whole = folder.appendingPathComponent("whole")
    for result in try trainTogether(inputs, runs: [whole, whole], epochs: 3) {
      #expect(result.status == 0, "\(result.errors)")
    }
    let run = folder.appendingPathComponent("run")
    let port = Int.random(in: 20_000..<60_000)
    let ranks = try (0..<2).map { rank in
      try train.start(
        arguments(inputs, run: run, batch: 1, epochs: 3),
        environment: launcher(rank: rank, port: port))
    }
    TrainTests.waitForACheckpoint(in: run, while: ranks[0].0)
    kill(ranks[1].0.processIdentifier, SIGKILL)
    let survivor = Executable.finish(ranks[0].0, ranks[0].1, ranks[0].2)
    _ = Executable.finish(ranks[1].0, ranks[1].1, ranks[1].2)
    #expect(survivor.status != 0)
    #expect(survivor.errors.contains("rank 0 of 2: rank 1 has stopped"), "\(survivor.errors)")

    let resumed = try trainTogether(
      inputs, runs: [run, run], epochs: 3, extra: ["--resume"], port: port + 1)
    for result in resumed { #expect(result.status == 0, "\(result.errors)") }
    let steps = try rows(run).map { "\($0[0]),\($0[1])" }
    #expect(steps.count == Set(steps).count)  // no step counted twice
    let finished = try FileIO.files(
      in: run.appendingPathComponent("checkpoints"), extensions: ["json"])
    #expect(finished.last?.lastPathComponent.hasPrefix("epoch-0004-batch-000000") == true)
    let expected = try TrainTests().generatorWeights(whole)
    let made = try TrainTests().generatorWeights(run)
    #expect(made.keys.sorted() == expected.keys.sorted())
    var worst: Float = 0
    for (name, tensor) in expected {
      for (a, b) in zip(tensor.values, made[name]?.values ?? []) { worst = max(worst, abs(a - b)) }
    }
    #expect(worst < 1e-6, "largest difference \(worst)")
  }

  /// `srun -n 2` inside `sbatch` on a one-node Slurm cluster, through the shipped batch
  /// script: the ranks meet, train, and leave the run two local processes leave.
  @Test(.timeLimit(.minutes(5))) func theSlurmBatchScriptTrainsAsTwoLocalRanksDo() throws {
    let inputs = try TrainTests.inputs.get()
    let folder = try makeTemporaryDirectory()
    let local = folder.appendingPathComponent("local")
    let results = try trainTogether(
      inputs, runs: [local, folder.appendingPathComponent("unused")], epochs: 1,
      extra: ["--norm", "instance"])
    for result in results { #expect(result.status == 0, "\(result.errors)") }

    let cluster = try SlurmCluster()
    defer { cluster.stop() }
    let onCluster = folder.appendingPathComponent("cluster")
    let arguments = self.arguments(inputs, run: onCluster, batch: 1, epochs: 1)
    let log = folder.appendingPathComponent("train.out")
    _ = try cluster.output(
      "sbatch",
      ["--output", log.path, "--chdir", Executable.packageRoot.path]
        + [Executable.packageRoot.appendingPathComponent("Scripts/slurm/train.sbatch").path]
        + arguments + ["--norm", "instance"],
      environment: [
        "CEL_TRAIN": Executable.productsFolder.appendingPathComponent("cel-train").path,
        "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": String(Int.random(in: 20_000..<60_000)),
      ])
    try cluster.waitForJobs(timeout: 240)
    let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? "no log"
    let settings = try String(
      contentsOf: onCluster.appendingPathComponent("run.json"), encoding: .utf8)
    #expect(settings.contains("\"ranks\" : 2"), "\(printed)")
    let made = try FileIO.files(
      in: onCluster.appendingPathComponent("checkpoints"), extensions: ["safetensors"])
    let expected = try FileIO.files(
      in: local.appendingPathComponent("checkpoints"), extensions: ["safetensors"])
    #expect(made.map(\.lastPathComponent) == expected.map(\.lastPathComponent), "\(printed)")
    for (a, b) in zip(made, expected) {
      #expect(try Data(contentsOf: a) == Data(contentsOf: b), "\(a.lastPathComponent) differs")
    }
  }
}
