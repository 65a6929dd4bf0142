// Big buffers on huge pages: aligned mappings, kept and handed out again
// once given back, and the allocator that puts containers' big arrays there.
#include "engine/base/huge_pages.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace relata {
namespace {

bool OnHugePageBoundary(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % kHugePage == 0; }

TEST(HugePagesTest, AMappingIsAlignedAndHandedOutAgainOnceGivenBack) {
  void* first = MapHugePages(3 << 20);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(OnHugePageBoundary(first));
  std::memset(first, 1, std::size_t{4} << 20);  // rounded up to whole huge pages
  UnmapHugePages(first, 3 << 20);
  void* again = MapHugePages(4 << 20);  // the same length once rounded
  EXPECT_EQ(again, first);
  EXPECT_EQ(static_cast<unsigned char*>(again)[0], 1);  // kept, not mapped afresh
  void* other = MapHugePages(2 << 20);
  EXPECT_NE(other, first);
  UnmapHugePages(again, 4 << 20);
  UnmapHugePages(other, 2 << 20);
}

TEST(HugePagesTest, ContainersPutTheirBigArraysOnHugePages) {
  if (!kBuffersOnHugePages) GTEST_SKIP() << "under AddressSanitizer buffers come from malloc";
  std::vector<std::uint64_t, LargeBufferAllocator<std::uint64_t>> small(100, 7);
  std::vector<std::uint64_t, LargeBufferAllocator<std::uint64_t>> big;
  for (std::uint64_t i = 0; i < (std::uint64_t{1} << 20); ++i) big.push_back(i);  // 8 MB, grown by doubling
  EXPECT_TRUE(OnHugePageBoundary(big.data()));
  EXPECT_EQ(big[123456], 123456u);
  EXPECT_EQ(small[99], 7u);
}

}  // namespace
}  // namespace relata
