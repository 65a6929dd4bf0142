// Scans: the permutation a pattern's bound components choose, cursors that
// seek, step either way and skip a triple's copies in other graphs, and
// pooled iterators for the shared snapshot.
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
namespace {

BoundMask BoundOf(const QuadStore::Pattern& pattern) {
  return {.s = pattern.ids.s != kNoTerm, .p = pattern.ids.p != kNoTerm, .o = pattern.ids.o != kNoTerm,
          .g = pattern.graph_bound};
}

}  // namespace

absl::Status QuadStore::Scan(const Pattern& pattern, bool distinct_triples,
                             const std::function<bool(const QuadIds&)>& visit) const {
  const QuadIds& want = pattern.ids;
  const BoundMask bound = BoundOf(pattern);
  int prefix_components = 0;
  const Permutation permutation = ChoosePermutation(bound, &prefix_components);
  const QuadKey start = EncodeQuadKey(permutation, want);
  const rocksdb::Slice prefix(start.data(), static_cast<std::size_t>(prefix_components) * 8);
  const bool dedupe = distinct_triples && !pattern.graph_bound;

  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(TotalOrder(), families_[kSpog + static_cast<int>(permutation)]));
  bool have_previous = false;
  QuadIds previous;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const QuadIds q = DecodeQuadKey(permutation, std::string_view(it->key().data(), it->key().size()));
    if ((bound.s && q.s != want.s) || (bound.p && q.p != want.p) || (bound.o && q.o != want.o) ||
        (bound.g && q.g != want.g)) {
      continue;
    }
    if (dedupe && have_previous && q.s == previous.s && q.p == previous.p && q.o == previous.o) {
      continue;
    }
    previous = q;
    have_previous = true;
    if (!visit(q)) break;
  }
  return ToStatus(it->status(), "scan");
}

QuadStore::Cursor::~Cursor() = default;

std::unique_ptr<QuadStore::Cursor> QuadStore::OpenCursor(const Pattern& pattern, bool distinct_triples,
                                                         std::shared_ptr<const Snapshot> snapshot,
                                                         Direction direction) const {
  std::unique_ptr<Cursor> cursor;
  if (snapshot != nullptr && snapshot->pending_ == nullptr) {
    int prefix_components = 0;
    const Permutation permutation = ChoosePermutation(BoundOf(pattern), &prefix_components);
    std::lock_guard<std::mutex> lock(read_cache_mutex_);
    if (!idle_cursors_.empty() && idle_cursors_.front()->snapshot_ == snapshot) {
      auto same = std::find_if(idle_cursors_.begin(), idle_cursors_.end(),
                               [&](const auto& idle) { return idle->permutation_ == permutation; });
      if (same == idle_cursors_.end()) same = idle_cursors_.end() - 1;
      cursor = std::move(*same);
      idle_cursors_.erase(same);
    }
  }
  if (cursor == nullptr) {
    cursor.reset(new Cursor());
    cursor->snapshot_ = std::move(snapshot);
  }
  Reseek(*cursor, pattern, distinct_triples, direction);
  return cursor;
}

void QuadStore::Recycle(std::unique_ptr<Cursor> cursor) const {
  constexpr std::size_t kMaxIdleCursors = 32;
  std::lock_guard<std::mutex> lock(read_cache_mutex_);
  if (cursor->snapshot_ == nullptr || cursor->snapshot_ != shared_snapshot_ || !cursor->it_->status().ok() ||
      idle_cursors_.size() >= kMaxIdleCursors) {
    return;
  }
  idle_cursors_.push_back(std::move(cursor));
}

void QuadStore::Reseek(Cursor& cursor, const Pattern& pattern, bool distinct_triples, Direction direction) const {
  const QuadIds& want = pattern.ids;
  cursor.want_ = want;
  cursor.bound_ = BoundOf(pattern);
  int prefix_components = 0;
  const Permutation permutation = ChoosePermutation(cursor.bound_, &prefix_components);
  const QuadKey start = EncodeQuadKey(permutation, want);
  cursor.prefix_.assign(start.data(), static_cast<std::size_t>(prefix_components) * 8);
  cursor.dedupe_ = distinct_triples && !pattern.graph_bound;
  cursor.have_previous_ = false;
  cursor.descending_ = direction == Direction::kDescending;
  // A whole (s, p, o) prefix of spog may use its prefix bloom filter; any
  // other seek must ignore it (total order).
  const bool by_prefix = permutation == Permutation::kSpog && cursor.prefix_.size() == kTriplePrefixBytes &&
                         !cursor.descending_;
  if (cursor.it_ == nullptr || cursor.permutation_ != permutation || cursor.by_prefix_ != by_prefix) {
    rocksdb::ReadOptions options;
    if (cursor.snapshot_ != nullptr) options.snapshot = cursor.snapshot_->snapshot_;
    auto* pending = cursor.snapshot_ != nullptr ? cursor.snapshot_->pending_ : nullptr;
    // The pending writes are merged in key order, which a prefix seek of the
    // stored keys would not keep.
    options.prefix_same_as_start = by_prefix && pending == nullptr;
    options.total_order_seek = !options.prefix_same_as_start;
    rocksdb::ColumnFamilyHandle* family = families_[FamilyOf(permutation)];
    rocksdb::Iterator* stored = db_->NewIterator(options, family);
    cursor.it_.reset(pending == nullptr ? stored
                                        : pending->NewIteratorWithBase(family, stored, &options));
  }
  cursor.permutation_ = permutation;
  cursor.by_prefix_ = by_prefix;
  if (cursor.descending_) {
    // The last key with the prefix: every key is kQuadKeySize bytes.
    std::string last = cursor.prefix_;
    last.resize(kQuadKeySize, '\xff');
    cursor.it_->SeekForPrev(last);
  } else {
    cursor.it_->Seek(cursor.prefix_);
  }
  cursor.Settle();
}

void QuadStore::Cursor::Next() {
  Step();
  Settle();
}

void QuadStore::Cursor::Step() {
  if (descending_) {
    it_->Prev();
  } else {
    it_->Next();
  }
}

// Moves to the first quad at or after the iterator (in the cursor's
// direction) that matches.
void QuadStore::Cursor::Settle() {
  for (; it_->Valid() && it_->key().starts_with(prefix_); Step()) {
    const QuadIds q = DecodeQuadKey(permutation_, std::string_view(it_->key().data(), it_->key().size()));
    if ((bound_.s && q.s != want_.s) || (bound_.p && q.p != want_.p) || (bound_.o && q.o != want_.o) ||
        (bound_.g && q.g != want_.g)) {
      continue;
    }
    if (dedupe_ && have_previous_ && q.s == quad_.s && q.p == quad_.p && q.o == quad_.o) continue;
    quad_ = q;
    have_previous_ = valid_ = true;
    return;
  }
  valid_ = false;
}

absl::Status QuadStore::Cursor::status() const { return ToStatus(it_->status(), "scan"); }

}  // namespace relata::storage
