internal import CTorchBridge

/// This process's place in a group of processes that train one model together: c10d's
/// Gloo process group over TCP on the CPU, or its NCCL group on a GPU, met through a TCP
/// store that rank 0 serves. Owns one `tb_process_group`.
package final class ProcessGroup {
  package let rank: Int
  package let size: Int
  let handle: OpaquePointer

  /// How Gloo picks the address it listens on.
  package enum Binding: Sendable, Equatable {
    /// A network interface by name, such as `eth0` (as `GLOO_SOCKET_IFNAME` gives it).
    case interface(String)
    /// The address a host name resolves to.
    case hostname(String)
    /// The address this machine's host name resolves to.
    case machine
  }

  /// Joins the group; blocks until all `size` ranks have joined, or fails after `timeout`.
  /// With `cudaDevice`, the group is NCCL's on that GPU (Gloo's `binding` then unused).
  package init(
    storeHost: String, storePort: Int, rank: Int, size: Int, binding: Binding,
    timeout: Duration, cudaDevice: Int? = nil
  ) throws {
    let device = Int32(cudaDevice ?? -1)
    let milliseconds = Int32(clamping: timeout.components.seconds * 1000)
    var raw: OpaquePointer?
    let status: tb_status
    switch binding {
    case .interface(let name):
      status = tb_process_group_create(
        storeHost, Int32(storePort), Int32(rank), Int32(size), name, nil, milliseconds, device, &raw
      )
    case .hostname(let name):
      status = tb_process_group_create(
        storeHost, Int32(storePort), Int32(rank), Int32(size), nil, name, milliseconds, device, &raw
      )
    case .machine:
      status = tb_process_group_create(
        storeHost, Int32(storePort), Int32(rank), Int32(size), nil, nil, milliseconds, device, &raw)
    }
    try check(
      status, "join the group of \(size) processes at \(storeHost):\(storePort) as rank \(rank)")
    guard let raw else {
      throw TorchError(code: .unknown, operation: "join process group", message: "none")
    }
    handle = raw
    self.rank = rank
    self.size = size
  }

  deinit { tb_process_group_free(handle) }

  /// The mean of `values` over the group's ranks, element by element (every rank calls it).
  package func average(_ values: [Float]) throws -> [Float] {
    var result = values
    try check(
      tb_process_group_average(handle, &result, Int64(result.count)), "average over the group")
    return result
  }
}
