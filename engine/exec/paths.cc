// PATHS: the shortest path (breadth-first from both ends, or Dijkstra's
// with WEIGHT), the k shortest simple paths (Yen), all shortest paths and
// every simple path up to a length, between two nodes over the steps VIA's
// automaton allows, each step with the document, confidence and evidence of
// the triple it follows (from its reifiers).
//
// A path is simple when it passes no point (node and automaton state)
// twice, never returns to FROM and ends the first time it reaches TO; with
// VIA a predicate or a set of them, that is a path through distinct nodes.
#include <algorithm>
#include <limits>
#include <queue>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "engine/base/huge_pages.h"
#include "engine/exec/path_steps.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine::exec {
namespace {

using query::PathSearch;
using plan::ScanTerm;

constexpr char kRdfJson[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
constexpr char kXsdDecimal[] = "http://www.w3.org/2001/XMLSchema#decimal";

// Most paths a search gives are a few steps long: their hops sit inside
// the path, not in an allocation of their own (one-to-all searches give
// tens of thousands of them).
using Hops = absl::InlinedVector<Hop, 3>;

struct Path {
  Point start;
  Hops hops;
  long double cost = 0;  // the sum of the steps' weights (1 each without WEIGHT)
  std::size_t deviation = 0;  // Yen's: where it leaves the path it was found from
  Point At(std::size_t i) const { return i == 0 ? start : hops[i - 1].to; }
  Point end() const { return At(hops.size()); }
  // Cheaper first, then shorter, then by their hops: the order paths are given in.
  friend bool operator<(const Path& a, const Path& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.hops.size() != b.hops.size()) return a.hops.size() < b.hops.size();
    return std::tie(a.start, a.hops) < std::tie(b.start, b.hops);
  }
  friend bool operator==(const Path& a, const Path& b) { return a.start == b.start && a.hops == b.hops; }
};
// A one-to-all search gives hundreds of thousands of paths: tens of megabytes.
using Paths = std::vector<Path, LargeBufferAllocator<Path>>;

// How a detour's A* search (Guided) reached a point, `depth` steps away:
// from `via`'s point over its hop.
struct Reached {
  std::int64_t depth = 0;
  absl::InlinedVector<std::pair<Point, Hop>, 1> via;
};

// The points a breadth-first search reached, numbered in the order it
// reached them (where it started first), each with the steps it was
// reached by, in the order it found them: one, or with ALL SHORTEST every
// one at its depth. Numbers and arrays instead of a map from each point to
// a list: a search that reaches a hundred thousand points makes a few
// allocations, not one per point.
class SearchTree {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  // A step between a point and point `other` (from the start's side, the
  // step from `other` into the point; from the target's, the step from the
  // point on to `other`); `next`: the point's next one.
  struct Via {
    std::uint32_t other, next;
    TermId predicate;
    bool forward;
  };

  // The number of `p`, numbered now at `depth` when it is new; whether it is.
  std::pair<std::uint32_t, bool> Reach(Point p, std::int64_t depth) {
    const auto [it, fresh] = numbers_.try_emplace(p, static_cast<std::uint32_t>(points_.size()));
    if (fresh) points_.push_back(Reached{p, depth, kNone, kNone});
    return {it->second, fresh};
  }
  std::uint32_t Find(Point p) const {
    const auto it = numbers_.find(p);
    return it == numbers_.end() ? kNone : it->second;
  }
  void AddVia(std::uint32_t at, std::uint32_t other, const Hop& hop) {
    const auto v = static_cast<std::uint32_t>(vias_.size());
    vias_.push_back(Via{other, kNone, hop.predicate, hop.forward});
    Reached& r = points_[at];
    (r.last_via == kNone ? r.first_via : vias_[r.last_via].next) = v;
    r.last_via = v;
  }
  std::size_t size() const { return points_.size(); }
  Point point(std::uint32_t n) const { return points_[n].point; }
  std::int64_t depth(std::uint32_t n) const { return points_[n].depth; }
  std::uint32_t first_via(std::uint32_t n) const { return points_[n].first_via; }
  const Via& via(std::uint32_t v) const { return vias_[v]; }

 private:
  struct Reached {
    Point point;
    std::int64_t depth;
    std::uint32_t first_via, last_via;
  };
  LargeMap<Point, std::uint32_t> numbers_;
  LargeVector<Reached> points_;
  LargeVector<Via> vias_;
};

// A point of Dijkstra's search, with the steps taken to it when MAX bounds them.
struct Label {
  Point point;
  std::int64_t steps = 0;
  friend auto operator<=>(const Label&, const Label&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Label& l) {
    return H::combine(std::move(h), l.point, l.steps);
  }
};

class PathFinder {
 public:
  PathFinder(Context& ctx, PathSteps& steps, const PathSearch& search, TermId from, TermId to)
      : ctx_(ctx), steps_(steps), search_(search), automaton_(steps.automaton()), from_(from), to_(to) {}

  std::int64_t MaxLength() const { return search_.max_length.value_or(std::numeric_limits<std::int64_t>::max()); }
  Point Source() const { return Point{from_, plan::PathAutomaton::kStart}; }

  // The cheapest (or shortest) path from `source` to TO of at most `max`
  // steps that passes none of `banned` and starts with none of `banned_first`.
  absl::StatusOr<std::optional<Path>> Cheapest(Point source, std::int64_t max, const absl::flat_hash_set<Point>& banned,
                                               const std::set<Hop>& banned_first) {
    if (steps_.weighted()) {
      ASSIGN_OR_RETURN(Paths found, Dijkstra(source, max, banned, banned_first, 1));
      if (found.empty()) return std::nullopt;
      return std::move(found[0]);
    }
    if (horizon_ >= 0) {
      ASSIGN_OR_RETURN(std::optional<Path> found, Guided(source, max, banned, banned_first));
      // Ski rental: once searches have stepped beyond the mapped region as
      // often as mapping one more level costs, map it.
      while (beyond_ >= horizon_points_.size() && !horizon_points_.empty()) RETURN_IF_ERROR(Deepen());
      return found;
    }
    ASSIGN_OR_RETURN(Paths found, BothEnds(source, max, banned, banned_first, false, 1));
    if (found.empty()) return std::nullopt;
    return std::move(found[0]);
  }

  // Every shortest path to a bound TO, up to `most`.
  absl::StatusOr<Paths> AllShortest(std::size_t most) {
    ASSIGN_OR_RETURN(Paths paths, BothEnds(Source(), MaxLength(), {}, {}, true, most));
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  // The k shortest simple paths, by Yen's algorithm: each next one is the
  // shortest that leaves one of the found ones somewhere along it. With
  // Lawler's rule: a path leaves its parent at its deviation, and before
  // that it has the parent's root, whose detours are candidates already.
  absl::StatusOr<Paths> KShortest(std::size_t k) {
    Paths found;
    std::optional<Path> first;
    if (steps_.weighted()) {
      ASSIGN_OR_RETURN(first, Cheapest(Source(), MaxLength(), {}, {}));
    } else {
      // The side from the target keeps its distances: they guide every
      // detour's search after this one.
      ASSIGN_OR_RETURN(Paths shortest, BothEnds(Source(), MaxLength(), {}, {}, false, 1, true));
      if (!shortest.empty()) first = std::move(shortest[0]);
    }
    if (!first) return found;
    found.push_back(std::move(*first));
    std::set<Path> candidates;
    while (found.size() < k) {
      const Path last = found.back();
      long double root_cost = 0;
      for (std::size_t i = 0; i < last.deviation; ++i) root_cost += last.hops[i].weight;
      for (std::size_t i = last.deviation; i < last.hops.size(); ++i) {
        const auto same_root = [&](const Path& p) {
          return p.hops.size() > i && std::equal(last.hops.begin(), last.hops.begin() + static_cast<long>(i), p.hops.begin());
        };
        std::set<Hop> banned_first;
        for (const Path& p : found) {
          if (same_root(p)) banned_first.insert(p.hops[i]);
        }
        absl::flat_hash_set<Point> banned;
        for (std::size_t j = 0; j < i; ++j) banned.insert(last.At(j));
        ASSIGN_OR_RETURN(std::optional<Path> rest, Cheapest(last.At(i), MaxLength() - static_cast<std::int64_t>(i),
                                                           banned, banned_first));
        if (rest) {
          Path whole{Source(), Hops(last.hops.begin(), last.hops.begin() + static_cast<long>(i)),
                     root_cost + rest->cost, i};
          whole.hops.insert(whole.hops.end(), rest->hops.begin(), rest->hops.end());
          if (std::find(found.begin(), found.end(), whole) == found.end()) candidates.insert(std::move(whole));
        }
        root_cost += last.hops[i].weight;
      }
      if (candidates.empty()) break;
      found.push_back(*candidates.begin());
      candidates.erase(candidates.begin());
      RETURN_IF_ERROR(ctx_.Hold(candidates.size() / 4));
    }
    return found;
  }

  // The shortest path to each node within reach (TO unbound); with `all`
  // every shortest path to each.
  absl::StatusOr<Paths> BreadthFirst(bool all, std::size_t most) {
    SearchTree tree;
    LargeMap<TermId, std::int64_t> node_depth;  // first depth a node was reached at as an end
    tree.Reach(Source(), 0);
    std::vector<std::uint32_t> level = {0};
    std::vector<std::uint32_t> targets;
    std::vector<Hop> hops;
    for (std::int64_t depth = 1; depth <= MaxLength() && !level.empty(); ++depth) {
      std::vector<std::uint32_t> next;
      for (const std::uint32_t u : level) {
        RETURN_IF_ERROR(steps_.ReadOut(tree.point(u), &hops));
        for (const Hop& hop : hops) {
          RETURN_IF_ERROR(ctx_.Check());
          const Point q = hop.to;
          if (q.node == from_) continue;
          const auto [at, fresh] = tree.Reach(q, depth);
          if (tree.depth(at) == depth && (fresh || all)) tree.AddVia(at, u, hop);
          if (!fresh) continue;
          if (automaton_.accepting(q.state)) {
            const auto [end, first] = node_depth.try_emplace(q.node, depth);
            if (first || (all && end->second == depth)) targets.push_back(at);
          }
          next.push_back(at);
        }
      }
      RETURN_IF_ERROR(ctx_.Hold(next.size() / 2));
      level = std::move(next);
    }
    // In the order paths are given in: shorter first, then by their ends
    // (and the paths to one end by their hops).
    std::sort(targets.begin(), targets.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::pair{tree.depth(a), tree.point(a).node} < std::pair{tree.depth(b), tree.point(b).node};
    });
    Paths paths;
    paths.reserve(std::min(most, targets.size()));
    std::vector<Hop> reversed;
    for (std::size_t i = 0; i < targets.size() && paths.size() < most;) {
      const std::size_t first = paths.size();
      // Back from each target at one node through every way it was reached.
      for (const TermId node = tree.point(targets[i]).node; i < targets.size() && tree.point(targets[i]).node == node;
           ++i) {
        RETURN_IF_ERROR(Enumerate(tree, targets[i], &reversed, all ? most : paths.size() + 1, &paths));
      }
      if (paths.size() - first > 1) std::sort(paths.begin() + static_cast<long>(first), paths.end());
    }
    return paths;
  }

  // The cheapest path to each node within reach (TO unbound), by WEIGHT.
  absl::StatusOr<Paths> CheapestToEach(std::size_t most) {
    ASSIGN_OR_RETURN(Paths paths, Dijkstra(Source(), MaxLength(), {}, {}, most));
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  // Every simple path to TO of at most MAX steps, shorter ones first, up to
  // `most` of them.
  absl::StatusOr<Paths> Simple(std::size_t most) {
    Paths paths;
    for (std::int64_t length = 1; length <= MaxLength() && paths.size() < most; ++length) {
      Path path{Source(), {}};
      absl::flat_hash_set<Point> on_path = {Source()};
      RETURN_IF_ERROR(Extend(&path, &on_path, static_cast<std::size_t>(length), most, &paths));
    }
    return paths;
  }

 private:
  bool IsTarget(Point p) const { return p.node == to_ && automaton_.accepting(p.state); }
  // Whether a path may pass `p` on its way: never FROM again, never TO
  // before its end.
  bool Passable(Point p) const { return p.node != from_ && p.node != to_; }

  // Breadth-first from both ends at once, a whole level of the smaller side
  // at a time, until the two meet: the shortest path (the first by the
  // points where the sides met), or with `all` every shortest path, up to
  // `most`. The sides meet after a level that made ahead's depth a and
  // behind's b; then every shortest path has a+b steps and passes, a steps
  // in, exactly one point both sides reached, at those depths.
  // With `keep_distances`, the distances to the target the side behind
  // found are kept for Guided().
  absl::StatusOr<Paths> BothEnds(Point source, std::int64_t max, const absl::flat_hash_set<Point>& banned,
                                             const std::set<Hop>& banned_first, bool all, std::size_t most,
                                             bool keep_distances = false) {
    SearchTree ahead, behind;  // from the source; from the target
    ahead.Reach(source, 0);
    std::vector<std::uint32_t> front = {0}, back;
    for (int s = 0; s < automaton_.states(); ++s) {
      if (automaton_.accepting(s)) back.push_back(behind.Reach(Point{to_, s}, 0).first);
    }
    std::int64_t ahead_depth = 0, behind_depth = 0;
    std::vector<Point> meets;
    // Records that the point numbered `from` on one side reaches `q` over
    // `hop`; the number of `q` there when it is new, or kNone.
    const auto reach = [&](SearchTree& side, std::int64_t depth, Point q, std::uint32_t from, const Hop& hop,
                           const SearchTree& other) {
      const auto [at, fresh] = side.Reach(q, depth);
      if (side.depth(at) != depth || (!fresh && !all)) return SearchTree::kNone;
      side.AddVia(at, from, hop);
      if (fresh && other.Find(q) != SearchTree::kNone) meets.push_back(q);
      return fresh ? at : SearchTree::kNone;
    };
    const auto by_point = [](const SearchTree& tree) {
      return [&tree](std::uint32_t a, std::uint32_t b) { return tree.point(a) < tree.point(b); };
    };
    while (!front.empty() && !back.empty() && ahead_depth + behind_depth < max && meets.empty()) {
      std::vector<std::uint32_t> next;
      if (front.size() <= back.size()) {
        std::sort(front.begin(), front.end(), by_point(ahead));
        for (const std::uint32_t n : front) {
          const Point u = ahead.point(n);
          ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.Out(u));
          for (const Hop& hop : *hops) {
            RETURN_IF_ERROR(ctx_.Check());
            const Point q = hop.to;
            if (u == source && banned_first.contains(hop)) continue;
            const bool target = IsTarget(q);
            if (!target && (!Passable(q) || banned.contains(q))) continue;
            const std::uint32_t at = reach(ahead, ahead_depth + 1, q, n, hop, behind);
            if (at != SearchTree::kNone && !target) next.push_back(at);
          }
        }
        front = std::move(next);
        ++ahead_depth;
      } else {
        std::sort(back.begin(), back.end(), by_point(behind));
        for (const std::uint32_t n : back) {
          const Point v = behind.point(n);
          ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.In(v));
          for (const Hop& in : *hops) {
            RETURN_IF_ERROR(ctx_.Check());
            const Point u = in.to;
            const Hop step{in.predicate, v, in.forward, in.weight};
            if (u == source ? banned_first.contains(step) : (!Passable(u) || banned.contains(u))) continue;
            const std::uint32_t at = reach(behind, behind_depth + 1, u, n, step, ahead);
            if (at != SearchTree::kNone && u != source) next.push_back(at);
          }
        }
        back = std::move(next);
        ++behind_depth;
      }
      RETURN_IF_ERROR(ctx_.Hold((ahead.size() + behind.size()) / 64));
    }
    if (keep_distances) {
      for (std::uint32_t n = 0; n < behind.size(); ++n) to_target_.emplace(behind.point(n), behind.depth(n));
      horizon_ = behind_depth;
      horizon_points_.clear();
      for (const std::uint32_t n : back) horizon_points_.push_back(behind.point(n));
    }
    std::sort(meets.begin(), meets.end());
    Paths paths;
    for (const Point meet : meets) {
      Path path{source, {}, static_cast<long double>(ahead_depth + behind_depth)};
      RETURN_IF_ERROR(Join(ahead, behind, behind.Find(meet), ahead.Find(meet), &path, most, &paths));
      if (paths.size() >= most) break;
    }
    return paths;
  }

  // At least how many steps `p` is from the target: the distance the search
  // behind found it at, or one more than all it searched.
  std::int64_t ToTarget(Point p) const {
    if (IsTarget(p)) return 0;
    const auto it = to_target_.find(p);
    return it != to_target_.end() ? it->second : horizon_ + 1;
  }


  // A* from `source`, guided by ToTarget (a lower bound that never falls by
  // more than one a step, also with points banned): the shortest path to TO
  // of at most `max` steps avoiding `banned` and `banned_first`. A detour of
  // Yen's searches only towards the region the first search mapped. With
  // partial expansion: a point's steps are taken only as far as they keep
  // its estimate, and the point waits with the next estimate for the rest,
  // so that a hub's thousands of neighbours are not all queued.
  absl::StatusOr<std::optional<Path>> Guided(Point source, std::int64_t max, const absl::flat_hash_set<Point>& banned,
                                             const std::set<Hop>& banned_first) {
    absl::flat_hash_map<Point, Reached> seen;
    // By estimate, then the deeper first (nearer the target), then by
    // point; with the first of the point's ordered steps not yet taken.
    using Entry = std::tuple<std::int64_t, std::int64_t, Point, std::uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
    seen.emplace(source, Reached{});
    open.emplace(ToTarget(source), 0, source, 0);
    std::size_t expanded = 0;
    while (!open.empty()) {
      const auto [estimate, minus_depth, u, resume] = open.top();
      open.pop();
      const std::int64_t depth = -minus_depth;
      if (seen.at(u).depth != depth) continue;  // reached by a shorter way since
      if (IsTarget(u)) {
        Path path{source, {}, static_cast<long double>(depth)};
        for (Point at = u; at != source;) {
          const auto& [previous, hop] = seen.at(at).via.front();
          path.hops.push_back(hop);
          at = previous;
        }
        std::reverse(path.hops.begin(), path.hops.end());
        return path;
      }
      if (depth >= max) continue;
      if (estimate - depth > horizon_) ++beyond_;
      ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.Out(u));
      ASSIGN_OR_RETURN(const auto* ordered, Ordered(u, *hops));
      const auto& order = *ordered;
      std::size_t i = resume;
      for (; i < order.size() && depth + 1 + order[i].first <= estimate; ++i) {
        RETURN_IF_ERROR(ctx_.Check());
        const Hop& hop = (*hops)[order[i].second];
        const Point q = hop.to;
        if (u == source && banned_first.contains(hop)) continue;
        if (!IsTarget(q) && (!Passable(q) || banned.contains(q))) continue;
        const std::int64_t step_estimate = depth + 1 + order[i].first;
        const auto [it, fresh] = seen.try_emplace(q, Reached{depth + 1, {{u, hop}}});
        if (!fresh) {
          if (it->second.depth <= depth + 1) continue;
          it->second = Reached{depth + 1, {{u, hop}}};
        }
        open.emplace(step_estimate, -(depth + 1), q, 0);
      }
      // The rest wait with the next estimate they make.
      if (i < order.size() && depth + 1 + order[i].first <= max) {
        open.emplace(depth + 1 + order[i].first, minus_depth, u, static_cast<std::uint32_t>(i));
      }
      if ((++expanded & 1023) == 0) RETURN_IF_ERROR(ctx_.Hold(1024 / 16));
    }
    return std::nullopt;
  }

  // `u`'s steps (`hops`) by how far from TO they lead, nearest first, as
  // (ToTarget of the step's end, index in `hops`): Guided takes them only
  // as far as they keep an estimate, and the detours of KShortest expand
  // the same points again and again. Ordered again once Deepen has moved
  // the horizon.
  absl::StatusOr<const std::vector<std::pair<std::int64_t, std::uint32_t>>*> Ordered(Point u,
                                                                                      const std::vector<Hop>& hops) {
    const auto [it, fresh] = ordered_.try_emplace(u);
    auto& [horizon, order] = it->second;
    if (fresh || horizon != horizon_) {
      if (fresh) RETURN_IF_ERROR(ctx_.Hold(1 + hops.size() / 8));
      horizon = horizon_;
      order.clear();
      order.reserve(hops.size());
      for (std::size_t i = 0; i < hops.size(); ++i) order.emplace_back(ToTarget(hops[i].to), static_cast<std::uint32_t>(i));
      std::sort(order.begin(), order.end());
    }
    return &order;
  }

  // One more level of distances to TO: the points one step before the
  // farthest mapped ones.
  absl::Status Deepen() {
    std::vector<Point> next;
    for (const Point v : horizon_points_) {
      ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.In(v));
      for (const Hop& in : *hops) {
        RETURN_IF_ERROR(ctx_.Check());
        if (Passable(in.to) && to_target_.try_emplace(in.to, horizon_ + 1).second) next.push_back(in.to);
      }
    }
    RETURN_IF_ERROR(ctx_.Hold(next.size() / 64 + 1));
    ++horizon_;
    horizon_points_ = std::move(next);
    beyond_ = 0;
    return absl::OkStatus();
  }

  // Every path through `meet` (its number behind): back from `at` (a
  // number ahead) to the source on the side ahead (prepending), then on
  // from `meet` to the target behind.
  absl::Status Join(const SearchTree& ahead, const SearchTree& behind, std::uint32_t meet, std::uint32_t at,
                    Path* path, std::size_t most, Paths* out) {
    RETURN_IF_ERROR(ctx_.Check());
    if (out->size() >= most) return absl::OkStatus();
    if (ahead.first_via(at) == SearchTree::kNone) return Rest(behind, meet, path, most, out);  // at the source
    for (std::uint32_t v = ahead.first_via(at); v != SearchTree::kNone; v = ahead.via(v).next) {
      const SearchTree::Via& via = ahead.via(v);
      path->hops.insert(path->hops.begin(), Hop{.predicate = via.predicate, .to = ahead.point(at), .forward = via.forward});
      RETURN_IF_ERROR(Join(ahead, behind, meet, via.other, path, most, out));
      path->hops.erase(path->hops.begin());
    }
    return absl::OkStatus();
  }
  absl::Status Rest(const SearchTree& behind, std::uint32_t at, Path* path, std::size_t most, Paths* out) {
    if (out->size() >= most) return absl::OkStatus();
    if (behind.first_via(at) == SearchTree::kNone) {  // at the target
      out->push_back(*path);
      if ((out->size() & 255) == 0) return ctx_.Hold(256);
      return absl::OkStatus();
    }
    for (std::uint32_t v = behind.first_via(at); v != SearchTree::kNone; v = behind.via(v).next) {
      const SearchTree::Via& via = behind.via(v);
      path->hops.push_back(Hop{.predicate = via.predicate, .to = behind.point(via.other), .forward = via.forward});
      RETURN_IF_ERROR(Rest(behind, via.other, path, most, out));
      path->hops.pop_back();
    }
    return absl::OkStatus();
  }


  // Dijkstra's search from `source` by the steps' weights: the cheapest path
  // to TO, or (TO unbound) to each node within reach, up to `most`. With
  // MAX, a point is searched once per number of steps taken to it, so that
  // a dearer path of fewer steps is still found.
  absl::StatusOr<Paths> Dijkstra(Point source, std::int64_t max, const absl::flat_hash_set<Point>& banned,
                                             const std::set<Hop>& banned_first, std::size_t most) {
    const bool by_steps = search_.max_length.has_value();
    const auto label = [&](Point p, std::int64_t steps) { return Label{p, by_steps ? steps : 0}; };
    absl::flat_hash_map<Label, long double> cost;
    absl::flat_hash_map<Label, std::tuple<Label, Hop, std::int64_t>> parent;  // and the steps taken
    absl::flat_hash_set<Label> settled;
    absl::flat_hash_set<TermId> reached;
    using Entry = std::tuple<long double, std::int64_t, Label>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    cost.emplace(label(source, 0), 0);
    queue.emplace(0, 0, label(source, 0));
    Paths paths;
    const auto unwind = [&](Label at, long double total) {
      Path path{source, {}, total};
      while (parent.contains(at)) {
        const auto& [previous, hop, steps] = parent.at(at);
        path.hops.push_back(hop);
        at = previous;
      }
      std::reverse(path.hops.begin(), path.hops.end());
      return path;
    };
    while (!queue.empty() && paths.size() < most) {
      const auto [c, steps, at] = queue.top();
      queue.pop();
      if (!settled.insert(at).second) continue;
      if (to_ != kNoTerm) {
        if (IsTarget(at.point)) {
          paths.push_back(unwind(at, c));
          break;
        }
      } else if (at.point != source && automaton_.accepting(at.point.state) && reached.insert(at.point.node).second) {
        paths.push_back(unwind(at, c));
      }
      if (steps >= max) continue;
      ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.Out(at.point));
      for (const Hop& hop : *hops) {
        RETURN_IF_ERROR(ctx_.Check());
        const Point q = hop.to;
        if (at.point == source && banned_first.contains(hop)) continue;
        if (!IsTarget(q) && (!Passable(q) || banned.contains(q))) continue;
        const Label next = label(q, steps + 1);
        const long double total = c + hop.weight;
        const auto [it, fresh] = cost.try_emplace(next, total);
        if (!fresh && total >= it->second) continue;
        it->second = total;
        parent.insert_or_assign(next, std::tuple{at, hop, steps + 1});
        queue.emplace(total, steps + 1, next);
      }
      if ((settled.size() & 1023) == 0) RETURN_IF_ERROR(ctx_.Hold(1024 / 8));
    }
    return paths;
  }

  absl::Status Enumerate(const SearchTree& tree, std::uint32_t at, std::vector<Hop>* reversed, std::size_t most,
                         Paths* out) {
    RETURN_IF_ERROR(ctx_.Check());
    if (out->size() >= most) return absl::OkStatus();
    if (at == 0) {
      out->push_back(Path{Source(), Hops(reversed->rbegin(), reversed->rend()),
                          static_cast<long double>(reversed->size())});
      if ((out->size() & 255) == 0) return ctx_.Hold(256);
      return absl::OkStatus();
    }
    for (std::uint32_t v = tree.first_via(at); v != SearchTree::kNone; v = tree.via(v).next) {
      const SearchTree::Via& via = tree.via(v);
      reversed->push_back(Hop{.predicate = via.predicate, .to = tree.point(at), .forward = via.forward});
      RETURN_IF_ERROR(Enumerate(tree, via.other, reversed, most, out));
      reversed->pop_back();
    }
    return absl::OkStatus();
  }

  absl::Status Extend(Path* path, absl::flat_hash_set<Point>* on_path, std::size_t length, std::size_t most,
                      Paths* out) {
    ASSIGN_OR_RETURN(const std::vector<Hop>* hops, steps_.Out(path->end()));
    for (const Hop& hop : *hops) {
      RETURN_IF_ERROR(ctx_.Check());
      if (out->size() >= most) return absl::OkStatus();
      if (path->hops.size() + 1 == length) {
        if (!IsTarget(hop.to)) continue;
        path->hops.push_back(hop);
        out->push_back(*path);
        out->back().cost = static_cast<long double>(length);
        path->hops.pop_back();
        if ((out->size() & 255) == 0) RETURN_IF_ERROR(ctx_.Hold(256));
        continue;
      }
      if (!Passable(hop.to) || on_path->contains(hop.to)) continue;
      path->hops.push_back(hop);
      on_path->insert(hop.to);
      RETURN_IF_ERROR(Extend(path, on_path, length, most, out));
      on_path->erase(hop.to);
      path->hops.pop_back();
    }
    return absl::OkStatus();
  }

  Context& ctx_;
  PathSteps& steps_;
  const PathSearch& search_;
  const plan::PathAutomaton& automaton_;
  const TermId from_, to_;
  // Distances to TO that the first search of KShortest found, complete up
  // to `horizon_` steps (< 0: none yet).
  absl::flat_hash_map<Point, std::int64_t> to_target_;
  std::int64_t horizon_ = -1;
  std::vector<Point> horizon_points_;  // those at `horizon_` steps
  std::size_t beyond_ = 0;             // points Guided searched beyond it since
  // Ordered()'s orders, each with the horizon it was made at.
  absl::flat_hash_map<Point, std::pair<std::int64_t, std::vector<std::pair<std::int64_t, std::uint32_t>>>> ordered_;
};

void AppendJson(std::string* out, std::string_view text) {
  out->push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// The rows of the paths found, made as they are asked for: one per step,
// or one per path with its steps as JSON.
class PathRows : public RowSource {
 public:
  PathRows(Context& ctx, const plan::Node& node, std::unique_ptr<Row> input, std::unique_ptr<PathSteps> steps,
           Paths paths)
      : ctx_(ctx), node_(node), search_(*node.pattern->paths), input_(std::move(input)), steps_(std::move(steps)),
        paths_(std::move(paths)) {
    // Statements are read only for the columns that show them.
    for (const std::size_t c : {kDocumentColumn, kConfidenceColumn, kEvidenceColumn}) statements_ |= Column(c) >= 0;
  }

  absl::StatusOr<bool> Next(Row* row) override {
    while (path_ < paths_.size() && !search_.compact && step_ >= paths_[path_].hops.size()) {
      ++path_;
      step_ = 0;
    }
    if (path_ >= paths_.size()) return false;
    RETURN_IF_ERROR(ctx_.Check());
    const Path& path = paths_[path_];
    *row = *input_;
    if (node_.object.kind == ScanTerm::Kind::kVariable) (*row)[static_cast<std::size_t>(node_.object.var)] = path.end().node;
    if (search_.compact) {
      ASSIGN_OR_RETURN((*row)[static_cast<std::size_t>(search_.columns[0])], Json(path));
      ++path_;
      return true;
    }
    const Hop& hop = path.hops[step_];
    Statement statement;
    if (statements_) {
      ASSIGN_OR_RETURN(statement, steps_->StatementOf(path.At(step_).node, hop));
    }
    const auto set = [&](std::size_t c, TermId id) {
      if (const query::VarId v = Column(c); v >= 0) (*row)[static_cast<std::size_t>(v)] = id;
    };
    set(0, storage::IntegerId(static_cast<std::int64_t>(path_ + 1)));
    set(1, storage::IntegerId(static_cast<std::int64_t>(step_ + 1)));
    set(2, path.At(step_).node);
    set(3, hop.predicate);
    set(4, hop.to.node);
    set(kDocumentColumn, statement.document);
    set(kConfidenceColumn, statement.confidence);
    set(kEvidenceColumn, statement.evidence);
    set(8, storage::BooleanId(hop.forward));
    if (Column(9) >= 0) {
      TermId cost = storage::IntegerId(static_cast<std::int64_t>(path.hops.size()));
      if (steps_->weighted()) {
        ASSIGN_OR_RETURN(cost, ctx_.Intern(Term::Literal(FormatDecimal(path.cost), kXsdDecimal)));
      }
      set(9, cost);
    }
    ++step_;
    return true;
  }

 private:
  static constexpr std::size_t kDocumentColumn = 5, kConfidenceColumn = 6, kEvidenceColumn = 7;

  query::VarId Column(std::size_t i) const { return i < search_.columns.size() ? search_.columns[i] : -1; }

  absl::StatusOr<TermId> Json(const Path& path) {
    std::string json = absl::StrCat("{\"length\":", path.hops.size());
    if (steps_->weighted()) absl::StrAppend(&json, ",\"cost\":", FormatDecimal(path.cost));
    json += ",\"steps\":[";
    for (std::size_t i = 0; i < path.hops.size(); ++i) {
      const Hop& hop = path.hops[i];
      ASSIGN_OR_RETURN(const Statement statement, steps_->StatementOf(path.At(i).node, hop));
      const std::pair<const char*, TermId> parts[] = {{"start", path.At(i).node}, {"predicate", hop.predicate},
                                                      {"end", hop.to.node}, {"document", statement.document},
                                                      {"confidence", statement.confidence},
                                                      {"evidence", statement.evidence}};
      absl::StrAppend(&json, i ? "," : "", "{\"forward\":", hop.forward ? "true" : "false");
      for (const auto& [name, id] : parts) {
        if (id == kNoTerm) continue;
        ASSIGN_OR_RETURN(const Term t, ctx_.Resolve(id));
        absl::StrAppend(&json, ",\"", name, "\":");
        if (std::string_view(name) == "confidence") {
          json += t.value;
        } else {
          AppendJson(&json, t.IsBlank() ? "_:" + t.value : t.value);
        }
      }
      json += "}";
    }
    json += "]}";
    return ctx_.Intern(Term::Literal(json, kRdfJson));
  }

  Context& ctx_;
  const plan::Node& node_;
  const PathSearch& search_;
  const std::unique_ptr<Row> input_;        // what PathSteps reads WEIGHT's other variables from
  const std::unique_ptr<PathSteps> steps_;  // for the statements of the steps shown
  const Paths paths_;
  std::size_t path_ = 0, step_ = 0;
  bool statements_ = false;
};

}  // namespace

absl::StatusOr<Source> Evaluator::OpenPaths(const plan::Node& node, const Row& input, const GraphScope& scope) {
  const PathSearch& search = *node.pattern->paths;
  const auto value = [&](const ScanTerm& t) {
    return t.kind == ScanTerm::Kind::kVariable ? input[static_cast<std::size_t>(t.var)] : t.id;
  };
  const TermId from = value(node.subject), to = value(node.object);
  if (from == kNoTerm) {
    return absl::InvalidArgumentError("PATHS needs FROM bound: an IRI, or a variable the patterns before it bind");
  }
  const bool one_to_all = to == kNoTerm;
  if (one_to_all && (search.mode == PathSearch::Mode::kAll || search.k > 1)) {
    return absl::InvalidArgumentError(
        "PATHS ALL and SHORTEST k need TO bound; without it, SHORTEST and ALL SHORTEST give the paths to every node "
        "within reach");
  }
  GraphScope edges = scope;
  if (!node.graphs.empty()) edges = GraphScope{.kind = GraphScope::Kind::kGraphs, .graphs = node.graphs};
  auto row = std::make_unique<Row>(input);
  auto steps = std::make_unique<PathSteps>(*this, node, *row, from, std::move(edges));
  RETURN_IF_ERROR(steps->Init());
  PathFinder finder(ctx_, *steps, search, from, to);
  const std::size_t most = search.limit ? static_cast<std::size_t>(*search.limit) : std::numeric_limits<std::size_t>::max();
  // Without VIA a path steps between entities only: a literal is no end.
  const bool reachable = !node.entities_only || to == kNoTerm || storage::TagOf(to) == storage::TermTag::kIri ||
                         storage::TagOf(to) == storage::TermTag::kBlank;
  Paths paths;
  if (from != to && reachable) {
    absl::StatusOr<Paths> found;
    switch (search.mode) {
      case PathSearch::Mode::kShortest:
        if (search.k > 1) {
          found = finder.KShortest(static_cast<std::size_t>(search.k));
        } else if (one_to_all) {
          found = steps->weighted() ? finder.CheapestToEach(most) : finder.BreadthFirst(false, most);
        } else {
          absl::StatusOr<std::optional<Path>> one = finder.Cheapest(finder.Source(), finder.MaxLength(), {}, {});
          if (!one.ok()) return one.status();
          found.emplace();
          if (*one) found->push_back(std::move(**one));
        }
        break;
      case PathSearch::Mode::kAllShortest:
        found = one_to_all ? finder.BreadthFirst(true, most) : finder.AllShortest(most);
        break;
      case PathSearch::Mode::kAll:
        found = finder.Simple(most);
        break;
    }
    if (!found.ok()) return found.status();
    paths = std::move(*found);
  }
  if (paths.size() > most) paths.resize(most);
  return Source(std::make_unique<PathRows>(ctx_, node, std::move(row), std::move(steps), std::move(paths)));
}

}  // namespace relata::engine::exec
