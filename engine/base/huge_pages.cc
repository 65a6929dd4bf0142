#include "engine/base/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>
#include <map>
#include <mutex>

#include "absl/container/flat_hash_map.h"

namespace relata {
namespace {

std::size_t WholePages(std::size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }

// Mappings given back are kept for the next buffer of their size, as malloc
// keeps freed memory: a search run again then touches pages already there
// instead of faulting and zeroing new ones (its median was 4% slower
// without). Kept up to kMostKept bytes; beyond, unmapped.
constexpr std::size_t kMostKept = std::size_t{256} << 20;

class Mappings {
 public:
  void* Take(std::size_t bytes) {
    {
      std::lock_guard lock(mutex_);
      // A kept mapping of this size or up to twice it (vectors double).
      if (const auto it = kept_.lower_bound(bytes); it != kept_.end() && it->first <= 2 * bytes) {
        void* start = it->second;
        kept_bytes_ -= it->first;
        kept_.erase(it);
        return start;
      }
    }
    void* start = Map(bytes);
    if (start == nullptr) return nullptr;
    std::lock_guard lock(mutex_);
    lengths_[start] = bytes;
    return start;
  }

  void Give(void* start) {
    std::unique_lock lock(mutex_);
    const auto length = lengths_.find(start);
    if (length == lengths_.end()) return;  // not one of ours: nothing to give back
    if (kept_bytes_ + length->second <= kMostKept) {
      kept_bytes_ += length->second;
      kept_.emplace(length->second, start);
      return;
    }
    const std::size_t bytes = length->second;
    lengths_.erase(length);
    lock.unlock();
    munmap(start, bytes);
  }

 private:
  static void* Map(std::size_t bytes) {
    // mmap aligns to 4 KiB only: map one huge page more and trim the ends.
    void* mapped = mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return nullptr;
    const auto at = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (at + kHugePage - 1) & ~(kHugePage - 1);
    if (aligned > at) munmap(mapped, aligned - at);
    if (const std::size_t tail = at + kHugePage - aligned; tail > 0) {
      munmap(reinterpret_cast<void*>(aligned + bytes), tail);
    }
    void* start = reinterpret_cast<void*>(aligned);
    madvise(start, bytes, MADV_HUGEPAGE);
    return start;
  }

  std::mutex mutex_;
  absl::flat_hash_map<void*, std::size_t> lengths_;  // of every mapping made, by its start
  std::multimap<std::size_t, void*> kept_;           // given back, by length
  std::size_t kept_bytes_ = 0;
};

Mappings& TheMappings() {
  static auto* mappings = new Mappings();  // never destroyed: buffers may be freed during exit
  return *mappings;
}

}  // namespace

void* MapHugePages(std::size_t bytes) { return TheMappings().Take(WholePages(bytes)); }

void UnmapHugePages(void* start, std::size_t) { TheMappings().Give(start); }

}  // namespace relata
