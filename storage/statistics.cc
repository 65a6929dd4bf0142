// The statistics family read back: totals, per predicate and per graph,
// cached until the next write.
#include "storage/quad_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "storage/store_internal.h"

namespace relata::storage {

template <typename T, typename Read>
absl::StatusOr<std::shared_ptr<const T>> QuadStore::KeptUntilWrite(std::shared_ptr<const T>& cache, Read read) const {
  std::uint64_t writes_before = 0;
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    if (cache != nullptr) return cache;
    writes_before = writes_;
  }
  ASSIGN_OR_RETURN(T value, read());
  auto shared = std::make_shared<const T>(std::move(value));
  std::lock_guard<std::mutex> lock(stats_mutex_);
  // A write that finished meanwhile may not be in these counts: they serve
  // this caller, but later ones must count again.
  if (writes_ == writes_before) cache = shared;
  return shared;
}

absl::StatusOr<std::shared_ptr<const StoreStats>> QuadStore::CachedStats() const {
  return KeptUntilWrite(stats_cache_, [&] { return ReadStats(/*with_graphs=*/false); });
}

absl::StatusOr<std::shared_ptr<const GraphCounts>> QuadStore::CachedGraphCounts() const {
  return KeptUntilWrite(graph_counts_cache_, [&]() -> absl::StatusOr<GraphCounts> {
    ASSIGN_OR_RETURN(StoreStats stats, ReadStats(/*with_graphs=*/true));
    return std::move(stats.graphs);
  });
}

absl::StatusOr<std::array<std::uint64_t, 5>> QuadStore::CommittedCounters(const Snapshot& view) const {
  rocksdb::ReadOptions options;
  options.snapshot = view.snapshot_;
  std::array<std::uint64_t, 5> counters = {};
  for (int tag = 1; tag <= 4; ++tag) {
    std::string value;
    const rocksdb::Status s = db_->Get(options, families_[kMeta], "next/" + std::to_string(tag), &value);
    if (s.ok()) {
      counters[static_cast<std::size_t>(tag)] = DecodeU64(value);
    } else if (!s.IsNotFound()) {
      return ToStatus(s, "statistics");
    }
  }
  return counters;
}

absl::StatusOr<StoreStats> QuadStore::Stats() const { return ReadStats(/*with_graphs=*/true); }

absl::StatusOr<StoreStats> QuadStore::ReadStats(bool with_graphs) const {
  StoreStats stats;
  // The committed term counters, not next_sequence_, which a writer moves
  // while it encodes; read in the same snapshot as the counts.
  const std::shared_ptr<const Snapshot> view = GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = view->snapshot_;
  ASSIGN_OR_RETURN(const auto counters, CommittedCounters(*view));
  stats.iris = counters[CounterSlot(TermTag::kIri)];
  stats.literals = counters[CounterSlot(TermTag::kLiteral)];
  stats.triple_terms = counters[CounterSlot(TermTag::kTriple)];
  stats.blank_nodes = counters[CounterSlot(TermTag::kBlank)];
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, families_[kStats]));
  // The graphs' keys ('G') sort before the predicates' ('P') and the total ('T').
  for (with_graphs ? it->SeekToFirst() : it->Seek("P"); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (key == "T") {
      stats.quads = DecodeU64(value);
    } else if (key[0] == 'P') {
      stats.predicates[DecodeU64(key, 1)] = {DecodeU64(value, 0), DecodeU64(value, 8),
                                             DecodeU64(value, 16)};
    } else if (key[0] == 'G') {
      stats.graphs[DecodeU64(key, 1)] = DecodeU64(value);
    }
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "statistics"));
  return stats;
}

}  // namespace relata::storage
