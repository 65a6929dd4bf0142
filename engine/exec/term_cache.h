// A small cache of resolved terms for readers that meet the same ids again
// and again (dumps, query results).
#ifndef RELATA_ENGINE_EXEC_TERM_CACHE_H_
#define RELATA_ENGINE_EXEC_TERM_CACHE_H_

#include <vector>

#include "relata/term.h"
#include "storage/term_codec.h"

namespace relata {

// Recently resolved terms, direct-mapped by id: a dump meets the same
// predicates, types, graphs and well-connected entities over and over.
// The slots are allocated on first use, so an unused cache costs nothing.
class TermCache {
 public:
  explicit TermCache(int slot_bits = 16) : slot_bits_(slot_bits) {}
  const Term* Find(storage::TermId id) const {
    if (entries_.empty()) return nullptr;
    const Entry& entry = entries_[Slot(id)];
    return entry.id == id && id != storage::kNoTerm ? &entry.term : nullptr;
  }
  void Put(storage::TermId id, const Term& term) {
    if (entries_.empty()) entries_.resize(std::size_t{1} << slot_bits_);
    Entry& entry = entries_[Slot(id)];
    entry.id = id;
    entry.term = term;
  }

 private:
  std::size_t Slot(storage::TermId id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ULL) >> (64 - slot_bits_));
  }
  struct Entry {
    storage::TermId id = storage::kNoTerm;
    Term term;
  };
  int slot_bits_;
  std::vector<Entry> entries_;
};

}  // namespace relata

#endif  // RELATA_ENGINE_EXEC_TERM_CACHE_H_
