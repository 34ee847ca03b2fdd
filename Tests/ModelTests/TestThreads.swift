import Foundation
import Torch

/// The libtorch thread count the model tests run with: `CEL_TEST_THREADS`, or every core.
/// `Scripts/check-portability` sets it to run the parity suites on one thread and on two,
/// since the thread count changes how the kernels split their sums and so their rounding.
enum TestThreads {
  static let count =
    ProcessInfo.processInfo.environment["CEL_TEST_THREADS"].flatMap { Int($0) }
    ?? ProcessInfo.processInfo.activeProcessorCount

  /// Sets libtorch's intra-op threads to `count`, as a stage sets them before its first tensor.
  static func apply() throws { try TorchRuntime.prepare(threads: count, cachingMemory: false) }
}
