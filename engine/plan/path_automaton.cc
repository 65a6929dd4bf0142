// VIA's property path compiled as textbooks do: a Thompson automaton with
// empty moves, made deterministic by the subset construction over the
// predicates it names (plus "any other" per direction), then minimised, so
// that one sequence of triples is one run: no path is found twice.
#include "engine/plan/path_automaton.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/base/status_macros.h"

namespace relata::engine::plan {

using query::PathSearch;
using query::PropertyPath;
using storage::kNoTerm;

// What one transition of the automaton with empty moves reads.
struct Label {
  bool negated = false;             // any predicate but `excluded`
  storage::TermId predicate = kNoTerm;  // when not negated
  std::vector<storage::TermId> excluded;
  bool forward = true;
};

class AutomatonBuilder {
 public:
  explicit AutomatonBuilder(const PathAutomaton::Lookup& lookup) : lookup_(lookup) {}

  struct Fragment {
    int start, end;
  };

  absl::StatusOr<Fragment> Build(const PropertyPath& path, bool inverted) {
    switch (path.kind) {
      case PropertyPath::Kind::kLink: {
        const Fragment f{NewState(), NewState()};
        ASSIGN_OR_RETURN(const std::optional<storage::TermId> id, lookup_(path.iri));
        if (id) Add(f.start, f.end, Label{.predicate = *id, .excluded = {}, .forward = !inverted});
        return f;
      }
      case PropertyPath::Kind::kInverse:
        return Build(path.parts[0], !inverted);
      case PropertyPath::Kind::kSequence: {
        std::optional<Fragment> whole;
        for (std::size_t i = 0; i < path.parts.size(); ++i) {
          const PropertyPath& part = path.parts[inverted ? path.parts.size() - 1 - i : i];
          ASSIGN_OR_RETURN(const Fragment f, Build(part, inverted));
          if (whole) {
            Empty(whole->end, f.start);
            whole->end = f.end;
          } else {
            whole = f;
          }
        }
        return *whole;
      }
      case PropertyPath::Kind::kAlternative: {
        const Fragment f{NewState(), NewState()};
        for (const PropertyPath& part : path.parts) {
          ASSIGN_OR_RETURN(const Fragment one, Build(part, inverted));
          Empty(f.start, one.start);
          Empty(one.end, f.end);
        }
        return f;
      }
      case PropertyPath::Kind::kZeroOrMore:
      case PropertyPath::Kind::kOneOrMore:
      case PropertyPath::Kind::kZeroOrOne: {
        const Fragment f{NewState(), NewState()};
        ASSIGN_OR_RETURN(const Fragment inner, Build(path.parts[0], inverted));
        Empty(f.start, inner.start);
        Empty(inner.end, f.end);
        if (path.kind != PropertyPath::Kind::kOneOrMore) Empty(f.start, f.end);
        if (path.kind != PropertyPath::Kind::kZeroOrOne) Empty(inner.end, inner.start);
        return f;
      }
      case PropertyPath::Kind::kNegated: {
        const Fragment f{NewState(), NewState()};
        // !(a|^b): forward triples of a predicate other than a, and backward
        // ones other than b; !(a) alone reads forward only, !(^b) backward only.
        if (!path.negated_forward.empty() || path.negated_inverse.empty()) {
          ASSIGN_OR_RETURN(Label label, Negated(path.negated_forward, !inverted));
          Add(f.start, f.end, std::move(label));
        }
        if (!path.negated_inverse.empty()) {
          ASSIGN_OR_RETURN(Label label, Negated(path.negated_inverse, inverted));
          Add(f.start, f.end, std::move(label));
        }
        return f;
      }
    }
    return absl::InternalError("unknown property path");
  }

  // (E)+ for E from `start` to `end`: the deterministic, minimal automaton.
  PathAutomaton Finish(Fragment e) {
    Empty(e.end, e.start);
    Determinise(e);
    Minimise();
    return std::move(result_);
  }

  int NewState() {
    empty_moves_.emplace_back();
    moves_.emplace_back();
    return static_cast<int>(empty_moves_.size()) - 1;
  }
  void Add(int from, int to, Label label) { moves_[static_cast<std::size_t>(from)].emplace_back(std::move(label), to); }
  void Empty(int from, int to) { empty_moves_[static_cast<std::size_t>(from)].push_back(to); }

 private:
  absl::StatusOr<Label> Negated(const std::vector<Term>& iris, bool forward) {
    Label label{.negated = true, .excluded = {}, .forward = forward};
    for (const Term& iri : iris) {
      ASSIGN_OR_RETURN(const std::optional<storage::TermId> id, lookup_(iri));
      if (id) label.excluded.push_back(*id);
    }
    return label;
  }

  std::set<int> Closure(std::set<int> states) const {
    std::vector<int> todo(states.begin(), states.end());
    while (!todo.empty()) {
      const int s = todo.back();
      todo.pop_back();
      for (const int t : empty_moves_[static_cast<std::size_t>(s)]) {
        if (states.insert(t).second) todo.push_back(t);
      }
    }
    return states;
  }

  static bool Matches(const Label& label, storage::TermId predicate, bool forward) {
    if (label.forward != forward) return false;
    if (!label.negated) return label.predicate == predicate;
    return predicate == kNoTerm || std::find(label.excluded.begin(), label.excluded.end(), predicate) == label.excluded.end();
  }

  // The subset construction; the symbols are the named predicates of each
  // direction and "any other" (kNoTerm) of each.
  void Determinise(Fragment e) {
    std::set<storage::TermId> named[2];
    bool reads[2] = {false, false};
    for (const auto& moves : moves_) {
      for (const auto& [label, to] : moves) {
        reads[label.forward] = true;
        if (label.negated) {
          named[label.forward].insert(label.excluded.begin(), label.excluded.end());
        } else {
          named[label.forward].insert(label.predicate);
        }
      }
    }
    std::vector<std::pair<storage::TermId, bool>> symbols;
    for (const bool forward : {true, false}) {
      if (!reads[forward]) continue;
      result_.named_[forward].assign(named[forward].begin(), named[forward].end());
      for (const storage::TermId p : named[forward]) symbols.emplace_back(p, forward);
      symbols.emplace_back(kNoTerm, forward);
    }
    std::map<std::set<int>, int> index;
    std::vector<std::set<int>> sets;
    const auto state_of = [&](std::set<int> set) {
      const auto [it, fresh] = index.emplace(set, static_cast<int>(sets.size()));
      if (fresh) {
        sets.push_back(std::move(set));
        result_.out_.emplace_back();
        result_.accepting_.push_back(sets.back().contains(e.end));
      }
      return it->second;
    };
    state_of(Closure({e.start}));
    for (std::size_t i = 0; i < sets.size(); ++i) {
      for (const auto& [predicate, forward] : symbols) {
        std::set<int> next;
        for (const int s : sets[i]) {
          for (const auto& [label, to] : moves_[static_cast<std::size_t>(s)]) {
            if (Matches(label, predicate, forward)) next.insert(to);
          }
        }
        if (next.empty()) continue;
        const int to = state_of(Closure(std::move(next)));
        result_.out_[i].push_back(PathAutomaton::Edge{predicate, forward, to});
      }
    }
  }

  // Moore's partition refinement: states that accept alike and move alike
  // into the same classes are one.
  void Minimise() {
    auto& out = result_.out_;
    const std::size_t n = out.size();
    std::vector<int> block(n);
    for (std::size_t s = 0; s < n; ++s) block[s] = result_.accepting_[s] ? 1 : 0;
    for (std::size_t blocks = 0;;) {
      std::map<std::pair<int, std::vector<std::tuple<storage::TermId, bool, int>>>, int> signatures;
      std::vector<int> next(n);
      for (std::size_t s = 0; s < n; ++s) {
        std::vector<std::tuple<storage::TermId, bool, int>> moves;
        for (const PathAutomaton::Edge& edge : out[s]) {
          moves.emplace_back(edge.predicate, edge.forward, block[static_cast<std::size_t>(edge.to)]);
        }
        const auto [it, fresh] = signatures.emplace(std::pair{block[s], std::move(moves)}, static_cast<int>(signatures.size()));
        next[s] = it->second;
      }
      block = std::move(next);
      if (signatures.size() == blocks) break;
      blocks = signatures.size();
    }
    // Renumber so that the start stays state 0.
    std::vector<int> number(n, -1);
    int count = 0;
    std::vector<std::size_t> representative;
    for (std::size_t s = 0; s < n; ++s) {
      int& b = number[static_cast<std::size_t>(block[s])];
      if (b < 0) {
        b = count++;
        representative.push_back(s);
      }
    }
    std::vector<std::vector<PathAutomaton::Edge>> merged(static_cast<std::size_t>(count));
    std::vector<bool> accepting(static_cast<std::size_t>(count));
    for (int b = 0; b < count; ++b) {
      const std::size_t s = representative[static_cast<std::size_t>(b)];
      accepting[static_cast<std::size_t>(b)] = result_.accepting_[s];
      for (PathAutomaton::Edge edge : out[s]) {
        edge.to = number[static_cast<std::size_t>(block[static_cast<std::size_t>(edge.to)])];
        merged[static_cast<std::size_t>(b)].push_back(edge);
      }
    }
    out = std::move(merged);
    result_.accepting_ = std::move(accepting);
    result_.in_.assign(out.size(), {});
    for (std::size_t s = 0; s < out.size(); ++s) {
      for (const PathAutomaton::Edge& edge : out[s]) {
        result_.in_[static_cast<std::size_t>(edge.to)].push_back({edge.predicate, edge.forward, static_cast<int>(s)});
      }
    }
    result_.empty_ = std::none_of(result_.accepting_.begin(), result_.accepting_.end(), [](bool a) { return a; });
  }

  const PathAutomaton::Lookup& lookup_;
  std::vector<std::vector<int>> empty_moves_;
  std::vector<std::vector<std::pair<Label, int>>> moves_;
  PathAutomaton result_;
};

absl::StatusOr<PathAutomaton> PathAutomaton::Compile(const PropertyPath& via, PathSearch::Direction direction,
                                                     const Lookup& lookup) {
  AutomatonBuilder builder(lookup);
  AutomatonBuilder::Fragment e{};
  if (direction == PathSearch::Direction::kEither) {
    e = {builder.NewState(), builder.NewState()};
    for (const bool inverted : {false, true}) {
      ASSIGN_OR_RETURN(const AutomatonBuilder::Fragment one, builder.Build(via, inverted));
      builder.Empty(e.start, one.start);
      builder.Empty(one.end, e.end);
    }
  } else {
    ASSIGN_OR_RETURN(e, builder.Build(via, direction == PathSearch::Direction::kBackward));
  }
  return builder.Finish(e);
}

PathAutomaton PathAutomaton::AnyLink(PathSearch::Direction direction, std::optional<TermId> type) {
  AutomatonBuilder builder([](const Term&) -> absl::StatusOr<std::optional<TermId>> { return std::nullopt; });
  const AutomatonBuilder::Fragment e{builder.NewState(), builder.NewState()};
  for (const bool forward : {true, false}) {
    const bool wanted = direction == PathSearch::Direction::kEither ||
                        (direction == PathSearch::Direction::kForward) == forward;
    if (!wanted) continue;
    Label label{.negated = true, .excluded = {}, .forward = forward};
    if (type) label.excluded.push_back(*type);
    builder.Add(e.start, e.end, std::move(label));
  }
  return builder.Finish(e);
}

int PathAutomaton::Next(int state, TermId predicate, bool forward) const {
  const bool named = Named(predicate, forward);
  for (const Edge& edge : Out(state)) {
    if (edge.forward == forward && edge.predicate == (named ? predicate : kNoTerm)) return edge.to;
  }
  return -1;
}

bool PathAutomaton::Named(TermId predicate, bool forward) const {
  const std::vector<TermId>& named = named_[forward];
  return std::binary_search(named.begin(), named.end(), predicate);
}

}  // namespace relata::engine::plan
