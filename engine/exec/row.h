// A solution as the executor holds it (one term id per variable of the
// query, kNoTerm where unbound; query-local ids for terms the query made),
// and the graphs its patterns are read in.
#ifndef RELATA_ENGINE_EXEC_ROW_H_
#define RELATA_ENGINE_EXEC_ROW_H_

#include <vector>

#include "absl/hash/hash.h"
#include "query/algebra.h"
#include "storage/quad_store.h"

namespace relata::engine::exec {

using query::Query;
using storage::QuadIds;
using storage::QuadStore;
using storage::TermId;
using storage::TermTag;
using storage::kNoTerm;
// A solution: one id per variable of the query (kNoTerm: unbound).
using Row = std::vector<TermId>;

// Terms made by the query and unknown to the store.
inline constexpr TermTag kLocalTag = static_cast<TermTag>(15);

struct RowHash {
  std::size_t operator()(const Row& r) const { return absl::HashOf(r); }
};

// Which graph the patterns match in.
struct GraphScope {
  enum class Kind { kUnion, kGraph, kGraphs };
  Kind kind = Kind::kUnion;
  TermId graph = kNoTerm;      // kGraph; kNoTerm is the default graph
  std::vector<TermId> graphs;  // kGraphs: the merge of these (FROM)
  friend bool operator==(const GraphScope&, const GraphScope&) = default;
};

// A pattern that matches in the one graph of `scope`, or in any graph for
// the union; its s, p, o are left unbound.
// REQUIRES: scope.kind is not kGraphs.
inline QuadStore::Pattern PatternWithin(const GraphScope& scope) {
  QuadStore::Pattern pattern;
  pattern.graph_bound = scope.kind == GraphScope::Kind::kGraph;
  pattern.ids.g = pattern.graph_bound ? scope.graph : kNoTerm;
  return pattern;
}

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_ROW_H_
