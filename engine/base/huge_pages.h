// Big buffers on transparent huge pages. On these virtual machines a page
// fault costs ~9 us, and a search or a block cache filling up touches
// hundreds of megabytes of fresh memory 4 KiB at a time: memory aligned to
// 2 MiB and advised MADV_HUGEPAGE faults once per 2 MiB instead (where the
// kernel has no huge pages, it is ordinary memory).
#ifndef RELATA_ENGINE_BASE_HUGE_PAGES_H_
#define RELATA_ENGINE_BASE_HUGE_PAGES_H_

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

#if defined(__SANITIZE_ADDRESS__)
#define RELATA_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RELATA_ADDRESS_SANITIZER 1
#endif
#endif

namespace relata {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

// AddressSanitizer must see every buffer (it guards only what malloc gives).
#ifdef RELATA_ADDRESS_SANITIZER
inline constexpr bool kBuffersOnHugePages = false;
#else
inline constexpr bool kBuffersOnHugePages = true;
#endif

// At least `bytes` of memory in whole huge pages, aligned and advised; null
// when the system has no more. Given back with UnmapHugePages, which keeps
// up to 256 MiB of such mappings for the next requests (`bytes` is what
// was asked for, for allocators that know it).
void* MapHugePages(std::size_t bytes);
void UnmapHugePages(void* start, std::size_t bytes);

// A standard allocator for the containers of a search that may grow to
// megabytes: from a megabyte up, their memory is huge pages of its own;
// below, the usual heap.
template <typename T>
struct LargeBufferAllocator {
  using value_type = T;
  static constexpr std::size_t kFromBytes = std::size_t{1} << 20;

  LargeBufferAllocator() = default;
  template <typename U>
  LargeBufferAllocator(const LargeBufferAllocator<U>&) {}  // NOLINT: rebinding is implicit

  T* allocate(std::size_t n) {
    if (!kBuffersOnHugePages || n * sizeof(T) < kFromBytes) return std::allocator<T>().allocate(n);
    void* memory = MapHugePages(n * sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }
  void deallocate(T* p, std::size_t n) {
    if (!kBuffersOnHugePages || n * sizeof(T) < kFromBytes) return std::allocator<T>().deallocate(p, n);
    UnmapHugePages(p, n * sizeof(T));
  }
  template <typename U>
  friend bool operator==(const LargeBufferAllocator&, const LargeBufferAllocator<U>&) {
    return true;
  }
};

// The tables and arrays that grow with the graph a search or a predicate's
// edges cover.
template <typename Key, typename Value>
using LargeMap = absl::flat_hash_map<Key, Value, absl::Hash<Key>, std::equal_to<Key>,
                                     LargeBufferAllocator<std::pair<const Key, Value>>>;
template <typename T>
using LargeVector = std::vector<T, LargeBufferAllocator<T>>;

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_HUGE_PAGES_H_
