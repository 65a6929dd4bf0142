// The physical plan of a query: a tree of operators with every decision
// made (scan order, access method, join kind, shortcuts), built once per
// execution by the planner, run by the executor and printed by EXPLAIN.
// Nodes borrow the algebra they came from (the query outlives the plan).
#ifndef RELATA_ENGINE_PLAN_PLAN_H_
#define RELATA_ENGINE_PLAN_PLAN_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "engine/functions/functions.h"
#include "engine/plan/path_automaton.h"
#include "query/algebra.h"
#include "storage/term_codec.h"

namespace relata::engine::plan {

using query::VarId;
using storage::TermId;
using storage::kNoTerm;
using engine::Function;

// Most edges a database keeps in memory, and so the most of one predicate
// a plan reads into memory to follow or count them.
inline constexpr std::size_t kMostEdgesInMemory = std::size_t{8} << 20;

// The IRI of relata's name search (`?e relata:search "text"`).
inline constexpr std::string_view kSearchIri = "https://relata.dev/ns#search";
// The IRI of relata's full-text search (`?r relata:text "query"`).
inline constexpr std::string_view kTextIri = "https://relata.dev/ns#text";
inline constexpr std::string_view kRdfTypeIri = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

// A term of a triple pattern with its constant resolved to a store id.
struct ScanTerm {
  enum class Kind { kVariable, kConstant, kTriple };
  Kind kind = Kind::kConstant;
  VarId var = -1;
  TermId id = kNoTerm;
  std::vector<ScanTerm> triple;
};

// How one triple pattern of a basic graph pattern reads its matches.
enum class Access {
  kSeek,            // an index seek per row that reaches it
  kHashProbe,       // every term bound: a probe of a hash set of the pattern's triples
  kEdgeProbe,       // every term bound, constant predicate: a lookup in the predicate's edges in memory
  kFollowEdges,     // constant predicate, one end bound: the edges in memory from that end
  // Constant predicate, one end bound, too few rows for reading the edges to
  // pay in this query alone: seeks, until the predicate's edges are in memory
  // (another query read them) or the seeks have cost what reading them
  // costs (for a first pattern, its own opens in this query; for a later
  // one, the seeks into them of this query and, over the same snapshot, of
  // earlier queries); then it follows the edges.
  kSeekThenEdges,
  // Every term bound, constant predicate, too few rows for reading the
  // edges to pay in this query alone: seeks, until the predicate's edges are
  // in memory or the seeks into them (this query's and, over the same
  // snapshot, earlier queries') have cost what reading them costs; then
  // probes of the edges.
  kSeekThenProbe,
};

struct ScanStep {
  ScanTerm s, p, o;
  const query::TriplePattern* pattern = nullptr;  // for EXPLAIN
  Access access = Access::kSeek;
  bool forward = true;  // edges: from the subject (else from the object)
  double estimated_rows = 0;  // rows after this step, per open of the pattern
};

// Which graphs a pattern matches in, as far as the plan knows: GRAPH ?g
// is one graph, which one only known when it runs.
enum class ScopeKind { kUnion, kOneGraph, kMerge };

// A relata:search triple, `?e relata:search "text"` or with a list subject
// `(?e ?score) relata:search "text"`; or a relata:text triple,
// `(?r ?score ?snippet ?text) relata:text "query"` (any leading part of the
// list, or ?r alone).
struct SearchCall {
  enum class Index { kNames, kText };
  Index index = Index::kNames;
  const query::PatternTerm* entity = nullptr;  // kText: what holds the text
  const query::PatternTerm* score = nullptr;   // none without the list form
  const query::PatternTerm* snippet = nullptr; // kText
  const query::PatternTerm* literal = nullptr; // kText: the text matched
  const query::PatternTerm* text = nullptr;
  // kText: the holder comes bound (the rest of the pattern ran first), and
  // the hits are probed for it rather than listed.
  bool probe = false;
  double text_hits = -1;  // kText, listed: the estimate of its hits (text_estimate.h)
};

// Where a property path search starts, from what the rows bind.
enum class PathStart {
  kBothEnds,    // a closure between two bound ends: search until the target turns up
  kSubject,     // from the subject, forwards
  kObject,      // from the object, backwards
  kEveryNode,   // from every node of the graph
};

struct Node {
  enum class Kind {
    // Graph patterns.
    kNoRows,          // a constant the store does not hold: nothing can match
    kUnit,            // the one empty solution (an empty group)
    kIndexNestedLoop, // `scans` in order, one cursor per level
    kSearch,          // `search`, per input row, best match first (or a probe of the hits)
    kPropertyPath,    // `pattern`'s path from `path_start`
    kPaths,           // `pattern`'s PATHS search, per input row, with `subject`, `object` its ends
    kNestedJoin,      // children[1] opened per row of children[0]
    kHashJoin,        // children[1] once, hashed, joined with children[0]'s rows
    kNestedLeftJoin,  // OPTIONAL, children[1] per left row; condition `exprs`
    kHashLeftJoin,    // OPTIONAL, children[1] once; condition `exprs`
    kUnion,
    kMinus,           // children[1] once, opened with no bindings
    kFilter,          // `exprs` over children[0]
    kExtend,          // `bindings` evaluated in order on children[0]'s rows
    kGraph,           // children[0] in graph `graph` (a constant or a bound variable)
    kEachGraph,       // children[0] in each named graph, binding `var` after
    kValues,
    kSubquery,        // children[0] is the sub-query, its rows joined with the input
    kService,         // not supported: fails when opened
    // A query's solution modifiers, top down.
    kSlice,           // OFFSET `offset`, LIMIT `limit`
    kDistinct,
    kProject,         // `vars`; the others get the input row's values
    kSort,            // `order` keys, `descending`
    kValuesJoin,      // a trailing VALUES, hashed
    kHaving,          // `exprs` over groups
    kGroup,           // `query`'s GROUP BY and aggregates over children[0]'s rows
    kGroupCounts,     // the same for COUNTs of variables: counted as rows stream
    // Shortcuts: answers read straight from an index or from edges.
    kCountEdges,      // GROUP BY one end of ?s <p> ?o counting the other: the nodes' runs of edges
    kCountProduct,    // COUNTs of a product of patterns sharing no variable: each child counted, multiplied
    kReadInOrder,     // ORDER BY ?o LIMIT n over ?s <p> ?o: posg from one end, `wanted` rows
  };
  explicit Node(Kind k) : kind(k) {}
  Kind kind;
  std::vector<std::unique_ptr<Node>> children;

  // The algebra this node runs (for EXPLAIN and for what the executor
  // reads from it): the pattern, or the query of a modifier.
  const query::Pattern* pattern = nullptr;
  const query::Query* query = nullptr;
  double estimated_rows = -1;  // per open; < 0: no estimate

  std::vector<ScanStep> scans;                  // kIndexNestedLoop
  SearchCall search;                            // kSearch
  PathStart path_start = PathStart::kEveryNode; // kPropertyPath
  ScanTerm subject, object;                     // kPropertyPath, kPaths
  std::shared_ptr<const PathAutomaton> steps;   // kPaths: the steps paths are made of
  bool entities_only = false;                   // kPaths: steps reach IRIs and blank nodes only (no VIA)
  bool target_bound = false;                    // kPaths: TO is a constant or certainly bound
  std::vector<TermId> graphs;                   // kPaths: the graphs its edges are from (none: any)
  const std::vector<query::Expr>* exprs = nullptr;  // kFilter, k*LeftJoin, kHaving
  std::vector<std::pair<VarId, const query::Expr*>> bindings;  // kExtend
  std::vector<VarId> vars;                      // kProject
  std::vector<std::pair<const query::Expr*, bool>> order;  // kSort: key, descending
  std::int64_t offset = 0;                      // kSlice
  std::optional<std::int64_t> limit;            // kSlice
  VarId var = -1;                               // kGraph, kEachGraph: the graph variable, if one
  TermId graph = kNoTerm;                       // kGraph with a constant: its id
  std::string reason;                           // kNoRows: which constant; kFilter: a rewrite

  // kCountEdges and kReadInOrder: the predicate, which end the rows are
  // about, and (kReadInOrder) how far to read.
  TermId predicate = kNoTerm;
  bool forward = true;       // kCountEdges: the key is the subject
  bool descending = false;   // kReadInOrder
  bool dates = false;        // kReadInOrder: dates, read 28 hours further
  std::uint64_t wanted = 0;  // kReadInOrder: OFFSET + LIMIT
};

// A query's plan: the tree, and the plans of the EXISTS patterns its
// expressions hold (by the pattern's address), with the expressions the
// plan rewrote (aggregate references replaced by their variables) kept
// alive here.
struct Plan {
  std::unique_ptr<Node> root;
  absl::flat_hash_map<const query::Pattern*, std::unique_ptr<Node>> exists;
  // The same patterns planned with nothing bound, for those that only match
  // triples (no FILTER, BIND or OPTIONAL condition could see the row): run
  // once, their rows stand for every row's run; one triple pattern with a
  // constant predicate looks in the predicate's edges instead (docs/sparql.md).
  absl::flat_hash_map<const query::Pattern*, std::unique_ptr<Node>> exists_once;
  std::vector<std::unique_ptr<std::vector<query::Expr>>> rewritten;
  std::vector<std::unique_ptr<query::Pattern>> parts;  // patterns the planner cut from the query's
  // The function each call of the query's expressions names, resolved
  // once; nullptr for an IRI that names no function (an error value).
  absl::flat_hash_map<const query::Expr*, const Function*> functions;
};

// What a node (or a scan step) did, for EXPLAIN ANALYZE.
struct OpStats {
  std::uint64_t rows = 0, opens = 0;
  std::uint64_t in_memory = 0;  // kSeekThenEdges: the opens that followed edges in memory
  double seconds = 0;           // its inputs included
};
// By the address of the node or scan step; node-based, so that operators
// can keep a pointer to their entry.
using Profile = std::unordered_map<const void*, OpStats>;

// A short name of each kind and access, for tests and messages.
const char* KindName(Node::Kind kind);
const char* AccessName(Access access);

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_PLAN_H_
