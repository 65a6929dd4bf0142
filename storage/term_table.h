// The terms one write has met: dictionary key -> id, for keys new to the
// store and keys found in it. A bulk load looks a key up for nearly every
// term it reads, in a table far bigger than the caches, so the layout is
// made for cache misses that can be overlapped: open addressing with linear
// probing over slots that hold the key's hash beside the id, and the keys
// themselves one after another in an arena. A lookup touches one slot and,
// when the hash matches, one key; Prefetch lets a caller start both loads a
// few lookups ahead.
#ifndef RELATA_STORAGE_TERM_TABLE_H_
#define RELATA_STORAGE_TERM_TABLE_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "storage/term_codec.h"

namespace relata::storage {

class TermTable {
 public:
  TermTable() : slots_(kInitialSlots) {}

  static std::uint64_t Hash(std::string_view key);

  // The id of `key` (whose Hash is `hash`), or kNoTerm.
  TermId Find(std::string_view key, std::uint64_t hash) const {
    for (std::size_t i = hash & Mask();; i = (i + 1) & Mask()) {
      const Slot& slot = slots_[i];
      if (slot.id == kNoTerm) return kNoTerm;
      if (slot.hash == hash && KeyAt(slot.key) == key) return slot.id;
    }
  }
  // REQUIRES: Find(key, hash) == kNoTerm. `fresh`: new to the store, so it
  // goes to the dictionary when the write commits.
  void Insert(std::string_view key, std::uint64_t hash, TermId id, bool fresh);

  // Starts loading the slot where a lookup of `hash` begins.
  void PrefetchSlot(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & Mask()]); }
  // Starts loading the key of that slot when its hash matches; call it some
  // time after PrefetchSlot for the same hash.
  void PrefetchKey(std::uint64_t hash) const {
    const Slot& slot = slots_[hash & Mask()];
    if (slot.id != kNoTerm && slot.hash == hash) __builtin_prefetch(arena_.data() + OffsetOf(slot.key));
  }

  // Calls visit(key, id) for every key inserted as fresh.
  template <typename Visit>
  void ForEachFresh(Visit&& visit) const {
    for (const Slot& slot : slots_) {
      if (slot.id != kNoTerm && (slot.key & kFreshBit) != 0) visit(KeyAt(slot.key), slot.id);
    }
  }
  std::size_t fresh_count() const { return fresh_count_; }
  // Memory held, in bytes.
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot) + arena_.capacity(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    TermId id = kNoTerm;
    std::uint64_t key = 0;  // arena offset of the key, and kFreshBit
  };
  static constexpr std::size_t kInitialSlots = 1 << 12;
  static constexpr std::uint64_t kFreshBit = std::uint64_t{1} << 63;

  std::size_t Mask() const { return slots_.size() - 1; }
  static std::size_t OffsetOf(std::uint64_t key) { return static_cast<std::size_t>(key & ~kFreshBit); }
  // Keys are stored as a 4-byte length and the bytes.
  std::string_view KeyAt(std::uint64_t key) const {
    const char* at = arena_.data() + OffsetOf(key);
    std::uint32_t size;
    std::memcpy(&size, at, sizeof size);
    return {at + sizeof size, size};
  }
  void Grow();

  std::vector<Slot> slots_;
  std::string arena_;
  std::size_t size_ = 0, fresh_count_ = 0;
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_TERM_TABLE_H_
