// What one execution shares across its operators: the snapshot it reads,
// its limits (deadline, memory, cancellation), the terms it made, the
// cursors and in-memory edges it keeps, and its profile.
#ifndef RELATA_ENGINE_EXEC_CONTEXT_H_
#define RELATA_ENGINE_EXEC_CONTEXT_H_

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/exec/adjacency.h"
#include "engine/exec/execution.h"
#include "engine/exec/row.h"
#include "engine/exec/term_cache.h"
#include "engine/plan/plan.h"
#include "query/algebra.h"
#include "storage/quad_store.h"

namespace relata::engine::exec {

class Context {
 public:
  Context(const QuadStore& store, std::shared_ptr<const Query> query, const ExecutionOptions& limits)
      : store_(store), snapshot_(limits.view != nullptr ? limits.view : store.GetSnapshot()),
        query_(std::move(query)), limits_(limits), width_(query_->variable_names->size()),
        now_(std::chrono::system_clock::now()), stats_(limits.stats) {}
  // The next query over the same snapshot reuses the iterators.
  ~Context() {
    for (auto& cursor : free_cursors_) store_.Recycle(std::move(cursor));
  }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const QuadStore& store() const { return store_; }
  const Query& query() const { return *query_; }
  std::size_t width() const { return width_; }
  const std::shared_ptr<const QuadStore::Snapshot>& snapshot() const { return snapshot_; }
  // Seeded on first use: seeding costs more than a short query.
  std::mt19937_64& random() {
    if (!random_) random_.emplace(std::random_device{}());
    return *random_;
  }
  std::chrono::system_clock::time_point now() const { return now_; }

  // Called in every loop that may run long, with the work done since the
  // last call (an expression of many operators counts each one).
  absl::Status Check(std::uint64_t work = 1) {
    ticks_ += work;
    if (ticks_ < next_check_) return absl::OkStatus();
    next_check_ = ticks_ + 1024;
    if ((limits_.cancelled != nullptr && limits_.cancelled->load(std::memory_order_relaxed)) ||
        (limits_.interrupts != nullptr && limits_.interrupts->load(std::memory_order_relaxed) != limits_.interrupts_seen)) {
      return absl::CancelledError("the query was cancelled");
    }
    if (std::chrono::steady_clock::now() > limits_.deadline) {
      return absl::DeadlineExceededError("the query ran out of time (raise its timeout)");
    }
    return absl::OkStatus();
  }
  // Accounts for rows an operator holds; fails beyond the budget.
  absl::Status Hold(std::size_t rows) {
    held_bytes_ += rows * (width_ * sizeof(TermId) + 32);
    if (held_bytes_ > limits_.memory_bytes) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the query needs more than its memory budget of ", limits_.memory_bytes >> 20,
          " MiB (raise it, or narrow the query)"));
    }
    return Check();
  }

  absl::StatusOr<Term> Resolve(TermId id) {
    if (storage::TagOf(id) == kLocalTag) return local_terms_[storage::PayloadOf(id)];
    if (storage::IsInline(id)) return storage::DecodeInline(id);
    if (const Term* cached = cache_.Find(id)) return *cached;
    if (const auto it = prefetched_.find(id); it != prefetched_.end()) return *it->second;
    ASSIGN_OR_RETURN(Term t, store_.Resolve(id, snapshot_.get()));
    cache_.Put(id, t);
    return t;
  }

  // The (s, p, o) of every triple matching the constants of `scan` in
  // `scope`, read once per query (keyed by the triple pattern).
  using TripleSet = absl::flat_hash_set<std::array<TermId, 3>, absl::Hash<std::array<TermId, 3>>>;
  absl::StatusOr<const TripleSet*> ExistenceSet(const void* pattern_key, const QuadStore::Pattern& constants,
                                                bool distinct) {
    // One set per graph: GRAPH ?g runs the same pattern in each graph.
    const auto key = std::make_tuple(pattern_key, constants.graph_bound, constants.ids.g);
    if (const auto it = existence_.find(key); it != existence_.end()) return &it->second;
    TripleSet set;
    auto cursor = TakeCursor(constants, distinct);
    for (; cursor->Valid(); cursor->Next()) {
      set.insert({cursor->quad().s, cursor->quad().p, cursor->quad().o});
      if ((set.size() & 1023) == 0) RETURN_IF_ERROR(Hold(1024));
    }
    RETURN_IF_ERROR(cursor->status());
    ReturnCursor(std::move(cursor));
    return &existence_.emplace(key, std::move(set)).first->second;
  }

  // The edges AdjacencyOf would give when this query or another over the
  // same snapshot already read them, else nullptr.
  // REQUIRES: scope.kind is not kGraphs.
  const Adjacency* BuiltAdjacency(TermId predicate, bool forward, const GraphScope& scope) {
    const AdjacencyKey key = EdgesKey(predicate, forward, scope);
    if (const auto it = adjacency_.find(key); it != adjacency_.end()) return it->second.get();
    AdjacencyCache* shared = SharedEdges();
    if (shared == nullptr) return nullptr;
    auto found = shared->Find(snapshot_, key);
    return found == nullptr ? nullptr : adjacency_.emplace(key, std::move(found)).first->second.get();
  }

  // Adds `seeks` made into the edges of `predicate` to those made before,
  // in this query and, over the same snapshot, in the queries before it;
  // returns the sum. Reading the edges pays once seeks have cost as much.
  // REQUIRES: scope.kind is not kGraphs.
  std::uint64_t SpendSeeks(TermId predicate, bool forward, const GraphScope& scope, std::uint64_t seeks) {
    const AdjacencyKey key = EdgesKey(predicate, forward, scope);
    if (AdjacencyCache* shared = SharedEdges()) return shared->Spend(snapshot_, key, seeks);
    return seeks_[key] += seeks;
  }

  // How often the pattern at `key` was opened before in this query: a join's
  // or OPTIONAL's right side opens once per row of its left side.
  std::uint64_t CountOpen(const void* key) { return opens_[key]++; }

  // Every edge of one predicate, by node at one end, read once per snapshot
  // (the database's AdjacencyCache keeps it for the next queries): path
  // searches and joins that follow many edges do it in memory instead of
  // seeking the index for each node.
  // REQUIRES: scope.kind is not kGraphs (one graph, or the union).
  absl::StatusOr<const Adjacency*> AdjacencyOf(TermId predicate, bool forward, const GraphScope& scope) {
    if (const Adjacency* built = BuiltAdjacency(predicate, forward, scope)) return built;
    QuadStore::Pattern pattern = PatternWithin(scope);
    pattern.ids.p = predicate;
    Adjacency::Edges edges;
    // Held and allocated at once for as many edges as the statistics count
    // (all graphs': over the union of the graphs, at most that many; in one
    // graph they may be far fewer, and the array grows as they come):
    // growing the array by doubling copies it a score of times.
    ASSIGN_OR_RETURN(const storage::StoreStats* stats, Stats());
    const auto counted = stats->predicates.find(predicate);
    const std::size_t expected =
        counted == stats->predicates.end() || scope.kind != GraphScope::Kind::kUnion ? 0 : counted->second.quads;
    const std::size_t per_row = std::max<std::size_t>(width_, 1);
    RETURN_IF_ERROR(Hold(expected / per_row + 1));
    edges.reserve(expected);
    auto cursor = TakeCursor(pattern, /*distinct=*/scope.kind == GraphScope::Kind::kUnion);
    for (; cursor->Valid(); cursor->Next()) {
      const QuadIds& q = cursor->quad();
      edges.emplace_back(forward ? q.s : q.o, forward ? q.o : q.s);
      if ((edges.size() & 1023) == 0) RETURN_IF_ERROR(edges.size() > expected ? Hold(1024 / per_row + 1) : Check());
    }
    RETURN_IF_ERROR(cursor->status());
    ReturnCursor(std::move(cursor));
    auto built = std::make_shared<const Adjacency>(std::move(edges));
    const AdjacencyKey key = EdgesKey(predicate, forward, scope);
    if (AdjacencyCache* shared = SharedEdges()) shared->Add(snapshot_, key, built);
    return adjacency_.emplace(key, std::move(built)).first->second.get();
  }

  // The decoded term of a dictionary id when it is at hand (prefetched or
  // cached), without copying; nullptr otherwise.
  const Term* Peek(TermId id) const {
    if (id == kNoTerm || storage::IsInline(id) || storage::TagOf(id) == kLocalTag) return nullptr;
    if (const Term* cached = cache_.Find(id)) return cached;
    const auto it = prefetched_.find(id);
    return it == prefetched_.end() ? nullptr : it->second.get();
  }

  // Reads the terms of `ids` from the dictionary in one batch, for Resolve
  // to find: operators that are about to decode many rows call it first.
  absl::Status Prefetch(std::vector<TermId>& ids) {
    std::erase_if(ids, [&](TermId id) {
      return id == kNoTerm || storage::IsInline(id) || storage::TagOf(id) == kLocalTag ||
             storage::TagOf(id) == TermTag::kBlank || prefetched_.contains(id);
    });
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.empty()) return absl::OkStatus();
    if (prefetched_.size() + ids.size() > (1u << 16)) prefetched_.clear();
    ASSIGN_OR_RETURN(std::vector<storage::SharedTerm> terms, store_.ResolveMany(ids, snapshot_.get()));
    for (std::size_t i = 0; i < ids.size(); ++i) prefetched_.emplace(ids[i], std::move(terms[i]));
    return absl::OkStatus();
  }

  // The id of `term`: the store's when it has it, else a query-local one.
  absl::StatusOr<TermId> Intern(const Term& term) {
    if (!term.IsBlank()) {
      ASSIGN_OR_RETURN(const auto found, store_.Lookup(term, snapshot_.get()));
      if (found) return *found;
    }
    std::string key = term.ToNTriples();
    if (const auto it = local_index_.find(key); it != local_index_.end()) return it->second;
    const TermId id = storage::MakeId(kLocalTag, local_terms_.size());
    local_terms_.push_back(term);
    local_index_.emplace(std::move(key), id);
    return id;
  }
  // The store's id of a constant of the query, or nullopt when no quad can
  // hold it. Remembered by address: nested loops and path searches ask for
  // the same constants once per row or node.
  // REQUIRES: `term` lives as long as the query (it is part of it).
  absl::StatusOr<std::optional<TermId>> Lookup(const Term& term) {
    if (term.IsBlank()) return std::optional<TermId>();
    if (const auto it = constants_.find(&term); it != constants_.end()) return it->second;
    ASSIGN_OR_RETURN(const std::optional<TermId> id, store_.Lookup(term, snapshot_.get()));
    constants_.emplace(&term, id);
    return id;
  }

  std::string fresh_blank() { return absl::StrCat("q", next_blank_++); }

  // Cursors outlive the operators that used them: a nested loop opens its
  // inner pattern once per outer row, and re-seeking a pooled cursor is far
  // cheaper than a new RocksDB iterator.
  std::unique_ptr<QuadStore::Cursor> TakeCursor(const QuadStore::Pattern& pattern, bool distinct) {
    if (free_cursors_.empty()) return store_.OpenCursor(pattern, distinct, snapshot_);
    std::unique_ptr<QuadStore::Cursor> cursor = std::move(free_cursors_.back());
    free_cursors_.pop_back();
    store_.Reseek(*cursor, pattern, distinct);
    return cursor;
  }
  void ReturnCursor(std::unique_ptr<QuadStore::Cursor> cursor) {
    if (cursor != nullptr && free_cursors_.size() < 64) free_cursors_.push_back(std::move(cursor));
  }

  // Named graphs GRAPH ?g ranges over.
  absl::StatusOr<std::vector<TermId>> NamedGraphs() {
    if (named_graphs_) return *named_graphs_;
    std::vector<TermId> graphs;
    if (!query_->every_named_graph && (!query_->from_named.empty() || !query_->from.empty())) {
      for (const Term& g : query_->from_named) {
        ASSIGN_OR_RETURN(const auto id, Lookup(g));
        if (id) graphs.push_back(*id);
      }
    } else {
      ASSIGN_OR_RETURN(const std::shared_ptr<const storage::GraphCounts> counts,
                       limits_.transaction != nullptr ? limits_.transaction->CountsPerGraph() : store_.CachedGraphCounts());
      for (const auto& [g, count] : *counts) {
        if (g != kNoTerm && count > 0) graphs.push_back(g);
      }
    }
    named_graphs_ = graphs;
    return graphs;
  }

  // EXPLAIN ANALYZE: rows, opens and time per plan node and scan step,
  // when profiling.
  bool profiling = false;
  plan::Profile profile;

  absl::StatusOr<const storage::StoreStats*> Stats() {
    if (stats_ == nullptr) {
      ASSIGN_OR_RETURN(stats_, store_.CachedStats());
    }
    return stats_.get();
  }

  // Whether `seeks` into the edges of `predicate` have come to cost what
  // reading them all costs (kSeekInEdgesRead).
  absl::StatusOr<bool> SeeksPaidForEdges(TermId predicate, std::uint64_t seeks) {
    ASSIGN_OR_RETURN(const storage::StoreStats* stats, Stats());
    const auto it = stats->predicates.find(predicate);
    return it != stats->predicates.end() && seeks * kSeekInEdgesRead > it->second.quads;
  }

 private:
  static AdjacencyKey EdgesKey(TermId predicate, bool forward, const GraphScope& scope) {
    const QuadStore::Pattern pattern = PatternWithin(scope);
    // One adjacency per graph: GRAPH ?g runs the same path in each graph.
    return {predicate, forward, pattern.graph_bound, pattern.ids.g};
  }
  // The edges other queries over the same snapshot read; a transaction's
  // view is its own.
  AdjacencyCache* SharedEdges() const { return limits_.view == nullptr ? limits_.adjacencies : nullptr; }

  const QuadStore& store_;
  std::shared_ptr<const QuadStore::Snapshot> snapshot_;
  std::shared_ptr<const Query> query_;
  ExecutionOptions limits_;
  std::size_t width_;
  std::optional<std::mt19937_64> random_;
  std::chrono::system_clock::time_point now_;
  std::uint64_t ticks_ = 0, next_check_ = 1024;
  std::size_t held_bytes_ = 0;
  std::vector<Term> local_terms_;
  absl::flat_hash_map<std::string, TermId> local_index_;
  TermCache cache_{6};  // small: most queries are short, and clearing slots costs
  std::uint64_t next_blank_ = 0;
  std::vector<std::unique_ptr<QuadStore::Cursor>> free_cursors_;
  absl::flat_hash_map<const Term*, std::optional<TermId>> constants_;
  absl::flat_hash_map<TermId, storage::SharedTerm> prefetched_;
  // Node-based maps: callers keep pointers to the values.
  std::map<std::tuple<const void*, bool, TermId>, TripleSet> existence_;
  std::map<AdjacencyKey, std::shared_ptr<const Adjacency>> adjacency_;
  std::map<AdjacencyKey, std::uint64_t> seeks_;  // without a shared cache
  absl::flat_hash_map<const void*, std::uint64_t> opens_;
  std::optional<std::vector<TermId>> named_graphs_;
  std::shared_ptr<const storage::StoreStats> stats_;
};

// ---- rows ----

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_CONTEXT_H_
