// The planner's rule for a basic graph pattern: the order of its triple
// patterns from the store's statistics, and how each reads its matches.
#ifndef RELATA_ENGINE_PLAN_SCAN_ORDER_H_
#define RELATA_ENGINE_PLAN_SCAN_ORDER_H_

#include <cstdint>
#include <vector>

#include "engine/plan/plan.h"
#include "storage/quad_store.h"

namespace relata::engine::plan {

// Estimated rows of `scan` per row that reaches it, given which variables
// are bound then.
double Estimate(const ScanStep& scan, const std::vector<bool>& bound, const storage::StoreStats& stats);

// A constant, or a variable bound before the scan runs (a triple term with
// variables in it never is).
bool IsBound(const ScanTerm& t, const std::vector<bool>& bound);
bool IsFreeVariable(const ScanTerm& t, const std::vector<bool>& bound);
void MarkBound(const ScanTerm& t, std::vector<bool>* bound);
void MarkBound(const ScanStep& scan, std::vector<bool>* bound);
// Whether `scan` can follow its constant predicate's edges from a bound end
// to a free variable; `*forward` is whether that end is the subject.
bool CanFollowEdges(const ScanStep& scan, const std::vector<bool>& bound, bool* forward);

// Whether the edges of `predicate` are few enough (at most `most_edges`) to
// be read into memory.
bool EdgesFitInMemory(const storage::StoreStats& stats, TermId predicate, std::uint64_t most_edges);

// The order of a basic graph pattern's scans: dynamic programming over the
// subsets of scans (each extended only by a scan that shares a variable
// with it, unless none does), minimising the rows all prefixes produce;
// greedy beyond kMaxDpScans.
struct ScanOrder {
  std::vector<std::size_t> order;
  std::vector<double> rows;  // estimated rows after each scan of `order`
};
ScanOrder OrderScans(const std::vector<ScanStep>& scans, const std::vector<bool>& input_bound,
                     const storage::StoreStats& stats);

// Sets the access of each scan of `ordered` (in the order it runs) after
// the first: a scan whose terms are all bound is an existence probe, and one
// with a constant predicate and one end bound follows edges, when the rows
// reaching it number more than an eighth of the triples it could match
// (reading those once into memory beats a seek per row); an existence probe
// with fewer rows seeks until the edges are in memory or pay (the seeks of
// later queries count too: kSeekThenProbe). Nothing is read into memory for
// a merge of graphs (FROM).
void ChooseAccess(const ScanOrder& order, const storage::StoreStats& stats, std::vector<bool> bound,
                  ScopeKind scope, std::vector<ScanStep>* ordered);

// The first scan, when it can follow its predicate's edges from what the
// input binds and the predicate has few enough edges to keep, seeks until
// it pays to follow the edges (kSeekThenEdges).
void ChooseFirstAccess(const storage::StoreStats& stats, const std::vector<bool>& bound, ScopeKind scope,
                       std::uint64_t most_edges, std::vector<ScanStep>* ordered);

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_SCAN_ORDER_H_
