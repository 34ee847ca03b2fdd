import Glibc

/// Process-wide allocator settings for stages that handle one large picture after another.
package enum MemoryTuning {
  /// Keeps freed frame-sized buffers (up to 32 MB, a 4K RGB frame) in the heap for the next
  /// frame instead of returning them to the kernel: glibc would otherwise map and fault in
  /// fresh zeroed pages for every frame, which cost a fifth of extraction time.
  package static func reuseLargeBuffers() {
    // glibc's mallopt(3); Swift's Glibc module leaves out <malloc.h>, so it is looked up.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let trimThreshold: Int32 = -1
    let mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 128 << 20)
  }
}
