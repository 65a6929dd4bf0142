// Property paths: breadth-first searches over ids from the end the plan
// starts at, each node once for * and +, with a predicate's edges read into
// memory once a search grows big.
#include <algorithm>
#include <set>
#include <span>

#include "absl/container/flat_hash_set.h"
#include "engine/exec/evaluator.h"

namespace relata::engine::exec {

using plan::PathStart;
using plan::ScanTerm;
using query::PatternTerm;

absl::StatusOr<Source> Evaluator::OpenPath(const plan::Node& node, const Row& input, const GraphScope& scope) {
  const query::Pattern& p = *node.pattern;
  const ScanTerm& s = node.subject;
  const ScanTerm& o = node.object;
  const auto value = [&](const ScanTerm& t) {
    return t.kind == ScanTerm::Kind::kVariable ? input[static_cast<std::size_t>(t.var)] : t.id;
  };
  std::vector<Row> rows;
  TermId from = value(s), to = value(o);
  // A constant unknown to the store still reaches itself by a zero-length path.
  if (p.subject.kind == PatternTerm::Kind::kConstant && from == kNoTerm) {
    ASSIGN_OR_RETURN(from, ctx_.Intern(p.subject.constant));
  }
  if (p.object.kind == PatternTerm::Kind::kConstant && to == kNoTerm) {
    ASSIGN_OR_RETURN(to, ctx_.Intern(p.object.constant));
  }
  const auto emit = [&](TermId x, TermId y) -> absl::Status {
    Row row = input;
    if (s.kind == ScanTerm::Kind::kVariable) {
      TermId& slot = row[static_cast<std::size_t>(s.var)];
      if (slot != kNoTerm && slot != x) return absl::OkStatus();
      slot = x;
    }
    if (o.kind == ScanTerm::Kind::kVariable) {
      TermId& slot = row[static_cast<std::size_t>(o.var)];
      if (slot != kNoTerm && slot != y) return absl::OkStatus();
      slot = y;
    }
    rows.push_back(std::move(row));
    if ((rows.size() & 1023) == 0) return ctx_.Hold(1024);
    return absl::OkStatus();
  };
  // A variable's value reaches itself by a zero-length path only when it is
  // a node of the graph (spec: evaluation is bottom-up, where the path knows
  // only the graph's nodes).
  for (const auto& [t, id] : {std::pair{&s, from}, std::pair{&o, to}}) {
    if (t->kind != ScanTerm::Kind::kVariable || id == kNoTerm) continue;
    ASSIGN_OR_RETURN(const bool in_graph, InGraph(id, scope));
    if (!in_graph) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
  }
  std::vector<TermId> reached;
  switch (node.path_start) {
    case PathStart::kBothEnds: {
      // Search until the target turns up, no further.
      ASSIGN_OR_RETURN(reached, Closure(p.path.parts[0], from, true, p.path.kind == PropertyPath::Kind::kZeroOrMore,
                                        scope, to));
      if (std::find(reached.begin(), reached.end(), to) != reached.end()) RETURN_IF_ERROR(emit(from, to));
      break;
    }
    case PathStart::kSubject:
      RETURN_IF_ERROR(Step(p.path, from, true, scope, &reached));
      for (TermId y : reached) {
        if (to == kNoTerm || y == to) RETURN_IF_ERROR(emit(from, y));
      }
      break;
    case PathStart::kObject:
      RETURN_IF_ERROR(Step(p.path, to, false, scope, &reached));
      for (TermId x : reached) RETURN_IF_ERROR(emit(x, to));
      break;
    case PathStart::kEveryNode: {
      ASSIGN_OR_RETURN(const std::vector<TermId> nodes, AllNodes(scope));
      for (TermId x : nodes) {
        reached.clear();
        RETURN_IF_ERROR(Step(p.path, x, true, scope, &reached));
        for (TermId y : reached) RETURN_IF_ERROR(emit(x, y));
      }
      break;
    }
  }
  return Source(std::make_unique<VectorSource>(std::move(rows)));
}

absl::Status Evaluator::Step(const PropertyPath& path, TermId node, bool forward, const GraphScope& scope,
                             std::vector<TermId>* out) {
  RETURN_IF_ERROR(ctx_.Check());
  switch (path.kind) {
    case PropertyPath::Kind::kLink:
    case PropertyPath::Kind::kNegated: {
      std::optional<TermId> predicate;
      if (path.kind == PropertyPath::Kind::kLink) {
        ASSIGN_OR_RETURN(predicate, ctx_.Lookup(path.iri));
        if (!predicate) return absl::OkStatus();
      }
      const auto scan = [&](bool fwd, const std::vector<TermId>* excluded) -> absl::Status {
        QuadStore::Pattern pattern;
        (fwd ? pattern.ids.s : pattern.ids.o) = node;
        if (predicate) pattern.ids.p = *predicate;
        const bool distinct = scope.kind == GraphScope::Kind::kUnion;
        // Without FROM there is one graph (or the union) to scan: no copies.
        const TermId one_graph = scope.kind == GraphScope::Kind::kGraph ? scope.graph : kNoTerm;
        const std::span<const TermId> graphs = scope.kind == GraphScope::Kind::kGraphs
                                                   ? std::span<const TermId>(scope.graphs)
                                                   : std::span<const TermId>(&one_graph, 1);
        std::set<std::pair<TermId, TermId>> seen;
        for (TermId g : graphs) {
          pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
          pattern.ids.g = g;
          if (step_cursor_ == nullptr) {
            step_cursor_ = ctx_.store().OpenCursor(pattern, distinct, ctx_.snapshot());
          } else {
            ctx_.store().Reseek(*step_cursor_, pattern, distinct);
          }
          for (QuadStore::Cursor* c = step_cursor_.get(); c->Valid(); c->Next()) {
            const QuadIds& q = c->quad();
            if (excluded != nullptr && std::find(excluded->begin(), excluded->end(), q.p) != excluded->end()) {
              continue;
            }
            if (scope.kind == GraphScope::Kind::kGraphs && graphs.size() > 1 && !seen.insert({q.p, fwd ? q.o : q.s}).second) {
              continue;
            }
            out->push_back(fwd ? q.o : q.s);
            RETURN_IF_ERROR(ctx_.Check());
          }
        }
        return absl::OkStatus();
      };
      if (path.kind == PropertyPath::Kind::kLink) return scan(forward, nullptr);
      // !(a|^b): forward triples whose predicate is not a, then backward
      // ones whose predicate is not b.
      const auto ids = [&](const std::vector<Term>& iris) -> absl::StatusOr<std::vector<TermId>> {
        std::vector<TermId> v;
        for (const Term& t : iris) {
          ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(t));
          if (id) v.push_back(*id);
        }
        return v;
      };
      ASSIGN_OR_RETURN(const auto fwd_excluded, ids(path.negated_forward));
      ASSIGN_OR_RETURN(const auto inv_excluded, ids(path.negated_inverse));
      const bool has_forward = !path.negated_forward.empty() || path.negated_inverse.empty();
      if (has_forward) RETURN_IF_ERROR(scan(forward, &fwd_excluded));
      if (!path.negated_inverse.empty()) RETURN_IF_ERROR(scan(!forward, &inv_excluded));
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kInverse:
      return Step(path.parts[0], node, !forward, scope, out);
    case PropertyPath::Kind::kSequence: {
      std::vector<TermId> frontier{node};
      const auto n = path.parts.size();
      for (std::size_t i = 0; i < n; ++i) {
        const PropertyPath& part = path.parts[forward ? i : n - 1 - i];
        std::vector<TermId> next;
        for (TermId x : frontier) RETURN_IF_ERROR(Step(part, x, forward, scope, &next));
        frontier = std::move(next);
      }
      out->insert(out->end(), frontier.begin(), frontier.end());
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kAlternative:
      for (const auto& part : path.parts) RETURN_IF_ERROR(Step(part, node, forward, scope, out));
      return absl::OkStatus();
    case PropertyPath::Kind::kZeroOrOne: {
      std::vector<TermId> one;
      RETURN_IF_ERROR(Step(path.parts[0], node, forward, scope, &one));
      out->push_back(node);
      absl::flat_hash_set<TermId> seen{node};
      for (TermId y : one) {
        if (seen.insert(y).second) out->push_back(y);
      }
      return absl::OkStatus();
    }
    case PropertyPath::Kind::kZeroOrMore:
    case PropertyPath::Kind::kOneOrMore: {
      ASSIGN_OR_RETURN(const auto reached,
                       Closure(path.parts[0], node, forward,
                               path.kind == PropertyPath::Kind::kZeroOrMore, scope));
      out->insert(out->end(), reached.begin(), reached.end());
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

// Breadth-first search, one level at a time; each node once (spec: * and +
// give distinct nodes). Each level's nodes are expanded in id order, so that
// consecutive index seeks land in the same blocks.
absl::StatusOr<std::vector<TermId>> Evaluator::Closure(const PropertyPath& path, TermId start, bool forward,
                                                        bool include_start, const GraphScope& scope,
                                                        TermId target) {
  std::vector<TermId> result;
  absl::flat_hash_set<TermId> visited;
  if (include_start) {
    visited.insert(start);
    result.push_back(start);
    if (start == target) return result;
  }
  std::vector<TermId> frontier{start}, next, reached;
  std::size_t held = 0, expanded = 0;
  // After this many nodes a single predicate's edges are read into memory
  // (when it has not too many): big searches then cost one index scan.
  constexpr std::size_t kExpandedBeforeAdjacency = 2048;
  constexpr std::uint64_t kMostAdjacencyEdges = 8'000'000;
  const Adjacency* adjacency = nullptr;
  bool adjacency_tried = false;
  while (!frontier.empty()) {
    std::sort(frontier.begin(), frontier.end());
    next.clear();
    for (TermId x : frontier) {
      reached.clear();
      if (!adjacency_tried && ++expanded > kExpandedBeforeAdjacency) {
        adjacency_tried = true;
        if (path.kind == PropertyPath::Kind::kLink) {
          ASSIGN_OR_RETURN(const std::optional<TermId> predicate, ctx_.Lookup(path.iri));
          if (predicate) {
            ASSIGN_OR_RETURN(adjacency, PredicateEdges(*predicate, forward, scope, kMostAdjacencyEdges));
          }
        }
      }
      std::span<const TermId> targets;
      if (adjacency != nullptr) {
        targets = adjacency->From(x);
      } else {
        RETURN_IF_ERROR(Step(path, x, forward, scope, &reached));
        targets = reached;
      }
      for (TermId y : targets) {
        if (!visited.insert(y).second) continue;
        result.push_back(y);
        if (y == target) return result;
        next.push_back(y);
      }
    }
    frontier.swap(next);
    if (result.size() - held >= 1024) {
      RETURN_IF_ERROR(ctx_.Hold((result.size() - held) / std::max<std::size_t>(ctx_.width(), 1) + 1));
      held = result.size();
    }
  }
  return result;
}

absl::StatusOr<const Adjacency*> Evaluator::PredicateEdges(TermId predicate, bool forward, const GraphScope& scope,
                                                           std::uint64_t most_edges) {
  if (scope.kind == GraphScope::Kind::kGraphs) return static_cast<const Adjacency*>(nullptr);
  ASSIGN_OR_RETURN(const storage::StoreStats* stats, ctx_.Stats());
  const auto it = stats->predicates.find(predicate);
  if (it == stats->predicates.end() || it->second.quads > most_edges) {
    return static_cast<const Adjacency*>(nullptr);
  }
  return ctx_.AdjacencyOf(predicate, forward, scope);
}

absl::StatusOr<bool> Evaluator::InGraph(TermId node, const GraphScope& scope) {
  std::vector<TermId> graphs{kNoTerm};
  if (scope.kind == GraphScope::Kind::kGraph) graphs = {scope.graph};
  if (scope.kind == GraphScope::Kind::kGraphs) graphs = scope.graphs;
  for (TermId g : graphs) {
    for (const bool as_subject : {true, false}) {
      QuadStore::Pattern pattern;
      (as_subject ? pattern.ids.s : pattern.ids.o) = node;
      pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
      pattern.ids.g = g;
      auto c = ctx_.store().OpenCursor(pattern, false, ctx_.snapshot());
      if (c->Valid()) return true;
      RETURN_IF_ERROR(c->status());
    }
  }
  return false;
}

absl::StatusOr<std::vector<TermId>> Evaluator::AllNodes(const GraphScope& scope) {
  absl::flat_hash_set<TermId> seen;
  std::vector<TermId> nodes;
  std::vector<TermId> graphs{kNoTerm};
  if (scope.kind == GraphScope::Kind::kGraph) graphs = {scope.graph};
  if (scope.kind == GraphScope::Kind::kGraphs) graphs = scope.graphs;
  for (TermId g : graphs) {
    QuadStore::Pattern pattern;
    pattern.graph_bound = scope.kind != GraphScope::Kind::kUnion;
    pattern.ids.g = g;
    for (auto c = ctx_.store().OpenCursor(pattern, false, ctx_.snapshot()); c->Valid(); c->Next()) {
      for (TermId id : {c->quad().s, c->quad().o}) {
        if (seen.insert(id).second) nodes.push_back(id);
      }
      RETURN_IF_ERROR(ctx_.Check());
    }
  }
  return nodes;
}

// ---- expressions ----

}  // namespace relata::engine::exec
