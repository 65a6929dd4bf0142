// Operators over rows of term ids. A row has one slot per variable of the
// query (kNoTerm: unbound). Every operator is opened with an input row and
// yields rows compatible with it: that is how joins push bindings into
// basic graph patterns and paths (index nested loops), and how EXISTS sees
// the row it filters. Terms computed by expressions that the store does not
// hold get query-local ids, so equal ids always mean equal terms.
#include "engine/exec/execution.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <span>
#include <tuple>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/exec/adjacency.h"
#include "engine/exec/name_search.h"
#include "engine/exec/term_cache.h"
#include "engine/exec/values.h"
#include "query/iri.h"

namespace relata::engine {
namespace {

using query::Expr;
using query::Pattern;
using query::PatternTerm;
using query::PropertyPath;
using query::Query;
using query::VarId;
using storage::QuadIds;
using storage::QuadStore;
using storage::TermId;
using storage::TermTag;
using storage::kNoTerm;
using Row = std::vector<TermId>;

// Terms made by the query and unknown to the store.
constexpr TermTag kLocalTag = static_cast<TermTag>(15);

struct RowHash {
  std::size_t operator()(const Row& r) const { return absl::HashOf(r); }
};

// Which graph the patterns match in.
struct GraphScope {
  enum class Kind { kUnion, kGraph, kGraphs };
  Kind kind = Kind::kUnion;
  TermId graph = kNoTerm;      // kGraph; kNoTerm is the default graph
  std::vector<TermId> graphs;  // kGraphs: the merge of these (FROM)
};

// A pattern that matches in the one graph of `scope`, or in any graph for
// the union; its s, p, o are left unbound.
// REQUIRES: scope.kind is not kGraphs.
QuadStore::Pattern PatternWithin(const GraphScope& scope) {
  QuadStore::Pattern pattern;
  pattern.graph_bound = scope.kind == GraphScope::Kind::kGraph;
  pattern.ids.g = pattern.graph_bound ? scope.graph : kNoTerm;
  return pattern;
}

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
    if (storage::TagOf(id) == kLocalTag) return local_terms_[id & storage::kPayloadMask];
    if (storage::IsInline(id)) return storage::DecodeInline(id);
    if (const Term* cached = cache_.Find(id)) return *cached;
    if (const auto it = prefetched_.find(id); it != prefetched_.end()) return it->second;
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
    std::vector<std::pair<TermId, TermId>> edges;
    auto cursor = TakeCursor(pattern, /*distinct=*/scope.kind == GraphScope::Kind::kUnion);
    for (; cursor->Valid(); cursor->Next()) {
      const QuadIds& q = cursor->quad();
      edges.emplace_back(forward ? q.s : q.o, forward ? q.o : q.s);
      if ((edges.size() & 1023) == 0) RETURN_IF_ERROR(Hold(1024 / std::max<std::size_t>(width_, 1) + 1));
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
    return it == prefetched_.end() ? nullptr : &it->second;
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
    ASSIGN_OR_RETURN(std::vector<Term> terms, store_.ResolveMany(ids, snapshot_.get()));
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
      ASSIGN_OR_RETURN(const storage::StoreStats* stats, Stats());
      for (const auto& [g, count] : stats->graphs) {
        if (g != kNoTerm && count > 0) graphs.push_back(g);
      }
    }
    named_graphs_ = graphs;
    return graphs;
  }

  // EXPLAIN ANALYZE: rows, opens and time per operator (keyed by the
  // pattern or query it runs), when profiling.
  struct OpStats {
    std::uint64_t rows = 0, opens = 0;
    double seconds = 0;
  };
  bool profiling = false;
  std::unordered_map<const void*, OpStats> profile;  // stable addresses: sources keep pointers
  // The queries whose first rows were read in order (FirstInOrder), and
  // whether the values were dates.
  absl::flat_hash_map<const Query*, bool> read_in_order;

  absl::StatusOr<const storage::StoreStats*> Stats() {
    if (stats_ == nullptr) {
      ASSIGN_OR_RETURN(stats_, store_.CachedStats());
    }
    return stats_.get();
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
  absl::flat_hash_map<TermId, Term> prefetched_;
  // Node-based maps: callers keep pointers to the values.
  std::map<std::tuple<const void*, bool, TermId>, TripleSet> existence_;
  std::map<AdjacencyKey, std::shared_ptr<const Adjacency>> adjacency_;
  absl::flat_hash_map<const void*, std::uint64_t> opens_;
  std::optional<std::vector<TermId>> named_graphs_;
  std::shared_ptr<const storage::StoreStats> stats_;
};

// ---- rows ----

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills *row with the next solution; false at the end.
  virtual absl::StatusOr<bool> Next(Row* row) = 0;
};
using Source = std::unique_ptr<RowSource>;

class VectorSource : public RowSource {
 public:
  explicit VectorSource(std::vector<Row> rows) : rows_(std::move(rows)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    if (next_ >= rows_.size()) return false;
    *row = std::move(rows_[next_++]);
    return true;
  }

 private:
  std::vector<Row> rows_;
  std::size_t next_ = 0;
};

// Counts what an operator yields and the time spent in it (its inputs
// included).
class ProfileSource : public RowSource {
 public:
  ProfileSource(Source input, Context::OpStats* stats) : input_(std::move(input)), stats_(stats) {
    ++stats_->opens;
  }
  absl::StatusOr<bool> Next(Row* row) override {
    const auto start = std::chrono::steady_clock::now();
    auto more = input_->Next(row);
    stats_->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (more.ok() && *more) ++stats_->rows;
    return more;
  }

 private:
  Source input_;
  Context::OpStats* stats_;
};

bool Compatible(const Row& a, const Row& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != kNoTerm && b[i] != kNoTerm && a[i] != b[i]) return false;
  }
  return true;
}
void Merge(const Row& from, Row* into) {
  for (std::size_t i = 0; i < from.size(); ++i) {
    if ((*into)[i] == kNoTerm) (*into)[i] = from[i];
  }
}

absl::StatusOr<std::vector<Row>> Drain(RowSource& source, Context& ctx) {
  std::vector<Row> rows;
  Row row;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, source.Next(&row));
    if (!more) break;
    rows.push_back(row);
    if ((rows.size() & 1023) == 0) RETURN_IF_ERROR(ctx.Hold(1024));
  }
  return rows;
}

class Evaluator;

// ---- basic graph patterns ----

// One triple pattern with its terms resolved to ids.
struct ScanTerm {
  enum class Kind { kVariable, kConstant, kTriple };
  Kind kind = Kind::kConstant;
  VarId var = -1;
  TermId id = kNoTerm;
  std::vector<ScanTerm> triple;
};
struct Scan {
  ScanTerm s, p, o;
  const void* profile_key = nullptr;  // the triple pattern, for EXPLAIN ANALYZE
  // Every term is bound when this scan runs, and it runs more often than
  // its triples number: it probes a hash set of them instead of the index.
  bool hashed = false;
  // The predicate is a constant, one end is bound when this scan runs and
  // the other is free, and it runs more often than its triples number: it
  // follows that predicate's edges read once into memory (from the subject
  // when `forward`, else from the object) instead of seeking the index.
  bool adjacency = false;
  bool forward = true;
  // A hashed scan with a constant predicate (and no triple term) looks the
  // edge up in that predicate's edges in memory (from the subject when
  // `forward`), which later queries share, instead of a hash set of its own.
  bool probe_edges = false;
};

// Index nested loops over the scans in the order given, one cursor per
// level.
class BgpSource : public RowSource {
 public:
  BgpSource(Context& ctx, std::vector<Scan> scans, Row input, GraphScope scope)
      : ctx_(ctx), scans_(std::move(scans)), scope_(std::move(scope)), rows_(scans_.size() + 1),
        cursors_(scans_.size()), active_(scans_.size()), graph_index_(scans_.size()), seen_(scans_.size()),
        neighbours_(scans_.size()), next_neighbour_(scans_.size()), existence_sets_(scans_.size()),
        adjacencies_(scans_.size()) {
    rows_[0] = std::move(input);
  }
  ~BgpSource() override {
    for (auto& cursor : cursors_) ctx_.ReturnCursor(std::move(cursor));
  }

  absl::StatusOr<bool> Next(Row* row) override {
    if (scans_.empty()) {
      if (done_) return false;
      done_ = true;
      *row = rows_[0];
      return true;
    }
    while (true) {
      if (level_ < 0) return false;
      if (!started_) {
        started_ = true;
        level_ = 0;
        RETURN_IF_ERROR(OpenLevel(0));
      }
      RETURN_IF_ERROR(ctx_.Check());
      ASSIGN_OR_RETURN(const bool found, Advance(level_));
      if (!found) {
        --level_;
        continue;
      }
      if (static_cast<std::size_t>(level_) + 1 == scans_.size()) {
        *row = rows_[scans_.size()];
        return true;
      }
      ++level_;
      RETURN_IF_ERROR(OpenLevel(level_));
    }
  }

 private:
  // The value of `t` in `row`, if known.
  static TermId Bound(const ScanTerm& t, const Row& row) {
    if (t.kind == ScanTerm::Kind::kConstant) return t.id;
    if (t.kind == ScanTerm::Kind::kVariable) return row[static_cast<std::size_t>(t.var)];
    return kNoTerm;
  }

  absl::Status OpenLevel(int level) {
    if (ctx_.profiling) ++ctx_.profile[scans_[static_cast<std::size_t>(level)].profile_key].opens;
    graph_index_[static_cast<std::size_t>(level)] = 0;
    seen_[static_cast<std::size_t>(level)].clear();
    return OpenCursor(level);
  }
  // The in-memory edges an adjacency or probe_edges level reads; looked up
  // when the level first opens (they never change once made).
  absl::StatusOr<const Adjacency*> LevelEdges(std::size_t l) {
    if (adjacencies_[l] == nullptr) {
      ASSIGN_OR_RETURN(adjacencies_[l], ctx_.AdjacencyOf(scans_[l].p.id, scans_[l].forward, scope_));
    }
    return adjacencies_[l];
  }

  absl::Status OpenCursor(int level) {
    const auto l = static_cast<std::size_t>(level);
    const Row& row = rows_[l];
    const Scan& scan = scans_[l];
    // A level opens once per row of the level before: the set or edges it
    // reads are looked up the first time only.
    if (scan.probe_edges) {
      ASSIGN_OR_RETURN(const Adjacency* edges, LevelEdges(l));
      const TermId s = Bound(scan.s, row), o = Bound(scan.o, row);
      active_[l] = scan.forward ? edges->Contains(s, o) : edges->Contains(o, s);
      return absl::OkStatus();
    }
    if (scan.hashed) {
      if (existence_sets_[l] == nullptr) {
        QuadStore::Pattern constants = PatternWithin(scope_);
        const auto constant = [](const ScanTerm& t) { return t.kind == ScanTerm::Kind::kConstant ? t.id : kNoTerm; };
        constants.ids.s = constant(scan.s);
        constants.ids.p = constant(scan.p);
        constants.ids.o = constant(scan.o);
        ASSIGN_OR_RETURN(existence_sets_[l], ctx_.ExistenceSet(scan.profile_key, constants,
                                                               scope_.kind == GraphScope::Kind::kUnion));
      }
      active_[l] = existence_sets_[l]->contains({Bound(scan.s, row), Bound(scan.p, row), Bound(scan.o, row)});
      return absl::OkStatus();
    }
    if (scan.adjacency) {
      ASSIGN_OR_RETURN(const Adjacency* edges, LevelEdges(l));
      neighbours_[l] = edges->From(Bound(scan.forward ? scan.s : scan.o, row));
      next_neighbour_[l] = 0;
      active_[l] = !neighbours_[l].empty();
      return absl::OkStatus();
    }
    QuadStore::Pattern pattern;
    pattern.ids = {Bound(scan.s, row), Bound(scan.p, row), Bound(scan.o, row), kNoTerm};
    bool distinct = false;
    switch (scope_.kind) {
      case GraphScope::Kind::kUnion:
        distinct = true;
        break;
      case GraphScope::Kind::kGraph:
        pattern.graph_bound = true;
        pattern.ids.g = scope_.graph;
        break;
      case GraphScope::Kind::kGraphs:
        if (graph_index_[l] >= scope_.graphs.size()) {
          active_[l] = false;
          return absl::OkStatus();
        }
        pattern.graph_bound = true;
        pattern.ids.g = scope_.graphs[graph_index_[l]];
        break;
    }
    if (cursors_[l] == nullptr) {
      cursors_[l] = ctx_.TakeCursor(pattern, distinct);
    } else {
      ctx_.store().Reseek(*cursors_[l], pattern, distinct);
    }
    active_[l] = true;
    return absl::OkStatus();
  }

  // Moves level `level` to its next match, filling rows_[level + 1].
  absl::StatusOr<bool> Advance(int level) {
    const auto l = static_cast<std::size_t>(level);
    if (scans_[l].hashed) {  // an existence probe: the row passes once or not at all
      if (!active_[l]) return false;
      active_[l] = false;
      rows_[l + 1] = rows_[l];
      if (ctx_.profiling) ++ctx_.profile[scans_[l].profile_key].rows;
      return true;
    }
    if (scans_[l].adjacency) {
      if (!active_[l]) return false;
      const Scan& scan = scans_[l];
      const std::span<const TermId> edges = neighbours_[l];
      while (next_neighbour_[l] < edges.size()) {
        Row& out = rows_[l + 1];
        out = rows_[l];
        ASSIGN_OR_RETURN(const bool ok, Unify(scan.forward ? scan.o : scan.s, edges[next_neighbour_[l]++], &out));
        if (ok) {
          if (ctx_.profiling) ++ctx_.profile[scan.profile_key].rows;
          return true;
        }
      }
      return false;
    }
    while (true) {
      auto& cursor = cursors_[l];
      if (!active_[l]) return false;
      if (!cursor->Valid()) {
        RETURN_IF_ERROR(cursor->status());
        if (scope_.kind == GraphScope::Kind::kGraphs && ++graph_index_[l] < scope_.graphs.size()) {
          RETURN_IF_ERROR(OpenCursor(level));
          continue;
        }
        return false;
      }
      const QuadIds q = cursor->quad();
      cursor->Next();
      if (scope_.kind == GraphScope::Kind::kGraphs && scope_.graphs.size() > 1 &&
          !seen_[l].insert({q.s, q.p, q.o}).second) {
        continue;
      }
      Row& out = rows_[l + 1];
      out = rows_[l];
      const Scan& scan = scans_[l];
      ASSIGN_OR_RETURN(bool ok, Unify(scan.s, q.s, &out));
      if (ok) {
        ASSIGN_OR_RETURN(ok, Unify(scan.p, q.p, &out));
      }
      if (ok) {
        ASSIGN_OR_RETURN(ok, Unify(scan.o, q.o, &out));
      }
      if (ok) {
        if (ctx_.profiling) ++ctx_.profile[scan.profile_key].rows;
        return true;
      }
      RETURN_IF_ERROR(ctx_.Check());
    }
  }

  // Binds `t` to `id` in `row`, false when they disagree.
  absl::StatusOr<bool> Unify(const ScanTerm& t, TermId id, Row* row) {
    switch (t.kind) {
      case ScanTerm::Kind::kConstant: return t.id == id;
      case ScanTerm::Kind::kVariable: {
        TermId& slot = (*row)[static_cast<std::size_t>(t.var)];
        if (slot == kNoTerm) {
          slot = id;
          return true;
        }
        return slot == id;
      }
      case ScanTerm::Kind::kTriple: {
        if (storage::TagOf(id) != TermTag::kTriple) return false;
        ASSIGN_OR_RETURN(const QuadIds parts, ctx_.store().TripleParts(id, ctx_.snapshot().get()));
        ASSIGN_OR_RETURN(bool ok, Unify(t.triple[0], parts.s, row));
        if (ok) {
          ASSIGN_OR_RETURN(ok, Unify(t.triple[1], parts.p, row));
        }
        if (ok) {
          ASSIGN_OR_RETURN(ok, Unify(t.triple[2], parts.o, row));
        }
        return ok;
      }
    }
    return false;
  }

  Context& ctx_;
  std::vector<Scan> scans_;
  GraphScope scope_;
  std::vector<Row> rows_;  // rows_[i]: the bindings before scan i
  std::vector<std::unique_ptr<QuadStore::Cursor>> cursors_;  // kept and re-seeked per level
  std::vector<bool> active_;
  std::vector<std::size_t> graph_index_;
  std::vector<std::set<std::array<TermId, 3>>> seen_;
  std::vector<std::span<const TermId>> neighbours_;  // adjacency levels: the edges being followed
  std::vector<std::size_t> next_neighbour_;
  std::vector<const Context::TripleSet*> existence_sets_;  // of hashed levels, once looked up
  std::vector<const Adjacency*> adjacencies_;  // of adjacency and probe_edges levels, once looked up
  int level_ = 0;
  bool started_ = false, done_ = false;
};

// ---- expressions ----

// What an expression sees besides the row.
struct ExprEnv {
  GraphScope scope;
  // BNODE(str) gives the same node for the same string within one row.
  std::map<std::string, std::string>* row_blanks = nullptr;
};

class Evaluator {
 public:
  explicit Evaluator(Context& ctx) : ctx_(ctx) {}
  Context& ctx() { return ctx_; }

  // ---- graph patterns ----
  absl::StatusOr<Source> Open(const Pattern& p, const Row& input, const GraphScope& scope);

  // Solutions of a whole query (sub-queries too), with its modifiers; rows
  // keep only the projected variables.
  absl::StatusOr<Source> OpenQuery(const Query& q, const Row& input, const GraphScope& scope);

  // ---- expressions: nullopt is an error ----
  absl::StatusOr<std::optional<Term>> Eval(const Expr& e, const Row& row, ExprEnv& env);
  absl::StatusOr<std::optional<bool>> EvalBool(const Expr& e, const Row& row, ExprEnv& env) {
    // A comparison of inline numbers needs no term at all.
    if (e.kind >= Expr::Kind::kLess && e.kind <= Expr::Kind::kGreaterEqual) {
      if (const auto c = CompareInline(e.args[0], e.args[1], row)) {
        switch (e.kind) {
          case Expr::Kind::kLess: return std::optional<bool>(*c < 0);
          case Expr::Kind::kGreater: return std::optional<bool>(*c > 0);
          case Expr::Kind::kLessEqual: return std::optional<bool>(*c <= 0);
          default: return std::optional<bool>(*c >= 0);
        }
      }
    }
    if (const auto b = StringTest(e, row)) return std::optional<bool>(*b);
    ASSIGN_OR_RETURN(const auto v, Eval(e, row, env));
    if (!v) return std::optional<bool>();
    return EffectiveBooleanValue(*v);
  }
  absl::StatusOr<bool> Holds(const std::vector<Expr>& exprs, const Row& row, const GraphScope& scope) {
    ExprEnv env{scope};
    for (const Expr& e : exprs) {
      ASSIGN_OR_RETURN(const auto b, EvalBool(e, row, env));
      if (!b.value_or(false)) return false;
    }
    return true;
  }

  // ---- property paths ----
  // The nodes reachable from `node` over `path` (forwards, or backwards
  // when !forward), with repeats as the path semantics count them.
  absl::Status Step(const PropertyPath& path, TermId node, bool forward, const GraphScope& scope,
                    std::vector<TermId>* out);
  // Every subject and object in the scope.
  absl::StatusOr<std::vector<TermId>> AllNodes(const GraphScope& scope);
  // Whether `node` is the subject or object of a triple in the scope.
  absl::StatusOr<bool> InGraph(TermId node, const GraphScope& scope);
  // The edges of `predicate` in memory, or nullptr when the scope is a merge
  // of graphs, the store does not know the predicate, or it has more than
  // `most_edges` triples.
  absl::StatusOr<const Adjacency*> PredicateEdges(const Term& predicate, bool forward, const GraphScope& scope,
                                                  std::uint64_t most_edges);
  // The nodes reachable from `start` by one or more steps of `path` (and
  // `start` itself with `include_start`); stops early once `target` is found.
  absl::StatusOr<std::vector<TermId>> Closure(const PropertyPath& path, TermId start, bool forward,
                                               bool include_start, const GraphScope& scope,
                                               TermId target = kNoTerm);

  absl::StatusOr<ScanTerm> Resolve(const PatternTerm& t, bool* missing);
  // The scans of the triples of `p` not `consumed` (all when it is empty).
  absl::StatusOr<std::vector<Scan>> ResolveScans(const Pattern& p, bool* missing,
                                                 const std::vector<bool>& consumed = {});
  // Plans `scans` for the variables `input` binds and opens them.
  absl::StatusOr<Source> OpenScans(std::vector<Scan> scans, const Row& input, const GraphScope& scope,
                                   std::uint64_t opened_before);
  void FollowEdgesFromTheInput(const storage::StoreStats& stats, const std::vector<bool>& bound,
                               const GraphScope& scope, std::uint64_t opened_before, std::vector<Scan>* ordered);
  // The rows one relata:search binds on top of `input`, best match first.
  absl::StatusOr<Source> OpenSearch(const struct SearchCall& call, const Row& input);
  absl::StatusOr<std::optional<TermId>> ResolveGraph(const PatternTerm& t, const Row& row);

 private:
  absl::StatusOr<Source> OpenOperator(const Pattern& p, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenModifiers(const Query& q, const Row& input, const GraphScope& scope);
  // GROUP BY one end of a single triple pattern with a constant predicate,
  // counting the other end: the sizes of the groups are the nodes' runs of
  // edges in memory. nullopt when the query is not of that shape.
  absl::StatusOr<std::optional<std::vector<Row>>> CountEdges(const Query& q, const Row& input,
                                                             const GraphScope& scope);
  // ORDER BY [DESC] ?o LIMIT n over a single triple pattern ?s <p> ?o whose
  // objects are all inline values of one order-preserving kind: the first
  // rows in that order, read from one end of posg, plus any rows a time zone
  // could move ahead of them; sorting these gives the query's rows. nullopt
  // when the query is not of that shape.
  absl::StatusOr<std::optional<std::vector<Row>>> FirstInOrder(const Query& q, const Row& input,
                                                               const GraphScope& scope);

 public:
  // The cursor FirstInOrder reads, at the end the order starts from; nullptr
  // when the query is not of that shape.
  absl::StatusOr<std::unique_ptr<QuadStore::Cursor>> OrderedCursor(const Query& q, const Row& input,
                                                                   const GraphScope& scope);

 private:
  absl::StatusOr<Source> OpenBgp(const Pattern& p, const Row& input, const GraphScope& scope);
  absl::StatusOr<std::optional<Term>> EvalCall(const Expr& e, const Row& row, ExprEnv& env);
  // The order of two operands that are inline numbers of one order-preserving
  // kind (a variable's id, or a constant's), else nullopt.
  std::optional<int> CompareInline(const Expr& a, const Expr& b, const Row& row);
  TermId InlineOf(const Expr& e, const Row& row);
  // STRSTARTS, STRENDS or CONTAINS of a variable's string (already decoded)
  // and a constant simple literal, without copying either; nullopt when the
  // call is not of that shape or the term is not at hand.
  std::optional<bool> StringTest(const Expr& e, const Row& row);
  // Constants' inline ids by expression address: only for expressions that
  // live as long as the query (the query's own, and ResolvedFor's).
  absl::flat_hash_map<const Expr*, TermId> constant_ids_;

 public:
  // A query's HAVING, SELECT and ORDER BY expressions with aggregate
  // references replaced by their result variables; made once per query
  // object, so their addresses are stable and never reused.
  struct ResolvedExprs {
    std::vector<Expr> having, select, order;
  };
  const ResolvedExprs& ResolvedFor(const Query& q);

 private:
  std::map<const Query*, ResolvedExprs> resolved_;
  // One cursor for every step of a path search: a scan ends before the next
  // begins, and re-seeking is much cheaper than a new iterator.
  std::unique_ptr<QuadStore::Cursor> step_cursor_;

  Context& ctx_;
};

// ---- operators ----

// Rows of `left`, each joined with the rows `right` gives for it (opened
// with the left row as input): index nested loops.
class NestedJoin : public RowSource {
 public:
  using Opener = std::function<absl::StatusOr<Source>(const Row&)>;
  NestedJoin(Source left, Opener right) : left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (inner_ != nullptr) {
        ASSIGN_OR_RETURN(const bool more, inner_->Next(row));
        if (more) return true;
        inner_.reset();
      }
      ASSIGN_OR_RETURN(const bool more, left_->Next(&current_));
      if (!more) return false;
      ASSIGN_OR_RETURN(inner_, right_(current_));
    }
  }

 private:
  Source left_;
  Opener right_;
  Source inner_;
  Row current_;
};

// Rows of `left` joined with rows of a materialised `right`: hashed on the
// variables every right row binds.
class HashJoin : public RowSource {
 public:
  HashJoin(Context& ctx, Source left, std::vector<Row> right)
      : ctx_(ctx), left_(std::move(left)), right_(std::move(right)) {
    if (right_.empty()) return;
    for (std::size_t v = 0; v < right_[0].size(); ++v) {
      if (std::all_of(right_.begin(), right_.end(), [&](const Row& r) { return r[v] != kNoTerm; })) {
        keys_.push_back(v);
      }
    }
    for (std::size_t i = 0; i < right_.size(); ++i) table_[Key(right_[i])].push_back(i);
  }
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      while (match_ < matches_.size()) {
        const Row& r = right_[matches_[match_++]];
        if (!Compatible(current_, r)) continue;
        *row = current_;
        Merge(r, row);
        return true;
      }
      ASSIGN_OR_RETURN(const bool more, left_->Next(&current_));
      if (!more) return false;
      RETURN_IF_ERROR(ctx_.Check());
      matches_.clear();
      match_ = 0;
      if (std::all_of(keys_.begin(), keys_.end(), [&](std::size_t v) { return current_[v] != kNoTerm; })) {
        if (const auto it = table_.find(Key(current_)); it != table_.end()) matches_ = it->second;
      } else {
        for (std::size_t i = 0; i < right_.size(); ++i) matches_.push_back(i);
      }
    }
  }

 private:
  Row Key(const Row& r) const {
    Row key;
    for (std::size_t v : keys_) key.push_back(r[v]);
    return key;
  }
  Context& ctx_;
  Source left_;
  std::vector<Row> right_;
  std::vector<std::size_t> keys_;
  absl::flat_hash_map<Row, std::vector<std::size_t>, RowHash> table_;
  Row current_;
  std::vector<std::size_t> matches_;
  std::size_t match_ = 0;
};

// OPTIONAL: each left row with its matches on the right that pass the
// condition, or alone when none does.
class LeftJoin : public RowSource {
 public:
  using Matches = std::function<absl::StatusOr<std::vector<Row>>(const Row&)>;
  LeftJoin(Evaluator& ev, Source left, Matches matches, const std::vector<Expr>* condition, GraphScope scope)
      : ev_(ev), left_(std::move(left)), matches_(std::move(matches)), condition_(condition),
        scope_(std::move(scope)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (next_ < pending_.size()) {
        *row = std::move(pending_[next_++]);
        return true;
      }
      Row left;
      ASSIGN_OR_RETURN(const bool more, left_->Next(&left));
      if (!more) return false;
      ASSIGN_OR_RETURN(std::vector<Row> candidates, matches_(left));
      pending_.clear();
      next_ = 0;
      for (Row& merged : candidates) {
        ASSIGN_OR_RETURN(const bool ok, ev_.Holds(*condition_, merged, scope_));
        if (ok) pending_.push_back(std::move(merged));
      }
      if (pending_.empty()) pending_.push_back(std::move(left));
    }
  }

 private:
  Evaluator& ev_;
  Source left_;
  Matches matches_;
  const std::vector<Expr>* condition_;
  GraphScope scope_;
  std::vector<Row> pending_;
  std::size_t next_ = 0;
};

// FILTER, over batches of rows whose terms the conditions read are fetched
// from the dictionary together.
class FilterSource : public RowSource {
 public:
  FilterSource(Evaluator& ev, Source input, const std::vector<Expr>* exprs, GraphScope scope)
      : ev_(ev), input_(std::move(input)), exprs_(exprs), scope_(std::move(scope)) {
    for (const Expr& e : *exprs_) ReadVariables(e, &vars_, &operators_);
  }
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (next_ == batch_.size()) {
        RETURN_IF_ERROR(FillBatch());
        if (batch_.empty()) return false;
      }
      Row& candidate = batch_[next_++];
      ASSIGN_OR_RETURN(const bool ok, ev_.Holds(*exprs_, candidate, scope_));
      // A condition of a hundred thousand operators takes long on one row.
      RETURN_IF_ERROR(ev_.ctx().Check(operators_));
      if (ok) {
        *row = std::move(candidate);
        return true;
      }
    }
  }

 private:
  static void ReadVariables(const Expr& e, std::vector<VarId>* vars, std::uint64_t* operators) {
    if (e.kind == Expr::Kind::kVariable) vars->push_back(e.var);
    // A regular expression may take up to a few milliseconds on one value.
    const bool regex = e.kind == Expr::Kind::kBuiltIn && (e.name == "REGEX" || e.name == "REPLACE");
    *operators += regex ? 100 : 1;
    for (const Expr& a : e.args) ReadVariables(a, vars, operators);
  }
  absl::Status FillBatch() {
    batch_.clear();
    next_ = 0;
    Row row;
    while (batch_.size() < limit_) {
      ASSIGN_OR_RETURN(const bool more, input_->Next(&row));
      if (!more) break;
      batch_.push_back(row);
    }
    limit_ = std::min<std::size_t>(limit_ * 2, 512);  // small first: rows stream early
    std::vector<TermId> ids;
    for (const Row& r : batch_) {
      for (VarId v : vars_) ids.push_back(r[static_cast<std::size_t>(v)]);
    }
    return ev_.ctx().Prefetch(ids);
  }

  Evaluator& ev_;
  Source input_;
  const std::vector<Expr>* exprs_;
  GraphScope scope_;
  std::vector<VarId> vars_;
  std::uint64_t operators_ = 0;  // in the conditions: the work of one row
  std::vector<Row> batch_;
  std::size_t next_ = 0, limit_ = 16;
};

// BIND, and the expressions of a SELECT clause evaluated in order on each
// row (one BNODE(str) scope per row).
class ExtendSource : public RowSource {
 public:
  using Binding = std::pair<VarId, const Expr*>;
  ExtendSource(Evaluator& ev, Source input, std::vector<Binding> bindings, GraphScope scope)
      : ev_(ev), input_(std::move(input)), bindings_(std::move(bindings)), scope_(std::move(scope)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      std::map<std::string, std::string> blanks;
      ExprEnv env{scope_, &blanks};
      bool keep = true;
      for (const auto& [var, expr] : bindings_) {
        ASSIGN_OR_RETURN(const auto value, ev_.Eval(*expr, *row, env));
        if (!value) continue;
        ASSIGN_OR_RETURN(const TermId id, ev_.ctx().Intern(*value));
        TermId& slot = (*row)[static_cast<std::size_t>(var)];
        if (slot != kNoTerm && slot != id) {  // bound by the input: must agree
          keep = false;
          break;
        }
        slot = id;
      }
      if (keep) return true;
    }
  }

 private:
  Evaluator& ev_;
  Source input_;
  std::vector<Binding> bindings_;
  GraphScope scope_;
};

// Binds one more variable on every row, dropping rows that disagree.
class BindSource : public RowSource {
 public:
  BindSource(Source input, std::size_t var, TermId value)
      : input_(std::move(input)), var_(var), value_(value) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      TermId& slot = (*row)[var_];
      if (slot != kNoTerm && slot != value_) continue;
      slot = value_;
      return true;
    }
  }

 private:
  Source input_;
  std::size_t var_;
  TermId value_;
};

class ConcatSource : public RowSource {
 public:
  using Opener = std::function<absl::StatusOr<Source>()>;
  explicit ConcatSource(std::vector<Opener> parts) : parts_(std::move(parts)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (current_ == nullptr) {
        if (next_ >= parts_.size()) return false;
        ASSIGN_OR_RETURN(current_, parts_[next_++]());
      }
      ASSIGN_OR_RETURN(const bool more, current_->Next(row));
      if (more) return true;
      current_.reset();
    }
  }

 private:
  std::vector<Opener> parts_;
  std::size_t next_ = 0;
  Source current_;
};

class MinusSource : public RowSource {
 public:
  MinusSource(Source left, std::vector<Row> right) : left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, left_->Next(row));
      if (!more) return false;
      const bool removed = std::any_of(right_.begin(), right_.end(), [&](const Row& r) {
        bool shared = false;
        for (std::size_t i = 0; i < r.size(); ++i) {
          if ((*row)[i] == kNoTerm || r[i] == kNoTerm) continue;
          if ((*row)[i] != r[i]) return false;
          shared = true;
        }
        return shared;
      });
      if (!removed) return true;
    }
  }

 private:
  Source left_;
  std::vector<Row> right_;
};

// Whether binding variables of `p` before evaluating it gives the same
// result as joining afterwards: true for patterns that only match triples.
bool Bindable(const Pattern& p) {
  switch (p.kind) {
    case Pattern::Kind::kBgp:
    case Pattern::Kind::kPath:
    case Pattern::Kind::kValues:
      return true;
    case Pattern::Kind::kJoin:
    case Pattern::Kind::kUnion:
      return std::all_of(p.children.begin(), p.children.end(), Bindable);
    case Pattern::Kind::kGraph:
      return Bindable(p.children[0]);
    default:
      return false;
  }
}

absl::StatusOr<ScanTerm> Evaluator::Resolve(const PatternTerm& t, bool* missing) {
  ScanTerm s;
  switch (t.kind) {
    case PatternTerm::Kind::kVariable:
      s.kind = ScanTerm::Kind::kVariable;
      s.var = t.var;
      return s;
    case PatternTerm::Kind::kConstant: {
      ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(t.constant));
      if (!id) *missing = true;
      s.id = id.value_or(kNoTerm);
      return s;
    }
    case PatternTerm::Kind::kTriple:
      s.kind = ScanTerm::Kind::kTriple;
      for (const auto& part : t.triple) {
        ASSIGN_OR_RETURN(auto r, Resolve(part, missing));
        s.triple.push_back(std::move(r));
      }
      return s;
  }
  return s;
}

absl::StatusOr<std::optional<TermId>> Evaluator::ResolveGraph(const PatternTerm& t, const Row& row) {
  if (t.IsVariable()) {
    const TermId id = row[static_cast<std::size_t>(t.var)];
    return id == kNoTerm ? std::optional<TermId>() : std::optional<TermId>(id);
  }
  return ctx_.Lookup(t.constant);
}

// Estimated rows of a scan given which variables are bound.
double Estimate(const Scan& scan, const std::vector<bool>& bound, const storage::StoreStats& stats) {
  const auto is_bound = [&](const ScanTerm& t) {
    return t.kind == ScanTerm::Kind::kConstant ||
           (t.kind == ScanTerm::Kind::kVariable && bound[static_cast<std::size_t>(t.var)]);
  };
  const bool s = is_bound(scan.s), p = is_bound(scan.p), o = is_bound(scan.o);
  double total = static_cast<double>(std::max<std::uint64_t>(stats.quads, 1));
  double distinct_s = total / 4, distinct_o = total / 4;
  if (scan.p.kind == ScanTerm::Kind::kConstant) {
    const auto it = stats.predicates.find(scan.p.id);
    if (it == stats.predicates.end()) return 0;
    total = static_cast<double>(it->second.quads);
    distinct_s = static_cast<double>(std::max<std::uint64_t>(it->second.distinct_subjects, 1));
    distinct_o = static_cast<double>(std::max<std::uint64_t>(it->second.distinct_objects, 1));
  } else if (p) {
    total /= 50;  // a predicate bound by an earlier pattern: typical selectivity
  }
  double rows = total;
  if (s) rows /= distinct_s;
  if (o) rows /= distinct_o;
  if (s && o) rows = std::min(rows, 1.0);
  // Which bound subjects have the predicate at all depends on how they were
  // bound (every graduate student is a member of something), which the
  // statistics cannot tell; but between patterns that look alike, the one
  // fewer subjects have is the likelier to cut rows: a star over states asks
  // for their rarer population before their labels.
  if (s && scan.p.kind == ScanTerm::Kind::kConstant) {
    const double nodes = static_cast<double>(stats.iris + stats.blank_nodes + stats.triple_terms);
    if (nodes > distinct_s) rows *= 1 - 1e-3 * (1 - distinct_s / nodes);
  }
  return std::max(rows, s || o ? 0.5 : 1.0);
}

void MarkBound(const ScanTerm& t, std::vector<bool>* bound) {
  if (t.kind == ScanTerm::Kind::kVariable) (*bound)[static_cast<std::size_t>(t.var)] = true;
  for (const auto& part : t.triple) MarkBound(part, bound);
}

// A constant, or a variable bound before the scan runs.
bool IsBound(const ScanTerm& t, const std::vector<bool>& bound) {
  return t.kind == ScanTerm::Kind::kConstant ||
         (t.kind == ScanTerm::Kind::kVariable && bound[static_cast<std::size_t>(t.var)]);
}

bool IsFreeVariable(const ScanTerm& t, const std::vector<bool>& bound) {
  return t.kind == ScanTerm::Kind::kVariable && !bound[static_cast<std::size_t>(t.var)];
}

// Whether `scan` can follow its constant predicate's edges from a bound end
// to a free variable; `*forward` is whether that end is the subject.
bool CanFollowEdges(const Scan& scan, const std::vector<bool>& bound, bool* forward) {
  if (scan.p.kind != ScanTerm::Kind::kConstant) return false;
  *forward = IsBound(scan.s, bound);
  return *forward ? IsFreeVariable(scan.o, bound) : IsBound(scan.o, bound) && IsFreeVariable(scan.s, bound);
}

bool Shares(const ScanTerm& t, const std::vector<bool>& bound) {
  if (t.kind == ScanTerm::Kind::kVariable) return bound[static_cast<std::size_t>(t.var)];
  return std::any_of(t.triple.begin(), t.triple.end(), [&](const ScanTerm& part) { return Shares(part, bound); });
}

// The order of a basic graph pattern's scans: dynamic programming over the
// subsets of scans (each extended only by a scan that shares a variable
// with it, unless none does), minimising the rows all prefixes produce;
// greedy beyond kMaxDpScans.
struct BgpPlan {
  std::vector<std::size_t> order;
  std::vector<double> rows;  // estimated rows after each scan of `order`
};
BgpPlan PlanScans(const std::vector<Scan>& scans, const std::vector<bool>& input_bound,
                  const storage::StoreStats& stats) {
  constexpr std::size_t kMaxDpScans = 10;
  const std::size_t n = scans.size();
  const auto bound_after = [&](const std::vector<std::size_t>& placed) {
    std::vector<bool> bound = input_bound;
    for (std::size_t i : placed) {
      MarkBound(scans[i].s, &bound);
      MarkBound(scans[i].p, &bound);
      MarkBound(scans[i].o, &bound);
    }
    return bound;
  };
  const auto connected = [&](const Scan& scan, const std::vector<bool>& bound) {
    return Shares(scan.s, bound) || Shares(scan.p, bound) || Shares(scan.o, bound);
  };
  BgpPlan plan;
  if (n <= kMaxDpScans) {
    struct Entry {
      double cost = -1, rows = 1;
      std::vector<std::size_t> order;
      std::vector<double> prefix_rows;
    };
    std::vector<Entry> best(std::size_t{1} << n);
    best[0].cost = 0;
    for (std::size_t set = 0; set < best.size(); ++set) {
      if (best[set].cost < 0) continue;
      const std::vector<bool> bound = bound_after(best[set].order);
      bool any_connected = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!(set & (std::size_t{1} << i)) && connected(scans[i], bound)) any_connected = true;
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (set & (std::size_t{1} << i)) continue;
        if (any_connected && !connected(scans[i], bound)) continue;  // no cross products
        const double rows = best[set].rows * Estimate(scans[i], bound, stats);
        const double cost = best[set].cost + rows;
        Entry& next = best[set | (std::size_t{1} << i)];
        if (next.cost >= 0 && next.cost <= cost) continue;
        next.cost = cost;
        next.rows = rows;
        next.order = best[set].order;
        next.order.push_back(i);
        next.prefix_rows = best[set].prefix_rows;
        next.prefix_rows.push_back(rows);
      }
    }
    plan.order = best.back().order;
    plan.rows = best.back().prefix_rows;
    return plan;
  }
  std::vector<bool> placed(n);
  double rows = 1;
  for (std::size_t step = 0; step < n; ++step) {
    const std::vector<bool> bound = bound_after(plan.order);
    std::size_t choice = n;
    double choice_cost = 0;
    bool choice_connected = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      const bool c = connected(scans[i], bound);
      const double cost = Estimate(scans[i], bound, stats);
      if (choice == n || (c && !choice_connected) || (c == choice_connected && cost < choice_cost)) {
        choice = i;
        choice_cost = cost;
        choice_connected = c;
      }
    }
    placed[choice] = true;
    rows *= choice_cost;
    plan.order.push_back(choice);
    plan.rows.push_back(rows);
  }
  return plan;
}

// A scan whose terms are all bound when it runs is an existence probe, and
// one with a constant predicate and one end bound follows edges; when the
// rows reaching it number more than an eighth of the triples it could match,
// reading those triples once into memory (a hash set, an adjacency map)
// beats a seek per row.
void MarkInMemoryScans(const BgpPlan& plan, const storage::StoreStats& stats, std::vector<bool> bound,
                       const GraphScope& scope, std::vector<Scan>* ordered) {
  if (scope.kind == GraphScope::Kind::kGraphs) return;
  constexpr double kMostTriples = 4e6;
  const std::vector<bool> none(bound.size());
  for (std::size_t k = 0; k < ordered->size(); ++k) {
    Scan& scan = (*ordered)[k];
    // A seek costs about as much as reading ten triples in a row.
    const auto pays = [&] {
      const double triples = Estimate(scan, none, stats);
      return triples < kMostTriples && plan.rows[k - 1] * 8 > triples;
    };
    bool forward = true;
    // (A triple term with variables in it is never IsBound: such scans seek.)
    if (k > 0 && IsBound(scan.s, bound) && IsBound(scan.p, bound) && IsBound(scan.o, bound)) {
      scan.hashed = pays();
      if (scan.hashed && scan.p.kind == ScanTerm::Kind::kConstant) {
        scan.probe_edges = true;
        // From the end with more distinct nodes: the runs searched are shorter.
        const auto it = stats.predicates.find(scan.p.id);
        scan.forward = it == stats.predicates.end() || it->second.distinct_subjects >= it->second.distinct_objects;
      }
    } else if (k > 0 && CanFollowEdges(scan, bound, &forward)) {
      scan.forward = forward;
      scan.adjacency = plan.rows[k - 1] >= 2 && pays();  // one probe is one seek
    }
    MarkBound(scan.s, &bound);
    MarkBound(scan.p, &bound);
    MarkBound(scan.o, &bound);
  }
}

absl::StatusOr<std::vector<Scan>> Evaluator::ResolveScans(const Pattern& p, bool* missing,
                                                          const std::vector<bool>& consumed) {
  std::vector<Scan> scans;
  for (std::size_t i = 0; i < p.triples.size(); ++i) {
    if (!consumed.empty() && consumed[i]) continue;
    const query::TriplePattern& t = p.triples[i];
    Scan scan;
    scan.profile_key = &t;
    ASSIGN_OR_RETURN(scan.s, Resolve(t.subject, missing));
    ASSIGN_OR_RETURN(scan.p, Resolve(t.predicate, missing));
    ASSIGN_OR_RETURN(scan.o, Resolve(t.object, missing));
    scans.push_back(std::move(scan));
  }
  return scans;
}

// A relata:search triple: `?e relata:search "text"`, or with a list subject
// `(?e ?score) relata:search "text"`.
struct SearchCall {
  const PatternTerm* entity = nullptr;
  const PatternTerm* score = nullptr;  // none without the list form
  const PatternTerm* text = nullptr;
};

namespace {

bool IsIri(const PatternTerm& t, std::string_view iri) {
  return t.kind == PatternTerm::Kind::kConstant && t.constant.IsIri() && t.constant.value == iri;
}

// The BGP's searches; their triples, and the rdf:first/rdf:rest triples of a
// list subject, are marked in `consumed` (which is left empty when there is
// no search).
std::vector<SearchCall> FindSearches(const Pattern& p, std::vector<bool>* consumed) {
  static const std::string kFirst = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
  static const std::string kRest = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
  static const std::string kNil = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
  std::vector<SearchCall> searches;
  const auto& triples = p.triples;
  // The unconsumed triple `subject predicate ?`, by index.
  const auto find = [&](const PatternTerm& subject, const std::string& predicate) -> int {
    for (std::size_t i = 0; i < triples.size(); ++i) {
      if ((*consumed)[i] || !subject.IsVariable() || !triples[i].subject.IsVariable()) continue;
      if (triples[i].subject.var == subject.var && IsIri(triples[i].predicate, predicate)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  for (std::size_t i = 0; i < triples.size(); ++i) {
    if (!IsIri(triples[i].predicate, kSearchIri)) continue;
    if (consumed->empty()) consumed->assign(triples.size(), false);
    (*consumed)[i] = true;
    SearchCall call;
    call.entity = &triples[i].subject;
    call.text = &triples[i].object;
    const int first = find(triples[i].subject, kFirst), rest = find(triples[i].subject, kRest);
    if (first >= 0 && rest >= 0) {
      const PatternTerm& tail = triples[static_cast<std::size_t>(rest)].object;
      const int second = find(tail, kFirst), end = find(tail, kRest);
      if (second >= 0 && end >= 0 && IsIri(triples[static_cast<std::size_t>(end)].object, kNil)) {
        call.entity = &triples[static_cast<std::size_t>(first)].object;
        call.score = &triples[static_cast<std::size_t>(second)].object;
        for (const int j : {first, rest, second, end}) (*consumed)[static_cast<std::size_t>(j)] = true;
      }
    }
    searches.push_back(call);
  }
  return searches;
}

}  // namespace

namespace {

// The rows one search binds on top of an input row, made as they are asked
// for: a LIMIT stops it after the first few of thousands of matches.
class SearchSource : public RowSource {
 public:
  SearchSource(Context& ctx, SearchCall call, Row input, NameMatches matches)
      : ctx_(ctx), call_(call), input_(std::move(input)), matches_(std::move(matches)) {}

  absl::StatusOr<bool> Next(Row* row) override {
    while (const std::optional<NameMatch> match = matches_.Next()) {
      RETURN_IF_ERROR(ctx_.Check());
      *row = input_;
      ASSIGN_OR_RETURN(bool keep, Bind(*call_.entity, match->entity, row));
      if (keep && call_.score != nullptr) {
        ASSIGN_OR_RETURN(const TermId score, ScoreTerm(match->score));
        ASSIGN_OR_RETURN(keep, Bind(*call_.score, score, row));
      }
      if (keep) return true;
    }
    return false;
  }

 private:
  // Binds `t` in `row` to `id`, or checks the value it has.
  absl::StatusOr<bool> Bind(const PatternTerm& t, TermId id, Row* row) {
    if (t.kind == PatternTerm::Kind::kConstant) {
      ASSIGN_OR_RETURN(const std::optional<TermId> want, ctx_.Lookup(t.constant));
      return want == id;
    }
    if (!t.IsVariable()) return false;
    TermId& slot = (*row)[static_cast<std::size_t>(t.var)];
    if (slot != kNoTerm) return slot == id;
    slot = id;
    return true;
  }
  // Scores have three decimals, so thousands of matches share a few hundred
  // of them: each is made a term once.
  absl::StatusOr<TermId> ScoreTerm(double score) {
    const long thousandths = std::lround(score * 1000);
    auto [it, inserted] = score_ids_.try_emplace(thousandths, kNoTerm);
    if (inserted) {
      std::string lexical = absl::StrFormat("%.3f", static_cast<double>(thousandths) / 1000);
      while (lexical.ends_with('0') && !lexical.ends_with(".0")) lexical.pop_back();
      ASSIGN_OR_RETURN(it->second,
                       ctx_.Intern(Term::Literal(lexical, "http://www.w3.org/2001/XMLSchema#decimal")));
    }
    return it->second;
  }

  Context& ctx_;
  const SearchCall call_;
  const Row input_;
  NameMatches matches_;
  absl::flat_hash_map<long, TermId> score_ids_;
};

}  // namespace

absl::StatusOr<Source> Evaluator::OpenSearch(const SearchCall& call, const Row& input) {
  std::optional<Term> text;
  if (call.text->IsVariable()) {
    const TermId id = input[static_cast<std::size_t>(call.text->var)];
    if (id == kNoTerm) {
      return absl::InvalidArgumentError(
          "relata:search needs the text to search for: a string, or a variable bound before it");
    }
    ASSIGN_OR_RETURN(text, ctx_.Resolve(id));
  } else if (call.text->kind == PatternTerm::Kind::kConstant) {
    text = call.text->constant;
  }
  if (!text.has_value() || !text->IsLiteral()) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
  ASSIGN_OR_RETURN(NameMatches matches, SearchNames(ctx_.store(), text->value, ctx_.snapshot()));
  RETURN_IF_ERROR(ctx_.Hold(matches.size()));
  return Source(std::make_unique<SearchSource>(ctx_, call, input, std::move(matches)));
}

absl::StatusOr<Source> Evaluator::OpenBgp(const Pattern& p, const Row& input, const GraphScope& scope) {
  std::vector<bool> consumed;
  const std::vector<SearchCall> searches = FindSearches(p, &consumed);
  bool missing = false;
  ASSIGN_OR_RETURN(std::vector<Scan> scans, ResolveScans(p, &missing, consumed));
  if (missing) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
  if (searches.empty()) return OpenScans(std::move(scans), input, scope, ctx_.CountOpen(&p));
  // Each search once per row of the one before it; the searches' order is
  // the order of the results.
  ASSIGN_OR_RETURN(Source matches, OpenSearch(searches.front(), input));
  for (std::size_t i = 1; i < searches.size(); ++i) {
    matches = std::make_unique<NestedJoin>(std::move(matches), [this, call = searches[i]](const Row& row) {
      return OpenSearch(call, row);
    });
  }
  if (scans.empty()) return matches;
  // The rest of the pattern once per match, which keeps the matches' order.
  return Source(std::make_unique<NestedJoin>(
      std::move(matches), [this, scans = std::move(scans), scope, key = &p](const Row& row) {
        return OpenScans(scans, row, scope, ctx_.CountOpen(key));
      }));
}

absl::StatusOr<Source> Evaluator::OpenScans(std::vector<Scan> scans, const Row& input,
                                            const GraphScope& scope, std::uint64_t opened_before) {
  ASSIGN_OR_RETURN(const storage::StoreStats* stats, ctx_.Stats());
  std::vector<bool> bound(ctx_.width());
  for (std::size_t i = 0; i < input.size(); ++i) bound[i] = input[i] != kNoTerm;
  const BgpPlan plan = PlanScans(scans, bound, *stats);
  std::vector<Scan> ordered;
  for (std::size_t i : plan.order) ordered.push_back(std::move(scans[i]));
  MarkInMemoryScans(plan, *stats, bound, scope, &ordered);
  FollowEdgesFromTheInput(*stats, bound, scope, opened_before, &ordered);
  return Source(std::make_unique<BgpSource>(ctx_, std::move(ordered), input, scope));
}

// The first scan of a pattern opened once per row of an outer loop (the
// right side of OPTIONAL or a join), with a constant predicate, the end the
// input binds and the other end free, follows the predicate's edges in
// memory when they are there already (another query or an earlier level
// read them), or once the seeks it made cost what reading every edge of the
// predicate costs (a seek, about 2.5 µs warm, reads some 32 edges in a row):
// from then on it can lose at most that much again, and the edges serve the
// next queries too.
constexpr double kSeekInEdgesRead = 32;

void Evaluator::FollowEdgesFromTheInput(const storage::StoreStats& stats, const std::vector<bool>& bound,
                                        const GraphScope& scope, std::uint64_t opened_before,
                                        std::vector<Scan>* ordered) {
  if (ordered->empty() || scope.kind == GraphScope::Kind::kGraphs) return;
  Scan& scan = ordered->front();
  bool forward = true;
  if (!CanFollowEdges(scan, bound, &forward)) return;
  if (ctx_.BuiltAdjacency(scan.p.id, forward, scope) == nullptr) {
    const auto it = stats.predicates.find(scan.p.id);
    if (it == stats.predicates.end() || it->second.quads > AdjacencyCache::kMostEdges ||
        static_cast<double>(opened_before) * kSeekInEdgesRead <= static_cast<double>(it->second.quads)) {
      return;
    }
  }
  scan.forward = forward;
  scan.adjacency = true;
}

absl::StatusOr<Source> Evaluator::Open(const Pattern& p, const Row& input, const GraphScope& scope) {
  ASSIGN_OR_RETURN(Source source, OpenOperator(p, input, scope));
  if (!ctx_.profiling) return source;
  return Source(std::make_unique<ProfileSource>(std::move(source), &ctx_.profile[&p]));
}

absl::StatusOr<Source> Evaluator::OpenOperator(const Pattern& p, const Row& input, const GraphScope& scope) {
  switch (p.kind) {
    case Pattern::Kind::kBgp:
      return OpenBgp(p, input, scope);

    case Pattern::Kind::kPath: {
      bool missing = false;
      ASSIGN_OR_RETURN(const ScanTerm s, Resolve(p.subject, &missing));
      ASSIGN_OR_RETURN(const ScanTerm o, Resolve(p.object, &missing));
      const auto value = [&](const ScanTerm& t) {
        return t.kind == ScanTerm::Kind::kVariable ? input[static_cast<std::size_t>(t.var)] : t.id;
      };
      std::vector<Row> rows;
      TermId from = value(s), to = value(o);
      // A constant unknown to the store still reaches itself by a zero-length path.
      if (missing) {
        if (p.subject.kind == PatternTerm::Kind::kConstant && from == kNoTerm) {
          ASSIGN_OR_RETURN(from, ctx_.Intern(p.subject.constant));
        }
        if (p.object.kind == PatternTerm::Kind::kConstant && to == kNoTerm) {
          ASSIGN_OR_RETURN(to, ctx_.Intern(p.object.constant));
        }
      }
      const auto emit = [&](TermId x, TermId y) -> absl::Status {
        Row row = input;
        if (s.kind == ScanTerm::Kind::kVariable) {
          TermId& slot = row[static_cast<std::size_t>(s.var)];
          if (slot != kNoTerm && slot != x) return absl::OkStatus();
          slot = x;
        }
        if (o.kind == ScanTerm::Kind::kVariable) {
          TermId& slot = row[static_cast<std::size_t>(o.var)];
          if (slot != kNoTerm && slot != y) return absl::OkStatus();
          slot = y;
        }
        rows.push_back(std::move(row));
        if ((rows.size() & 1023) == 0) return ctx_.Hold(1024);
        return absl::OkStatus();
      };
      // A variable's value reaches itself by a zero-length path only when
      // it is a node of the graph (spec: evaluation is bottom-up, where the
      // path knows only the graph's nodes).
      for (const auto& [t, id] : {std::pair{&s, from}, std::pair{&o, to}}) {
        if (t->kind != ScanTerm::Kind::kVariable || id == kNoTerm) continue;
        ASSIGN_OR_RETURN(const bool in_graph, InGraph(id, scope));
        if (!in_graph) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
      }
      std::vector<TermId> reached;
      const bool closure = p.path.kind == PropertyPath::Kind::kZeroOrMore ||
                           p.path.kind == PropertyPath::Kind::kOneOrMore;
      if (from != kNoTerm && to != kNoTerm && closure) {
        // Both ends known: search until the target turns up, no further.
        ASSIGN_OR_RETURN(reached, Closure(p.path.parts[0], from, true,
                                          p.path.kind == PropertyPath::Kind::kZeroOrMore, scope, to));
        if (std::find(reached.begin(), reached.end(), to) != reached.end()) RETURN_IF_ERROR(emit(from, to));
      } else if (from != kNoTerm) {
        RETURN_IF_ERROR(Step(p.path, from, true, scope, &reached));
        for (TermId y : reached) {
          if (to == kNoTerm || y == to) RETURN_IF_ERROR(emit(from, y));
        }
      } else if (to != kNoTerm) {
        RETURN_IF_ERROR(Step(p.path, to, false, scope, &reached));
        for (TermId x : reached) RETURN_IF_ERROR(emit(x, to));
      } else {
        ASSIGN_OR_RETURN(const std::vector<TermId> nodes, AllNodes(scope));
        for (TermId x : nodes) {
          reached.clear();
          RETURN_IF_ERROR(Step(p.path, x, true, scope, &reached));
          for (TermId y : reached) RETURN_IF_ERROR(emit(x, y));
        }
      }
      return Source(std::make_unique<VectorSource>(std::move(rows)));
    }

    case Pattern::Kind::kJoin: {
      const Pattern* right = &p.children[1];
      ASSIGN_OR_RETURN(Source left, Open(p.children[0], input, scope));
      if (Bindable(*right)) {
        return Source(std::make_unique<NestedJoin>(
            std::move(left), [this, right, scope](const Row& row) { return Open(*right, row, scope); }));
      }
      ASSIGN_OR_RETURN(Source r, Open(*right, input, scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
      return Source(std::make_unique<HashJoin>(ctx_, std::move(left), std::move(rows)));
    }

    case Pattern::Kind::kLeftJoin: {
      const Pattern* right = &p.children[1];
      ASSIGN_OR_RETURN(Source left, Open(p.children[0], input, scope));
      LeftJoin::Matches matches;
      if (Bindable(*right)) {
        matches = [this, right, scope](const Row& row) -> absl::StatusOr<std::vector<Row>> {
          ASSIGN_OR_RETURN(Source r, Open(*right, row, scope));
          return Drain(*r, ctx_);
        };
      } else {
        ASSIGN_OR_RETURN(Source r, Open(*right, input, scope));
        ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
        auto shared = std::make_shared<std::vector<Row>>(std::move(rows));
        matches = [shared](const Row& row) -> absl::StatusOr<std::vector<Row>> {
          std::vector<Row> out;
          for (const Row& candidate : *shared) {
            if (!Compatible(row, candidate)) continue;
            Row merged = row;
            Merge(candidate, &merged);
            out.push_back(std::move(merged));
          }
          return out;
        };
      }
      return Source(std::make_unique<LeftJoin>(*this, std::move(left), std::move(matches), &p.exprs, scope));
    }

    case Pattern::Kind::kUnion: {
      std::vector<ConcatSource::Opener> parts;
      for (const Pattern& child : p.children) {
        parts.push_back([this, &child, input, scope] { return Open(child, input, scope); });
      }
      return Source(std::make_unique<ConcatSource>(std::move(parts)));
    }

    case Pattern::Kind::kMinus: {
      ASSIGN_OR_RETURN(Source left, Open(p.children[0], input, scope));
      ASSIGN_OR_RETURN(Source r, Open(p.children[1], Row(ctx_.width()), scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
      return Source(std::make_unique<MinusSource>(std::move(left), std::move(rows)));
    }

    case Pattern::Kind::kFilter: {
      ASSIGN_OR_RETURN(Source in, Open(p.children[0], input, scope));
      return Source(std::make_unique<FilterSource>(*this, std::move(in), &p.exprs, scope));
    }

    case Pattern::Kind::kExtend: {
      ASSIGN_OR_RETURN(Source in, Open(p.children[0], input, scope));
      return Source(std::make_unique<ExtendSource>(*this, std::move(in),
                                                   std::vector<ExtendSource::Binding>{{p.var, &p.exprs[0]}},
                                                   scope));
    }

    case Pattern::Kind::kGraph: {
      const Pattern* child = &p.children[0];
      if (!p.graph.IsVariable() || input[static_cast<std::size_t>(p.graph.var)] != kNoTerm) {
        ASSIGN_OR_RETURN(const auto graph, ResolveGraph(p.graph, input));
        ASSIGN_OR_RETURN(const std::vector<TermId> named, ctx_.NamedGraphs());
        if (!graph || std::find(named.begin(), named.end(), *graph) == named.end()) {
          return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
        }
        GraphScope inner{GraphScope::Kind::kGraph, *graph, {}};
        return Open(*child, input, inner);
      }
      ASSIGN_OR_RETURN(const std::vector<TermId> named, ctx_.NamedGraphs());
      std::vector<ConcatSource::Opener> parts;
      const auto var = static_cast<std::size_t>(p.graph.var);
      for (TermId g : named) {
        // The inner pattern does not see ?g (spec: it is bound after).
        parts.push_back([this, child, input, g, var]() -> absl::StatusOr<Source> {
          ASSIGN_OR_RETURN(Source inner, Open(*child, input, GraphScope{GraphScope::Kind::kGraph, g, {}}));
          return Source(std::make_unique<BindSource>(std::move(inner), var, g));
        });
      }
      return Source(std::make_unique<ConcatSource>(std::move(parts)));
    }

    case Pattern::Kind::kValues: {
      std::vector<Row> rows;
      for (const auto& values : p.values.rows) {
        Row row = input;
        bool ok = true;
        for (std::size_t i = 0; i < values.size() && ok; ++i) {
          if (!values[i]) continue;
          ASSIGN_OR_RETURN(const TermId id, ctx_.Intern(*values[i]));
          TermId& slot = row[static_cast<std::size_t>(p.values.vars[i])];
          ok = slot == kNoTerm || slot == id;
          slot = id;
        }
        if (ok) rows.push_back(std::move(row));
      }
      return Source(std::make_unique<VectorSource>(std::move(rows)));
    }

    case Pattern::Kind::kSubquery: {
      ASSIGN_OR_RETURN(Source sub, OpenQuery(*p.subquery, Row(ctx_.width()), scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*sub, ctx_));
      std::vector<Row> compatible;
      for (Row& r : rows) {
        if (!Compatible(input, r)) continue;
        Merge(input, &r);
        compatible.push_back(std::move(r));
      }
      return Source(std::make_unique<VectorSource>(std::move(compatible)));
    }

    case Pattern::Kind::kService:
      return absl::UnimplementedError("SERVICE (federated queries) is not supported");
  }
  return absl::InternalError("unknown pattern");
}

// ---- property paths ----

absl::Status Evaluator::Step(const PropertyPath& path, TermId node, bool forward, const GraphScope& scope,
                             std::vector<TermId>* out) {
  RETURN_IF_ERROR(ctx_.Check());
  switch (path.kind) {
    case PropertyPath::Kind::kLink:
    case PropertyPath::Kind::kNegated: {
      std::optional<TermId> predicate;
      if (path.kind == PropertyPath::Kind::kLink) {
        ASSIGN_OR_RETURN(predicate, ctx_.Lookup(path.iri));
        if (!predicate) return absl::OkStatus();
      }
      const auto scan = [&](bool fwd, const std::vector<TermId>* excluded) -> absl::Status {
        QuadStore::Pattern pattern;
        (fwd ? pattern.ids.s : pattern.ids.o) = node;
        if (predicate) pattern.ids.p = *predicate;
        const bool distinct = scope.kind == GraphScope::Kind::kUnion;
        // Without FROM there is one graph (or the union) to scan: no copies.
        const TermId one_graph = scope.kind == GraphScope::Kind::kGraph ? scope.graph : kNoTerm;
        const std::span<const TermId> graphs = scope.kind == GraphScope::Kind::kGraphs
                                                   ? std::span<const TermId>(scope.graphs)
                                                   : std::span<const TermId>(&one_graph, 1);
        std::set<std::pair<TermId, TermId>> seen;
        for (TermId g : graphs) {
          pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
          pattern.ids.g = g;
          if (step_cursor_ == nullptr) {
            step_cursor_ = ctx_.store().OpenCursor(pattern, distinct, ctx_.snapshot());
          } else {
            ctx_.store().Reseek(*step_cursor_, pattern, distinct);
          }
          for (QuadStore::Cursor* c = step_cursor_.get(); c->Valid(); c->Next()) {
            const QuadIds& q = c->quad();
            if (excluded != nullptr && std::find(excluded->begin(), excluded->end(), q.p) != excluded->end()) {
              continue;
            }
            if (scope.kind == GraphScope::Kind::kGraphs && graphs.size() > 1 && !seen.insert({q.p, fwd ? q.o : q.s}).second) {
              continue;
            }
            out->push_back(fwd ? q.o : q.s);
            RETURN_IF_ERROR(ctx_.Check());
          }
        }
        return absl::OkStatus();
      };
      if (path.kind == PropertyPath::Kind::kLink) return scan(forward, nullptr);
      // !(a|^b): forward triples whose predicate is not a, then backward
      // ones whose predicate is not b.
      const auto ids = [&](const std::vector<Term>& iris) -> absl::StatusOr<std::vector<TermId>> {
        std::vector<TermId> v;
        for (const Term& t : iris) {
          ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(t));
          if (id) v.push_back(*id);
        }
        return v;
      };
      ASSIGN_OR_RETURN(const auto fwd_excluded, ids(path.negated_forward));
      ASSIGN_OR_RETURN(const auto inv_excluded, ids(path.negated_inverse));
      const bool has_forward = !path.negated_forward.empty() || path.negated_inverse.empty();
      if (has_forward) RETURN_IF_ERROR(scan(forward, &fwd_excluded));
      if (!path.negated_inverse.empty()) RETURN_IF_ERROR(scan(!forward, &inv_excluded));
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kInverse:
      return Step(path.parts[0], node, !forward, scope, out);
    case PropertyPath::Kind::kSequence: {
      std::vector<TermId> frontier{node};
      const auto n = path.parts.size();
      for (std::size_t i = 0; i < n; ++i) {
        const PropertyPath& part = path.parts[forward ? i : n - 1 - i];
        std::vector<TermId> next;
        for (TermId x : frontier) RETURN_IF_ERROR(Step(part, x, forward, scope, &next));
        frontier = std::move(next);
      }
      out->insert(out->end(), frontier.begin(), frontier.end());
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kAlternative:
      for (const auto& part : path.parts) RETURN_IF_ERROR(Step(part, node, forward, scope, out));
      return absl::OkStatus();
    case PropertyPath::Kind::kZeroOrOne: {
      std::vector<TermId> one;
      RETURN_IF_ERROR(Step(path.parts[0], node, forward, scope, &one));
      out->push_back(node);
      absl::flat_hash_set<TermId> seen{node};
      for (TermId y : one) {
        if (seen.insert(y).second) out->push_back(y);
      }
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kZeroOrMore:
    case PropertyPath::Kind::kOneOrMore: {
      ASSIGN_OR_RETURN(const auto reached,
                       Closure(path.parts[0], node, forward,
                               path.kind == PropertyPath::Kind::kZeroOrMore, scope));
      out->insert(out->end(), reached.begin(), reached.end());
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

// Breadth-first search, one level at a time; each node once (spec: * and +
// give distinct nodes). Each level's nodes are expanded in id order, so that
// consecutive index seeks land in the same blocks.
absl::StatusOr<std::vector<TermId>> Evaluator::Closure(const PropertyPath& path, TermId start, bool forward,
                                                        bool include_start, const GraphScope& scope,
                                                        TermId target) {
  std::vector<TermId> result;
  absl::flat_hash_set<TermId> visited;
  if (include_start) {
    visited.insert(start);
    result.push_back(start);
    if (start == target) return result;
  }
  std::vector<TermId> frontier{start}, next, reached;
  std::size_t held = 0, expanded = 0;
  // After this many nodes a single predicate's edges are read into memory
  // (when it has not too many): big searches then cost one index scan.
  constexpr std::size_t kExpandedBeforeAdjacency = 2048;
  constexpr std::uint64_t kMostAdjacencyEdges = 8'000'000;
  const Adjacency* adjacency = nullptr;
  bool adjacency_tried = false;
  while (!frontier.empty()) {
    std::sort(frontier.begin(), frontier.end());
    next.clear();
    for (TermId x : frontier) {
      reached.clear();
      if (!adjacency_tried && ++expanded > kExpandedBeforeAdjacency) {
        adjacency_tried = true;
        if (path.kind == PropertyPath::Kind::kLink) {
          ASSIGN_OR_RETURN(adjacency, PredicateEdges(path.iri, forward, scope, kMostAdjacencyEdges));
        }
      }
      std::span<const TermId> targets;
      if (adjacency != nullptr) {
        targets = adjacency->From(x);
      } else {
        RETURN_IF_ERROR(Step(path, x, forward, scope, &reached));
        targets = reached;
      }
      for (TermId y : targets) {
        if (!visited.insert(y).second) continue;
        result.push_back(y);
        if (y == target) return result;
        next.push_back(y);
      }
    }
    frontier.swap(next);
    if (result.size() - held >= 1024) {
      RETURN_IF_ERROR(ctx_.Hold((result.size() - held) / std::max<std::size_t>(ctx_.width(), 1) + 1));
      held = result.size();
    }
  }
  return result;
}

absl::StatusOr<const Adjacency*> Evaluator::PredicateEdges(const Term& predicate, bool forward,
                                                           const GraphScope& scope, std::uint64_t most_edges) {
  if (scope.kind == GraphScope::Kind::kGraphs) return static_cast<const Adjacency*>(nullptr);
  ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(predicate));
  if (!id) return static_cast<const Adjacency*>(nullptr);
  ASSIGN_OR_RETURN(const storage::StoreStats* stats, ctx_.Stats());
  const auto it = stats->predicates.find(*id);
  if (it == stats->predicates.end() || it->second.quads > most_edges) {
    return static_cast<const Adjacency*>(nullptr);
  }
  return ctx_.AdjacencyOf(*id, forward, scope);
}

absl::StatusOr<bool> Evaluator::InGraph(TermId node, const GraphScope& scope) {
  std::vector<TermId> graphs{kNoTerm};
  if (scope.kind == GraphScope::Kind::kGraph) graphs = {scope.graph};
  if (scope.kind == GraphScope::Kind::kGraphs) graphs = scope.graphs;
  for (TermId g : graphs) {
    for (const bool as_subject : {true, false}) {
      QuadStore::Pattern pattern;
      (as_subject ? pattern.ids.s : pattern.ids.o) = node;
      pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
      pattern.ids.g = g;
      auto c = ctx_.store().OpenCursor(pattern, false, ctx_.snapshot());
      if (c->Valid()) return true;
      RETURN_IF_ERROR(c->status());
    }
  }
  return false;
}

absl::StatusOr<std::vector<TermId>> Evaluator::AllNodes(const GraphScope& scope) {
  absl::flat_hash_set<TermId> seen;
  std::vector<TermId> nodes;
  std::vector<TermId> graphs{kNoTerm};
  if (scope.kind == GraphScope::Kind::kGraph) graphs = {scope.graph};
  if (scope.kind == GraphScope::Kind::kGraphs) graphs = scope.graphs;
  for (TermId g : graphs) {
    QuadStore::Pattern pattern;
    pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
    pattern.ids.g = g;
    for (auto c = ctx_.store().OpenCursor(pattern, false, ctx_.snapshot()); c->Valid(); c->Next()) {
      for (TermId id : {c->quad().s, c->quad().o}) {
        if (seen.insert(id).second) nodes.push_back(id);
      }
      RETURN_IF_ERROR(ctx_.Check());
    }
  }
  return nodes;
}

// ---- expressions ----

absl::StatusOr<std::optional<Term>> Evaluator::Eval(const Expr& e, const Row& row, ExprEnv& env) {
  using K = Expr::Kind;
  const auto eval = [&](const Expr& x) { return Eval(x, row, env); };
  switch (e.kind) {
    case K::kConstant:
      return std::optional<Term>(e.constant);
    case K::kVariable: {
      const TermId id = row[static_cast<std::size_t>(e.var)];
      if (id == kNoTerm) return std::optional<Term>();
      ASSIGN_OR_RETURN(Term t, ctx_.Resolve(id));
      return std::optional<Term>(std::move(t));
    }
    case K::kAggregate:  // ResolveAggregates replaced these with their result variables
      return absl::InternalError("aggregate outside a group");
    case K::kOr:
    case K::kAnd: {
      // Errors give way to a deciding operand (spec 17.2).
      ASSIGN_OR_RETURN(const auto a, EvalBool(e.args[0], row, env));
      const bool decide = e.kind == K::kOr;
      if (a && *a == decide) return std::optional<Term>(Boolean(decide));
      ASSIGN_OR_RETURN(const auto b, EvalBool(e.args[1], row, env));
      if (b && *b == decide) return std::optional<Term>(Boolean(decide));
      if (!a || !b) return std::optional<Term>();
      return std::optional<Term>(Boolean(!decide));
    }
    case K::kNot: {
      ASSIGN_OR_RETURN(const auto a, EvalBool(e.args[0], row, env));
      if (!a) return std::optional<Term>();
      return std::optional<Term>(Boolean(!*a));
    }
    case K::kEqual:
    case K::kNotEqual: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      ASSIGN_OR_RETURN(const auto b, eval(e.args[1]));
      if (!a || !b) return std::optional<Term>();
      const auto eq = ValueEqual(*a, *b);
      if (!eq) return std::optional<Term>();
      return std::optional<Term>(Boolean(*eq == (e.kind == K::kEqual)));
    }
    case K::kLess:
    case K::kGreater:
    case K::kLessEqual:
    case K::kGreaterEqual: {
      // Integers and doubles stored inline compare by id, without decoding.
      if (const auto c = CompareInline(e.args[0], e.args[1], row)) {
        const bool r = e.kind == K::kLess      ? *c < 0
                       : e.kind == K::kGreater ? *c > 0
                       : e.kind == K::kLessEqual ? *c <= 0
                                                 : *c >= 0;
        return std::optional<Term>(Boolean(r));
      }
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      ASSIGN_OR_RETURN(const auto b, eval(e.args[1]));
      if (!a || !b) return std::optional<Term>();
      const auto c = ValueCompare(*a, *b);
      if (!c) return std::optional<Term>();
      const bool r = e.kind == K::kLess      ? *c < 0
                     : e.kind == K::kGreater ? *c > 0
                     : e.kind == K::kLessEqual ? *c <= 0
                                               : *c >= 0;
      return std::optional<Term>(Boolean(r));
    }
    case K::kIn:
    case K::kNotIn: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      if (!a) return std::optional<Term>();
      bool error = false;
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        ASSIGN_OR_RETURN(const auto b, eval(e.args[i]));
        const auto eq = b ? ValueEqual(*a, *b) : std::nullopt;
        if (eq && *eq) return std::optional<Term>(Boolean(e.kind == K::kIn));
        if (!eq) error = true;
      }
      if (error) return std::optional<Term>();
      return std::optional<Term>(Boolean(e.kind == K::kNotIn));
    }
    case K::kAdd:
    case K::kSubtract:
    case K::kMultiply:
    case K::kDivide: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      ASSIGN_OR_RETURN(const auto b, eval(e.args[1]));
      if (!a || !b) return std::optional<Term>();
      const char op = e.kind == K::kAdd ? '+' : e.kind == K::kSubtract ? '-' : e.kind == K::kMultiply ? '*' : '/';
      return Arithmetic(op, *a, *b);
    }
    case K::kNegate:
    case K::kPlus: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      if (!a) return std::optional<Term>();
      return e.kind == K::kNegate ? UnaryMinus(*a) : UnaryPlus(*a);
    }
    case K::kExists:
    case K::kNotExists: {
      ASSIGN_OR_RETURN(Source s, Open(*e.pattern, row, env.scope));
      Row out;
      ASSIGN_OR_RETURN(const bool any, s->Next(&out));
      return std::optional<Term>(Boolean(any == (e.kind == K::kExists)));
    }
    case K::kTriple: {
      std::vector<Term> parts;
      for (const auto& a : e.args) {
        ASSIGN_OR_RETURN(auto v, eval(a));
        if (!v) return std::optional<Term>();
        parts.push_back(std::move(*v));
      }
      bool known = false;
      absl::Status unused;
      return CallBuiltIn("TRIPLE", parts, &known, &unused);
    }
    case K::kBuiltIn:
    case K::kFunction:
      return EvalCall(e, row, env);
  }
  return std::optional<Term>();
}

TermId Evaluator::InlineOf(const Expr& e, const Row& row) {
  if (e.kind == Expr::Kind::kVariable) return row[static_cast<std::size_t>(e.var)];
  if (e.kind != Expr::Kind::kConstant) return kNoTerm;
  const auto [it, inserted] = constant_ids_.try_emplace(&e, kNoTerm);
  if (inserted) it->second = storage::InlineId(e.constant).value_or(kNoTerm);
  return it->second;
}

std::optional<bool> Evaluator::StringTest(const Expr& e, const Row& row) {
  if (e.kind != Expr::Kind::kBuiltIn || e.args.size() != 2 || e.args[0].kind != Expr::Kind::kVariable ||
      e.args[1].kind != Expr::Kind::kConstant) {
    return std::nullopt;
  }
  const bool starts = e.name == "STRSTARTS", ends = e.name == "STRENDS", contains = e.name == "CONTAINS";
  if (!starts && !ends && !contains) return std::nullopt;
  const Term& needle = e.args[1].constant;
  if (!needle.IsLiteral() || needle.datatype != kXsdString) return std::nullopt;
  const Term* hay = ctx_.Peek(row[static_cast<std::size_t>(e.args[0].var)]);
  // Not a string (or a tagged string with a plain needle is fine; other
  // literals are errors): the general path decides.
  if (hay == nullptr || !hay->IsLiteral() || (hay->datatype != kXsdString && hay->language.empty())) {
    return std::nullopt;
  }
  const std::string_view h = hay->value, n = needle.value;
  return starts ? h.starts_with(n) : ends ? h.ends_with(n) : h.find(n) != std::string_view::npos;
}

std::optional<int> Evaluator::CompareInline(const Expr& a, const Expr& b, const Row& row) {
  const TermId x = InlineOf(a, row), y = InlineOf(b, row);
  const TermTag tag = storage::TagOf(x);
  if (x == kNoTerm || y == kNoTerm || tag != storage::TagOf(y) ||
      (tag != TermTag::kInteger && tag != TermTag::kDouble)) {
    return std::nullopt;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

absl::StatusOr<std::optional<Term>> Evaluator::EvalCall(const Expr& e, const Row& row, ExprEnv& env) {
  const std::string& name = e.name;
  if (e.kind == Expr::Kind::kBuiltIn) {
    // The functions that look at more than their arguments' values.
    if (name == "BOUND") {
      return std::optional<Term>(Boolean(row[static_cast<std::size_t>(e.args[0].var)] != kNoTerm));
    }
    if (name == "IF") {
      ASSIGN_OR_RETURN(const auto c, EvalBool(e.args[0], row, env));
      if (!c) return std::optional<Term>();
      return Eval(e.args[*c ? 1 : 2], row, env);
    }
    if (name == "COALESCE") {
      for (const auto& a : e.args) {
        ASSIGN_OR_RETURN(auto v, Eval(a, row, env));
        if (v) return v;
      }
      return std::optional<Term>();
    }
    if (name == "RAND") {
      return std::optional<Term>(Term::Literal(
          FormatDouble(std::uniform_real_distribution<double>(0, 1)(ctx_.random())), XsdIri("double")));
    }
    if (name == "NOW") {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch()).count();
      const std::time_t secs = static_cast<std::time_t>(ms / 1000);
      std::tm tm{};
      gmtime_r(&secs, &tm);
      return std::optional<Term>(Term::Literal(
          absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000)),
          XsdIri("dateTime")));
    }
    if (name == "UUID" || name == "STRUUID") {
      std::uniform_int_distribution<std::uint64_t> d;
      std::uint64_t hi = d(ctx_.random()), lo = d(ctx_.random());
      hi = (hi & ~0xF000ULL) | 0x4000ULL;                           // version 4
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 1
      const std::string uuid =
          absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                          lo & 0xFFFFFFFFFFFFULL);
      return std::optional<Term>(name == "UUID" ? Term::Iri("urn:uuid:" + uuid) : Term::Literal(uuid));
    }
    if (name == "BNODE") {
      if (e.args.empty()) return std::optional<Term>(Term::Blank(ctx_.fresh_blank()));
      ASSIGN_OR_RETURN(const auto v, Eval(e.args[0], row, env));
      if (!v || !v->IsLiteral() || v->datatype != kXsdString || !v->language.empty()) return std::optional<Term>();
      if (env.row_blanks == nullptr) return std::optional<Term>(Term::Blank(ctx_.fresh_blank()));
      auto [it, inserted] = env.row_blanks->try_emplace(v->value);
      if (inserted) it->second = ctx_.fresh_blank();
      return std::optional<Term>(Term::Blank(it->second));
    }
    if (name == "IRI" || name == "URI") {
      ASSIGN_OR_RETURN(const auto v, Eval(e.args[0], row, env));
      if (!v) return std::optional<Term>();
      if (v->IsIri()) return v;
      if (!v->IsLiteral() || v->datatype != kXsdString || !v->language.empty()) return std::optional<Term>();
      return std::optional<Term>(Term::Iri(query::ResolveIri(ctx_.query().base_iri, v->value)));
    }
  }
  std::vector<Term> args;
  for (const auto& a : e.args) {
    ASSIGN_OR_RETURN(auto v, Eval(a, row, env));
    if (!v) return std::optional<Term>();
    args.push_back(std::move(*v));
  }
  bool known = false;
  absl::Status failure;
  auto result = e.kind == Expr::Kind::kBuiltIn ? CallBuiltIn(name, args, &known, &failure)
                                               : CallFunction(name, args, &known);
  RETURN_IF_ERROR(failure);
  if (!known) {
    if (e.kind == Expr::Kind::kFunction) return std::optional<Term>();  // unknown functions are errors
    return absl::UnimplementedError(absl::StrCat("function ", name, " is not supported"));
  }
  return result;
}

// ---- solution modifiers ----

// Groups rows and computes the query's aggregates, one row per group.
absl::StatusOr<std::vector<Row>> Group(Evaluator& ev, const Query& q, std::vector<Row> rows,
                                       const GraphScope& scope) {
  Context& ctx = ev.ctx();
  struct GroupRows {
    Row key;
    std::vector<std::size_t> members;
  };
  std::vector<GroupRows> groups;
  absl::flat_hash_map<Row, std::size_t, RowHash> index;
  ExprEnv env{scope};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row key;
    for (const auto& [expr, var] : q.group_by) {
      if (expr.kind == Expr::Kind::kVariable) {  // the id is the key: no decoding
        key.push_back(rows[i][static_cast<std::size_t>(expr.var)]);
        continue;
      }
      ASSIGN_OR_RETURN(const auto v, ev.Eval(expr, rows[i], env));
      TermId id = kNoTerm;
      if (v) {
        ASSIGN_OR_RETURN(id, ctx.Intern(*v));
      }
      key.push_back(id);
    }
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) groups.push_back({key, {}});
    groups[it->second].members.push_back(i);
    RETURN_IF_ERROR(ctx.Check());
  }
  if (groups.empty() && q.group_by.empty()) groups.push_back({{}, {}});  // aggregates over nothing

  std::vector<Row> out;
  for (const GroupRows& group : groups) {
    Row row(ctx.width());
    for (std::size_t k = 0; k < q.group_by.size(); ++k) {
      row[static_cast<std::size_t>(q.group_by[k].second)] = group.key[k];
    }
    for (const query::Aggregate& a : q.aggregates) {
      std::vector<Term> values;
      bool error = false;
      std::set<std::string> distinct;
      std::size_t count = 0;
      // COUNT of a variable counts ids: equal terms have equal ids.
      if (a.kind == query::Aggregate::Kind::kCount && a.arg && a.arg->kind == Expr::Kind::kVariable) {
        absl::flat_hash_set<TermId> seen;
        std::int64_t n = 0;
        for (std::size_t m : group.members) {
          const TermId id = rows[m][static_cast<std::size_t>(a.arg->var)];
          if (id == kNoTerm || (a.distinct && !seen.insert(id).second)) continue;
          ++n;
        }
        ASSIGN_OR_RETURN(row[static_cast<std::size_t>(a.result)], ctx.Intern(Integer(n)));
        continue;
      }
      for (std::size_t m : group.members) {
        if (!a.arg) {  // COUNT(*)
          if (a.distinct) {
            std::string key;
            for (TermId id : rows[m]) absl::StrAppend(&key, id, ",");
            if (!distinct.insert(key).second) continue;
          }
          ++count;
          continue;
        }
        ASSIGN_OR_RETURN(auto v, ev.Eval(*a.arg, rows[m], env));
        if (!v) {
          error = true;
          continue;
        }
        if (a.distinct && !distinct.insert(v->ToNTriples()).second) continue;
        values.push_back(std::move(*v));
      }
      std::optional<Term> result;
      using AK = query::Aggregate::Kind;
      switch (a.kind) {
        case AK::kCount:
          result = Integer(static_cast<std::int64_t>(a.arg ? values.size() : count));
          break;
        case AK::kSum:
        case AK::kAvg: {
          if (error) break;
          Term sum = Integer(0);
          bool ok = true;
          for (const Term& v : values) {
            auto s = Arithmetic('+', sum, v);
            if (!s) {
              ok = false;
              break;
            }
            sum = std::move(*s);
          }
          if (!ok) break;
          if (a.kind == AK::kSum) {
            result = sum;
          } else {
            result = values.empty() ? Integer(0)
                                    : Arithmetic('/', sum, Integer(static_cast<std::int64_t>(values.size())));
          }
          break;
        }
        case AK::kMin:
        case AK::kMax: {
          if (error && values.empty()) break;
          for (const Term& v : values) {
            if (!result) {
              result = v;
              continue;
            }
            const int c = OrderCompare(v, result);
            if ((a.kind == AK::kMin && c < 0) || (a.kind == AK::kMax && c > 0)) result = v;
          }
          break;
        }
        case AK::kSample:
          if (!values.empty()) result = values.front();
          break;
        case AK::kGroupConcat: {
          if (error) break;
          std::string joined;
          bool ok = true;
          for (std::size_t i = 0; i < values.size(); ++i) {
            const Term& v = values[i];
            if (!v.IsLiteral() || (v.datatype != kXsdString && v.language.empty())) {
              ok = false;
              break;
            }
            if (i > 0) joined += a.separator;
            joined += v.value;
          }
          if (!ok) break;
          result = Term::Literal(joined);  // a simple literal, whatever the inputs' tags
          break;
        }
      }
      if (result) {
        ASSIGN_OR_RETURN(row[static_cast<std::size_t>(a.result)], ctx.Intern(*result));
      }
    }
    out.push_back(std::move(row));
    RETURN_IF_ERROR(ctx.Hold(1));
  }
  return out;
}

// GROUP BY variables with only COUNT(*), COUNT(?x), COUNT(DISTINCT ?x):
// counted as rows stream by, on ids, without keeping the rows.
bool CountsOnly(const Query& q) {
  for (const auto& [expr, var] : q.group_by) {
    if (expr.kind != Expr::Kind::kVariable) return false;
  }
  for (const auto& a : q.aggregates) {
    if (a.kind != query::Aggregate::Kind::kCount) return false;
    if (a.arg ? a.arg->kind != Expr::Kind::kVariable : a.distinct) return false;
  }
  return true;
}

absl::StatusOr<std::vector<Row>> GroupCounts(Context& ctx, const Query& q, RowSource& source) {
  struct Counts {
    Row key;
    std::vector<std::int64_t> counts;
    std::vector<absl::flat_hash_set<TermId>> distinct;
  };
  std::vector<Counts> groups;
  absl::flat_hash_map<Row, std::size_t, RowHash> index;
  Row row, key;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, source.Next(&row));
    if (!more) break;
    key.clear();
    for (const auto& [expr, var] : q.group_by) key.push_back(row[static_cast<std::size_t>(expr.var)]);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) {
      groups.push_back({key, std::vector<std::int64_t>(q.aggregates.size()),
                        std::vector<absl::flat_hash_set<TermId>>(q.aggregates.size())});
      RETURN_IF_ERROR(ctx.Hold(1));
    }
    Counts& g = groups[it->second];
    for (std::size_t k = 0; k < q.aggregates.size(); ++k) {
      const query::Aggregate& a = q.aggregates[k];
      if (!a.arg) {
        ++g.counts[k];
        continue;
      }
      const TermId id = row[static_cast<std::size_t>(a.arg->var)];
      if (id == kNoTerm || (a.distinct && !g.distinct[k].insert(id).second)) continue;
      ++g.counts[k];
    }
    RETURN_IF_ERROR(ctx.Check());
  }
  if (groups.empty() && q.group_by.empty()) groups.push_back({{}, std::vector<std::int64_t>(q.aggregates.size()), {}});
  std::vector<Row> out;
  for (const Counts& g : groups) {
    Row r(ctx.width());
    for (std::size_t k = 0; k < q.group_by.size(); ++k) r[static_cast<std::size_t>(q.group_by[k].second)] = g.key[k];
    for (std::size_t k = 0; k < q.aggregates.size(); ++k) {
      ASSIGN_OR_RETURN(r[static_cast<std::size_t>(q.aggregates[k].result)], ctx.Intern(Integer(g.counts[k])));
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Aggregate references become the variables their results are in.
Expr ResolveAggregates(const Expr& e, const Query& q) {
  if (e.kind == Expr::Kind::kAggregate) {
    Expr v(Expr::Kind::kVariable, e.position);
    v.var = q.aggregates[static_cast<std::size_t>(e.aggregate)].result;
    return v;
  }
  Expr copy = e;
  for (auto& a : copy.args) a = ResolveAggregates(a, q);
  return copy;
}

const Evaluator::ResolvedExprs& Evaluator::ResolvedFor(const Query& q) {
  const auto [it, inserted] = resolved_.try_emplace(&q);
  if (inserted) {
    for (const auto& h : q.having) it->second.having.push_back(ResolveAggregates(h, q));
    for (const auto& [var, expr] : q.select_expressions) it->second.select.push_back(ResolveAggregates(expr, q));
    for (const auto& k : q.order_by) it->second.order.push_back(ResolveAggregates(k.expr, q));
  }
  return it->second;
}

// Projection, DISTINCT/REDUCED, OFFSET and LIMIT, streaming.
class ModifierSource : public RowSource {
 public:
  ModifierSource(Context& ctx, Source input, const Query& q, Row input_row)
      : ctx_(ctx), input_(std::move(input)), query_(q), input_row_(std::move(input_row)) {
    // Only SELECT projects; the other forms read every variable.
    keep_.assign(ctx.width(), q.form != Query::Form::kSelect);
    for (VarId v : q.projection) keep_[static_cast<std::size_t>(v)] = true;
  }
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (query_.limit && emitted_ >= static_cast<std::uint64_t>(*query_.limit)) return false;
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      for (std::size_t i = 0; i < row->size(); ++i) {
        if (!keep_[i]) (*row)[i] = input_row_[i];
      }
      // REDUCED permits dropping duplicates, not requires it: rows stream on.
      if (query_.distinct) {
        if (!seen_.insert(*row).second) continue;
        if ((seen_.size() & 1023) == 0) RETURN_IF_ERROR(ctx_.Hold(1024));
      }
      if (skipped_ < static_cast<std::uint64_t>(query_.offset)) {
        ++skipped_;
        continue;
      }
      ++emitted_;
      return true;
    }
  }

 private:
  Context& ctx_;
  Source input_;
  const Query& query_;
  Row input_row_;
  std::vector<bool> keep_;
  absl::flat_hash_set<Row, RowHash> seen_;
  std::uint64_t skipped_ = 0, emitted_ = 0;
};

// ORDER BY variables whose values are all inline numbers of one
// order-preserving kind (integers, doubles), or dates or dateTimes all in one
// time zone (or none), sort by id without decoding; nullopt otherwise.
std::optional<std::vector<Row>> SortByIds(const Query& q, std::vector<Row>& rows) {
  for (const auto& key : q.order_by) {
    if (key.expr.kind != Expr::Kind::kVariable || rows.empty()) return std::nullopt;
    const auto v = static_cast<std::size_t>(key.expr.var);
    const TermId first = rows[0][v];
    const TermTag tag = storage::TagOf(first);
    const bool numbers = tag == TermTag::kInteger || tag == TermTag::kDouble;
    const bool dates = tag == TermTag::kDate || tag == TermTag::kDateTime;
    if (!numbers && !dates) return std::nullopt;
    for (const Row& r : rows) {
      const TermId id = r[v];
      if (storage::TagOf(id) != tag) return std::nullopt;
      if (dates && (id & 0xFF) != (first & 0xFF)) return std::nullopt;  // the zone is in the low byte
    }
  }
  const auto before = [&](const Row& a, const Row& b) {
    for (const auto& key : q.order_by) {
      const auto v = static_cast<std::size_t>(key.expr.var);
      if (a[v] == b[v]) continue;
      return (a[v] < b[v]) != key.descending;
    }
    return false;
  };
  const std::size_t wanted =
      q.limit && !q.distinct ? std::min<std::size_t>(rows.size(), static_cast<std::size_t>(q.offset + *q.limit))
                             : rows.size();
  if (wanted < rows.size()) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(wanted), rows.end(), before);
    rows.resize(wanted);
  } else {
    std::stable_sort(rows.begin(), rows.end(), before);
  }
  return std::move(rows);
}

// The pattern ?s <p> ?o when it is the whole WHERE of `q`: a constant IRI
// predicate between two different variables that `input` leaves unbound;
// nullptr otherwise. CountEdges and FirstInOrder answer such queries from
// the predicate's edges or index alone.
const query::TriplePattern* OneEdgePattern(const Query& q, const Row& input) {
  if (q.where.kind != Pattern::Kind::kBgp || q.where.triples.size() != 1) return nullptr;
  const query::TriplePattern& t = q.where.triples[0];
  if (!t.subject.IsVariable() || !t.object.IsVariable() || t.subject.var == t.object.var ||
      t.predicate.kind != PatternTerm::Kind::kConstant || !t.predicate.constant.IsIri()) {
    return nullptr;
  }
  for (const VarId v : {t.subject.var, t.object.var}) {
    if (static_cast<std::size_t>(v) < input.size() && input[static_cast<std::size_t>(v)] != kNoTerm) return nullptr;
  }
  return &t;
}

absl::StatusOr<std::optional<std::vector<Row>>> Evaluator::CountEdges(const Query& q, const Row& input,
                                                                       const GraphScope& scope) {
  const std::optional<std::vector<Row>> other_shape;
  // EXPLAIN ANALYZE shows the pattern's operators as they ran.
  const query::TriplePattern* pattern = OneEdgePattern(q, input);
  if (ctx_.profiling || pattern == nullptr || q.group_by.size() != 1) return other_shape;
  const query::TriplePattern& t = *pattern;
  const VarId key = q.group_by[0].first.var;
  if (key != t.subject.var && key != t.object.var) return other_shape;
  const VarId other = key == t.subject.var ? t.object.var : t.subject.var;
  // COUNT(*) and COUNT([DISTINCT] ?other): a node's edges are distinct.
  for (const auto& a : q.aggregates) {
    if (a.arg && a.arg->var != other) return other_shape;
  }
  ASSIGN_OR_RETURN(const Adjacency* edges,
                   PredicateEdges(t.predicate.constant, key == t.subject.var, scope, AdjacencyCache::kMostEdges));
  if (edges == nullptr) return other_shape;
  std::vector<Row> rows;
  absl::flat_hash_map<std::size_t, TermId> count_ids;  // each count made a term once
  absl::Status failed;
  edges->ForEachNode([&](TermId node, std::span<const TermId> targets) {
    if (!failed.ok()) return;
    Row row(ctx_.width());
    row[static_cast<std::size_t>(q.group_by[0].second)] = node;
    auto [count, inserted] = count_ids.try_emplace(targets.size(), kNoTerm);
    if (inserted) {
      auto id = ctx_.Intern(Integer(static_cast<std::int64_t>(targets.size())));
      if (!id.ok()) {
        failed = id.status();
        return;
      }
      count->second = *id;
    }
    for (const auto& a : q.aggregates) row[static_cast<std::size_t>(a.result)] = count->second;
    rows.push_back(std::move(row));
    failed = ctx_.Hold(1);
  });
  RETURN_IF_ERROR(failed);
  return rows;
}

bool IsDate(TermId id) { return storage::TagOf(id) == TermTag::kDate || storage::TagOf(id) == TermTag::kDateTime; }

// Ids order dates by local time; a zone (at most 14 hours either way, or
// none) can move a value past another only when their local times are
// within 28 hours, so an ordered read goes that far beyond the last row
// wanted.
constexpr std::int64_t kMostZoneShift = 28 * 3'600'000;

// Local time in milliseconds of an inline date (its day's start) or
// dateTime, whatever its zone; payloads order by it first.
std::int64_t LocalMillis(TermId id) {
  constexpr std::int64_t kMillisPerDay = 86'400'000;
  const auto local = static_cast<std::int64_t>((id & storage::kPayloadMask) >> 8);
  return storage::TagOf(id) == TermTag::kDate ? local * kMillisPerDay : local;
}

absl::StatusOr<std::unique_ptr<QuadStore::Cursor>> Evaluator::OrderedCursor(const Query& q, const Row& input,
                                                                              const GraphScope& scope) {
  std::unique_ptr<QuadStore::Cursor> other_shape;
  const query::TriplePattern* t = OneEdgePattern(q, input);
  if (t == nullptr || q.grouped || q.distinct || !q.limit || q.order_by.size() != 1 ||
      q.order_by[0].expr.kind != Expr::Kind::kVariable || q.order_by[0].expr.var != t->object.var ||
      !q.select_expressions.empty() || q.values || scope.kind == GraphScope::Kind::kGraphs) {
    return other_shape;
  }
  ASSIGN_OR_RETURN(const std::optional<TermId> predicate, ctx_.Lookup(t->predicate.constant));
  if (!predicate) return other_shape;
  QuadStore::Pattern pattern = PatternWithin(scope);
  pattern.ids.p = *predicate;
  const bool distinct = scope.kind == GraphScope::Kind::kUnion;
  using Direction = QuadStore::Direction;
  const auto open = [&](Direction direction) {
    return ctx_.store().OpenCursor(pattern, distinct, ctx_.snapshot(), direction);
  };
  std::unique_ptr<QuadStore::Cursor> lowest = open(Direction::kAscending);
  if (!lowest->Valid() || lowest->permutation() != storage::Permutation::kPosg) {
    RETURN_IF_ERROR(lowest->status());
    return other_shape;
  }
  std::unique_ptr<QuadStore::Cursor> highest = open(Direction::kDescending);
  RETURN_IF_ERROR(highest->status());
  // posg orders a predicate's objects by id: when the lowest and the highest
  // have one tag, every object has it.
  const TermTag tag = storage::TagOf(lowest->quad().o);
  if (!highest->Valid() || storage::TagOf(highest->quad().o) != tag) return other_shape;
  if (tag != TermTag::kInteger && tag != TermTag::kDouble && tag != TermTag::kDate && tag != TermTag::kDateTime) {
    return other_shape;
  }
  return std::move(q.order_by[0].descending ? highest : lowest);
}

absl::StatusOr<std::optional<std::vector<Row>>> Evaluator::FirstInOrder(const Query& q, const Row& input,
                                                                         const GraphScope& scope) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(std::unique_ptr<QuadStore::Cursor> cursor, OrderedCursor(q, input, scope));
  if (cursor == nullptr) return std::optional<std::vector<Row>>();
  const query::TriplePattern& t = q.where.triples[0];
  const auto key = static_cast<std::size_t>(q.order_by[0].expr.var);
  const bool dates = IsDate(cursor->quad().o);
  const std::size_t wanted = static_cast<std::size_t>(q.offset + *q.limit);
  std::vector<Row> rows;
  Row row = input;
  row.resize(ctx_.width(), kNoTerm);
  for (; cursor->Valid(); cursor->Next()) {
    const TermId object = cursor->quad().o;
    if (rows.size() >= wanted) {
      if (!dates || wanted == 0) break;
      if (std::abs(LocalMillis(object) - LocalMillis(rows[wanted - 1][key])) > kMostZoneShift) break;
    }
    row[static_cast<std::size_t>(t.subject.var)] = cursor->quad().s;
    row[key] = object;
    rows.push_back(row);
    RETURN_IF_ERROR(ctx_.Hold(1));
    RETURN_IF_ERROR(ctx_.Check());
  }
  RETURN_IF_ERROR(cursor->status());
  if (ctx_.profiling) {
    Context::OpStats& read = ctx_.profile[&q.where];
    read.rows += rows.size();
    ++read.opens;
    read.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx_.read_in_order[&q] = dates;
  }
  return rows;
}

absl::StatusOr<Source> Evaluator::OpenQuery(const Query& q, const Row& input, const GraphScope& scope) {
  ASSIGN_OR_RETURN(Source source, OpenModifiers(q, input, scope));
  if (!ctx_.profiling) return source;
  return Source(std::make_unique<ProfileSource>(std::move(source), &ctx_.profile[&q]));
}

absl::StatusOr<Source> Evaluator::OpenModifiers(const Query& q, const Row& input, const GraphScope& scope) {
  const ResolvedExprs& resolved = ResolvedFor(q);
  ASSIGN_OR_RETURN(std::optional<std::vector<Row>> first_in_order, FirstInOrder(q, input, scope));
  Source source;
  if (first_in_order.has_value()) {
    source = std::make_unique<VectorSource>(std::move(*first_in_order));
  } else {
    ASSIGN_OR_RETURN(source, Open(q.where, input, scope));
  }
  const bool materialise = q.grouped || !q.order_by.empty();
  if (!materialise && q.select_expressions.empty() && !q.values) {
    return Source(std::make_unique<ModifierSource>(ctx_, std::move(source), q, input));
  }
  std::vector<Row> rows;
  if (q.grouped) {
    if (CountsOnly(q)) {
      ASSIGN_OR_RETURN(std::optional<std::vector<Row>> counted, CountEdges(q, input, scope));
      if (counted.has_value()) {
        rows = std::move(*counted);
      } else {
        ASSIGN_OR_RETURN(rows, GroupCounts(ctx_, q, *source));
      }
    } else {
      ASSIGN_OR_RETURN(rows, Drain(*source, ctx_));
      ASSIGN_OR_RETURN(rows, Group(*this, q, std::move(rows), scope));
    }
    std::vector<Row> kept;
    for (Row& r : rows) {
      ASSIGN_OR_RETURN(const bool ok, Holds(resolved.having, r, scope));
      if (ok) kept.push_back(std::move(r));
    }
    rows = std::move(kept);
    source = std::make_unique<VectorSource>(std::move(rows));
  }
  // SELECT expressions, in order: each may use the ones before it.
  if (!resolved.select.empty()) {
    std::vector<ExtendSource::Binding> bindings;
    for (std::size_t i = 0; i < q.select_expressions.size(); ++i) {
      bindings.emplace_back(q.select_expressions[i].first, &resolved.select[i]);
    }
    source = std::make_unique<ExtendSource>(*this, std::move(source), std::move(bindings), scope);
  }
  if (q.values) {
    Pattern values(Pattern::Kind::kValues);
    values.values = *q.values;
    ASSIGN_OR_RETURN(Source v, Open(values, Row(ctx_.width()), scope));
    ASSIGN_OR_RETURN(std::vector<Row> table, Drain(*v, ctx_));
    source = std::make_unique<HashJoin>(ctx_, std::move(source), std::move(table));
  }
  if (!q.order_by.empty()) {
    ASSIGN_OR_RETURN(rows, Drain(*source, ctx_));
    if (auto by_ids = SortByIds(q, rows)) {
      source = std::make_unique<VectorSource>(std::move(*by_ids));
    } else {
    std::vector<std::vector<std::optional<Term>>> keys(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ExprEnv env{scope};
      for (const Expr& k : resolved.order) {
        ASSIGN_OR_RETURN(auto v, Eval(k, rows[i], env));
        keys[i].push_back(std::move(v));
      }
      RETURN_IF_ERROR(ctx_.Check());
    }
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto before = [&](std::size_t a, std::size_t b) {
      for (std::size_t k = 0; k < q.order_by.size(); ++k) {
        int c = OrderCompare(keys[a][k], keys[b][k]);
        if (q.order_by[k].descending) c = -c;
        if (c != 0) return c < 0;
      }
      return a < b;  // stable
    };
    // With LIMIT only the first OFFSET+LIMIT rows need sorting (DISTINCT,
    // which comes after, could need more).
    const std::size_t wanted =
        q.limit && !q.distinct ? std::min<std::size_t>(order.size(), static_cast<std::size_t>(q.offset + *q.limit)) : order.size();
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted), order.end(), before);
    order.resize(wanted);
    std::vector<Row> sorted;
    sorted.reserve(order.size());
    for (std::size_t i : order) sorted.push_back(std::move(rows[i]));
    source = std::make_unique<VectorSource>(std::move(sorted));
    }
  }
  return Source(std::make_unique<ModifierSource>(ctx_, std::move(source), q, input));
}

// EXPLAIN: the operator tree with estimated rows, and with ANALYZE the
// rows, opens and time each operator took.
class Explainer {
 public:
  // `scope` is the top query's.
  Explainer(Evaluator& ev, bool analyze, GraphScope scope) : ev_(ev), analyze_(analyze), scope_(std::move(scope)) {}

  absl::Status Query(const query::Query& q, int depth) {
    const auto& names = *q.variable_names;
    std::string line;
    if (q.limit || q.offset > 0) {
      line = absl::StrCat("Slice offset ", q.offset, q.limit ? absl::StrCat(" limit ", *q.limit) : "");
      Line(depth++, line, &q);
    }
    if (q.distinct) Line(depth++, "Distinct", nullptr);
    std::string projection = "Project";
    for (VarId v : q.projection) absl::StrAppend(&projection, " ?", names[static_cast<std::size_t>(v)]);
    Line(depth++, projection, q.limit || q.offset > 0 ? nullptr : &q);
    if (!q.order_by.empty()) Line(depth++, absl::StrCat("Sort by ", q.order_by.size(), " key(s)"), nullptr);
    if (q.values) Line(depth++, "HashJoin with VALUES", nullptr);
    if (!q.select_expressions.empty()) {
      std::string extend = "Extend";
      for (const auto& [v, e] : q.select_expressions) absl::StrAppend(&extend, " ?", names[static_cast<std::size_t>(v)]);
      Line(depth++, extend, nullptr);
    }
    if (q.grouped) {
      Line(depth++, absl::StrCat("Group by ", q.group_by.size(), " key(s), ", q.aggregates.size(),
                                 " aggregate(s)", q.having.empty() ? "" : ", HAVING"),
           nullptr);
    }
    ASSIGN_OR_RETURN(const std::optional<bool> read_dates_in_order, ReadInOrder(q));
    if (read_dates_in_order.has_value()) {
      const query::TriplePattern& t = q.where.triples[0];
      const char* order = q.order_by[0].descending ? "descending" : "ascending";
      Line(depth,
           absl::StrCat("Read ", TermText(t.predicate), " in ", order, " order of ", TermText(t.object),
                        ", stopping after ", q.offset + *q.limit, " row(s)",
                        *read_dates_in_order ? " and 28 hours more (time zones)" : ""),
           &q.where);
      return absl::OkStatus();
    }
    return Pattern(q.where, depth, std::vector<bool>(ev_.ctx().width()));
  }

  std::string text() const { return out_; }

 private:
  std::string Name(VarId v) const {
    const std::string& n = (*ev_.ctx().query().variable_names)[static_cast<std::size_t>(v)];
    if (query::IsUserVariable(n)) return "?" + n;
    if (n.size() > 1 && n[1] == '_') return n.substr(1);  // a blank node
    return "?_" + n.substr(1);
  }
  std::string TermText(const PatternTerm& t) const {
    switch (t.kind) {
      case PatternTerm::Kind::kVariable: return Name(t.var);
      case PatternTerm::Kind::kConstant: return t.constant.ToNTriples();
      case PatternTerm::Kind::kTriple:
        return absl::StrCat("<<( ", TermText(t.triple[0]), " ", TermText(t.triple[1]), " ",
                            TermText(t.triple[2]), " )>>");
    }
    return "";
  }
  void Line(int depth, const std::string& text, const void* key, const std::string& estimate = "") {
    std::string line(static_cast<std::size_t>(depth) * 2, ' ');
    line += text;
    if (!estimate.empty()) absl::StrAppend(&line, "  (est ", estimate, ")");
    if (analyze_ && key != nullptr) {
      const auto it = ev_.ctx().profile.find(key);
      const Context::OpStats stats = it == ev_.ctx().profile.end() ? Context::OpStats{} : it->second;
      absl::StrAppend(&line, "  [rows ", stats.rows, ", opened ", stats.opens, "x, ",
                      absl::StrFormat("%.3f", stats.seconds * 1000), " ms]");
    }
    out_ += line + "\n";
  }
  static std::string Rows(double rows) {
    return rows >= 100 ? absl::StrFormat("%.0f rows", rows) : absl::StrFormat("%.2g rows", rows);
  }

  absl::Status Pattern(const query::Pattern& p, int depth, std::vector<bool> bound) {
    using K = query::Pattern::Kind;
    switch (p.kind) {
      case K::kBgp: {
        if (p.triples.empty()) {
          Line(depth, "Unit (one empty solution)", &p);
          return absl::OkStatus();
        }
        bool missing = false;
        ASSIGN_OR_RETURN(const std::vector<Scan> scans, ev_.ResolveScans(p, &missing));
        ASSIGN_OR_RETURN(const storage::StoreStats* stats, ev_.ctx().Stats());
        const BgpPlan plan = PlanScans(scans, bound, *stats);
        std::vector<Scan> ordered;
        for (std::size_t i : plan.order) ordered.push_back(scans[i]);
        MarkInMemoryScans(plan, *stats, bound, GraphScope{}, &ordered);
        Line(depth, absl::StrCat("IndexNestedLoop over ", p.triples.size(), " triple pattern(s)",
                                 missing ? ": a constant is not in the store, no rows" : ""),
             &p, missing ? "0 rows" : Rows(plan.rows.back()));
        for (std::size_t k = 0; k < plan.order.size(); ++k) {
          const auto& t = p.triples[plan.order[k]];
          Line(depth + 1,
               absl::StrCat(k + 1,
                            ordered[k].probe_edges ? ". probe the edges in memory of "
                            : ordered[k].hashed    ? ". probe a hash set of "
                            : ordered[k].adjacency ? ". follow the edges in memory of "
                                                   : ". scan ",
                            TermText(t.subject),
                            " ", TermText(t.predicate), " ", TermText(t.object)),
               &t, Rows(plan.rows[k]));
        }
        return absl::OkStatus();
      }
      case K::kPath:
        Line(depth, absl::StrCat("PropertyPath (breadth-first) ", TermText(p.subject), " ... ",
                                 TermText(p.object)),
             &p);
        return absl::OkStatus();
      case K::kJoin:
      case K::kLeftJoin: {
        const bool nested = Bindable(p.children[1]);
        const char* what = p.kind == K::kJoin ? "Join" : "LeftJoin (OPTIONAL)";
        Line(depth, absl::StrCat(what, nested ? ", nested loop: the right side runs per left row"
                                              : ", hash: the right side runs once"),
             &p);
        RETURN_IF_ERROR(Pattern(p.children[0], depth + 1, bound));
        std::vector<bool> after = bound;
        if (nested) Bind(p.children[0], &after);
        return Pattern(p.children[1], depth + 1, after);
      }
      case K::kUnion:
      case K::kMinus:
        Line(depth, p.kind == K::kUnion ? "Union" : "Minus (hash)", &p);
        for (const auto& c : p.children) RETURN_IF_ERROR(Pattern(c, depth + 1, bound));
        return absl::OkStatus();
      case K::kFilter:
        Line(depth, absl::StrCat("Filter (", p.exprs.size(), " condition(s))"), &p);
        return Pattern(p.children[0], depth + 1, bound);
      case K::kExtend:
        Line(depth, absl::StrCat("Bind ", Name(p.var)), &p);
        return Pattern(p.children[0], depth + 1, bound);
      case K::kGraph:
        Line(depth, absl::StrCat("Graph ", TermText(p.graph)), &p);
        return Pattern(p.children[0], depth + 1, bound);
      case K::kValues:
        Line(depth, absl::StrCat("Values (", p.values.rows.size(), " rows)"), &p, Rows(static_cast<double>(p.values.rows.size())));
        return absl::OkStatus();
      case K::kSubquery:
        Line(depth, "Subquery", &p);
        return Query(*p.subquery, depth + 1);
      case K::kService:
        Line(depth, "Service (not supported)", &p);
        return absl::OkStatus();
    }
    return absl::OkStatus();
  }

  // Variables a pattern certainly binds, for the plan of what joins it.
  static void Bind(const query::Pattern& p, std::vector<bool>* bound) {
    if (p.kind == query::Pattern::Kind::kBgp) {
      for (const auto& t : p.triples) {
        for (const PatternTerm* term : {&t.subject, &t.predicate, &t.object}) {
          if (term->IsVariable()) (*bound)[static_cast<std::size_t>(term->var)] = true;
        }
      }
    }
    if (p.kind == query::Pattern::Kind::kJoin || p.kind == query::Pattern::Kind::kFilter ||
        p.kind == query::Pattern::Kind::kLeftJoin) {
      Bind(p.children[0], bound);
      if (p.kind == query::Pattern::Kind::kJoin) Bind(p.children[1], bound);
    }
  }

  // Whether the query's first rows are (ANALYZE: were) read in order, and
  // if so whether the values are dates; only the top query's scope is known
  // before running.
  absl::StatusOr<std::optional<bool>> ReadInOrder(const query::Query& q) {
    std::optional<bool> dates;
    if (analyze_) {
      const auto it = ev_.ctx().read_in_order.find(&q);
      if (it != ev_.ctx().read_in_order.end()) dates = it->second;
      return dates;
    }
    if (&q != &ev_.ctx().query()) return dates;
    ASSIGN_OR_RETURN(const auto cursor, ev_.OrderedCursor(q, Row(ev_.ctx().width()), scope_));
    if (cursor != nullptr) dates = IsDate(cursor->quad().o);
    return dates;
  }

  Evaluator& ev_;
  bool analyze_;
  GraphScope scope_;
  std::string out_;
};

}  // namespace

// ---- the execution ----

class Execution::Impl {
 public:
  Impl(const QuadStore& store, std::shared_ptr<const Query> query, const ExecutionOptions& limits)
      : ctx_(store, query, limits), evaluator_(ctx_), query_(std::move(query)),
        union_default_graph_(limits.union_default_graph), bindings_(limits.bindings) {}

  // The graphs the top query's patterns match in.
  absl::StatusOr<GraphScope> TopScope() {
    const Query& q = *query_;
    GraphScope scope;
    if (!q.from.empty()) {
      scope.kind = GraphScope::Kind::kGraphs;
      for (const Term& g : q.from) {
        ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(g));
        if (id) scope.graphs.push_back(*id);
      }
    } else if (!q.from_named.empty()) {
      scope.kind = GraphScope::Kind::kGraph;  // FROM NAMED alone: an empty default graph
      scope.graph = storage::MakeId(kLocalTag, storage::kPayloadMask);
    } else if (!union_default_graph_) {
      scope.kind = GraphScope::Kind::kGraph;
      scope.graph = kNoTerm;
    }
    return scope;
  }

  absl::Status Start() {
    const Query& q = *query_;
    ASSIGN_OR_RETURN(const GraphScope scope, TopScope());
    Row initial(ctx_.width());
    for (const auto& [var, term] : bindings_) {
      ASSIGN_OR_RETURN(initial[static_cast<std::size_t>(var)], ctx_.Intern(term));
    }
    ASSIGN_OR_RETURN(source_, evaluator_.OpenQuery(q, initial, scope));
    switch (q.form) {
      case Query::Form::kSelect:
        for (VarId v : q.projection) columns_.push_back(query::VariableName(q, v));
        break;
      case Query::Form::kAsk: {
        Row row;
        ASSIGN_OR_RETURN(boolean_, source_->Next(&row));
        break;
      }
      case Query::Form::kConstruct:
      case Query::Form::kDescribe:
        columns_ = {"subject", "predicate", "object"};
        break;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Next(std::vector<std::optional<Term>>* out) {
    const Query& q = *query_;
    switch (q.form) {
      case Query::Form::kAsk:
        return false;
      case Query::Form::kSelect: {
        if (next_buffered_ == buffer_.size()) {
          RETURN_IF_ERROR(FillBuffer());
          if (buffer_.empty()) return false;
        }
        const Row& row = buffer_[next_buffered_++];
        // Assigned over the caller's previous row: its strings' buffers are
        // reused instead of freed and allocated again.
        out->resize(q.projection.size());
        for (std::size_t i = 0; i < q.projection.size(); ++i) {
          const TermId id = row[static_cast<std::size_t>(q.projection[i])];
          if (id == kNoTerm) {
            (*out)[i].reset();
            continue;
          }
          if (const auto it = buffer_index_.find(id); it != buffer_index_.end()) {
            (*out)[i] = buffer_terms_[it->second];
          } else {
            ASSIGN_OR_RETURN((*out)[i], ctx_.Resolve(id));
          }
        }
        return true;
      }
      default:
        return NextTriple(out);
    }
  }

  bool boolean() const { return boolean_; }
  const std::vector<std::string>& columns() const { return columns_; }

  absl::StatusOr<bool> NextBindings(std::vector<Binding>* out) {
    Row row;
    ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
    if (!more) return false;
    out->assign(row.size(), Binding());
    for (std::size_t i = 0; i < row.size(); ++i) {
      const TermId id = row[i];
      if (id == kNoTerm) continue;
      if (storage::TagOf(id) == kLocalTag) {
        ASSIGN_OR_RETURN((*out)[i].term, ctx_.Resolve(id));
      } else {
        (*out)[i].id = id;
      }
    }
    return true;
  }

  absl::StatusOr<std::string> Explain(bool analyze) {
    if (analyze) {
      ctx_.profiling = true;
      const auto start = std::chrono::steady_clock::now();
      RETURN_IF_ERROR(Start());
      std::vector<std::optional<Term>> row;
      std::uint64_t rows = 0;
      while (true) {
        ASSIGN_OR_RETURN(const bool more, Next(&row));
        if (!more) break;
        ++rows;
      }
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      ASSIGN_OR_RETURN(GraphScope scope, TopScope());
      Explainer explainer(evaluator_, true, std::move(scope));
      RETURN_IF_ERROR(explainer.Query(*query_, 0));
      return absl::StrCat(explainer.text(), absl::StrFormat("%u result rows in %.3f ms\n", rows, ms));
    }
    ASSIGN_OR_RETURN(GraphScope scope, TopScope());
    Explainer explainer(evaluator_, false, std::move(scope));
    RETURN_IF_ERROR(explainer.Query(*query_, 0));
    return explainer.text();
  }
  Query::Form form() const { return query_->form; }

 private:
  // Solutions come in batches whose terms are read from the dictionary
  // together; batches grow from 16 rows so that the first rows come early.
  absl::Status FillBuffer() {
    buffer_.clear();
    next_buffered_ = 0;
    buffer_index_.clear();
    Row row;
    while (buffer_.size() < buffer_limit_) {
      ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
      if (!more) break;
      buffer_.push_back(row);
    }
    buffer_limit_ = std::min<std::size_t>(buffer_limit_ * 2, 1024);
    std::vector<TermId> ids;
    for (const Row& r : buffer_) {
      for (VarId v : query_->projection) {
        const TermId id = r[static_cast<std::size_t>(v)];
        if (id == kNoTerm || storage::TagOf(id) == kLocalTag) continue;
        if (buffer_index_.try_emplace(id, static_cast<std::uint32_t>(ids.size())).second) ids.push_back(id);
      }
    }
    if (ids.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(buffer_terms_, ctx_.store().ResolveMany(ids, ctx_.snapshot().get()));
    return absl::OkStatus();
  }

  // CONSTRUCT and DESCRIBE: triples made from each solution, each once.
  absl::StatusOr<bool> NextTriple(std::vector<std::optional<Term>>* out) {
    while (pending_.empty()) {
      Row row;
      ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
      if (!more) return false;
      if (query_->form == Query::Form::kConstruct) {
        RETURN_IF_ERROR(Instantiate(row));
      } else {
        RETURN_IF_ERROR(Describe(row));
      }
    }
    auto& t = pending_.front();
    out->assign({std::move(t[0]), std::move(t[1]), std::move(t[2])});
    pending_.pop_front();
    return true;
  }

  absl::StatusOr<std::optional<Term>> Value(const PatternTerm& t, const Row& row,
                                            std::map<std::string, std::string>& blanks) {
    switch (t.kind) {
      case PatternTerm::Kind::kVariable: {
        const TermId id = row[static_cast<std::size_t>(t.var)];
        if (id == kNoTerm) return std::optional<Term>();
        ASSIGN_OR_RETURN(Term v, ctx_.Resolve(id));
        return std::optional<Term>(std::move(v));
      }
      case PatternTerm::Kind::kConstant:
        if (t.constant.IsBlank()) {
          auto [it, inserted] = blanks.try_emplace(t.constant.value);
          if (inserted) it->second = ctx_.fresh_blank();
          return std::optional<Term>(Term::Blank(it->second));
        }
        return std::optional<Term>(t.constant);
      case PatternTerm::Kind::kTriple: {
        std::vector<Term> parts;
        for (const auto& p : t.triple) {
          ASSIGN_OR_RETURN(auto v, Value(p, row, blanks));
          if (!v) return std::optional<Term>();
          parts.push_back(std::move(*v));
        }
        if (parts[0].IsLiteral() || !parts[1].IsIri()) return std::optional<Term>();
        return std::optional<Term>(Term::Triple(parts[0], parts[1], parts[2]));
      }
    }
    return std::optional<Term>();
  }

  absl::Status Instantiate(const Row& row) {
    std::map<std::string, std::string> blanks;
    for (const auto& t : query_->construct_template) {
      ASSIGN_OR_RETURN(auto s, Value(t.subject, row, blanks));
      ASSIGN_OR_RETURN(auto p, Value(t.predicate, row, blanks));
      ASSIGN_OR_RETURN(auto o, Value(t.object, row, blanks));
      if (!s || !p || !o || s->IsLiteral() || !p->IsIri()) continue;
      Emit({std::move(*s), std::move(*p), std::move(*o)});
    }
    return absl::OkStatus();
  }

  // The triples about each described resource, and about the blank nodes
  // they lead to (a concise bounded description).
  absl::Status Describe(const Row& row) {
    std::vector<TermId> resources;
    for (const auto& t : query_->describe) {
      if (t.IsVariable()) {
        const TermId id = row[static_cast<std::size_t>(t.var)];
        if (id != kNoTerm) resources.push_back(id);
      } else {
        ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(t.constant));
        if (id) resources.push_back(*id);
      }
    }
    while (!resources.empty()) {
      const TermId r = resources.back();
      resources.pop_back();
      if (!described_.insert(r).second) continue;
      QuadStore::Pattern pattern;
      pattern.ids.s = r;
      for (auto c = ctx_.store().OpenCursor(pattern, true, ctx_.snapshot()); c->Valid(); c->Next()) {
        const QuadIds q = c->quad();
        ASSIGN_OR_RETURN(Term s, ctx_.Resolve(q.s));
        ASSIGN_OR_RETURN(Term p, ctx_.Resolve(q.p));
        ASSIGN_OR_RETURN(Term o, ctx_.Resolve(q.o));
        Emit({std::move(s), std::move(p), std::move(o)});
        if (storage::TagOf(q.o) == TermTag::kBlank) resources.push_back(q.o);
      }
    }
    return absl::OkStatus();
  }

  void Emit(std::array<Term, 3> t) {
    std::string key = absl::StrCat(t[0].ToNTriples(), " ", t[1].ToNTriples(), " ", t[2].ToNTriples());
    if (!emitted_.insert(std::move(key)).second) return;
    pending_.push_back({std::move(t[0]), std::move(t[1]), std::move(t[2])});
  }

  Context ctx_;
  Evaluator evaluator_;
  std::shared_ptr<const Query> query_;
  Source source_;
  std::vector<std::string> columns_;
  bool boolean_ = false;
  std::deque<std::array<std::optional<Term>, 3>> pending_;
  absl::flat_hash_set<std::string> emitted_;
  absl::flat_hash_set<TermId> described_;
  bool union_default_graph_;
  std::vector<std::pair<query::VarId, Term>> bindings_;
  std::vector<Row> buffer_;
  std::size_t next_buffered_ = 0, buffer_limit_ = 16;
  // The decoded terms of the buffered rows, by id.
  absl::flat_hash_map<TermId, std::uint32_t> buffer_index_;
  std::vector<Term> buffer_terms_;
};

absl::StatusOr<std::string> Execution::Explain(const QuadStore& store, std::shared_ptr<const Query> query,
                                               const ExecutionOptions& options, bool analyze) {
  Impl impl(store, std::move(query), options);
  return impl.Explain(analyze);
}

absl::StatusOr<std::unique_ptr<Execution>> Execution::Start(const QuadStore& store,
                                                            std::shared_ptr<const Query> query,
                                                            const ExecutionOptions& limits) {
  auto impl = std::make_unique<Impl>(store, std::move(query), limits);
  RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Execution>(new Execution(std::move(impl)));
}

Execution::Execution(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Execution::~Execution() = default;
query::Query::Form Execution::form() const { return impl_->form(); }
const std::vector<std::string>& Execution::columns() const { return impl_->columns(); }
absl::StatusOr<bool> Execution::Next(std::vector<std::optional<Term>>* row) { return impl_->Next(row); }
absl::StatusOr<bool> Execution::NextBindings(std::vector<Binding>* row) { return impl_->NextBindings(row); }
bool Execution::boolean() const { return impl_->boolean(); }

}  // namespace relata::engine
