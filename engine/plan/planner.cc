// The planner: algebra in, physical plan out. What it decides from the
// statistics and the dictionary it decides here, once; the executor only
// follows the tree. Which variables a row certainly binds is tracked
// through the tree (an OPTIONAL's right side may leave its own unbound), and
// only those count as bound for the choices that need a value.
#include "engine/plan/planner.h"

#include <algorithm>
#include <set>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/plan/scan_order.h"
#include "engine/plan/text_estimate.h"
#include "query/text_query.h"

namespace relata::engine::plan {
namespace {

using query::Expr;
using query::PatternTerm;
using query::PropertyPath;
using storage::TermTag;

bool IsIri(const PatternTerm& t, std::string_view iri) {
  return t.kind == PatternTerm::Kind::kConstant && t.constant.IsIri() && t.constant.value == iri;
}

// The BGP's searches (relata:search, relata:text); their triples, and the
// rdf:first/rdf:rest triples of a list subject, are marked in `consumed`
// (which is left empty when there is none).
absl::StatusOr<std::vector<SearchCall>> FindSearches(const query::Pattern& p, std::vector<bool>* consumed) {
  static const std::string kFirst = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
  static const std::string kRest = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
  static const std::string kNil = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
  std::vector<SearchCall> searches;
  const auto& triples = p.triples;
  // The unconsumed triple `subject predicate ?`, by index.
  const auto find = [&](const PatternTerm& subject, const std::string& predicate) -> int {
    for (std::size_t i = 0; i < triples.size(); ++i) {
      if ((*consumed)[i] || !subject.IsVariable() || !triples[i].subject.IsVariable()) continue;
      if (triples[i].subject.var == subject.var && IsIri(triples[i].predicate, predicate)) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  for (std::size_t i = 0; i < triples.size(); ++i) {
    const bool text = IsIri(triples[i].predicate, kTextIri);
    if (!text && !IsIri(triples[i].predicate, kSearchIri)) continue;
    if (consumed->empty()) consumed->assign(triples.size(), false);
    (*consumed)[i] = true;
    SearchCall call;
    call.index = text ? SearchCall::Index::kText : SearchCall::Index::kNames;
    call.entity = &triples[i].subject;
    call.text = &triples[i].object;
    // A list subject: its elements, read along rdf:rest to rdf:nil.
    std::vector<const PatternTerm*> elements;
    std::vector<int> list_triples;
    const PatternTerm* cell = &triples[i].subject;
    for (;;) {
      const int first = find(*cell, kFirst), rest = find(*cell, kRest);
      if (first < 0 || rest < 0) break;
      elements.push_back(&triples[static_cast<std::size_t>(first)].object);
      list_triples.push_back(first);
      list_triples.push_back(rest);
      cell = &triples[static_cast<std::size_t>(rest)].object;
      if (IsIri(*cell, kNil)) break;
    }
    if (!elements.empty() && IsIri(*cell, kNil)) {
      const std::size_t most = text ? 4 : 2;
      if (elements.size() > most) {
        return absl::InvalidArgumentError(
            text ? "relata:text binds at most (?holder ?score ?snippet ?text): the list has " +
                       std::to_string(elements.size()) + " elements"
                 : "relata:search binds at most (?entity ?score): the list has " + std::to_string(elements.size()) +
                       " elements");
      }
      for (const int j : list_triples) (*consumed)[static_cast<std::size_t>(j)] = true;
      const PatternTerm** slots[] = {&call.entity, &call.score, &call.snippet, &call.literal};
      for (std::size_t k = 0; k < elements.size(); ++k) *slots[k] = elements[k];
    }
    if (text && call.text->kind == PatternTerm::Kind::kConstant) {
      if (!call.text->constant.IsLiteral()) {
        return absl::InvalidArgumentError("relata:text needs the query as a string, not " +
                                          call.text->constant.ToNTriples());
      }
      const absl::StatusOr<query::TextQuery> parsed = query::ParseTextQuery(call.text->constant.value);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError("relata:text \"" + call.text->constant.value + "\": " +
                                          std::string(parsed.status().message()));
      }
    }
    searches.push_back(call);
  }
  return searches;
}

void MarkVariable(const PatternTerm* t, std::vector<bool>* bound) {
  if (t != nullptr && t->IsVariable()) (*bound)[static_cast<std::size_t>(t->var)] = true;
}

std::unique_ptr<Node> MakeNode(Node::Kind kind, const query::Pattern* p) {
  auto node = std::make_unique<Node>(kind);
  node->pattern = p;
  return node;
}

std::vector<bool> Intersection(std::vector<bool> a, const std::vector<bool>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = a[i] && b[i];
  return a;
}

std::vector<bool> Union(std::vector<bool> a, const std::vector<bool>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = a[i] || b[i];
  return a;
}

// Aggregate references become the variables their results are in.
Expr ResolveAggregates(const Expr& e, const query::Query& q) {
  if (e.kind == Expr::Kind::kAggregate) {
    Expr v(Expr::Kind::kVariable, e.position);
    v.var = q.aggregates[static_cast<std::size_t>(e.aggregate)].result;
    return v;
  }
  Expr copy = e;
  for (auto& a : copy.args) a = ResolveAggregates(a, q);
  return copy;
}

// GROUP BY variables with only COUNT(*), COUNT(?x), COUNT(DISTINCT ?x):
// counted as rows stream by, on ids, without keeping the rows.
bool CountsOnly(const query::Query& q) {
  for (const auto& [expr, var] : q.group_by) {
    if (expr.kind != Expr::Kind::kVariable) return false;
  }
  for (const auto& a : q.aggregates) {
    if (a.kind != query::Aggregate::Kind::kCount) return false;
    if (a.arg ? a.arg->kind != Expr::Kind::kVariable : a.distinct) return false;
  }
  return true;
}

// The pattern ?s <p> ?o when it is the whole WHERE of `q`: a constant IRI
// predicate between two different variables that the input leaves
// unbound; nullptr otherwise. Such queries can be answered from the
// predicate's edges or index alone.
const query::TriplePattern* OneEdgePattern(const query::Query& q, const std::vector<bool>& bound) {
  if (q.where.kind != query::Pattern::Kind::kBgp || q.where.triples.size() != 1) return nullptr;
  const query::TriplePattern& t = q.where.triples[0];
  if (!t.subject.IsVariable() || !t.object.IsVariable() || t.subject.var == t.object.var ||
      t.predicate.kind != PatternTerm::Kind::kConstant || !t.predicate.constant.IsIri()) {
    return nullptr;
  }
  for (const query::VarId v : {t.subject.var, t.object.var}) {
    if (bound[static_cast<std::size_t>(v)]) return nullptr;
  }
  return &t;
}

bool IsOrderedInline(TermTag tag) {
  return tag == TermTag::kInteger || tag == TermTag::kDouble || tag == TermTag::kDate || tag == TermTag::kDateTime;
}

// Whether the rows of `node` depend on an input row only by joining with it:
// it matches triples and VALUES, and evaluates no expression. (Not property
// paths: with no end bound, `?a p* ?b` is every pair a closure links.)
bool MatchesOnlyTriples(const Node& node) {
  using K = Node::Kind;
  switch (node.kind) {
    case K::kNoRows:
    case K::kUnit:
    case K::kIndexNestedLoop:
    case K::kValues:
    case K::kNestedJoin:
    case K::kHashJoin:
    case K::kUnion:
    case K::kGraph:
    case K::kEachGraph:
      return std::all_of(node.children.begin(), node.children.end(),
                         [](const auto& child) { return MatchesOnlyTriples(*child); });
    default:
      return false;
  }
}

}  // namespace

bool Bindable(const query::Pattern& p) {
  using K = query::Pattern::Kind;
  switch (p.kind) {
    case K::kBgp:
    case K::kPath:
    case K::kValues:
    case K::kPaths:  // runs per row of the patterns before it
      return true;
    case K::kJoin:
    case K::kUnion:
      return std::all_of(p.children.begin(), p.children.end(), Bindable);
    case K::kGraph:
      return Bindable(p.children[0]);
    default:
      return false;
  }
}

Planner::Planner(const storage::QuadStore& store, std::shared_ptr<const storage::QuadStore::Snapshot> snapshot,
                 const storage::StoreStats& stats)
    : store_(store), snapshot_(std::move(snapshot)), stats_(stats) {}

absl::StatusOr<Plan> Planner::PlanQuery(const query::Query& query, const std::vector<bool>& bound,
                                        TopScope scope) {
  Plan plan;
  plan_ = &plan;
  width_ = bound.size();
  Scope top{scope.kind, std::nullopt};
  if (scope.kind == ScopeKind::kOneGraph) top.graph = scope.graph;
  ASSIGN_OR_RETURN(Planned planned, Query(query, bound, top));
  plan.root = std::move(planned.node);
  plan_ = nullptr;
  return plan;
}

absl::StatusOr<std::optional<TermId>> Planner::Lookup(const Term& term) {
  if (term.IsBlank()) return std::optional<TermId>();
  return store_.Lookup(term, snapshot_.get());
}

absl::StatusOr<ScanTerm> Planner::Resolve(const PatternTerm& t, bool* missing) {
  ScanTerm s;
  switch (t.kind) {
    case PatternTerm::Kind::kVariable:
      s.kind = ScanTerm::Kind::kVariable;
      s.var = t.var;
      return s;
    case PatternTerm::Kind::kConstant: {
      ASSIGN_OR_RETURN(const auto id, Lookup(t.constant));
      if (!id) *missing = true;
      s.id = id.value_or(kNoTerm);
      return s;
    }
    case PatternTerm::Kind::kTriple:
      s.kind = ScanTerm::Kind::kTriple;
      for (const auto& part : t.triple) {
        ASSIGN_OR_RETURN(auto r, Resolve(part, missing));
        s.triple.push_back(std::move(r));
      }
      return s;
  }
  return s;
}

absl::StatusOr<Planner::Planned> Planner::Query(const query::Query& q, std::vector<bool> bound,
                                                const Scope& scope) {
  // The expressions over groups, with aggregate references resolved, live
  // as long as the plan.
  auto& having = *plan_->rewritten.emplace_back(std::make_unique<std::vector<Expr>>());
  auto& select = *plan_->rewritten.emplace_back(std::make_unique<std::vector<Expr>>());
  auto& order = *plan_->rewritten.emplace_back(std::make_unique<std::vector<Expr>>());
  for (const auto& h : q.having) having.push_back(ResolveAggregates(h, q));
  for (const auto& [var, expr] : q.select_expressions) select.push_back(ResolveAggregates(expr, q));
  for (const auto& k : q.order_by) order.push_back(ResolveAggregates(k.expr, q));

  const std::vector<bool> input = bound;
  std::unique_ptr<Node> node;
  ASSIGN_OR_RETURN(node, ReadInOrder(q, bound, scope));
  std::vector<bool> after = bound;
  if (node == nullptr && q.grouped && CountsOnly(q)) {
    ASSIGN_OR_RETURN(node, CountEdges(q, bound, scope));
  }
  if (node == nullptr) {
    ASSIGN_OR_RETURN(node, CountProduct(q, bound, scope));
  }
  if (node == nullptr) {
    ASSIGN_OR_RETURN(Planned where, Pattern(q.where, bound, scope));
    node = std::move(where.node);
    after = std::move(where.bound);
    if (q.grouped) {
      auto group = std::make_unique<Node>(CountsOnly(q) ? Node::Kind::kGroupCounts : Node::Kind::kGroup);
      group->query = &q;
      for (const auto& [expr, var] : q.group_by) RETURN_IF_ERROR(Expressions(expr, after, scope));
      for (const auto& a : q.aggregates) {
        if (a.arg) RETURN_IF_ERROR(Expressions(*a.arg, after, scope));
      }
      group->children.push_back(std::move(node));
      node = std::move(group);
    }
  }
  // A group's keys may be unbound (an error, an unbound variable).
  if (q.grouped) after = input;
  const auto wrap = [&](Node::Kind kind) {
    auto parent = std::make_unique<Node>(kind);
    parent->query = &q;
    parent->children.push_back(std::move(node));
    node = std::move(parent);
    return node.get();
  };
  if (!having.empty()) {
    RETURN_IF_ERROR(Expressions(having, after, scope));
    wrap(Node::Kind::kHaving)->exprs = &having;
  }
  // SELECT expressions, in order: each may use the ones before it.
  if (!select.empty()) {
    RETURN_IF_ERROR(Expressions(select, after, scope));
    Node* extend = wrap(Node::Kind::kExtend);
    for (std::size_t i = 0; i < q.select_expressions.size(); ++i) {
      extend->bindings.emplace_back(q.select_expressions[i].first, &select[i]);
    }
  }
  if (q.values) wrap(Node::Kind::kValuesJoin);
  if (!order.empty()) {
    RETURN_IF_ERROR(Expressions(order, after, scope));
    Node* sort = wrap(Node::Kind::kSort);
    for (std::size_t i = 0; i < order.size(); ++i) sort->order.emplace_back(&order[i], q.order_by[i].descending);
  }
  // Only SELECT projects; the other forms read every variable.
  if (q.form == query::Query::Form::kSelect) wrap(Node::Kind::kProject)->vars = q.projection;
  if (q.distinct) wrap(Node::Kind::kDistinct);
  if (q.limit || q.offset > 0) {
    Node* slice = wrap(Node::Kind::kSlice);
    slice->offset = q.offset;
    slice->limit = q.limit;
  }
  std::vector<bool> projected = input;
  if (q.form == query::Query::Form::kSelect) {
    for (query::VarId v : q.projection) {
      if (after[static_cast<std::size_t>(v)]) projected[static_cast<std::size_t>(v)] = true;
    }
  } else {
    projected = after;
  }
  return Planned{std::move(node), std::move(projected)};
}

absl::StatusOr<std::unique_ptr<Node>> Planner::ReadInOrder(const query::Query& q, const std::vector<bool>& bound,
                                                           const Scope& scope) {
  std::unique_ptr<Node> other_shape;
  const query::TriplePattern* t = OneEdgePattern(q, bound);
  if (t == nullptr || q.grouped || q.distinct || !q.limit || q.order_by.size() != 1 ||
      q.order_by[0].expr.kind != Expr::Kind::kVariable || q.order_by[0].expr.var != t->object.var ||
      !q.select_expressions.empty() || q.values || scope.kind == ScopeKind::kMerge ||
      (scope.kind == ScopeKind::kOneGraph && !scope.graph)) {
    return other_shape;
  }
  ASSIGN_OR_RETURN(const std::optional<TermId> predicate, Lookup(t->predicate.constant));
  if (!predicate) return other_shape;
  storage::QuadStore::Pattern pattern;
  pattern.graph_bound = scope.kind == ScopeKind::kOneGraph;
  pattern.ids.g = pattern.graph_bound ? *scope.graph : kNoTerm;
  pattern.ids.p = *predicate;
  const bool distinct = scope.kind == ScopeKind::kUnion;
  using Direction = storage::QuadStore::Direction;
  // posg orders a predicate's objects by id: when the lowest and the highest
  // have one tag, every object has it.
  auto lowest = store_.OpenCursor(pattern, distinct, snapshot_, Direction::kAscending);
  if (!lowest->Valid() || lowest->permutation() != storage::Permutation::kPosg) {
    RETURN_IF_ERROR(lowest->status());
    return other_shape;
  }
  auto highest = store_.OpenCursor(pattern, distinct, snapshot_, Direction::kDescending);
  RETURN_IF_ERROR(highest->status());
  const TermTag tag = storage::TagOf(lowest->quad().o);
  if (!highest->Valid() || storage::TagOf(highest->quad().o) != tag || !IsOrderedInline(tag)) return other_shape;
  auto node = MakeNode(Node::Kind::kReadInOrder, &q.where);
  node->query = &q;
  node->predicate = *predicate;
  node->subject.kind = node->object.kind = ScanTerm::Kind::kVariable;
  node->subject.var = t->subject.var;
  node->object.var = t->object.var;
  node->descending = q.order_by[0].descending;
  node->dates = tag == TermTag::kDate || tag == TermTag::kDateTime;
  node->wanted = static_cast<std::uint64_t>(q.offset + *q.limit);
  return node;
}

namespace {

// The triples of `triples` in groups that share no variable, each group in
// the triples' order.
std::vector<std::vector<std::size_t>> IndependentGroups(const std::vector<query::TriplePattern>& triples) {
  std::vector<std::size_t> group(triples.size());
  for (std::size_t i = 0; i < triples.size(); ++i) group[i] = i;
  const auto find = [&](std::size_t i) {
    while (group[i] != i) i = group[i] = group[group[i]];
    return i;
  };
  absl::flat_hash_map<query::VarId, std::size_t> first_with;
  for (std::size_t i = 0; i < triples.size(); ++i) {
    std::vector<query::VarId> vars;
    query::AddVariables(triples[i], &vars);
    for (const query::VarId v : vars) {
      const auto [it, fresh] = first_with.try_emplace(v, i);
      if (!fresh) group[find(i)] = find(it->second);
    }
  }
  std::vector<std::vector<std::size_t>> groups;
  absl::flat_hash_map<std::size_t, std::size_t> numbered;
  for (std::size_t i = 0; i < triples.size(); ++i) {
    const auto [it, fresh] = numbered.try_emplace(find(i), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

}  // namespace

// COUNT(*) (or COUNT of a variable the pattern binds) without GROUP BY over
// a basic graph pattern whose triples fall into groups that share no
// variable: the product's count is the product of the groups' counts, so
// three patterns of 400 matches each are 1,200 rows read, not 64 million
// made.
absl::StatusOr<std::unique_ptr<Node>> Planner::CountProduct(const query::Query& q, const std::vector<bool>& bound,
                                                            const Scope& scope) {
  if (!q.grouped || !q.group_by.empty() || q.where.kind != query::Pattern::Kind::kBgp) return nullptr;
  std::vector<query::VarId> mentioned;
  for (const query::TriplePattern& t : q.where.triples) query::AddVariables(t, &mentioned);
  for (const auto& a : q.aggregates) {
    if (a.kind != query::Aggregate::Kind::kCount || a.distinct) return nullptr;
    if (a.arg && (a.arg->kind != Expr::Kind::kVariable ||
                  std::find(mentioned.begin(), mentioned.end(), a.arg->var) == mentioned.end())) {
      return nullptr;
    }
  }
  const std::vector<std::vector<std::size_t>> groups = IndependentGroups(q.where.triples);
  if (groups.size() < 2) return nullptr;
  auto node = std::make_unique<Node>(Node::Kind::kCountProduct);
  node->query = &q;
  for (const std::vector<std::size_t>& group : groups) {
    auto& part = *plan_->parts.emplace_back(std::make_unique<query::Pattern>(query::Pattern::Kind::kBgp));
    for (const std::size_t i : group) part.triples.push_back(q.where.triples[i]);
    ASSIGN_OR_RETURN(Planned planned, Pattern(part, bound, scope));
    node->children.push_back(std::move(planned.node));
  }
  return node;
}

absl::StatusOr<std::unique_ptr<Node>> Planner::CountEdges(const query::Query& q, const std::vector<bool>& bound,
                                                          const Scope& scope) {
  std::unique_ptr<Node> other_shape;
  const query::TriplePattern* t = OneEdgePattern(q, bound);
  if (t == nullptr || q.group_by.size() != 1 || scope.kind == ScopeKind::kMerge) return other_shape;
  const query::VarId key = q.group_by[0].first.var;
  if (key != t->subject.var && key != t->object.var) return other_shape;
  const query::VarId other = key == t->subject.var ? t->object.var : t->subject.var;
  // COUNT(*) and COUNT([DISTINCT] ?other): a node's edges are distinct.
  for (const auto& a : q.aggregates) {
    if (a.arg && a.arg->var != other) return other_shape;
  }
  ASSIGN_OR_RETURN(const std::optional<TermId> predicate, Lookup(t->predicate.constant));
  if (!predicate) return other_shape;
  if (!EdgesFitInMemory(stats_, *predicate, kMostEdgesInMemory)) return other_shape;
  auto node = MakeNode(Node::Kind::kCountEdges, &q.where);
  node->query = &q;
  node->predicate = *predicate;
  node->forward = key == t->subject.var;
  return node;
}

absl::Status Planner::Expressions(const Expr& e, const std::vector<bool>& bound, const Scope& scope) {
  switch (e.kind) {
    case Expr::Kind::kExists:
    case Expr::Kind::kNotExists:
      if (e.pattern != nullptr && !plan_->exists.contains(e.pattern.get())) {
        ASSIGN_OR_RETURN(Planned planned, Pattern(*e.pattern, bound, scope));
        plan_->exists.emplace(e.pattern.get(), std::move(planned.node));
        ASSIGN_OR_RETURN(Planned once, Pattern(*e.pattern, std::vector<bool>(bound.size(), false), scope));
        // Kept in memory once run: not for patterns that may give millions of rows.
        constexpr double kMostRowsOnce = 1 << 20;
        if (MatchesOnlyTriples(*once.node) && once.node->estimated_rows >= 0 &&
            once.node->estimated_rows <= kMostRowsOnce) {
          plan_->exists_once.emplace(e.pattern.get(), std::move(once.node));
        }
      }
      break;
    case Expr::Kind::kBuiltIn: {
      const Function* f = FindBuiltIn(e.name, e.args.size());
      if (f == nullptr) return absl::UnimplementedError(absl::StrCat("function ", e.name, " is not supported"));
      plan_->functions.emplace(&e, f);
      break;
    }
    case Expr::Kind::kFunction:  // an IRI: a cast, or nothing relata knows (an error value)
      plan_->functions.emplace(&e, FindCast(e.name, e.args.size()));
      break;
    case Expr::Kind::kTriple:
      plan_->functions.emplace(&e, FindBuiltIn("TRIPLE", 3));
      break;
    default:
      break;
  }
  for (const Expr& a : e.args) RETURN_IF_ERROR(Expressions(a, bound, scope));
  return absl::OkStatus();
}

absl::Status Planner::Expressions(const std::vector<Expr>& exprs, const std::vector<bool>& bound,
                                  const Scope& scope) {
  for (const Expr& e : exprs) RETURN_IF_ERROR(Expressions(e, bound, scope));
  return absl::OkStatus();
}

absl::StatusOr<Planner::Planned> Planner::Pattern(const query::Pattern& p, const std::vector<bool>& bound,
                                                  const Scope& scope) {
  using K = query::Pattern::Kind;
  switch (p.kind) {
    case K::kBgp:
      return Bgp(p, bound, scope);

    case K::kPath:
      return Path(p, bound);

    case K::kJoin:
    case K::kLeftJoin: {
      const bool nested = Bindable(p.children[1]);
      ASSIGN_OR_RETURN(Planned left, Pattern(p.children[0], bound, scope));
      ASSIGN_OR_RETURN(Planned right, Pattern(p.children[1], nested ? left.bound : bound, scope));
      const bool join = p.kind == K::kJoin;
      auto node = MakeNode(join ? (nested ? Node::Kind::kNestedJoin : Node::Kind::kHashJoin)
                                : (nested ? Node::Kind::kNestedLeftJoin : Node::Kind::kHashLeftJoin),
                           &p);
      std::vector<bool> merged = Union(left.bound, right.bound);
      if (!join) {
        node->exprs = &p.exprs;
        RETURN_IF_ERROR(Expressions(p.exprs, merged, scope));
      }
      node->children.push_back(std::move(left.node));
      node->children.push_back(std::move(right.node));
      return Planned{std::move(node), join ? std::move(merged) : std::move(left.bound)};
    }

    case K::kUnion: {
      auto node = MakeNode(Node::Kind::kUnion, &p);
      std::optional<std::vector<bool>> after;
      for (const query::Pattern& child : p.children) {
        ASSIGN_OR_RETURN(Planned planned, Pattern(child, bound, scope));
        after = after ? Intersection(std::move(*after), planned.bound) : planned.bound;
        node->children.push_back(std::move(planned.node));
      }
      return Planned{std::move(node), after.value_or(bound)};
    }

    case K::kMinus: {
      ASSIGN_OR_RETURN(Planned left, Pattern(p.children[0], bound, scope));
      ASSIGN_OR_RETURN(Planned right, Pattern(p.children[1], std::vector<bool>(width_), scope));
      auto node = MakeNode(Node::Kind::kMinus, &p);
      node->children.push_back(std::move(left.node));
      node->children.push_back(std::move(right.node));
      return Planned{std::move(node), std::move(left.bound)};
    }

    case K::kFilter:
    case K::kExtend: {
      if (const std::vector<Expr>* anti = p.kind == K::kFilter ? AntiJoin(p, bound) : nullptr) {
        ASSIGN_OR_RETURN(Planned left, Pattern(p.children[0].children[0], bound, scope));
        RETURN_IF_ERROR(Expressions(*anti, left.bound, scope));
        auto node = MakeNode(Node::Kind::kFilter, &p);
        node->exprs = anti;
        node->reason = "the OPTIONAL whose variable must stay unbound runs as NOT EXISTS";
        node->children.push_back(std::move(left.node));
        return Planned{std::move(node), std::move(left.bound)};
      }
      ASSIGN_OR_RETURN(Planned child, Pattern(p.children[0], bound, scope));
      RETURN_IF_ERROR(Expressions(p.exprs, child.bound, scope));
      auto node = MakeNode(p.kind == K::kFilter ? Node::Kind::kFilter : Node::Kind::kExtend, &p);
      if (p.kind == K::kFilter) {
        node->exprs = &p.exprs;
      } else {
        node->bindings.emplace_back(p.var, &p.exprs[0]);  // may fail: the variable stays unbound
      }
      node->children.push_back(std::move(child.node));
      return Planned{std::move(node), std::move(child.bound)};
    }

    case K::kGraph: {
      Scope inner{ScopeKind::kOneGraph, std::nullopt};
      const bool each = p.graph.IsVariable() && !bound[static_cast<std::size_t>(p.graph.var)];
      if (!p.graph.IsVariable()) {
        ASSIGN_OR_RETURN(const std::optional<TermId> graph, Lookup(p.graph.constant));
        if (!graph) {
          auto none = MakeNode(Node::Kind::kNoRows, &p);
          none->reason = absl::StrCat("the graph ", p.graph.constant.ToNTriples(), " is not in the store");
          return Planned{std::move(none), bound};
        }
        inner.graph = *graph;
      }
      ASSIGN_OR_RETURN(Planned child, Pattern(p.children[0], bound, inner));
      auto node = MakeNode(each ? Node::Kind::kEachGraph : Node::Kind::kGraph, &p);
      if (p.graph.IsVariable()) node->var = p.graph.var;
      node->graph = inner.graph.value_or(kNoTerm);
      node->children.push_back(std::move(child.node));
      MarkVariable(&p.graph, &child.bound);
      return Planned{std::move(node), std::move(child.bound)};
    }

    case K::kValues: {
      auto node = MakeNode(Node::Kind::kValues, &p);
      node->estimated_rows = static_cast<double>(p.values.rows.size());
      std::vector<bool> after = bound;
      for (std::size_t i = 0; i < p.values.vars.size() && !p.values.rows.empty(); ++i) {
        const bool always = std::all_of(p.values.rows.begin(), p.values.rows.end(),
                                        [&](const auto& row) { return row[i].has_value(); });
        if (always) after[static_cast<std::size_t>(p.values.vars[i])] = true;
      }
      return Planned{std::move(node), std::move(after)};
    }

    case K::kSubquery: {
      ASSIGN_OR_RETURN(Planned sub, Query(*p.subquery, std::vector<bool>(width_), scope));
      auto node = MakeNode(Node::Kind::kSubquery, &p);
      node->query = p.subquery.get();
      node->children.push_back(std::move(sub.node));
      return Planned{std::move(node), Union(bound, sub.bound)};
    }

    case K::kService:
      return Planned{MakeNode(Node::Kind::kService, &p), bound};

    case K::kPaths:
      return Paths(p, bound, scope);
  }
  return absl::InternalError("unknown pattern");
}

// The left rows OPTIONAL { P } finds no match for are those it leaves ?v
// unbound in when every match of P binds ?v and the left side never does;
// the rows it matched are dropped whatever the other conditions say. P's
// triples see the left row's values the same way in both forms.
const std::vector<Expr>* Planner::AntiJoin(const query::Pattern& filter, const std::vector<bool>& bound) {
  const query::Pattern& optional = filter.children[0];
  if (optional.kind != query::Pattern::Kind::kLeftJoin || !optional.exprs.empty()) return nullptr;
  const query::Pattern& right = optional.children[1];
  if (right.kind != query::Pattern::Kind::kBgp || right.triples.empty()) return nullptr;
  std::vector<query::VarId> in_right;
  for (const auto& t : right.triples) query::AddVariables(t, &in_right);
  std::set<query::VarId> in_left;
  query::InScope(optional.children[0], &in_left);
  const auto unbound_test = std::find_if(filter.exprs.begin(), filter.exprs.end(), [&](const Expr& e) {
    if (e.kind != Expr::Kind::kNot || e.args[0].kind != Expr::Kind::kBuiltIn || e.args[0].name != "BOUND") {
      return false;
    }
    const Expr& arg = e.args[0].args[0];
    return arg.kind == Expr::Kind::kVariable && !bound[static_cast<std::size_t>(arg.var)] &&
           !in_left.contains(arg.var) && absl::c_linear_search(in_right, arg.var);
  });
  if (unbound_test == filter.exprs.end()) return nullptr;
  auto& exprs = *plan_->rewritten.emplace_back(std::make_unique<std::vector<Expr>>(filter.exprs));
  Expr& not_exists = exprs[static_cast<std::size_t>(unbound_test - filter.exprs.begin())];
  not_exists = Expr(Expr::Kind::kNotExists, unbound_test->position);
  not_exists.pattern = std::make_shared<const query::Pattern>(right);
  not_exists.depth = right.depth + 1;
  return &exprs;
}

absl::StatusOr<Planner::Planned> Planner::Bgp(const query::Pattern& p, const std::vector<bool>& bound,
                                              const Scope& scope) {
  std::vector<bool> consumed;
  ASSIGN_OR_RETURN(std::vector<SearchCall> searches, FindSearches(p, &consumed));
  std::vector<ScanStep> scans;
  for (std::size_t i = 0; i < p.triples.size(); ++i) {
    if (!consumed.empty() && consumed[i]) continue;
    const query::TriplePattern& t = p.triples[i];
    ScanStep scan;
    scan.pattern = &t;
    bool missing = false;
    ASSIGN_OR_RETURN(scan.s, Resolve(t.subject, &missing));
    ASSIGN_OR_RETURN(scan.p, Resolve(t.predicate, &missing));
    ASSIGN_OR_RETURN(scan.o, Resolve(t.object, &missing));
    if (missing) {
      auto none = MakeNode(Node::Kind::kNoRows, &p);
      none->estimated_rows = 0;
      none->reason = "a constant is not in the store";
      return Planned{std::move(none), bound};
    }
    scans.push_back(std::move(scan));
  }
  if (searches.empty()) return Scans(p, std::move(scans), bound, scope);
  const auto mark = [](const SearchCall& call, std::vector<bool>* after) {
    for (const PatternTerm* t : {call.entity, call.score, call.snippet, call.literal}) MarkVariable(t, after);
  };
  // A text search's hits, or the rows of the rest of the pattern, whichever
  // are fewer, come first: the other side then probes them.
  if (searches.size() == 1 && searches[0].index == SearchCall::Index::kText && searches[0].entity->IsVariable()) {
    SearchCall& call = searches[0];
    const auto holder = static_cast<std::size_t>(call.entity->var);
    double hits = -1;
    if (call.text->kind == PatternTerm::Kind::kConstant) {
      ASSIGN_OR_RETURN(const query::TextQuery parsed, query::ParseTextQuery(call.text->constant.value));
      ASSIGN_OR_RETURN(hits, EstimateTextHits(parsed, store_, snapshot_));
    }
    if (bound[holder]) call.probe = true;
    if (!call.probe && hits >= 0 && !scans.empty()) {
      Planned rest = Scans(p, scans, bound, scope);
      if (rest.bound[holder] && rest.node->estimated_rows >= 0 && rest.node->estimated_rows < hits) {
        call.probe = true;
        auto search = MakeNode(Node::Kind::kSearch, &p);
        search->search = call;
        search->estimated_rows = 1;
        std::vector<bool> after = rest.bound;
        mark(call, &after);
        auto join = MakeNode(Node::Kind::kNestedJoin, &p);
        join->estimated_rows = rest.node->estimated_rows;
        join->children.push_back(std::move(rest.node));
        join->children.push_back(std::move(search));
        return Planned{std::move(join), std::move(after)};
      }
    }
    if (!call.probe && hits >= 0) searches[0].text_hits = hits;
  }
  // Each search once per row of the one before it; the searches' order is
  // the order of the results.
  std::unique_ptr<Node> node;
  std::vector<bool> after = bound;
  for (const SearchCall& call : searches) {
    auto search = MakeNode(Node::Kind::kSearch, &p);
    search->search = call;
    if (call.text_hits >= 0) search->estimated_rows = call.text_hits;
    mark(call, &after);
    if (node == nullptr) {
      node = std::move(search);
      continue;
    }
    auto join = MakeNode(Node::Kind::kNestedJoin, &p);
    join->children.push_back(std::move(node));
    join->children.push_back(std::move(search));
    node = std::move(join);
  }
  if (scans.empty()) return Planned{std::move(node), std::move(after)};
  // The rest of the pattern once per match, which keeps the matches' order.
  Planned rest = Scans(p, std::move(scans), after, scope);
  auto join = MakeNode(Node::Kind::kNestedJoin, &p);
  join->children.push_back(std::move(node));
  join->children.push_back(std::move(rest.node));
  return Planned{std::move(join), std::move(rest.bound)};
}

Planner::Planned Planner::Scans(const query::Pattern& p, std::vector<ScanStep> scans,
                                const std::vector<bool>& bound, const Scope& scope) {
  if (scans.empty()) {
    auto unit = MakeNode(Node::Kind::kUnit, &p);
    unit->estimated_rows = 1;
    return Planned{std::move(unit), bound};
  }
  const ScanOrder order = OrderScans(scans, bound, stats_);
  auto node = MakeNode(Node::Kind::kIndexNestedLoop, &p);
  std::vector<bool> after = bound;
  for (std::size_t k = 0; k < order.order.size(); ++k) {
    ScanStep& scan = node->scans.emplace_back(std::move(scans[order.order[k]]));
    scan.estimated_rows = order.rows[k];
    MarkBound(scan, &after);
  }
  ChooseAccess(order, stats_, bound, scope.kind, &node->scans);
  ChooseFirstAccess(stats_, bound, scope.kind, kMostEdgesInMemory, &node->scans);
  node->estimated_rows = order.rows.back();
  return Planned{std::move(node), std::move(after)};
}

absl::StatusOr<Planner::Planned> Planner::Paths(const query::Pattern& p, const std::vector<bool>& bound,
                                                const Scope& scope) {
  const query::PathSearch& search = *p.paths;
  auto node = MakeNode(Node::Kind::kPaths, &p);
  bool missing = false;
  ASSIGN_OR_RETURN(node->subject, Resolve(search.from, &missing));
  ASSIGN_OR_RETURN(node->object, Resolve(search.to, &missing));
  node->target_bound = IsBound(node->object, bound);
  // Predicates and graphs the store does not hold have no edges.
  if (search.via) {
    ASSIGN_OR_RETURN(PathAutomaton steps, PathAutomaton::Compile(*search.via, search.direction,
                                                                 [&](const Term& iri) { return Lookup(iri); }));
    node->steps = std::make_shared<const PathAutomaton>(std::move(steps));
  } else {
    ASSIGN_OR_RETURN(const std::optional<TermId> type, Lookup(Term::Iri(std::string(kRdfTypeIri))));
    node->steps = std::make_shared<const PathAutomaton>(PathAutomaton::AnyLink(search.direction, type));
    node->entities_only = true;
  }
  for (const Term& graph : search.graphs) {
    ASSIGN_OR_RETURN(const std::optional<TermId> id, Lookup(graph));
    if (id) node->graphs.push_back(*id);
  }
  std::vector<bool> after = bound;
  MarkVariable(&search.to, &after);
  for (const VarId v : search.columns) after[static_cast<std::size_t>(v)] = true;
  if (search.weight) {
    std::vector<bool> step = bound;
    for (const VarId v : search.columns) step[static_cast<std::size_t>(v)] = true;
    RETURN_IF_ERROR(Expressions(*search.weight, step, scope));
  }
  if (missing || node->steps->empty() || (!search.graphs.empty() && node->graphs.empty())) {
    auto none = MakeNode(Node::Kind::kNoRows, &p);
    none->estimated_rows = 0;
    none->reason = missing ? "an end of the paths is not in the store" : "no predicate or graph it names is in the store";
    return Planned{std::move(none), bound};
  }
  return Planned{std::move(node), std::move(after)};
}

absl::StatusOr<Planner::Planned> Planner::Path(const query::Pattern& p, const std::vector<bool>& bound) {
  auto node = MakeNode(Node::Kind::kPropertyPath, &p);
  bool missing = false;
  ASSIGN_OR_RETURN(node->subject, Resolve(p.subject, &missing));
  ASSIGN_OR_RETURN(node->object, Resolve(p.object, &missing));
  // A constant unknown to the store still reaches itself by a zero-length
  // path: it is a start all the same.
  const bool from = IsBound(node->subject, bound), to = IsBound(node->object, bound);
  const bool closure = p.path.kind == PropertyPath::Kind::kZeroOrMore || p.path.kind == PropertyPath::Kind::kOneOrMore;
  node->path_start = from && to && closure ? PathStart::kBothEnds
                     : from                ? PathStart::kSubject
                     : to                  ? PathStart::kObject
                                           : PathStart::kEveryNode;
  std::vector<bool> after = bound;
  MarkVariable(&p.subject, &after);
  MarkVariable(&p.object, &after);
  return Planned{std::move(node), std::move(after)};
}

}  // namespace relata::engine::plan
