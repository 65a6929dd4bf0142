#include "storage/huge_page_allocator.h"

#include <bit>
#include <cstdint>
#include <new>

#include "engine/base/huge_pages.h"

namespace relata::storage {
namespace {

constexpr std::size_t kRegion = std::size_t{32} << 20;
// Before each block: its size class, or kOwnMapping and the mapping's
// length. 16 bytes keep the block as aligned as malloc's.
constexpr std::size_t kHeader = 16;
constexpr std::int32_t kOwnMapping = -1;

std::int32_t& ClassField(void* block) { return *reinterpret_cast<std::int32_t*>(static_cast<char*>(block) - kHeader); }
std::size_t& MappingLength(void* block) {
  return *reinterpret_cast<std::size_t*>(static_cast<char*>(block) - kHeader + 8);
}

}  // namespace

std::shared_ptr<rocksdb::MemoryAllocator> HugePageAllocator::Shared() {
  if (!kBuffersOnHugePages) return nullptr;
  // Never destroyed: a store closed during exit may still free blocks.
  static const auto* shared = new std::shared_ptr<rocksdb::MemoryAllocator>(std::make_shared<HugePageAllocator>());
  return *shared;
}

HugePageAllocator::~HugePageAllocator() {
  for (const auto& [start, bytes] : regions_) UnmapHugePages(start, bytes);
}

int HugePageAllocator::ClassOf(std::size_t size) {
  if (size <= kSmallest) return 0;
  const int exponent = std::bit_width(size - 1) - 1;  // 2^exponent < size <= 2^(exponent+1)
  const std::size_t base = std::size_t{1} << exponent, step = base / 4;
  const std::size_t quarters = (size - base + step - 1) / step;  // 1..4
  return (exponent - 6) * 4 + static_cast<int>(quarters);
}

std::size_t HugePageAllocator::ClassSize(int size_class) {
  const std::size_t base = kSmallest << (size_class / 4);
  return base + (size_class % 4) * (base / 4);
}

char* HugePageAllocator::Carve(std::size_t bytes) {
  if (static_cast<std::size_t>(end_ - next_) < bytes) {
    next_ = static_cast<char*>(MapHugePages(kRegion));
    if (next_ == nullptr) return nullptr;
    end_ = next_ + kRegion;
    regions_.emplace_back(next_, kRegion);
  }
  char* block = next_;
  next_ += bytes;
  return block;
}

void* HugePageAllocator::Allocate(std::size_t size) {
  if (size + kHeader > kLargest) {  // a filter of millions of keys: a mapping of its own
    const std::size_t length = (size + kHeader + kHugePage - 1) & ~(kHugePage - 1);
    char* raw = static_cast<char*>(MapHugePages(length));
    if (raw == nullptr) throw std::bad_alloc();
    ClassField(raw + kHeader) = kOwnMapping;
    MappingLength(raw + kHeader) = length;
    return raw + kHeader;
  }
  const int size_class = ClassOf(size + kHeader);
  std::lock_guard lock(mutex_);
  void* block = free_[size_class];
  if (block != nullptr) {
    free_[size_class] = *static_cast<void**>(block);
    return block;
  }
  char* raw = Carve(ClassSize(size_class));
  if (raw == nullptr) throw std::bad_alloc();
  ClassField(raw + kHeader) = size_class;
  return raw + kHeader;
}

void HugePageAllocator::Deallocate(void* p) {
  if (p == nullptr) return;
  const std::int32_t size_class = ClassField(p);
  if (size_class == kOwnMapping) {
    UnmapHugePages(static_cast<char*>(p) - kHeader, MappingLength(p));
    return;
  }
  std::lock_guard lock(mutex_);
  *static_cast<void**>(p) = free_[size_class];
  free_[size_class] = p;
}

std::size_t HugePageAllocator::UsableSize(void* p, std::size_t /*allocation_size*/) const {
  const std::int32_t size_class = ClassField(p);
  return size_class == kOwnMapping ? MappingLength(p) - kHeader : ClassSize(size_class) - kHeader;
}

std::size_t HugePageAllocator::reserved() const {
  std::lock_guard lock(mutex_);
  return regions_.size() * kRegion;
}

}  // namespace relata::storage
