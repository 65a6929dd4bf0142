// Turns a query's algebra into its physical plan, once per execution: the
// constants resolved to store ids, each basic graph pattern ordered from the
// statistics, every join, access method and shortcut chosen.
#ifndef RELATA_ENGINE_PLAN_PLANNER_H_
#define RELATA_ENGINE_PLAN_PLANNER_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/plan.h"
#include "query/algebra.h"
#include "storage/quad_store.h"

namespace relata::engine::plan {

// The graphs the top query matches in, as the executor will give them.
struct TopScope {
  ScopeKind kind = ScopeKind::kUnion;
  TermId graph = kNoTerm;  // kOneGraph: the graph (kNoTerm: the unnamed one)
};

class Planner {
 public:
  // Reads the store through `snapshot` and plans with `stats`, which must
  // outlive the planner.
  Planner(const storage::QuadStore& store, std::shared_ptr<const storage::QuadStore::Snapshot> snapshot,
          const storage::StoreStats& stats);

  // The plan of `query` for rows that bind `bound` (by VarId) before it
  // runs, in `scope`.
  absl::StatusOr<Plan> PlanQuery(const query::Query& query, const std::vector<bool>& bound, TopScope scope);

 private:
  struct Scope {
    ScopeKind kind = ScopeKind::kUnion;
    std::optional<TermId> graph;  // kOneGraph, when known before the query runs
  };
  struct Planned {
    std::unique_ptr<Node> node;
    std::vector<bool> bound;  // the variables every row it gives binds
  };

  absl::StatusOr<Planned> Query(const query::Query& q, std::vector<bool> bound, const Scope& scope);
  absl::StatusOr<Planned> Pattern(const query::Pattern& p, const std::vector<bool>& bound, const Scope& scope);
  absl::StatusOr<Planned> Bgp(const query::Pattern& p, const std::vector<bool>& bound, const Scope& scope);
  Planned Scans(const query::Pattern& p, std::vector<ScanStep> scans, const std::vector<bool>& bound,
                const Scope& scope);
  absl::StatusOr<Planned> Path(const query::Pattern& p, const std::vector<bool>& bound);
  absl::StatusOr<Planned> Paths(const query::Pattern& p, const std::vector<bool>& bound, const Scope& scope);
  // Resolves the function calls in `e` and plans its EXISTS patterns for
  // rows that bind `bound`.
  absl::Status Expressions(const query::Expr& e, const std::vector<bool>& bound, const Scope& scope);
  absl::Status Expressions(const std::vector<query::Expr>& exprs, const std::vector<bool>& bound,
                           const Scope& scope);
  // FILTER(!BOUND(?v)) over OPTIONAL { P } as FILTER(NOT EXISTS { P }) over
  // the OPTIONAL's left side: the filter's conditions so rewritten, or
  // nullptr when `filter` is not of that shape.
  const std::vector<query::Expr>* AntiJoin(const query::Pattern& filter, const std::vector<bool>& bound);
  // The shortcuts, or nullptr when the query is not of their shape.
  absl::StatusOr<std::unique_ptr<Node>> ReadInOrder(const query::Query& q, const std::vector<bool>& bound,
                                                    const Scope& scope);
  absl::StatusOr<std::unique_ptr<Node>> CountEdges(const query::Query& q, const std::vector<bool>& bound,
                                                   const Scope& scope);
  absl::StatusOr<std::unique_ptr<Node>> CountProduct(const query::Query& q, const std::vector<bool>& bound,
                                                     const Scope& scope);

  // The id of a constant; nullopt when no quad can hold it.
  absl::StatusOr<std::optional<TermId>> Lookup(const Term& term);
  absl::StatusOr<ScanTerm> Resolve(const query::PatternTerm& t, bool* missing);

  const storage::QuadStore& store_;
  std::shared_ptr<const storage::QuadStore::Snapshot> snapshot_;
  const storage::StoreStats& stats_;
  std::size_t width_ = 0;
  Plan* plan_ = nullptr;  // the plan being built
};

// Whether binding the variables of `p` before evaluating it gives the same
// rows as joining afterwards: true for patterns that only match triples.
bool Bindable(const query::Pattern& p);

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_PLANNER_H_
