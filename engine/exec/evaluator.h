// The executor: opens the operator of each plan node over an input row (a
// join's left row, EXISTS's row), and evaluates expressions. Its Open
// functions are defined by operator family, one file each: bgp_scan.cc,
// search.cc, property_path.cc, paths.cc, joins.cc, row_operators.cc, modifiers.cc,
// aggregates.cc; expressions.cc holds Eval.
#ifndef RELATA_ENGINE_EXEC_EVALUATOR_H_
#define RELATA_ENGINE_EXEC_EVALUATOR_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/exec/context.h"
#include "engine/exec/right_rows.h"
#include "engine/exec/row_source.h"
#include "engine/functions/sparql_terms.h"
#include "engine/plan/plan.h"

namespace relata::engine::exec {

using query::Expr;
using query::PropertyPath;

// What an expression sees besides the row.
struct ExprEnv {
  GraphScope scope;
  // BNODE(str) gives the same node for the same string within one row.
  std::map<std::string, std::string>* row_blanks = nullptr;
};

class Evaluator {
 public:
  // relata:text's hits of one text (search.cc).
  struct TextHits;
  // `plan` must outlive the evaluator and every source it opens.
  Evaluator(Context& ctx, const plan::Plan& plan) : ctx_(ctx), plan_(plan) {}
  Context& ctx() { return ctx_; }

  // The rows of `node` that are compatible with `input` (which they extend),
  // read in `scope`. Profiled when the context is.
  absl::StatusOr<Source> Open(const plan::Node& node, const Row& input, const GraphScope& scope);

  // ---- expressions: nullopt is an error ----
  absl::StatusOr<std::optional<Term>> Eval(const Expr& e, const Row& row, ExprEnv& env);
  absl::StatusOr<std::optional<bool>> EvalBool(const Expr& e, const Row& row, ExprEnv& env);
  absl::StatusOr<bool> Holds(const std::vector<Expr>& exprs, const Row& row, const GraphScope& scope);
  // `e` as a number, without a term where it can (an arithmetic operation's
  // result reads as its term would read back); nullopt when it is an error
  // or not a number.
  absl::StatusOr<std::optional<Number>> Operand(const Expr& e, const Row& row, ExprEnv& env);

  // ---- property paths ----
  // The nodes reachable from `node` over `path` (forwards, or backwards
  // when !forward), with repeats as the path semantics count them.
  absl::Status Step(const PropertyPath& path, TermId node, bool forward, const GraphScope& scope,
                    std::vector<TermId>* out);
  // The nodes reachable from `start` by one or more steps of `path` (and
  // `start` itself with `include_start`); stops early once `target` is found.
  absl::StatusOr<std::vector<TermId>> Closure(const PropertyPath& path, TermId start, bool forward,
                                               bool include_start, const GraphScope& scope,
                                               TermId target = kNoTerm);
  // The edges of `predicate` (an id) in memory, or nullptr when the scope is
  // a merge of graphs or the predicate has more than `most_edges` triples.
  absl::StatusOr<const Adjacency*> PredicateEdges(TermId predicate, bool forward, const GraphScope& scope,
                                                  std::uint64_t most_edges);

 private:
  // One per operator family.
  absl::StatusOr<Source> OpenScans(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenSearch(const plan::Node& node, const Row& input);
  // The hits of relata:text `node` for `text`, found on the first call.
  absl::StatusOr<std::shared_ptr<const TextHits>> FindText(const plan::Node& node, const Term& text);
  absl::StatusOr<Source> OpenPath(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenPaths(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenJoin(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenRowOperator(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenModifier(const plan::Node& node, const Row& input, const GraphScope& scope);
  absl::StatusOr<Source> OpenAggregate(const plan::Node& node, const Row& input, const GraphScope& scope);

  // Whether `node` is the subject or object of a triple in the scope.
  absl::StatusOr<bool> InGraph(TermId node, const GraphScope& scope);
  // Every subject and object in the scope.
  absl::StatusOr<std::vector<TermId>> AllNodes(const GraphScope& scope);

  // EXISTS `pattern` for `row`: opened with the row's bindings, or, for a
  // pattern that only matches triples once these runs have cost what one
  // run with nothing bound costs, looked up in the rows of that one run.
  absl::StatusOr<bool> Exists(const query::Pattern& pattern, const Row& row, const GraphScope& scope);

  // The function the plan resolved call `e` to (nullptr: an IRI naming none).
  absl::StatusOr<const Function*> Resolved(const Expr& e) const;
  // Call `e` of function `f`.
  absl::StatusOr<std::optional<Term>> EvalCall(const Expr& e, const Function* f, const Row& row, ExprEnv& env);
  // The order of two operands that are inline numbers of one order-preserving
  // kind (a variable's id, or a constant's), else nullopt.
  std::optional<int> CompareInline(const Expr& a, const Expr& b, const Row& row);
  TermId InlineOf(const Expr& e, const Row& row);
  // Arithmetic, unary minus and ABS, CEIL, FLOOR and ROUND computed on
  // numbers, with no term made between the operations: each operation reads
  // the operation below it as that one's term would read back (Normalized),
  // so the values are those the terms give. `numeric` is false when `e` is
  // none of these operations; `value` is empty for an error.
  struct NumericValue {
    bool numeric = false;
    std::optional<Number> value;
  };
  absl::StatusOr<NumericValue> EvalNumeric(const Expr& e, const Row& row, ExprEnv& env);
  static bool IsNumericOperation(const Expr& e);
  // `a` = `b` when one is a variable and the other a constant IRI: RDF term
  // equality, which is id equality (a term has one id in a query, the
  // store's or the query's own); nullopt for other shapes or an unbound
  // variable.
  absl::StatusOr<std::optional<bool>> SameAsIri(const Expr& a, const Expr& b, const Row& row);
  // STRSTARTS, STRENDS or CONTAINS of a variable's string (already decoded)
  // and a constant simple literal, without copying either; nullopt when the
  // call is not of that shape or the term is not at hand.
  std::optional<bool> StringTest(const Expr& e, const Function* f, const Row& row);

  Context& ctx_;
  const plan::Plan& plan_;
  // Constants' inline ids by expression address: only for expressions that
  // live as long as the query (the query's own, and the plan's).
  absl::flat_hash_map<const Expr*, TermId> constant_ids_;
  absl::flat_hash_map<const Expr*, std::optional<Number>> constant_numbers_;
  absl::flat_hash_map<const Expr*, TermId> constant_iris_;  // their ids, for SameAsIri
  // One cursor for every step of a path search: a scan ends before the next
  // begins, and re-seeking is much cheaper than a new iterator.
  std::unique_ptr<QuadStore::Cursor> step_cursor_;
  // The last text each relata:text node searched for, with its hits.
  absl::flat_hash_map<const plan::Node*, std::shared_ptr<const TextHits>> text_hits_;
  // Each EXISTS pattern's runs so far, and its rows once run with nothing
  // bound (in `scope`: a row in another graph scope runs it on its own).
  struct ExistsRuns {
    std::uint64_t count = 0;
    std::unique_ptr<RightRows> rows;
    const Adjacency* edges = nullptr;  // from the subject: one triple pattern, its predicate constant
    GraphScope scope;
  };
  // For a row, EXISTS of the one triple pattern `step` in `edges` (from the
  // subject); nullopt when the row binds neither end.
  static std::optional<bool> InEdges(const plan::ScanStep& step, const Adjacency& edges, const Row& row);
  absl::flat_hash_map<const query::Pattern*, ExistsRuns> exists_runs_;
};

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_EVALUATOR_H_
