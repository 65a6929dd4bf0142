// The block cache's allocator: blocks of every size are usable to their
// last byte, freed blocks come back for the next request of their class,
// and the big ones sit on huge-page boundaries.
#include "storage/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace relata::storage {
namespace {

TEST(HugePageAllocatorTest, BlocksOfEverySizeHoldTheirUsableSize) {
  HugePageAllocator allocator;
  std::vector<std::pair<char*, std::size_t>> blocks;
  for (const std::size_t size : {std::size_t{1}, std::size_t{63}, std::size_t{4096}, std::size_t{16 << 10},
                                 std::size_t{16 << 10} + 1, std::size_t{300000}, std::size_t{5} << 20}) {
    char* block = static_cast<char*>(allocator.Allocate(size));
    const std::size_t usable = allocator.UsableSize(block, size);
    EXPECT_GE(usable, size);
    EXPECT_LE(usable, size + size / 4 + 64) << size;  // a class wastes at most a quarter
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block) % 16, 0u);
    std::memset(block, static_cast<int>(size & 0xff), usable);
    blocks.emplace_back(block, size);
  }
  for (const auto& [block, size] : blocks) {  // nothing overwrote a neighbour
    EXPECT_EQ(static_cast<unsigned char>(block[0]), size & 0xff);
    EXPECT_EQ(static_cast<unsigned char>(block[size - 1]), size & 0xff);
    allocator.Deallocate(block);
  }
}

TEST(HugePageAllocatorTest, AFreedBlockServesTheNextRequestOfItsClass) {
  HugePageAllocator allocator;
  void* first = allocator.Allocate(16000);
  const std::size_t reserved = allocator.reserved();
  EXPECT_GE(reserved, std::size_t{2} << 20);
  allocator.Deallocate(first);
  EXPECT_EQ(allocator.Allocate(16100), first);  // the same class
  EXPECT_NE(allocator.Allocate(16000), first);
  for (int i = 0; i < 1000; ++i) allocator.Allocate(16000);  // 16 MB from the regions already taken
  EXPECT_LE(allocator.reserved(), std::size_t{64} << 20);
}

TEST(HugePageAllocatorTest, BlocksOverFourMegabytesGetAHugePageMappingEach) {
  HugePageAllocator allocator;
  const std::size_t size = std::size_t{9} << 20;
  char* block = static_cast<char*>(allocator.Allocate(size));
  EXPECT_EQ((reinterpret_cast<std::uintptr_t>(block) - 16) % (std::size_t{2} << 20), 0u);
  EXPECT_EQ(allocator.UsableSize(block, size), (std::size_t{10} << 20) - 16);
  std::memset(block, 7, size);
  allocator.Deallocate(block);
  EXPECT_EQ(allocator.reserved(), 0u);  // not from the shared regions
}

}  // namespace
}  // namespace relata::storage
