// Scan order and access methods of a basic graph pattern.
#include "engine/plan/scan_order.h"

#include <algorithm>

namespace relata::engine::plan {

double Estimate(const ScanStep& scan, const std::vector<bool>& bound, const storage::StoreStats& stats) {
  const bool s = IsBound(scan.s, bound), p = IsBound(scan.p, bound), o = IsBound(scan.o, bound);
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
  // A check of a triple whose terms are all bound keeps its small estimate
  // (how rarely two given ends are linked): flooring it with the lookups
  // made a selective check (a member of this department: 1 in 2,000) look
  // like a weak one (a graduate student: 1 in 15), so that checks ran in
  // any order. Other lookups keep their floor.
  return std::max(rows, s && o ? 1e-6 : s || o ? 0.5 : 1.0);
}

void MarkBound(const ScanTerm& t, std::vector<bool>* bound) {
  if (t.kind == ScanTerm::Kind::kVariable) (*bound)[static_cast<std::size_t>(t.var)] = true;
  for (const auto& part : t.triple) MarkBound(part, bound);
}

void MarkBound(const ScanStep& scan, std::vector<bool>* bound) {
  MarkBound(scan.s, bound);
  MarkBound(scan.p, bound);
  MarkBound(scan.o, bound);
}

bool IsBound(const ScanTerm& t, const std::vector<bool>& bound) {
  return t.kind == ScanTerm::Kind::kConstant ||
         (t.kind == ScanTerm::Kind::kVariable && bound[static_cast<std::size_t>(t.var)]);
}

bool IsFreeVariable(const ScanTerm& t, const std::vector<bool>& bound) {
  return t.kind == ScanTerm::Kind::kVariable && !bound[static_cast<std::size_t>(t.var)];
}

bool CanFollowEdges(const ScanStep& scan, const std::vector<bool>& bound, bool* forward) {
  if (scan.p.kind != ScanTerm::Kind::kConstant) return false;
  *forward = IsBound(scan.s, bound);
  return *forward ? IsFreeVariable(scan.o, bound) : IsBound(scan.o, bound) && IsFreeVariable(scan.s, bound);
}

namespace {

bool Shares(const ScanTerm& t, const std::vector<bool>& bound) {
  if (t.kind == ScanTerm::Kind::kVariable) return bound[static_cast<std::size_t>(t.var)];
  return std::any_of(t.triple.begin(), t.triple.end(), [&](const ScanTerm& part) { return Shares(part, bound); });
}

bool Connected(const ScanStep& scan, const std::vector<bool>& bound) {
  return Shares(scan.s, bound) || Shares(scan.p, bound) || Shares(scan.o, bound);
}

}  // namespace

ScanOrder OrderScans(const std::vector<ScanStep>& scans, const std::vector<bool>& input_bound,
                     const storage::StoreStats& stats) {
  constexpr std::size_t kMaxDpScans = 10;
  const std::size_t n = scans.size();
  const auto bound_after = [&](const std::vector<std::size_t>& placed) {
    std::vector<bool> bound = input_bound;
    for (std::size_t i : placed) MarkBound(scans[i], &bound);
    return bound;
  };
  ScanOrder plan;
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
        if (!(set & (std::size_t{1} << i)) && Connected(scans[i], bound)) any_connected = true;
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (set & (std::size_t{1} << i)) continue;
        if (any_connected && !Connected(scans[i], bound)) continue;  // no cross products
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
      const bool c = Connected(scans[i], bound);
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

bool EdgesFitInMemory(const storage::StoreStats& stats, TermId predicate, std::uint64_t most_edges) {
  const auto it = stats.predicates.find(predicate);
  return it != stats.predicates.end() && it->second.quads <= most_edges;
}

void ChooseAccess(const ScanOrder& order, const storage::StoreStats& stats, std::vector<bool> bound,
                  ScopeKind scope, std::vector<ScanStep>* ordered) {
  if (scope == ScopeKind::kMerge) return;
  constexpr double kMostTriples = 4e6;
  const std::vector<bool> none(bound.size());
  for (std::size_t k = 0; k < ordered->size(); ++k) {
    ScanStep& scan = (*ordered)[k];
    // A seek costs about as much as reading ten triples in a row.
    const auto pays = [&] {
      const double triples = Estimate(scan, none, stats);
      return triples < kMostTriples && order.rows[k - 1] * 8 > triples;
    };
    bool forward = true;
    if (k > 0 && IsBound(scan.s, bound) && IsBound(scan.p, bound) && IsBound(scan.o, bound)) {
      const auto it = scan.p.kind == ScanTerm::Kind::kConstant ? stats.predicates.find(scan.p.id) : stats.predicates.end();
      // From the end with more distinct nodes: the runs searched are shorter.
      scan.forward = it == stats.predicates.end() || it->second.distinct_subjects >= it->second.distinct_objects;
      if (pays()) {
        scan.access = scan.p.kind == ScanTerm::Kind::kConstant ? Access::kEdgeProbe : Access::kHashProbe;
      } else if (scan.p.kind == ScanTerm::Kind::kConstant && EdgesFitInMemory(stats, scan.p.id, kMostEdgesInMemory)) {
        scan.access = Access::kSeekThenProbe;
      }
    } else if (k > 0 && CanFollowEdges(scan, bound, &forward)) {
      scan.forward = forward;
      if (order.rows[k - 1] >= 2 && pays()) {
        scan.access = Access::kFollowEdges;  // one probe is one seek
      } else if (EdgesFitInMemory(stats, scan.p.id, kMostEdgesInMemory)) {
        scan.access = Access::kSeekThenEdges;
      }
    }
    MarkBound(scan, &bound);
  }
}

void ChooseFirstAccess(const storage::StoreStats& stats, const std::vector<bool>& bound, ScopeKind scope,
                       std::uint64_t most_edges, std::vector<ScanStep>* ordered) {
  if (ordered->empty() || scope == ScopeKind::kMerge) return;
  ScanStep& scan = ordered->front();
  bool forward = true;
  if (!CanFollowEdges(scan, bound, &forward)) return;
  if (!EdgesFitInMemory(stats, scan.p.id, most_edges)) return;
  scan.forward = forward;
  scan.access = Access::kSeekThenEdges;
}

}  // namespace relata::engine::plan
