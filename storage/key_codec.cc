// Permutation orders and their big-endian byte layout.
#include "storage/key_codec.h"

namespace relata::storage {
namespace {

// Component order of each permutation: indexes into (s, p, o, g).
constexpr int kOrder[4][4] = {{0, 1, 2, 3}, {1, 2, 0, 3}, {2, 0, 1, 3}, {3, 0, 1, 2}};

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

QuadKey EncodeQuadKey(Permutation permutation, const QuadIds& quad) {
  QuadKey key;
  const int* order = kOrder[static_cast<int>(permutation)];
  for (int i = 0; i < 4; ++i) {
    const TermId id = Component(quad, order[i]);
    for (int b = 0; b < 8; ++b) key[i * 8 + b] = static_cast<char>(id >> (56 - 8 * b));
  }
  return key;
}

QuadIds DecodeQuadKey(Permutation permutation, std::string_view key) {
  QuadIds quad;
  const int* order = kOrder[static_cast<int>(permutation)];
  for (int i = 0; i < 4; ++i) {
    TermId id = 0;
    for (int b = 0; b < 8; ++b) id = (id << 8) | static_cast<unsigned char>(key[i * 8 + b]);
    SetComponent(quad, order[i], id);
  }
  return quad;
}

Permutation ChoosePermutation(BoundMask bound, int* prefix_components) {
  const bool flags[4] = {bound.s, bound.p, bound.o, bound.g};
  Permutation best = Permutation::kSpog;
  int best_length = -1;
  for (const Permutation permutation : kAllPermutations) {
    int length = 0;
    while (length < 4 && flags[kOrder[static_cast<int>(permutation)][length]]) ++length;
    if (length > best_length) {
      best = permutation;
      best_length = length;
    }
  }
  *prefix_components = best_length;
  return best;
}

}  // namespace relata::storage
