// A predicate's edges in memory, for path searches and joins that follow
// more edges than index seeks could serve, and a cache that keeps them for
// the next queries over the same snapshot of the store.
#ifndef RELATA_ENGINE_EXEC_ADJACENCY_H_
#define RELATA_ENGINE_EXEC_ADJACENCY_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/base/huge_pages.h"
#include "engine/plan/plan.h"
#include "storage/quad_store.h"

namespace relata::engine {

// A seek of the index, about 2.5 µs warm, costs what reading some 32 edges
// in a row costs: once the seeks into a predicate's edges have cost what
// reading them all costs, reading them into memory pays (ski rental: from
// then on at most as much can be lost again, and the edges serve the next
// queries too).
inline constexpr std::uint64_t kSeekInEdgesRead = 32;
// Seeks are counted with the database's cache this many at a time.
inline constexpr std::uint64_t kSeeksSpentAtOnce = 64;

// The edges sit in one array, grouped by the node they leave: a node's
// edges are one lookup and a contiguous run, and building it costs a sort
// instead of an allocation per node.
class Adjacency {
 public:
  using TermId = storage::TermId;

  // `edges`: (from, to) pairs, without repeats, in any order.
  using Edges = LargeVector<std::pair<TermId, TermId>>;

  explicit Adjacency(Edges edges) {
    Sort(edges);
    targets_.reserve(edges.size());
    // Sized once: growing a table of a million nodes moves it a dozen times.
    std::size_t nodes = 0;
    for (std::size_t i = 0; i < edges.size(); ++i) nodes += i == 0 || edges[i].first != edges[i - 1].first;
    runs_.reserve(nodes);
    std::size_t start = 0;
    for (std::size_t i = 0; i < edges.size(); ++i) {
      targets_.push_back(edges[i].second);
      if (i + 1 == edges.size() || edges[i + 1].first != edges[i].first) {
        runs_.emplace(edges[i].first, Run{start, i + 1 - start});
        start = i + 1;
      }
    }
  }
  // The nodes `from` links to, in id order; empty when none.
  std::span<const TermId> From(TermId from) const {
    const auto it = runs_.find(from);
    if (it == runs_.end()) return {};
    return std::span<const TermId>(targets_).subspan(it->second.start, it->second.size);
  }
  // Sorts `edges`. They come from an index sorted by one end or the other:
  // by the other end (a predicate's edges by subject, read from the index by
  // predicate and object), a stable radix sort by `first` alone puts them in
  // order, a pass per byte in which the ids differ: a third of the time of
  // a comparison sort on the first query over a fresh store.
  static void Sort(Edges& edges) {
    const auto by_second = [](const auto& a, const auto& b) {
      return std::tie(a.second, a.first) < std::tie(b.second, b.first);
    };
    if (std::is_sorted(edges.begin(), edges.end())) return;
    if (!std::is_sorted(edges.begin(), edges.end(), by_second)) {
      std::sort(edges.begin(), edges.end());
      return;
    }
    TermId differ = 0;
    for (const auto& edge : edges) differ |= edge.first ^ edges.front().first;
    Edges sorted(edges.size());
    for (int shift = 0; shift < 64 && (differ >> shift) != 0; shift += 8) {
      if (((differ >> shift) & 0xFF) == 0) continue;
      std::array<std::size_t, 257> starts{};
      for (const auto& edge : edges) ++starts[((edge.first >> shift) & 0xFF) + 1];
      for (std::size_t digit = 1; digit < starts.size(); ++digit) starts[digit] += starts[digit - 1];
      for (const auto& edge : edges) sorted[starts[(edge.first >> shift) & 0xFF]++] = edge;
      edges.swap(sorted);
    }
  }
  bool Contains(TermId from, TermId to) const {
    const std::span<const TermId> run = From(from);
    return std::binary_search(run.begin(), run.end(), to);
  }
  std::size_t edges() const { return targets_.size(); }
  // Calls `visit(from, edges of from)` for every node with edges, in no order.
  template <typename Visit>
  void ForEachNode(Visit visit) const {
    for (const auto& [from, run] : runs_) visit(from, std::span<const TermId>(targets_).subspan(run.start, run.size));
  }

 private:
  struct Run {
    std::size_t start, size;
  };
  LargeMap<TermId, Run> runs_;
  LargeVector<TermId> targets_;
};

// Which edges: the predicate, the direction (true: by subject), and the
// graph (graph bound, graph id; unbound: the union of all graphs).
using AdjacencyKey = std::tuple<storage::TermId, bool, bool, storage::TermId>;

// Adjacencies built by earlier queries, valid while the store's shared
// snapshot stays the same: a write makes a new one, and the next query
// finds nothing here for it. Bounded in edges; full, it starts over. Safe
// to share between threads.
class AdjacencyCache {
 public:
  static constexpr std::size_t kMostEdges = plan::kMostEdgesInMemory;

  std::shared_ptr<const Adjacency> Find(const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot,
                                        const AdjacencyKey& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (snapshot_.expired()) Clear();  // written since: free the memory now
    if (!Current(snapshot)) return nullptr;
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second;
  }
  void Add(const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot, const AdjacencyKey& key,
           std::shared_ptr<const Adjacency> adjacency) {
    if (adjacency->edges() > kMostEdges) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!Current(snapshot) || edges_ + adjacency->edges() > kMostEdges) Restart(snapshot);
    edges_ += adjacency->edges();
    entries_.insert_or_assign(key, std::move(adjacency));
  }
  // Adds `seeks` made into the edges at `key` to those the queries over
  // the same snapshot made before; returns the sum.
  std::uint64_t Spend(const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot, const AdjacencyKey& key,
                      std::uint64_t seeks) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!Current(snapshot)) Restart(snapshot);
    return seeks_[key] += seeks;
  }

 private:
  void Clear() {
    entries_.clear();
    seeks_.clear();
    edges_ = 0;
  }
  void Restart(const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot) {
    Clear();
    // Weak: the cache must not keep an old snapshot (and the versions it
    // pins) alive; only a live snapshot can be current.
    snapshot_ = snapshot;
  }
  bool Current(const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot) const {
    const auto held = snapshot_.lock();
    return held != nullptr && held == snapshot;
  }

  std::mutex mutex_;
  std::weak_ptr<const storage::QuadStore::Snapshot> snapshot_;
  std::map<AdjacencyKey, std::shared_ptr<const Adjacency>> entries_;
  std::map<AdjacencyKey, std::uint64_t> seeks_;
  std::size_t edges_ = 0;
};

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_ADJACENCY_H_
