import CelCore
import Dispatch
import Foundation
import ModelStages
import Synchronization
import TestSupport
import Testing
import Torch

/// Data-parallel training over c10d's Gloo process group, two ranks on threads of this
/// process talking over TCP on localhost.
@Suite(.tags(.slow), .serialized) struct DistributedTrainingTests {
  /// A trainer that crosses to the thread of its rank; each is used by one thread at a time.
  final class Rank: @unchecked Sendable {
    let trainer: Trainer
    var group: ProcessGroup?
    var losses: [Trainer.StepLosses] = []
    var failure: (any Error)?
    init(_ trainer: Trainer) { self.trainer = trainer }
  }

  static func freePort() -> Int { Int.random(in: 20_000..<60_000) }

  /// Runs `body` for every rank at once, each on its own thread, after they join one group.
  func together(_ ranks: [Rank], port: Int, _ body: @escaping @Sendable (Int, Rank) throws -> Void)
    throws
  {
    DispatchQueue.concurrentPerform(iterations: ranks.count) { index in
      let rank = ranks[index]
      do {
        let group = try ProcessGroup(
          storeHost: "127.0.0.1", storePort: port, rank: index, size: ranks.count,
          binding: .hostname("127.0.0.1"), timeout: .seconds(60))
        rank.group = group
        rank.trainer.join(group)
        try body(index, rank)
      } catch {
        rank.failure = error
      }
    }
    for rank in ranks { if let failure = rank.failure { throw failure } }
  }

  /// Two ranks with two pictures each make the update one rank makes with all four: the
  /// gradients are averaged, and instance norm is per picture. One initialisation step and
  /// one adversarial step, each from the same state. The ranks sum in another order than one
  /// rank does, so the bound is how far one rank's update moves when its start is nudged by
  /// 1e-8, measured in the same run.
  @Test func twoRanksOfTwoMakeTheUpdateOfOneRankOfFour() throws {
    let alone = try TrainerFixtures.trainer(seed: 5, batchNorm: false)
    let start = try TrainerFixtures.state(of: alone)
    let photos = TrainerFixtures.pictures(1, count: 4)
    let styles = TrainerFixtures.pictures(20, count: 4)
    let smoothed = TrainerFixtures.pictures(40, count: 4)
    let half = photos.count / 2
    let ranks = try (0..<2).map { _ in
      let rank = Rank(try TrainerFixtures.trainer(seed: 77, batchNorm: false))
      try TrainerFixtures.restore(start, into: rank.trainer)
      return rank
    }
    for initialisation in [true, false] {
      let before = try TrainerFixtures.state(of: alone)
      let nudged = try TrainerFixtures.trainer(seed: 78, batchNorm: false)
      try TrainerFixtures.restore(TrainerFixtures.nudged(before), into: nudged)
      func stepAlone(_ trainer: Trainer) throws -> Trainer.StepLosses {
        try trainer.step(
          initialisation: initialisation, photos: photos, styles: styles, smoothed: smoothed,
          batch: 4, size: 32)
      }
      _ = try stepAlone(nudged)
      let losses = try stepAlone(alone)
      try together(ranks, port: Self.freePort()) { index, rank in
        let share = (index * half)..<((index + 1) * half)
        rank.losses.append(
          try rank.trainer.step(
            initialisation: initialisation, photos: Array(photos[share]),
            styles: Array(styles[share]), smoothed: Array(smoothed[share]), batch: 2, size: 32))
      }
      // The mean of the ranks' losses is the loss over all four.
      let content = ranks.map { $0.losses.last?.content ?? 0 }.reduce(0, +) / 2
      #expect(abs(content - losses.content) <= 1e-5 * losses.content)
      let mine = try TrainerFixtures.state(of: alone)
      let first = try TrainerFixtures.state(of: ranks[0].trainer)
      let second = try TrainerFixtures.state(of: ranks[1].trainer)
      for (name, tensor) in first.tensors where TrainerFixtures.group(of: name) != nil {
        // Both ranks hold the same weights after every step.
        #expect(tensor.values == second.tensors[name]?.values, "\(name) differs between the ranks")
      }
      let comparison = try TrainerFixtures.compareUpdates(
        from: before, first, mine, noise: try TrainerFixtures.state(of: nudged))
      #expect(comparison.distances.count == 6)
      #expect(
        comparison.exceeding.isEmpty, "initialisation \(initialisation): \(comparison.exceeding)")
      // The next step starts from the same state on both sides again.
      for rank in ranks { try TrainerFixtures.restore(mine, into: rank.trainer) }
    }
  }

  @Test func averagingGivesEveryRankTheMean() throws {
    let ranks = try (0..<2).map { _ in Rank(try Trainer(options: Trainer.Options())) }
    let results = Mutex<[Int: [Float]]>([:])
    try together(ranks, port: Self.freePort()) { index, rank in
      let mean = try #require(rank.group).average([Float(index), 10 * Float(index) + 1])
      results.withLock { $0[index] = mean }
    }
    #expect(results.withLock { $0 } == [0: [0.5, 6], 1: [0.5, 6]])
  }
}

/// The launcher's environment, as torchrun and srun set it.
@Suite struct TrainingRanksTests {
  @Test func torchrunAndSrunDescribeTheSameRanks() throws {
    let torchrun = try TrainingRanks.from(environment: [
      "RANK": "1", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "MASTER_ADDR": "node7",
      "MASTER_PORT": "29501",
    ])
    let srun = try TrainingRanks.from(environment: [
      "SLURM_PROCID": "1", "SLURM_NTASKS": "4", "SLURM_LOCALID": "1", "MASTER_ADDR": "node7",
      "MASTER_PORT": "29501",
    ])
    #expect(torchrun == srun)
    #expect(torchrun?.rank == 1 && torchrun?.size == 4 && torchrun?.storePort == 29501)
    #expect(torchrun?.binding == .machine && torchrun?.isWriter == false)
    let local = try TrainingRanks.from(environment: [
      "RANK": "0", "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "GLOO_SOCKET_IFNAME": "lo",
    ])
    #expect(local?.binding == .interface("lo") && local?.storePort == 29500)
    // Alone: no launcher, a world of one, or one Slurm task.
    #expect(try TrainingRanks.from(environment: [:]) == nil)
    #expect(try TrainingRanks.from(environment: ["WORLD_SIZE": "1", "RANK": "0"]) == nil)
    #expect(try TrainingRanks.from(environment: ["SLURM_NTASKS": "1", "SLURM_PROCID": "0"]) == nil)
  }

  @Test func anIncompleteLauncherIsNamed() {
    let cases: [([String: String], String)] = [
      (["WORLD_SIZE": "2"], "WORLD_SIZE is 2 but RANK is not set to a rank below it"),
      (["WORLD_SIZE": "2", "RANK": "2"], "WORLD_SIZE is 2 but RANK is not set to a rank below it"),
      (
        ["WORLD_SIZE": "2", "RANK": "0"],
        "WORLD_SIZE is 2 but MASTER_ADDR is not set: give rank 0's host name or address"
      ),
      (["WORLD_SIZE": "two"], "WORLD_SIZE is 'two', not a number of 0 or more"),
      (
        ["WORLD_SIZE": "2", "RANK": "0", "MASTER_ADDR": "h", "MASTER_PORT": "70000"],
        "MASTER_PORT is 70000, not a port"
      ),
    ]
    for (environment, message) in cases {
      let error = #expect(throws: CelError.self) {
        try TrainingRanks.from(environment: environment)
      }
      #expect(error?.description == message)
    }
  }
}
