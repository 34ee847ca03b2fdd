internal import CTorchBridge

/// Process-wide libtorch settings, made once by a stage before its first tensor.
package enum TorchRuntime {
  /// Uses `threads` within each operation, and keeps freed tensors of 1 MiB and more for
  /// reuse: training and tiled inference allocate the same blocks over and over, and
  /// handing them back to malloc makes every step fault them in again (up to a third of a
  /// training step). Blocks in use and cached stay within a quarter over the peak in use.
  package static func prepare(threads: Int) {
    tb_set_threads(Int32(threads))
    tb_cache_memory()
  }

  /// Frees the blocks the cache holds, when a stage is done with libtorch: `cel run` may
  /// go on to other stages in the same process.
  package static func releaseCachedMemory() { tb_cache_release() }
}
