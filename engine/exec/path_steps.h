// The graph a PATHS search walks: points are (node, state of the VIA
// automaton), and each step from one point to the next is one triple of
// the store, read once per point and direction, with the statement that
// carries it (document, confidence, evidence) and its weight.
#ifndef RELATA_ENGINE_EXEC_PATH_STEPS_H_
#define RELATA_ENGINE_EXEC_PATH_STEPS_H_

#include <array>
#include <compare>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/exec/evaluator.h"

namespace relata::engine::exec {

// A node of the store at a state of the automaton.
struct Point {
  TermId node = kNoTerm;
  int state = 0;
  friend auto operator<=>(const Point&, const Point&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Point& p) {
    return H::combine(std::move(h), p.node, p.state);
  }
};

// One step of a path: the triple's predicate, the point it reaches, and
// whether it went from the triple's subject to its object; what it costs.
struct Hop {
  TermId predicate = kNoTerm;
  Point to;
  bool forward = true;
  long double weight = 1;
  friend bool operator==(const Hop& a, const Hop& b) {
    return a.predicate == b.predicate && a.to == b.to && a.forward == b.forward;
  }
  friend auto operator<=>(const Hop& a, const Hop& b) {
    return std::tie(a.predicate, a.to, a.forward) <=> std::tie(b.predicate, b.to, b.forward);
  }
};

// The statement of a triple a step shows: the most confident one in the
// search's graphs (without reifiers, a graph that holds the triple).
struct Statement {
  TermId document = kNoTerm, confidence = kNoTerm, evidence = kNoTerm;
  double value = -1;  // the confidence as a number; -1 when none is given
  bool stated = false;
};

class PathSteps {
 public:
  // `node` is the plan's kPaths node, `input` the row the search runs for
  // (what WEIGHT may read besides the step), `from` its FROM node, `scope`
  // where its triples are.
  PathSteps(Evaluator& eval, const plan::Node& node, const Row& input, TermId from, GraphScope scope);
  ~PathSteps();
  PathSteps(const PathSteps&) = delete;
  PathSteps& operator=(const PathSteps&) = delete;
  absl::Status Init();

  const plan::PathAutomaton& automaton() const { return automaton_; }
  bool weighted() const { return search_.weight != nullptr; }

  // The steps out of `at`, read once per search. REQUIRES: Init().
  absl::StatusOr<const std::vector<Hop>*> Out(Point at) { return Steps(at, true); }
  // The steps into `at`, each written as the step from where it starts
  // (its `to` is that start point).
  absl::StatusOr<const std::vector<Hop>*> In(Point at) { return Steps(at, false); }

  // The steps out of `at` read afresh into `hops`, for a search that steps
  // out of each point once: a hundred thousand points' steps are not kept.
  absl::Status ReadOut(Point at, std::vector<Hop>* hops) { return Collect(at, true, hops); }

  // The statement of the triple `hop` follows from node `from`, read once.
  absl::StatusOr<Statement> StatementOf(TermId from, const Hop& hop);

 private:
  absl::StatusOr<const std::vector<Hop>*> Steps(Point at, bool out);
  absl::Status Collect(Point at, bool out, std::vector<Hop>* hops);
  // The triples of `predicate` (kNoTerm: any) at `node`, from their subject
  // (`by_subject`) or object, as (predicate, other end).
  absl::Status Read(TermId node, TermId predicate, bool by_subject, std::vector<std::pair<TermId, TermId>>* out);
  absl::StatusOr<long double> Weight(TermId from, const Hop& hop);
  bool InScope(TermId graph) const;
  absl::StatusOr<TermId> Value(TermId subject, std::optional<TermId> predicate, TermId graph);

  Evaluator& eval_;
  Context& ctx_;
  const query::PathSearch& search_;
  const plan::Node& node_;
  const plan::PathAutomaton& automaton_;
  const Row& input_;
  const TermId from_;
  const GraphScope scope_;
  std::optional<TermId> reifies_, confidence_, evidence_;
  bool weight_reads_statement_ = false;
  absl::flat_hash_map<Point, std::vector<Hop>> out_, in_;
  // Collect's buffers: a point's triples, and where each automaton edge's triples end.
  std::vector<std::pair<TermId, TermId>> triples_;
  std::vector<std::size_t> ends_;
  // By predicate and direction: its edges in memory, once seeks into them
  // have cost what reading them costs (or another query read them).
  struct Edges {
    const Adjacency* in_memory = nullptr;
    bool too_many = false;      // more than a search may read into memory
    std::uint64_t unspent = 0;  // seeks not yet counted with the context
  };
  absl::flat_hash_map<std::pair<TermId, bool>, Edges> edges_;
  // One cursor re-sought for every read: far cheaper than an iterator each.
  std::unique_ptr<QuadStore::Cursor> cursor_;
  absl::flat_hash_map<std::array<TermId, 3>, Statement, absl::Hash<std::array<TermId, 3>>> statements_;
  absl::flat_hash_map<std::array<TermId, 4>, long double, absl::Hash<std::array<TermId, 4>>> weights_;
};

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_PATH_STEPS_H_
