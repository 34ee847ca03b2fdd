internal import CTorchBridge

/// Process-wide libtorch settings, made once by a stage before its first tensor.
package enum TorchRuntime {
  /// Uses `threads` within each operation.
  ///
  /// With `cachingMemory`, freed tensors of 1 MiB and more are kept for reuse: training
  /// allocates the same blocks every step, and handing them back to malloc makes every step
  /// fault them in again (up to a third of a training step). Blocks in use and cached stay
  /// within a quarter over the peak in use. Inference holds its large activations once
  /// each, so there the cache would only add that quarter to the peak.
  ///
  /// - Throws: `TorchError` when libtorch refuses the thread count (fewer than one).
  package static func prepare(threads: Int, cachingMemory: Bool) throws {
    try check(tb_set_threads(Int32(threads)), "use \(threads) threads")
    if cachingMemory { try check(tb_cache_memory(), "cache tensor memory") }
  }

  /// Frees the blocks the cache holds, when a stage is done with libtorch: `cel run` may
  /// go on to other stages in the same process.
  /// Freeing only returns blocks to malloc, so a failure leaves nothing to undo or report.
  package static func releaseCachedMemory() { _ = tb_cache_release() }
}
