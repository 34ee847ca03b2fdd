#include "BridgeSupport.hpp"

#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <atomic>
#include <cstdlib>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

/* libtorch's default CPU allocator hands every tensor back to malloc. A training step
 * allocates and frees the same few hundred large blocks every time, and glibc returns
 * blocks over its mmap threshold (and, on threads other than the main one, most others)
 * to the kernel, so every step pays to fault the same gigabytes in again. This
 * allocator keeps freed blocks of at least `smallest` bytes and hands them out again
 * best-fit. Blocks in use and idle together stay within a quarter over the most ever in
 * use at once: a block that does not fit makes room by freeing idle ones, largest first.
 * (With no slack at all, a training step kept evicting blocks it needed again a moment
 * later.) Smaller blocks go straight to malloc, whose bins already serve them well. */
class CachingAllocator final : public c10::Allocator {
public:
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
  // libtorch 2.3 made allocate non-const and copy_data (for copy-on-write clones) pure.
  void copy_data(void *dest, const void *src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }

  c10::DataPtr allocate(size_t bytes) override {
#else
  c10::DataPtr allocate(size_t bytes) const override {
#endif
    void *block = take(bytes);
    return {block, block, &release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  /* Frees every idle block, and forgets the peak: what is in use now is the new one. */
  void trim() const {
    std::vector<void *> evicted;
    {
      std::lock_guard<std::mutex> guard(lock);
      while (!idle.empty()) evicted.push_back(evictLargest());
      peakLiveBytes = liveBytes;
    }
    for (void *block : evicted) std::free(block);
  }

  static std::atomic<CachingAllocator *> shared;

private:
  static constexpr size_t alignment = 64; /* c10's own alignment, for vectorised kernels */
  static constexpr size_t smallest = size_t(1) << 20;
  mutable std::mutex lock;
  mutable std::multimap<size_t, void *> idle;       /* size -> free block */
  mutable std::unordered_map<void *, size_t> sizes; /* every live or idle block we made */
  mutable size_t idleBytes = 0, liveBytes = 0, peakLiveBytes = 0;

  void lend(size_t bytes) const {
    liveBytes += bytes;
    if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  }

  void *take(size_t bytes) const {
    if (bytes == 0) return nullptr;
    if (bytes < smallest) return fresh(bytes);
    std::vector<void *> evicted;
    {
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
      size_t bound = peakLiveBytes + peakLiveBytes / 4;
      while (!idle.empty() && liveBytes + idleBytes + bytes > bound)
        evicted.push_back(evictLargest());
      lend(bytes); // reserved now, so that other threads count it
    }
    for (void *block : evicted) std::free(block);
    void *block = nullptr;
    try {
      block = fresh(bytes);
    } catch (...) {
      std::lock_guard<std::mutex> guard(lock);
      liveBytes -= bytes;
      throw;
    }
    std::lock_guard<std::mutex> guard(lock);
    sizes[block] = bytes;
    return block;
  }

  /* posix_memalign, and once more after freeing every idle block if memory ran out. */
  void *fresh(size_t bytes) const {
    void *block = nullptr;
    if (posix_memalign(&block, alignment, bytes) == 0) return block;
    trim();
    if (posix_memalign(&block, alignment, bytes) == 0) return block;
    throw std::runtime_error("out of memory allocating " + std::to_string(bytes) + " bytes");
  }

  void *evictLargest() const {
    auto largest = std::prev(idle.end());
    void *block = largest->second;
    idleBytes -= largest->first;
    sizes.erase(block);
    idle.erase(largest);
    return block;
  }

  void give(void *block) {
    {
      std::lock_guard<std::mutex> guard(lock);
      auto found = sizes.find(block);
      if (found != sizes.end()) {
        liveBytes -= found->second;
        idle.emplace(found->second, block);
        idleBytes += found->second;
        return;
      }
    }
    std::free(block);
  }

  static void release(void *block) {
    if (block) shared.load()->give(block);
  }
};

std::atomic<CachingAllocator *> CachingAllocator::shared{nullptr};

} // namespace

extern "C" tb_status tb_cache_release(void) {
  return bridge::guarded([] {
    if (CachingAllocator *cache = CachingAllocator::shared.load()) cache->trim();
    return TB_OK;
  });
}

extern "C" tb_status tb_cache_memory(void) {
  return bridge::guarded([] {
    static std::once_flag installed;
    std::call_once(installed, [] {
      // Never freed: tensors made through it may outlive every other object.
      auto *cache = new CachingAllocator();
      CachingAllocator::shared.store(cache);
      c10::SetCPUAllocator(cache, /* priority over the default */ 1);
    });
    return TB_OK;
  });
}
