// Quad keys decode to what was encoded and sort in permutation order.
#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace relata::storage {
namespace {

std::string Bytes(const QuadKey& key) { return std::string(key.data(), key.size()); }

TEST(KeyCodecTest, EveryPermutationDecodesWhatItEncodes) {
  const QuadIds quad{.s = MakeId(TermTag::kIri, 7), .p = MakeId(TermTag::kIri, 9),
                     .o = MakeId(TermTag::kInteger, 123456), .g = 0};
  for (const Permutation permutation : kAllPermutations) {
    EXPECT_EQ(DecodeQuadKey(permutation, Bytes(EncodeQuadKey(permutation, quad))), quad);
  }
}

TEST(KeyCodecTest, PosgKeysSortByPredicateThenObject) {
  const QuadIds first{.s = 9, .p = 1, .o = 2, .g = 0};
  const QuadIds second{.s = 1, .p = 1, .o = 3, .g = 0};
  const QuadIds third{.s = 1, .p = 2, .o = 1, .g = 0};
  EXPECT_LT(Bytes(EncodeQuadKey(Permutation::kPosg, first)),
            Bytes(EncodeQuadKey(Permutation::kPosg, second)));
  EXPECT_LT(Bytes(EncodeQuadKey(Permutation::kPosg, second)),
            Bytes(EncodeQuadKey(Permutation::kPosg, third)));
}

TEST(KeyCodecTest, ChoosesThePermutationWithTheLongestBoundPrefix) {
  int prefix = 0;
  EXPECT_EQ(ChoosePermutation({.s = true, .o = true}, &prefix), Permutation::kOspg);
  EXPECT_EQ(prefix, 2);
  EXPECT_EQ(ChoosePermutation({.p = true, .o = true}, &prefix), Permutation::kPosg);
  EXPECT_EQ(prefix, 2);
  EXPECT_EQ(ChoosePermutation({.s = true, .g = true}, &prefix), Permutation::kGspo);
  EXPECT_EQ(prefix, 2);
  EXPECT_EQ(ChoosePermutation({}, &prefix), Permutation::kSpog);
  EXPECT_EQ(prefix, 0);
}

}  // namespace
}  // namespace relata::storage
