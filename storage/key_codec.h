// Quad keys: four big-endian ids in the order of one permutation, so that
// RocksDB's byte order is id order and a bound prefix is a range scan.
#ifndef RELATA_STORAGE_KEY_CODEC_H_
#define RELATA_STORAGE_KEY_CODEC_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/term_codec.h"

namespace relata::storage {

// Big-endian 64-bit integers: byte order is numeric order.
void AppendBigEndian(std::uint64_t value, std::string* out);
std::uint64_t ReadBigEndian(std::string_view bytes, std::size_t offset = 0);

struct QuadIds {
  TermId s = kNoTerm, p = kNoTerm, o = kNoTerm, g = kNoTerm;
  friend bool operator==(const QuadIds&, const QuadIds&) = default;
};

// One column family each.
enum class Permutation { kSpog, kPosg, kOspg, kGspo };
inline constexpr Permutation kAllPermutations[] = {Permutation::kSpog, Permutation::kPosg,
                                                   Permutation::kOspg, Permutation::kGspo};
inline constexpr std::size_t kQuadKeySize = 32;
using QuadKey = std::array<char, kQuadKeySize>;

QuadKey EncodeQuadKey(Permutation permutation, const QuadIds& quad);
// The index into (s, p, o, g) of each key position of `permutation`.
const std::array<int, 4>& ComponentOrder(Permutation permutation);
// The key of ids already in `permutation`'s order.
QuadKey EncodeOrderedKey(const std::array<TermId, 4>& ordered);
// REQUIRES: key.size() == kQuadKeySize.
QuadIds DecodeQuadKey(Permutation permutation, std::string_view key);

// Which components of a pattern are bound.
struct BoundMask {
  bool s = false, p = false, o = false, g = false;
};
// The permutation whose key starts with the most bound components, and how
// many of them it covers; the rest are filtered while scanning.
Permutation ChoosePermutation(BoundMask bound, int* prefix_components);

}  // namespace relata::storage

#endif  // RELATA_STORAGE_KEY_CODEC_H_
