// Permutation orders and their big-endian byte layout.
#include "storage/key_codec.h"

namespace relata::storage {
namespace {

constexpr std::array<int, 4> kOrder[4] = {{0, 1, 2, 3}, {1, 2, 0, 3}, {2, 0, 1, 3}, {3, 0, 1, 2}};

TermId Component(const QuadIds& q, int index) {
  switch (index) {
    case 0: return q.s;
    case 1: return q.p;
    case 2: return q.o;
    default: return q.g;
  }
}

void SetComponent(QuadIds& q, int index, TermId id) {
  switch (index) {
    case 0: q.s = id; break;
    case 1: q.p = id; break;
    case 2: q.o = id; break;
    default: q.g = id;
  }
}

}  // namespace

void AppendBigEndian(std::uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

std::uint64_t ReadBigEndian(std::string_view bytes, std::size_t offset) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

const std::array<int, 4>& ComponentOrder(Permutation permutation) {
  return kOrder[static_cast<int>(permutation)];
}

QuadKey EncodeOrderedKey(const std::array<TermId, 4>& ordered) {
  QuadKey key;
  for (int i = 0; i < 4; ++i) {
    for (int b = 0; b < 8; ++b) key[i * 8 + b] = static_cast<char>(ordered[i] >> (56 - 8 * b));
  }
  return key;
}

QuadKey EncodeQuadKey(Permutation permutation, const QuadIds& quad) {
  std::array<TermId, 4> ordered;
  for (int i = 0; i < 4; ++i) ordered[i] = Component(quad, ComponentOrder(permutation)[i]);
  return EncodeOrderedKey(ordered);
}

QuadIds DecodeQuadKey(Permutation permutation, std::string_view key) {
  QuadIds quad;
  for (int i = 0; i < 4; ++i) {
    SetComponent(quad, ComponentOrder(permutation)[i], ReadBigEndian(key, 8 * i));
  }
  return quad;
}

Permutation ChoosePermutation(BoundMask bound, int* prefix_components) {
  const bool flags[4] = {bound.s, bound.p, bound.o, bound.g};
  Permutation best = Permutation::kSpog;
  int best_length = -1;
  for (const Permutation permutation : kAllPermutations) {
    int length = 0;
    while (length < 4 && flags[ComponentOrder(permutation)[length]]) ++length;
    if (length > best_length) {
      best = permutation;
      best_length = length;
    }
  }
  *prefix_components = best_length;
  return best;
}

}  // namespace relata::storage
