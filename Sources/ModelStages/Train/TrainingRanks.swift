import CelCore
import Foundation
import Torch

/// Where this process stands among the processes that train one model, read from its
/// launcher's environment: torchrun's (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `MASTER_ADDR`,
/// `MASTER_PORT`) or Slurm's `srun` (`SLURM_PROCID`, `SLURM_NTASKS`, `SLURM_LOCALID`, with
/// `MASTER_ADDR` and `MASTER_PORT` set by the batch script). `GLOO_SOCKET_IFNAME` names the
/// network interface the ranks talk over, as in PyTorch.
package struct TrainingRanks: Sendable, Equatable {
  package var rank: Int
  package var size: Int
  package var localRank: Int
  package var storeHost: String
  package var storePort: Int
  package var binding: ProcessGroup.Binding

  /// Rank 0 alone writes the run folder.
  package var isWriter: Bool { rank == 0 }

  /// torch.distributed's default port.
  static let defaultPort = 29500
  /// How long a rank waits for the others to join, or for a step's exchange.
  static let timeout = Duration.seconds(300)

  /// The ranks the environment describes; nil when this process trains alone.
  package static func from(environment: [String: String]) throws -> TrainingRanks? {
    func number(_ key: String) throws -> Int? {
      guard let text = environment[key] else { return nil }
      guard let value = Int(text), value >= 0 else {
        throw CelError.invalidRequest("\(key) is '\(text)', not a number of 0 or more")
      }
      return value
    }
    let keys =
      environment["WORLD_SIZE"] != nil
      ? (rank: "RANK", size: "WORLD_SIZE", local: "LOCAL_RANK")
      : (rank: "SLURM_PROCID", size: "SLURM_NTASKS", local: "SLURM_LOCALID")
    guard let size = try number(keys.size), size > 1 else { return nil }
    guard let rank = try number(keys.rank), rank < size else {
      throw CelError.invalidRequest(
        "\(keys.size) is \(size) but \(keys.rank) is not set to a rank below it")
    }
    guard let host = environment["MASTER_ADDR"], !host.isEmpty else {
      throw CelError.invalidRequest(
        "\(keys.size) is \(size) but MASTER_ADDR is not set: give rank 0's host name or address")
    }
    let port = try number("MASTER_PORT") ?? defaultPort
    guard (1...65535).contains(port) else {
      throw CelError.invalidRequest("MASTER_PORT is \(port), not a port")
    }
    let binding: ProcessGroup.Binding =
      if let interface = environment["GLOO_SOCKET_IFNAME"], !interface.isEmpty {
        .interface(interface)
      } else if host == "localhost" || host.hasPrefix("127.") {
        .hostname("127.0.0.1")
      } else {
        .machine
      }
    return TrainingRanks(
      rank: rank, size: size, localRank: try number(keys.local) ?? 0, storeHost: host,
      storePort: port, binding: binding)
  }

  /// Joins the other ranks, over NCCL when the rank trains on GPU `cudaDevice`, else over
  /// Gloo; blocks until all have joined.
  func join(cudaDevice: Int?) throws -> ProcessGroup {
    do {
      return try ProcessGroup(
        storeHost: storeHost, storePort: storePort, rank: rank, size: size, binding: binding,
        timeout: Self.timeout, cudaDevice: cudaDevice)
    } catch let error as TorchError {
      throw CelError.invalidRequest(
        "rank \(rank) of \(size) could not join the others at \(storeHost):\(storePort): \(error.message)"
      )
    }
  }

  /// A failed exchange between the ranks, as one line naming the rank that stopped when
  /// that can be told.
  func lost(_ error: TorchError) -> CelError {
    let other = size == 2 ? "rank \(1 - rank)" : "another rank"
    return CelError.invalidRequest(
      "rank \(rank) of \(size): \(other) has stopped or cannot be reached (\(error.message)); "
        + "the last complete checkpoint is kept: run every rank again with --resume")
  }
}
