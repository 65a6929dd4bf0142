// Memory for RocksDB's block cache on transparent huge pages.
//
// A first query on a freshly opened store reads and decompresses thousands
// of blocks into newly allocated memory, and each 4 KiB page of it costs a
// page fault: within-3 on news-10M took 47,000 faults, a third of its first
// run on these virtual machines, where a fault is dear. Blocks carved from
// 2 MiB-aligned regions advised MADV_HUGEPAGE fault once per 2 MiB, and
// freed blocks (evictions, the compressed buffers read before decompressing)
// are reused by size class instead of going back to malloc. Blocks over
// 4 MiB (the filters of big families) get huge-page mappings of their own.
#ifndef RELATA_STORAGE_HUGE_PAGE_ALLOCATOR_H_
#define RELATA_STORAGE_HUGE_PAGE_ALLOCATOR_H_

#include <rocksdb/memory_allocator.h>

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace relata::storage {

class HugePageAllocator : public rocksdb::MemoryAllocator {
 public:
  // One for the process: what one store's cache freed, the next one opened
  // reuses. Null under AddressSanitizer, which must see every block.
  static std::shared_ptr<rocksdb::MemoryAllocator> Shared();

  HugePageAllocator() = default;
  ~HugePageAllocator() override;
  HugePageAllocator(const HugePageAllocator&) = delete;
  HugePageAllocator& operator=(const HugePageAllocator&) = delete;

  const char* Name() const override { return "RelataHugePageAllocator"; }
  void* Allocate(std::size_t size) override;
  void Deallocate(void* p) override;
  std::size_t UsableSize(void* p, std::size_t allocation_size) const override;

  // Bytes taken from the system for blocks (free or in use).
  std::size_t reserved() const;

  // Sizes grow by a quarter from one class to the next, so a block wastes
  // at most a fifth of what it holds.
  static constexpr std::size_t kSmallest = 64;
  static constexpr std::size_t kLargest = std::size_t{4} << 20;  // larger: a mapping each

 private:
  static constexpr int kClasses = 4 * 17;  // 64 B .. 8 MiB, four per doubling
  static int ClassOf(std::size_t size);
  static std::size_t ClassSize(int size_class);
  char* Carve(std::size_t bytes);

  mutable std::mutex mutex_;
  std::array<void*, kClasses> free_{};  // singly linked through the blocks
  std::vector<std::pair<char*, std::size_t>> regions_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_HUGE_PAGE_ALLOCATOR_H_
