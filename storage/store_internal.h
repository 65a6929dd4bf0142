// What quad_store.cc and bulk_load.cc share: the column families, the
// status conversion and the term encoder. Not part of the storage API.
#ifndef RELATA_STORAGE_STORE_INTERNAL_H_
#define RELATA_STORAGE_STORE_INTERNAL_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <algorithm>
#include <array>
#include <functional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/key_codec.h"
#include "storage/quad_store.h"
#include "storage/term_table.h"

namespace relata::storage {

enum Family { kMeta, kStr2Id, kId2Str, kSpog, kPosg, kOspg, kGspo, kStats, kNames, kText, kFamilyCount };
inline constexpr const char* kFamilyNames[kFamilyCount] = {
    "default", "str2id", "id2str", "spog", "posg", "ospg", "gspo", "stats", "names", "text"};
inline int FamilyOf(Permutation permutation) { return kSpog + static_cast<int>(permutation); }

// The one place a rocksdb::Status becomes an absl::Status.
absl::Status ToStatus(const rocksdb::Status& s, const std::string& context);

std::string EncodeU64(std::uint64_t v);
inline std::uint64_t DecodeU64(std::string_view s, std::size_t offset = 0) {
  return ReadBigEndian(s, offset);
}
inline rocksdb::Slice Slice(const QuadKey& key) { return {key.data(), key.size()}; }
inline rocksdb::Slice Slice(std::string_view s) { return {s.data(), s.size()}; }

// Read options for iterators that must see keys in plain order: spog has a
// prefix extractor, and without this a seek would stay within one prefix.
inline rocksdb::ReadOptions TotalOrder() {
  rocksdb::ReadOptions options;
  options.total_order_seek = true;
  return options;
}

// The (s, p, o) prefix of an spog key, which its bloom filter covers.
inline constexpr std::size_t kTriplePrefixBytes = 24;
rocksdb::ColumnFamilyOptions FamilyOptions(int family, const std::shared_ptr<rocksdb::Cache>& cache);

// The tag's slot in the id counters.
inline int CounterSlot(TermTag tag) { return static_cast<int>(tag); }

// Gives back the ids a write handed out unless the write commits, so that a
// failed or abandoned write leaves the id counters as they were.
class QuadStore::SequenceRollback {
 public:
  explicit SequenceRollback(QuadStore& store) : store_(store) {
    std::copy(std::begin(store.next_sequence_), std::end(store.next_sequence_), saved_.begin());
  }
  ~SequenceRollback() { Release(); }
  SequenceRollback(const SequenceRollback&) = delete;
  SequenceRollback& operator=(const SequenceRollback&) = delete;
  void Commit() { committed_ = true; }
  // Restores the counters now unless committed; later calls do nothing.
  void Release() {
    if (!committed_) std::copy(saved_.begin(), saved_.end(), store_.next_sequence_);
    committed_ = true;
  }
  // The counter of `tag` before the write.
  std::uint64_t before(TermTag tag) const { return saved_[static_cast<std::size_t>(tag)]; }

 private:
  QuadStore& store_;
  std::array<std::uint64_t, 5> saved_{};
  bool committed_ = false;
};

// Turns terms into ids for one write, assigning ids to new terms and keeping
// them (terms().ForEachFresh) for the caller to write with the quads.
class QuadStore::Encoder {
 public:
  explicit Encoder(QuadStore& store);
  // Every dictionary key met, with its id; ForEachFresh gives the new ones.
  const TermTable& terms() const { return terms_; }
  std::size_t bytes() const { return terms_.bytes(); }

  absl::StatusOr<TermId> Encode(const Term& term);
  // Encodes s, p, o, g of each quad into `out` (kNoTerm for the default
  // graph); the same ids as Encode one term at a time, only faster.
  absl::Status EncodeQuads(std::span<const Quad> quads, std::span<std::array<TermId, 4>> out);
  // Labels met from now on name new blank nodes.
  void NewBlankNodeScope() { blanks_.clear(); }
  // Called with each dictionary key the moment it gets a new id (a
  // transaction writes the entry at once, for its own reads to find).
  void OnFreshTerm(std::function<void(std::string_view key, TermId id)> on_fresh) {
    on_fresh_ = std::move(on_fresh);
  }

 private:
  absl::StatusOr<TermId> EncodeKey(std::string_view key, std::uint64_t hash, TermTag tag);

  // A batch's dictionary keys, waiting for their lookups.
  struct PendingKey {
    std::size_t offset, size;
    std::uint64_t hash;
    TermTag tag;
    TermId* id;
  };
  std::string batch_keys_;
  std::vector<PendingKey> pending_;

  QuadStore& store_;
  // An empty store knows no term: no need to ask it.
  bool store_has_terms_;
  std::string key_;  // reused for single terms
  TermTable terms_;
  absl::flat_hash_map<std::string, TermId> blanks_;
  std::function<void(std::string_view, TermId)> on_fresh_;
};

// Collects the name index entries of quads as they are written: it learns
// once per predicate id whether the predicate gives names.
class NameCollector {
 public:
  // `quad` was encoded as `ids`.
  void Add(const Quad& quad, const QuadIds& ids);
  // Sorted, without repeats.
  std::vector<std::pair<std::string, char>> Take();
  bool empty() const { return entries_.empty(); }

 private:
  absl::flat_hash_map<TermId, char> kind_of_predicate_;  // 0: gives no names
  std::vector<std::pair<std::string, char>> entries_;
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_STORE_INTERNAL_H_
