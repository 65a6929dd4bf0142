// The steps a PATHS search may take, as a deterministic automaton over the
// triples a path follows: VIA's property path, turned as FORWARD, BACKWARD
// or EITHER says, repeated one or more times. A search runs over pairs of
// (node, state); each transition is one triple, read from one end.
#ifndef RELATA_ENGINE_PLAN_PATH_AUTOMATON_H_
#define RELATA_ENGINE_PLAN_PATH_AUTOMATON_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "query/algebra.h"
#include "storage/term_codec.h"

namespace relata::engine::plan {

class PathAutomaton {
 public:
  using TermId = storage::TermId;
  // The id of a predicate IRI; nullopt when the store holds none.
  using Lookup = std::function<absl::StatusOr<std::optional<TermId>>(const Term&)>;

  // A transition: over a triple of `predicate` (kNoTerm: of any predicate
  // the automaton does not name in that direction) read from its subject
  // (`forward`) or from its object, to state `to`. In the reversed lists of
  // In(), `to` is the state the transition comes from.
  struct Edge {
    TermId predicate = storage::kNoTerm;
    bool forward = true;
    int to = 0;
  };

  // The automaton of (E)+ where E is `via` as `direction` turns it: ^via
  // for BACKWARD, via|^via for EITHER.
  static absl::StatusOr<PathAutomaton> Compile(const query::PropertyPath& via,
                                               query::PathSearch::Direction direction, const Lookup& lookup);
  // Without VIA: one triple per step, of any predicate but rdf:type (`type`,
  // when the store has it), in the directions `direction` allows.
  static PathAutomaton AnyLink(query::PathSearch::Direction direction, std::optional<TermId> type);

  static constexpr int kStart = 0;
  int states() const { return static_cast<int>(out_.size()); }
  bool accepting(int state) const { return accepting_[static_cast<std::size_t>(state)]; }
  // Whether no path can match (VIA names only predicates the store lacks).
  bool empty() const { return empty_; }
  const std::vector<Edge>& Out(int state) const { return out_[static_cast<std::size_t>(state)]; }
  const std::vector<Edge>& In(int state) const { return in_[static_cast<std::size_t>(state)]; }
  // The state after a triple of `predicate` read in direction `forward` from
  // `state`; -1 when the automaton does not take it.
  int Next(int state, TermId predicate, bool forward) const;
  // Whether the automaton names `predicate` in that direction (the others
  // all behave alike: the kNoTerm edges).
  bool Named(TermId predicate, bool forward) const;

 private:
  std::vector<std::vector<Edge>> out_, in_;
  std::vector<bool> accepting_;
  std::vector<TermId> named_[2];  // sorted; [1] forward, [0] backward
  bool empty_ = true;

  friend class AutomatonBuilder;
};

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_PATH_AUTOMATON_H_
