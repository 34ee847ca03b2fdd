internal import CTorchBridge
import CelCore

/// The CUDA devices this libtorch sees, and where a stage's `--device` puts its work.
package enum CUDA {
  /// GPUs this libtorch sees: 0 for a CPU-only build, or where no GPU is seen.
  package static var deviceCount: Int { Int(tb_cuda_device_count()) }

  /// Free and total memory of GPU `device`, in bytes. Wraps `cudaMemGetInfo`.
  package static func memory(device: Int) throws -> (free: Int, total: Int) {
    var free: Int64 = 0
    var total: Int64 = 0
    try check(tb_cuda_memory(Int32(device), &free, &total), "memory of CUDA device \(device)")
    return (Int(free), Int(total))
  }

  /// The GPU that `device` asks for (`index` on a machine with several), or nil for the
  /// CPU: `.auto` takes the GPU where there is one, `.cuda` refuses where there is none.
  package static func index(for device: Trainer.Device, index: Int = 0) throws -> Int? {
    switch device {
    case .cpu: return nil
    case .auto: return deviceCount > index ? index : nil
    case .cuda:
      guard deviceCount > 0 else {
        throw CelError.invalidRequest(
          "no CUDA device: this libtorch was built without CUDA or sees no GPU")
      }
      guard index < deviceCount else {
        throw CelError.invalidRequest("no CUDA device \(index): \(deviceCount) seen")
      }
      return index
    }
  }
}
