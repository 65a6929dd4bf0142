// A running query: planned once, then its rows pulled from the operators
// the plan opens, decoded in batches; CONSTRUCT and DESCRIBE make triples
// from the rows. EXPLAIN prints the same plan, ANALYZE after running it.
#include "engine/exec/execution.h"

#include <chrono>
#include <deque>
#include <limits>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/status_macros.h"
#include "engine/exec/context.h"
#include "engine/exec/evaluator.h"
#include "engine/plan/explain.h"
#include "engine/plan/planner.h"

namespace relata::engine {

using exec::Context;
using exec::Evaluator;
using exec::GraphScope;
using exec::kLocalTag;
using exec::Row;
using exec::Source;
using query::PatternTerm;
using query::Query;
using query::VarId;
using storage::QuadIds;
using storage::QuadStore;
using storage::TermId;
using storage::TermTag;
using storage::kNoTerm;

class Execution::Impl {
 public:
  Impl(const QuadStore& store, std::shared_ptr<const Query> query, const ExecutionOptions& limits)
      : ctx_(store, query, limits), query_(std::move(query)), union_default_graph_(limits.union_default_graph),
        bindings_(limits.bindings), explain_prefixes_(limits.explain_prefixes) {}

  // The graphs the top query's patterns match in.
  absl::StatusOr<GraphScope> TopScope() {
    const Query& q = *query_;
    GraphScope scope;
    if (!q.from.empty()) {
      scope.kind = GraphScope::Kind::kGraphs;
      for (const Term& g : q.from) {
        ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(g));
        if (id) scope.graphs.push_back(*id);
      }
    } else if (!q.from_named.empty()) {
      scope.kind = GraphScope::Kind::kGraph;  // FROM NAMED alone: an empty default graph
      scope.graph = storage::MakeId(kLocalTag, storage::kPayloadMask);
    } else if (!union_default_graph_) {
      scope.kind = GraphScope::Kind::kGraph;
      scope.graph = kNoTerm;
    }
    return scope;
  }

  // Plans the query for its scope and the variables its bindings bind.
  absl::Status Plan() {
    ASSIGN_OR_RETURN(scope_, TopScope());
    initial_.assign(ctx_.width(), kNoTerm);
    for (const auto& [var, term] : bindings_) {
      ASSIGN_OR_RETURN(initial_[static_cast<std::size_t>(var)], ctx_.Intern(term));
    }
    std::vector<bool> bound(ctx_.width());
    for (std::size_t i = 0; i < bound.size(); ++i) bound[i] = initial_[i] != kNoTerm;
    for (const auto& [var, error] : query_->bound_by_caller) {
      if (!bound[static_cast<std::size_t>(var)]) return absl::InvalidArgumentError(error);
    }
    plan::TopScope top;
    top.kind = scope_.kind == GraphScope::Kind::kUnion   ? plan::ScopeKind::kUnion
               : scope_.kind == GraphScope::Kind::kGraph ? plan::ScopeKind::kOneGraph
                                                         : plan::ScopeKind::kMerge;
    top.graph = scope_.graph;
    ASSIGN_OR_RETURN(const storage::StoreStats* stats, ctx_.Stats());
    plan::Planner planner(ctx_.store(), ctx_.snapshot(), *stats);
    ASSIGN_OR_RETURN(plan_, planner.PlanQuery(*query_, bound, top));
    evaluator_ = std::make_unique<Evaluator>(ctx_, plan_);
    return absl::OkStatus();
  }

  absl::Status Start() {
    const Query& q = *query_;
    RETURN_IF_ERROR(Plan());
    ASSIGN_OR_RETURN(source_, evaluator_->Open(*plan_.root, initial_, scope_));
    switch (q.form) {
      case Query::Form::kSelect:
        for (VarId v : q.projection) columns_.push_back(query::VariableName(q, v));
        break;
      case Query::Form::kAsk: {
        Row row;
        ASSIGN_OR_RETURN(boolean_, source_->Next(&row));
        break;
      }
      case Query::Form::kConstruct:
      case Query::Form::kDescribe:
        columns_ = {"subject", "predicate", "object"};
        break;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Next(std::vector<std::optional<Term>>* out) {
    const Query& q = *query_;
    switch (q.form) {
      case Query::Form::kAsk:
        return false;
      case Query::Form::kSelect: {
        if (next_buffered_ == buffered_rows_) {
          RETURN_IF_ERROR(FillBuffer());
          if (buffered_rows_ == 0) return false;
        }
        const std::size_t width = q.projection.size();
        const std::size_t first = next_buffered_++ * width;
        // Assigned over the caller's previous row: its strings' buffers are
        // reused instead of freed and allocated again.
        out->resize(width);
        for (std::size_t i = 0; i < width; ++i) {
          const BufferedCell& cell = buffered_[first + i];
          if (cell.id == kNoTerm) {
            (*out)[i].reset();
          } else if (cell.term != kUnresolved) {
            (*out)[i] = *buffer_terms_[cell.term];
          } else {
            ASSIGN_OR_RETURN((*out)[i], ctx_.Resolve(cell.id));
          }
        }
        return true;
      }
      default:
        return NextTriple(out);
    }
  }

  bool boolean() const { return boolean_; }
  const std::vector<std::string>& columns() const { return columns_; }

  absl::StatusOr<bool> NextBindings(std::vector<Binding>* out) {
    Row row;
    ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
    if (!more) return false;
    out->assign(row.size(), Binding());
    for (std::size_t i = 0; i < row.size(); ++i) {
      const TermId id = row[i];
      if (id == kNoTerm) continue;
      if (storage::TagOf(id) == kLocalTag) {
        ASSIGN_OR_RETURN((*out)[i].term, ctx_.Resolve(id));
      } else {
        (*out)[i].id = id;
      }
    }
    return true;
  }

  absl::StatusOr<std::string> Explain(bool analyze) {
    if (!analyze) {
      RETURN_IF_ERROR(Plan());
      return plan::Explain(plan_, *query_->variable_names, nullptr, explain_prefixes_);
    }
    ctx_.profiling = true;
    const auto start = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(Start());
    std::vector<std::optional<Term>> row;
    std::uint64_t rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(const bool more, Next(&row));
      if (!more) break;
      ++rows;
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return absl::StrCat(plan::Explain(plan_, *query_->variable_names, &ctx_.profile, explain_prefixes_),
                        absl::StrFormat("%u result rows in %.3f ms\n", rows, ms));
  }
  Query::Form form() const { return query_->form; }

 private:
  // Solutions come in batches whose terms are read from the dictionary
  // together; batches grow from 16 rows so that the first rows come early.
  // A batch keeps the projected cells only, row after row in one array,
  // each with the place of its term among those read.
  absl::Status FillBuffer() {
    buffered_.clear();
    buffered_rows_ = next_buffered_ = 0;
    Row row;
    while (buffered_rows_ < buffer_limit_) {
      ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
      if (!more) break;
      for (VarId v : query_->projection) buffered_.push_back({row[static_cast<std::size_t>(v)], kUnresolved});
      ++buffered_rows_;
    }
    buffer_limit_ = std::min<std::size_t>(buffer_limit_ * 2, 1024);
    std::vector<TermId> ids;
    term_places_.clear();
    for (BufferedCell& cell : buffered_) {
      if (cell.id == kNoTerm || storage::TagOf(cell.id) == kLocalTag) continue;
      const auto [it, fresh] = term_places_.try_emplace(cell.id, static_cast<std::uint32_t>(ids.size()));
      if (fresh) ids.push_back(cell.id);
      cell.term = it->second;
    }
    if (ids.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(buffer_terms_, ctx_.store().ResolveMany(ids, ctx_.snapshot().get()));
    return absl::OkStatus();
  }

  // CONSTRUCT and DESCRIBE: triples made from each solution, each once.
  absl::StatusOr<bool> NextTriple(std::vector<std::optional<Term>>* out) {
    while (pending_.empty()) {
      Row row;
      ASSIGN_OR_RETURN(const bool more, source_->Next(&row));
      if (!more) return false;
      if (query_->form == Query::Form::kConstruct) {
        RETURN_IF_ERROR(Instantiate(row));
      } else {
        RETURN_IF_ERROR(Describe(row));
      }
    }
    auto& t = pending_.front();
    out->assign({std::move(t[0]), std::move(t[1]), std::move(t[2])});
    pending_.pop_front();
    return true;
  }

  absl::StatusOr<std::optional<Term>> Value(const PatternTerm& t, const Row& row,
                                            std::map<std::string, std::string>& blanks) {
    switch (t.kind) {
      case PatternTerm::Kind::kVariable: {
        const TermId id = row[static_cast<std::size_t>(t.var)];
        if (id == kNoTerm) return std::optional<Term>();
        ASSIGN_OR_RETURN(Term v, ctx_.Resolve(id));
        return std::optional<Term>(std::move(v));
      }
      case PatternTerm::Kind::kConstant:
        if (t.constant.IsBlank()) {
          auto [it, inserted] = blanks.try_emplace(t.constant.value);
          if (inserted) it->second = ctx_.fresh_blank();
          return std::optional<Term>(Term::Blank(it->second));
        }
        return std::optional<Term>(t.constant);
      case PatternTerm::Kind::kTriple: {
        std::vector<Term> parts;
        for (const auto& p : t.triple) {
          ASSIGN_OR_RETURN(auto v, Value(p, row, blanks));
          if (!v) return std::optional<Term>();
          parts.push_back(std::move(*v));
        }
        if (parts[0].IsLiteral() || !parts[1].IsIri()) return std::optional<Term>();
        return std::optional<Term>(Term::Triple(parts[0], parts[1], parts[2]));
      }
    }
    return std::optional<Term>();
  }

  absl::Status Instantiate(const Row& row) {
    std::map<std::string, std::string> blanks;
    for (const auto& t : query_->construct_template) {
      ASSIGN_OR_RETURN(auto s, Value(t.subject, row, blanks));
      ASSIGN_OR_RETURN(auto p, Value(t.predicate, row, blanks));
      ASSIGN_OR_RETURN(auto o, Value(t.object, row, blanks));
      if (!s || !p || !o || s->IsLiteral() || !p->IsIri()) continue;
      Emit({std::move(*s), std::move(*p), std::move(*o)});
    }
    return absl::OkStatus();
  }

  // The triples about each described resource, and about the blank nodes
  // they lead to (a concise bounded description).
  absl::Status Describe(const Row& row) {
    std::vector<TermId> resources;
    for (const auto& t : query_->describe) {
      if (t.IsVariable()) {
        const TermId id = row[static_cast<std::size_t>(t.var)];
        if (id != kNoTerm) resources.push_back(id);
      } else {
        ASSIGN_OR_RETURN(const auto id, ctx_.Lookup(t.constant));
        if (id) resources.push_back(*id);
      }
    }
    while (!resources.empty()) {
      const TermId r = resources.back();
      resources.pop_back();
      if (!described_.insert(r).second) continue;
      QuadStore::Pattern pattern;
      pattern.ids.s = r;
      for (auto c = ctx_.store().OpenCursor(pattern, true, ctx_.snapshot()); c->Valid(); c->Next()) {
        const QuadIds q = c->quad();
        ASSIGN_OR_RETURN(Term s, ctx_.Resolve(q.s));
        ASSIGN_OR_RETURN(Term p, ctx_.Resolve(q.p));
        ASSIGN_OR_RETURN(Term o, ctx_.Resolve(q.o));
        Emit({std::move(s), std::move(p), std::move(o)});
        if (storage::TagOf(q.o) == TermTag::kBlank) resources.push_back(q.o);
      }
    }
    return absl::OkStatus();
  }

  void Emit(std::array<Term, 3> t) {
    std::string key = absl::StrCat(t[0].ToNTriples(), " ", t[1].ToNTriples(), " ", t[2].ToNTriples());
    if (!emitted_.insert(std::move(key)).second) return;
    pending_.push_back({std::move(t[0]), std::move(t[1]), std::move(t[2])});
  }

  Context ctx_;
  std::shared_ptr<const Query> query_;
  GraphScope scope_;
  Row initial_;
  plan::Plan plan_;
  std::unique_ptr<Evaluator> evaluator_;
  Source source_;
  std::vector<std::string> columns_;
  bool boolean_ = false;
  std::deque<std::array<std::optional<Term>, 3>> pending_;
  absl::flat_hash_set<std::string> emitted_;
  absl::flat_hash_set<TermId> described_;
  bool union_default_graph_;
  std::vector<std::pair<query::VarId, Term>> bindings_;
  query::PrefixList explain_prefixes_;
  // A projected cell of a buffered row: its id and where its decoded term
  // is in buffer_terms_ (kUnresolved: unbound, or local to this query).
  static constexpr std::uint32_t kUnresolved = std::numeric_limits<std::uint32_t>::max();
  struct BufferedCell {
    TermId id;
    std::uint32_t term;
  };
  std::vector<BufferedCell> buffered_;
  std::size_t buffered_rows_ = 0, next_buffered_ = 0, buffer_limit_ = 16;
  std::vector<storage::SharedTerm> buffer_terms_;
  absl::flat_hash_map<TermId, std::uint32_t> term_places_;  // of each id in buffer_terms_
};

absl::StatusOr<std::string> Execution::Explain(const QuadStore& store, std::shared_ptr<const Query> query,
                                               const ExecutionOptions& options, bool analyze) {
  Impl impl(store, std::move(query), options);
  return impl.Explain(analyze);
}

absl::StatusOr<std::unique_ptr<Execution>> Execution::Start(const QuadStore& store,
                                                            std::shared_ptr<const Query> query,
                                                            const ExecutionOptions& limits) {
  auto impl = std::make_unique<Impl>(store, std::move(query), limits);
  RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Execution>(new Execution(std::move(impl)));
}

Execution::Execution(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Execution::~Execution() = default;
query::Query::Form Execution::form() const { return impl_->form(); }
const std::vector<std::string>& Execution::columns() const { return impl_->columns(); }
absl::StatusOr<bool> Execution::Next(std::vector<std::optional<Term>>* row) { return impl_->Next(row); }
absl::StatusOr<bool> Execution::NextBindings(std::vector<Binding>* row) { return impl_->NextBindings(row); }
bool Execution::boolean() const { return impl_->boolean(); }

}  // namespace relata::engine
