// Row-at-a-time operators: FILTER (and HAVING), BIND and SELECT
// expressions, UNION, GRAPH, VALUES and sub-queries.
#include <algorithm>
#include <functional>
#include <map>

#include "engine/exec/evaluator.h"

namespace relata::engine::exec {
namespace {

using query::VarId;

// The variables `e` reads, and the work of evaluating it on one row.
void ReadVariables(const Expr& e, std::vector<VarId>* vars, std::uint64_t* operators) {
  if (e.kind == Expr::Kind::kVariable) vars->push_back(e.var);
  // A regular expression may take up to a few milliseconds on one value.
  const bool regex = e.kind == Expr::Kind::kBuiltIn && (e.name == "REGEX" || e.name == "REPLACE");
  *operators += regex ? 100 : 1;
  for (const Expr& a : e.args) ReadVariables(a, vars, operators);
}

// An input's rows a batch at a time, with the terms of the variables that
// expressions read fetched from the dictionary together (in id order, not
// one random read per row), so that the expressions find them at hand. The
// batch keeps its rows' memory for the next batch.
class RowBatch {
 public:
  RowBatch(Evaluator& ev, Source input) : ev_(ev), input_(std::move(input)) {}
  void Read(const Expr& e) { ReadVariables(e, &vars_, &operators_); }
  std::uint64_t operators() const { return operators_; }

  // The next row, or nullptr after the last.
  absl::StatusOr<Row*> Next() {
    if (next_ == filled_) {
      RETURN_IF_ERROR(Fill());
      if (filled_ == 0) return nullptr;
    }
    return &rows_[next_++];
  }

 private:
  absl::Status Fill() {
    filled_ = next_ = 0;
    while (filled_ < limit_) {
      if (filled_ == rows_.size()) rows_.emplace_back();
      ASSIGN_OR_RETURN(const bool more, input_->Next(&rows_[filled_]));
      if (!more) break;
      ++filled_;
    }
    limit_ = std::min<std::size_t>(limit_ * 2, 512);  // small first: rows stream early
    if (vars_.empty()) return absl::OkStatus();
    std::vector<TermId> ids;
    for (std::size_t i = 0; i < filled_; ++i) {
      for (VarId v : vars_) ids.push_back(rows_[i][static_cast<std::size_t>(v)]);
    }
    return ev_.ctx().Prefetch(ids);
  }

  Evaluator& ev_;
  Source input_;
  std::vector<VarId> vars_;
  std::uint64_t operators_ = 0;
  std::vector<Row> rows_;  // [0, filled_) are the batch
  std::size_t next_ = 0, filled_ = 0, limit_ = 16;
};

// FILTER: the rows for which every condition holds.
class FilterSource : public RowSource {
 public:
  FilterSource(Evaluator& ev, Source input, const std::vector<Expr>* exprs, GraphScope scope)
      : ev_(ev), batch_(ev, std::move(input)), exprs_(exprs), scope_(std::move(scope)) {
    for (const Expr& e : *exprs_) batch_.Read(e);
  }
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const Row* candidate, batch_.Next());
      if (candidate == nullptr) return false;
      ASSIGN_OR_RETURN(const bool ok, ev_.Holds(*exprs_, *candidate, scope_));
      // A condition of a hundred thousand operators takes long on one row.
      RETURN_IF_ERROR(ev_.ctx().Check(batch_.operators()));
      if (ok) {
        *row = *candidate;  // a copy into the row's memory: the batch keeps its own
        return true;
      }
    }
  }

 private:
  Evaluator& ev_;
  RowBatch batch_;
  const std::vector<Expr>* exprs_;
  GraphScope scope_;
};

// BIND, and the expressions of a SELECT clause evaluated in order on each
// row (one BNODE(str) scope per row).
class ExtendSource : public RowSource {
 public:
  using Binding = std::pair<VarId, const Expr*>;
  ExtendSource(Evaluator& ev, Source input, std::vector<Binding> bindings, GraphScope scope)
      : ev_(ev), batch_(ev, std::move(input)), bindings_(std::move(bindings)), scope_(std::move(scope)) {
    for (const auto& binding : bindings_) {
      if (binding.second->kind != Expr::Kind::kVariable) batch_.Read(*binding.second);
    }
  }
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(Row* extended, batch_.Next());
      if (extended == nullptr) return false;
      std::map<std::string, std::string> blanks;
      ExprEnv env{scope_, &blanks};
      bool keep = true;
      for (const auto& [var, expr] : bindings_) {
        TermId id = kNoTerm;
        if (expr->kind == Expr::Kind::kVariable) {  // BIND(?a AS ?b): the same id
          id = (*extended)[static_cast<std::size_t>(expr->var)];
        } else {
          ASSIGN_OR_RETURN(const auto value, ev_.Eval(*expr, *extended, env));
          if (value) {
            ASSIGN_OR_RETURN(id, ev_.ctx().Intern(*value));
          }
        }
        if (id == kNoTerm) continue;
        TermId& slot = (*extended)[static_cast<std::size_t>(var)];
        if (slot != kNoTerm && slot != id) {  // bound by the input: must agree
          keep = false;
          break;
        }
        slot = id;
      }
      if (keep) {
        *row = *extended;
        return true;
      }
    }
  }

 private:
  Evaluator& ev_;
  RowBatch batch_;
  std::vector<Binding> bindings_;
  GraphScope scope_;
};

// Binds one more variable on every row, dropping rows that disagree.
class BindSource : public RowSource {
 public:
  BindSource(Source input, std::size_t var, TermId value)
      : input_(std::move(input)), var_(var), value_(value) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      TermId& slot = (*row)[var_];
      if (slot != kNoTerm && slot != value_) continue;
      slot = value_;
      return true;
    }
  }

 private:
  Source input_;
  std::size_t var_;
  TermId value_;
};

class ConcatSource : public RowSource {
 public:
  using Opener = std::function<absl::StatusOr<Source>()>;
  explicit ConcatSource(std::vector<Opener> parts) : parts_(std::move(parts)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (current_ == nullptr) {
        if (next_ >= parts_.size()) return false;
        ASSIGN_OR_RETURN(current_, parts_[next_++]());
      }
      ASSIGN_OR_RETURN(const bool more, current_->Next(row));
      if (more) return true;
      current_.reset();
    }
  }

 private:
  std::vector<Opener> parts_;
  std::size_t next_ = 0;
  Source current_;
};

}  // namespace

absl::StatusOr<Source> Evaluator::OpenRowOperator(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  switch (node.kind) {
    case K::kUnion: {
      std::vector<ConcatSource::Opener> parts;
      for (const auto& child : node.children) {
        parts.push_back([this, child = child.get(), input, scope] { return Open(*child, input, scope); });
      }
      return Source(std::make_unique<ConcatSource>(std::move(parts)));
    }
    case K::kFilter:
    case K::kHaving: {
      ASSIGN_OR_RETURN(Source in, Open(*node.children[0], input, scope));
      return Source(std::make_unique<FilterSource>(*this, std::move(in), node.exprs, scope));
    }
    case K::kExtend: {
      ASSIGN_OR_RETURN(Source in, Open(*node.children[0], input, scope));
      return Source(std::make_unique<ExtendSource>(*this, std::move(in), node.bindings, scope));
    }
    case K::kGraph: {
      std::optional<TermId> graph = node.graph;
      if (node.var >= 0) {
        const TermId bound = input[static_cast<std::size_t>(node.var)];
        graph = bound == kNoTerm ? std::nullopt : std::optional<TermId>(bound);
      }
      ASSIGN_OR_RETURN(const std::vector<TermId> named, ctx_.NamedGraphs());
      if (!graph || std::find(named.begin(), named.end(), *graph) == named.end()) {
        return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
      }
      return Open(*node.children[0], input, GraphScope{GraphScope::Kind::kGraph, *graph, {}});
    }
    case K::kEachGraph: {
      ASSIGN_OR_RETURN(const std::vector<TermId> named, ctx_.NamedGraphs());
      std::vector<ConcatSource::Opener> parts;
      const auto var = static_cast<std::size_t>(node.var);
      const plan::Node* child = node.children[0].get();
      for (TermId g : named) {
        // The inner pattern does not see ?g (spec: it is bound after).
        parts.push_back([this, child, input, g, var]() -> absl::StatusOr<Source> {
          ASSIGN_OR_RETURN(Source inner, Open(*child, input, GraphScope{GraphScope::Kind::kGraph, g, {}}));
          return Source(std::make_unique<BindSource>(std::move(inner), var, g));
        });
      }
      return Source(std::make_unique<ConcatSource>(std::move(parts)));
    }
    case K::kValues: {
      const query::ValuesTable& values = node.pattern->values;
      std::vector<Row> rows;
      for (const auto& row_values : values.rows) {
        Row row = input;
        bool ok = true;
        for (std::size_t i = 0; i < row_values.size() && ok; ++i) {
          if (!row_values[i]) continue;
          ASSIGN_OR_RETURN(const TermId id, ctx_.Intern(*row_values[i]));
          TermId& slot = row[static_cast<std::size_t>(values.vars[i])];
          ok = slot == kNoTerm || slot == id;
          slot = id;
        }
        if (ok) rows.push_back(std::move(row));
      }
      return Source(std::make_unique<VectorSource>(std::move(rows)));
    }
    case K::kSubquery: {
      ASSIGN_OR_RETURN(Source sub, Open(*node.children[0], Row(ctx_.width()), scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*sub, ctx_));
      std::vector<Row> compatible;
      for (Row& r : rows) {
        if (!Compatible(input, r)) continue;
        Merge(input, &r);
        compatible.push_back(std::move(r));
      }
      return Source(std::make_unique<VectorSource>(std::move(compatible)));
    }
    case K::kService:
      return absl::UnimplementedError("SERVICE (federated queries) is not supported");
    default:
      return absl::InternalError(absl::StrCat("not a row operator: ", plan::KindName(node.kind)));
  }
}

}  // namespace relata::engine::exec
