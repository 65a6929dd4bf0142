// The steps of a PATHS search: each point's triples read by the automaton's
// edges (index seeks, or a predicate's edges in memory once a search has
// read many nodes), filtered by CONFIDENCE, weighed by WEIGHT.
#include "engine/exec/path_steps.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <span>

#include "absl/strings/str_cat.h"
#include "engine/functions/sparql_terms.h"
#include "query/rdf_writer.h"

namespace relata::engine::exec {
namespace {

constexpr char kRdfReifies[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies";
// The extractor loader's vocabulary (docs/extractor-format.md).
constexpr char kConfidence[] = "https://relata.dev/kg/confidence";
constexpr char kEvidence[] = "https://relata.dev/kg/evidence";

// A predicate's edges are read into memory (when it has not too many) once
// the seeks into them have cost about what reading them all costs
// (kSeekInEdgesRead). The seeks of earlier queries over the same snapshot
// count too, so that a workload of small searches ends with the edges in
// memory while one small search never pays for them.
constexpr std::uint64_t kFewestSeeksBeforeEdgesInMemory = 2048;
constexpr std::uint64_t kMostEdgesToRead = 8'000'000;

// The columns of a step, by position in AS (...).
enum Column { kPathColumn, kStepColumn, kStart, kPredicate, kEnd, kDocument, kConfidenceColumn, kEvidenceColumn,
              kForward, kCost };

bool IsEntity(TermId id) {
  const storage::TermTag tag = storage::TagOf(id);
  return tag == storage::TermTag::kIri || tag == storage::TermTag::kBlank;
}

}  // namespace

PathSteps::PathSteps(Evaluator& eval, const plan::Node& node, const Row& input, TermId from, GraphScope scope)
    : eval_(eval), ctx_(eval.ctx()), search_(*node.pattern->paths), node_(node), automaton_(*node.steps),
      input_(input), from_(from), scope_(std::move(scope)) {}

PathSteps::~PathSteps() {
  if (cursor_ != nullptr) ctx_.ReturnCursor(std::move(cursor_));
}

absl::Status PathSteps::Init() {
  // Static: the context remembers constants by address.
  static const Term* const kTerms[] = {new Term(Term::Iri(kRdfReifies)), new Term(Term::Iri(kConfidence)),
                                       new Term(Term::Iri(kEvidence))};
  ASSIGN_OR_RETURN(reifies_, ctx_.Lookup(*kTerms[0]));
  ASSIGN_OR_RETURN(confidence_, ctx_.Lookup(*kTerms[1]));
  ASSIGN_OR_RETURN(evidence_, ctx_.Lookup(*kTerms[2]));
  if (search_.weight) {
    std::vector<const query::Expr*> todo = {search_.weight.get()};
    while (!todo.empty()) {
      const query::Expr* e = todo.back();
      todo.pop_back();
      for (const Column c : {kDocument, kConfidenceColumn, kEvidenceColumn}) {
        if (e->kind == query::Expr::Kind::kVariable && c < static_cast<int>(search_.columns.size()) &&
            search_.columns[static_cast<std::size_t>(c)] == e->var) {
          weight_reads_statement_ = true;
        }
      }
      for (const query::Expr& arg : e->args) todo.push_back(&arg);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const std::vector<Hop>*> PathSteps::Steps(Point at, bool out) {
  auto& cache = out ? out_ : in_;
  if (const auto it = cache.find(at); it != cache.end()) return &it->second;
  std::vector<Hop> hops;
  RETURN_IF_ERROR(Collect(at, out, &hops));
  RETURN_IF_ERROR(ctx_.Hold(1 + hops.size() / 4));
  return &cache.emplace(at, std::move(hops)).first->second;
}

absl::Status PathSteps::Collect(Point at, bool out, std::vector<Hop>* found) {
  std::vector<Hop>& hops = *found;
  hops.clear();
  // Every edge's triples first, then the steps in one array of their
  // number: a hub's steps are many, and growing their array as they come
  // copies them again and again.
  const auto& edges = out ? automaton_.Out(at.state) : automaton_.In(at.state);
  triples_.clear();
  ends_.clear();
  for (const plan::PathAutomaton::Edge& edge : edges) {
    // A step read forward goes from the triple's subject: out of `at` it
    // reads the triples `at` is the subject of, into `at` those it is the
    // object of.
    RETURN_IF_ERROR(Read(at.node, edge.predicate, out == edge.forward, &triples_));
    ends_.push_back(triples_.size());
  }
  hops.reserve(triples_.size());
  for (std::size_t e = 0, i = 0; e < ends_.size(); ++e) {
    const plan::PathAutomaton::Edge& edge = edges[e];
    for (; i < ends_[e]; ++i) {
      const auto& [predicate, other] = triples_[i];
      if (edge.predicate == storage::kNoTerm && automaton_.Named(predicate, edge.forward)) continue;
      // No VIA: links between entities, not values. (Into a point, the
      // other end starts the step, and FROM may be anything.)
      if (other == at.node || (node_.entities_only && !IsEntity(other) && (out || other != from_))) continue;
      hops.push_back(Hop{.predicate = predicate, .to = Point{other, edge.to}, .forward = edge.forward});
    }
  }
  // Each read gives a triple once, but a merge of graphs (FROM, GRAPHS)
  // reads each graph's.
  if (scope_.kind == GraphScope::Kind::kGraphs) {
    std::sort(hops.begin(), hops.end());
    hops.erase(std::unique(hops.begin(), hops.end()), hops.end());
  }
  if (search_.min_confidence || weighted()) {
    std::vector<Hop> kept;
    for (Hop& hop : hops) {
      const TermId start = out ? at.node : hop.to.node, end = out ? hop.to.node : at.node;
      if (search_.min_confidence) {
        ASSIGN_OR_RETURN(const Statement statement, StatementOf(start, Hop{hop.predicate, Point{end, 0}, hop.forward}));
        if (statement.value < *search_.min_confidence) continue;
      }
      if (weighted()) {
        ASSIGN_OR_RETURN(hop.weight, Weight(start, Hop{hop.predicate, Point{end, 0}, hop.forward}));
      }
      kept.push_back(hop);
    }
    hops = std::move(kept);
  }
  return absl::OkStatus();
}

absl::Status PathSteps::Read(TermId node, TermId predicate, bool by_subject,
                             std::vector<std::pair<TermId, TermId>>* out) {
  RETURN_IF_ERROR(ctx_.Check());
  if (predicate != storage::kNoTerm && scope_.kind != GraphScope::Kind::kGraphs) {
    const auto [it, fresh] = edges_.try_emplace(std::pair{predicate, by_subject});
    Edges& edges = it->second;
    if (fresh) edges.in_memory = ctx_.BuiltAdjacency(predicate, by_subject, scope_);
    if (edges.in_memory == nullptr && !edges.too_many && ++edges.unspent == kSeeksSpentAtOnce) {
      const std::uint64_t spent = ctx_.SpendSeeks(predicate, by_subject, scope_, edges.unspent);
      edges.unspent = 0;
      ASSIGN_OR_RETURN(const bool paid, ctx_.SeeksPaidForEdges(predicate, spent));
      if (paid && spent >= kFewestSeeksBeforeEdgesInMemory) {
        ASSIGN_OR_RETURN(edges.in_memory, eval_.PredicateEdges(predicate, by_subject, scope_, kMostEdgesToRead));
        edges.too_many = edges.in_memory == nullptr;
      }
    }
    if (edges.in_memory != nullptr) {
      for (const TermId other : edges.in_memory->From(node)) out->emplace_back(predicate, other);
      return absl::OkStatus();
    }
  }
  QuadStore::Pattern pattern;
  (by_subject ? pattern.ids.s : pattern.ids.o) = node;
  pattern.ids.p = predicate;
  const bool distinct = scope_.kind == GraphScope::Kind::kUnion;
  const TermId one_graph = scope_.kind == GraphScope::Kind::kGraph ? scope_.graph : kNoTerm;
  const std::span<const TermId> graphs = scope_.kind == GraphScope::Kind::kGraphs
                                             ? std::span<const TermId>(scope_.graphs)
                                             : std::span<const TermId>(&one_graph, 1);
  pattern.graph_bound = !distinct;
  for (const TermId g : graphs) {
    pattern.ids.g = g;
    if (cursor_ == nullptr) {
      cursor_ = ctx_.TakeCursor(pattern, distinct);
    } else {
      ctx_.store().Reseek(*cursor_, pattern, distinct);
    }
    for (; cursor_->Valid(); cursor_->Next()) {
      const QuadIds& q = cursor_->quad();
      out->emplace_back(q.p, by_subject ? q.o : q.s);
    }
    RETURN_IF_ERROR(cursor_->status());
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> PathSteps::StatementOf(TermId from, const Hop& hop) {
  const TermId s = hop.forward ? from : hop.to.node, o = hop.forward ? hop.to.node : from;
  const std::array<TermId, 3> key = {s, hop.predicate, o};
  if (const auto it = statements_.find(key); it != statements_.end()) return it->second;
  Statement best;
  ASSIGN_OR_RETURN(const std::optional<TermId> triple, ctx_.store().LookupTriple(s, hop.predicate, o, ctx_.snapshot().get()));
  if (triple && reifies_) {
    QuadStore::Pattern reifiers;
    reifiers.ids.p = *reifies_;
    reifiers.ids.o = *triple;
    std::vector<QuadIds> found;
    RETURN_IF_ERROR(ctx_.store().Scan(reifiers, false, [&](const QuadIds& q) {
      if (InScope(q.g)) found.push_back(q);
      return true;
    }));
    for (const QuadIds& r : found) {
      Statement one{.document = r.g, .stated = true};
      ASSIGN_OR_RETURN(one.confidence, Value(r.s, confidence_, r.g));
      ASSIGN_OR_RETURN(one.evidence, Value(r.s, evidence_, r.g));
      if (one.confidence != kNoTerm) {
        ASSIGN_OR_RETURN(const Term c, ctx_.Resolve(one.confidence));
        one.value = std::strtod(c.value.c_str(), nullptr);
      }
      if (!best.stated || one.value > best.value) best = one;
    }
  }
  if (!best.stated) {
    QuadStore::Pattern stated;
    stated.ids = {.s = s, .p = hop.predicate, .o = o};
    RETURN_IF_ERROR(ctx_.store().Scan(stated, false, [&](const QuadIds& q) {
      if (!InScope(q.g)) return true;
      best.document = q.g;
      best.stated = true;
      return false;
    }));
  }
  statements_.emplace(key, best);
  return best;
}

absl::StatusOr<long double> PathSteps::Weight(TermId from, const Hop& hop) {
  const std::array<TermId, 4> key = {from, hop.predicate, hop.to.node, hop.forward};
  if (const auto it = weights_.find(key); it != weights_.end()) return it->second;
  Row row = input_;
  const auto set = [&](Column c, TermId id) {
    if (c < static_cast<int>(search_.columns.size())) row[static_cast<std::size_t>(search_.columns[c])] = id;
  };
  set(kStart, from);
  set(kPredicate, hop.predicate);
  set(kEnd, hop.to.node);
  set(kForward, storage::BooleanId(hop.forward));
  if (weight_reads_statement_) {
    ASSIGN_OR_RETURN(const Statement statement, StatementOf(from, hop));
    set(kDocument, statement.document);
    set(kConfidenceColumn, statement.confidence);
    set(kEvidenceColumn, statement.evidence);
  }
  ExprEnv env{.scope = scope_};
  ASSIGN_OR_RETURN(const std::optional<Term> value, eval_.Eval(*search_.weight, row, env));
  const std::optional<Number> number = value ? ToNumber(*value) : std::nullopt;
  const long double weight = number ? number->AsReal() : -1;
  if (!number || !std::isfinite(weight) || weight < 0) {
    ASSIGN_OR_RETURN(const Term s, ctx_.Resolve(hop.forward ? from : hop.to.node));
    ASSIGN_OR_RETURN(const Term p, ctx_.Resolve(hop.predicate));
    ASSIGN_OR_RETURN(const Term o, ctx_.Resolve(hop.forward ? hop.to.node : from));
    return absl::InvalidArgumentError(absl::StrCat(
        search_.weight_at, ": PATHS WEIGHT must give a number of at least 0 for every step; for the triple ",
        query::ToTurtleTerm(s, {}), " ", query::ToTurtleTerm(p, {}), " ", query::ToTurtleTerm(o, {}), " it gave ",
        value ? query::ToTurtleTerm(*value, {}) : "an error (an unbound or mistyped value)"));
  }
  weights_.emplace(key, weight);
  return weight;
}

bool PathSteps::InScope(TermId graph) const {
  switch (scope_.kind) {
    case GraphScope::Kind::kUnion: return true;
    case GraphScope::Kind::kGraph: return graph == scope_.graph;
    case GraphScope::Kind::kGraphs: return std::find(scope_.graphs.begin(), scope_.graphs.end(), graph) != scope_.graphs.end();
  }
  return false;
}

absl::StatusOr<TermId> PathSteps::Value(TermId subject, std::optional<TermId> predicate, TermId graph) {
  if (!predicate) return kNoTerm;
  QuadStore::Pattern pattern;
  pattern.ids = {.s = subject, .p = *predicate, .g = graph};
  pattern.graph_bound = true;
  TermId value = kNoTerm;
  RETURN_IF_ERROR(ctx_.store().Scan(pattern, false, [&](const QuadIds& q) {
    value = q.o;
    return false;
  }));
  return value;
}

}  // namespace relata::engine::exec
