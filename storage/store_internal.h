// What quad_store.cc and bulk_load.cc share: the column families, the
// status conversion and the term encoder. Not part of the storage API.
#ifndef RELATA_STORAGE_STORE_INTERNAL_H_
#define RELATA_STORAGE_STORE_INTERNAL_H_

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <array>
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

namespace relata::storage {

enum Family { kMeta, kStr2Id, kId2Str, kSpog, kPosg, kOspg, kGspo, kStats, kFamilyCount };
inline constexpr const char* kFamilyNames[kFamilyCount] = {"default", "str2id", "id2str", "spog",
                                                           "posg",    "ospg",   "gspo",   "stats"};
inline int FamilyOf(Permutation permutation) { return kSpog + static_cast<int>(permutation); }

// The one place a rocksdb::Status becomes an absl::Status.
absl::Status ToStatus(const rocksdb::Status& s, const std::string& context);

std::string EncodeU64(std::uint64_t v);
inline std::uint64_t DecodeU64(std::string_view s, std::size_t offset = 0) {
  return ReadBigEndian(s, offset);
}
inline rocksdb::Slice Slice(const QuadKey& key) { return {key.data(), key.size()}; }
inline rocksdb::Slice Slice(std::string_view s) { return {s.data(), s.size()}; }

rocksdb::ColumnFamilyOptions FamilyOptions(int family);

// The tag's slot in the id counters.
inline int CounterSlot(TermTag tag) { return static_cast<int>(tag); }

// Turns terms into ids for one write, assigning ids to new terms and keeping
// them (fresh()) for the caller to write with the quads.
class QuadStore::Encoder {
 public:
  explicit Encoder(QuadStore& store);
  const absl::flat_hash_map<std::string, TermId>& fresh() const { return fresh_; }
  // Roughly what fresh() takes in memory.
  std::size_t fresh_bytes() const { return fresh_bytes_; }

  absl::StatusOr<TermId> Encode(const Term& term);
  // Encodes s, p, o, g of each quad into `out` (kNoTerm for the default
  // graph); the same ids as Encode one term at a time, only faster.
  absl::Status EncodeQuads(std::span<const Quad> quads, std::span<std::array<TermId, 4>> out);

 private:
  absl::StatusOr<TermId> EncodeKey(std::string_view key, TermTag tag);
  absl::StatusOr<TermId> LookUpOrAssign(std::string_view key, TermTag tag);

  // Recently used keys, direct-mapped by a cheap hash: the predicates, types,
  // the current document's graph and the most connected entities come up
  // far more often than the rest, and this spares them the big map's cache
  // misses.
  struct RecentKey {
    std::string key;
    TermId id = kNoTerm;
  };
  static constexpr std::size_t kRecentSlots = 1 << 14;
  RecentKey& RecentSlot(std::string_view key);

  // A batch's dictionary keys, waiting for their lookups.
  struct PendingKey {
    std::size_t offset, size;
    TermTag tag;
    TermId* id;
  };
  std::string batch_keys_;
  std::vector<PendingKey> pending_;

  QuadStore& store_;
  std::vector<RecentKey> recent_;
  // An empty store knows no term: no need to ask it.
  bool store_has_terms_;
  std::string key_;  // reused for every IRI and literal
  std::size_t fresh_bytes_ = 0;
  absl::flat_hash_map<std::string, TermId> fresh_;  // new to the store
  absl::flat_hash_map<std::string, TermId> known_;  // found in the store
  absl::flat_hash_map<std::string, TermId> blanks_;
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_STORE_INTERNAL_H_
