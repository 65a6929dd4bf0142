// The decoded terms of dictionary reads, kept between queries (shared by
// quad_store.cc, which owns it, and dictionary.cc, which reads through it).
// Internal to storage/.
#ifndef RELATA_STORAGE_DICTIONARY_CACHE_H_
#define RELATA_STORAGE_DICTIONARY_CACHE_H_

#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "storage/quad_store.h"

namespace relata::storage {

class QuadStore::DictionaryCache {
 public:
  // Reads through a transaction's view may see ids the transaction gives
  // back on rollback: only reads of committed data are kept.
  static bool Cacheable(const Snapshot* view) { return view == nullptr || view->pending_ == nullptr; }

  std::optional<Term> FindTerm(TermId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = terms_.find(id);
    if (it == terms_.end()) return std::nullopt;
    return *it->second;
  }
  std::optional<TermId> FindId(std::string_view key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = ids_.find(ToAbsl(key));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  // Looks up many ids under one lock; fills the terms found and returns the
  // positions of the others.
  std::vector<std::size_t> FindTerms(std::span<const TermId> ids, std::span<const std::size_t> positions,
                                     std::vector<SharedTerm>& terms) {
    std::vector<std::size_t> missing;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::size_t i : positions) {
      const auto it = terms_.find(ids[i]);
      if (it == terms_.end()) {
        missing.push_back(i);
      } else {
        terms[i] = it->second;
      }
    }
    return missing;
  }
  void Put(TermId id, const Term& term) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (terms_.size() >= kMostEntries) terms_.clear();
    MakeRoom();
    terms_.try_emplace(id, std::make_shared<const Term>(term));
  }
  // The terms one batch read from the store, under one lock, while they fit.
  // Emptying a full cache for every batch would let one result bigger than
  // the cache empty and refill it at every run, costing more than the cache
  // saves; once a whole cache's worth of terms was turned away, though, what
  // it holds is no longer what queries read, and it starts over.
  void PutBatch(std::span<const TermId> ids, std::span<const std::size_t> positions,
                const std::vector<SharedTerm>& terms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (terms_.size() + positions.size() > kMostEntries) {
      turned_away_ += positions.size();
      if (turned_away_ < kMostEntries) return;
      terms_.clear();
      turned_away_ = 0;
    }
    MakeRoom();
    for (const std::size_t i : positions) terms_.try_emplace(ids[i], terms[i]);
  }
  void Put(std::string_view key, TermId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ids_.size() >= kMostEntries) ids_.clear();
    ids_.try_emplace(std::string(key), id);
  }

 private:
  static constexpr std::size_t kMostEntries = std::size_t{1} << 17;  // each way; then start over

  // Room for a whole cache's terms at once: growing by doubling rehashes
  // every entry, which cost a tenth of the first run of a query that decodes
  // tens of thousands of terms.
  void MakeRoom() {
    if (terms_.capacity() < kMostEntries) terms_.reserve(kMostEntries);
  }
  std::mutex mutex_;
  // Shared with the results that read them: a hit costs no copy of the term.
  absl::flat_hash_map<TermId, SharedTerm> terms_;
  std::size_t turned_away_ = 0;  // terms PutBatch had no room for since the cache last started over
  absl::flat_hash_map<std::string, TermId> ids_;
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_DICTIONARY_CACHE_H_
