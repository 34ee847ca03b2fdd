#include "CTorchBridge.h"

#include <c10/core/CPUAllocator.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

namespace {

/* libtorch's default CPU allocator hands every tensor back to malloc. A training step
 * allocates and frees the same few hundred large blocks every time, and glibc returns
 * blocks over its mmap threshold (and, on threads other than the main one, most others)
 * to the kernel, so every step pays to fault the same gigabytes in again. This
 * allocator keeps freed blocks of at least `smallest` bytes and hands them out again
 * best-fit. It keeps no more idle bytes than the most it ever had in use, so a process
 * never holds more than twice its own peak. Smaller blocks go straight to malloc, whose
 * bins already serve them well. */
class BlockCache final : public c10::Allocator {
public:
  c10::DataPtr allocate(size_t bytes) const override {
    void *block = take(bytes);
    return {block, block, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static BlockCache *shared;

private:
  static constexpr size_t alignment = 64; /* c10's own alignment, for vectorised kernels */
  static constexpr size_t smallest = size_t(1) << 20;
  mutable std::mutex lock;
  mutable std::multimap<size_t, void *> idle;     /* size -> free block */
  mutable std::unordered_map<void *, size_t> sizes; /* every live or idle block we made */
  mutable size_t idleBytes = 0, liveBytes = 0, peakLiveBytes = 0;

  void lend(size_t bytes) const {
    liveBytes += bytes;
    if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  }

  void *take(size_t bytes) const {
    if (bytes == 0) return nullptr;
    if (bytes >= smallest) {
      std::lock_guard<std::mutex> guard(lock);
      // A block at most a quarter larger than asked for, so that one big idle block does
      // not end up holding a small tensor.
      auto found = idle.lower_bound(bytes);
      if (found != idle.end() && found->first <= bytes + bytes / 4) {
        void *block = found->second;
        idleBytes -= found->first;
        lend(found->first);
        idle.erase(found);
        return block;
      }
    }
    void *block = nullptr;
    if (posix_memalign(&block, alignment, bytes) != 0) throw std::bad_alloc();
    if (bytes >= smallest) {
      std::lock_guard<std::mutex> guard(lock);
      sizes[block] = bytes;
      lend(bytes);
    }
    return block;
  }

  void give(void *block) {
    {
      std::lock_guard<std::mutex> guard(lock);
      auto found = sizes.find(block);
      if (found != sizes.end()) {
        liveBytes -= found->second;
        if (idleBytes + found->second <= peakLiveBytes) {
          idle.emplace(found->second, block);
          idleBytes += found->second;
          return;
        }
        sizes.erase(found);
      }
    }
    std::free(block);
  }

  static void release(void *block) {
    if (block) shared->give(block);
  }
};

BlockCache *BlockCache::shared = nullptr;

} // namespace

extern "C" void tb_cache_memory(void) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    // Never freed: tensors made through it may outlive every other object.
    BlockCache::shared = new BlockCache();
    c10::SetCPUAllocator(BlockCache::shared, /* priority over the default */ 1);
  });
}
