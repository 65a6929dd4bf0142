// Joins: nested loops that push the left row into the right side, hash
// joins of a right side run once, OPTIONAL both ways, MINUS, and a query's
// trailing VALUES.
#include <algorithm>
#include <functional>

#include "engine/exec/evaluator.h"
#include "engine/exec/right_rows.h"

namespace relata::engine::exec {
namespace {

// Rows of `left`, each joined with the rows `right` gives for it (opened
// with the left row as input): index nested loops.
class NestedJoin : public RowSource {
 public:
  using Opener = std::function<absl::StatusOr<Source>(const Row&)>;
  NestedJoin(Source left, Opener right) : left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (inner_ != nullptr) {
        ASSIGN_OR_RETURN(const bool more, inner_->Next(row));
        if (more) return true;
        inner_.reset();
      }
      ASSIGN_OR_RETURN(const bool more, left_->Next(&current_));
      if (!more) return false;
      ASSIGN_OR_RETURN(inner_, right_(current_));
    }
  }

 private:
  Source left_;
  Opener right_;
  Source inner_;
  Row current_;
};

// Rows of `left` joined with rows of a materialised right side.
class HashJoin : public RowSource {
 public:
  HashJoin(Context& ctx, Source left, std::vector<Row> right)
      : ctx_(ctx), left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      while (match_ < matches_.size()) {
        const Row& r = right_[matches_[match_++]];
        if (!Compatible(current_, r)) continue;
        *row = current_;
        Merge(r, row);
        return true;
      }
      ASSIGN_OR_RETURN(const bool more, left_->Next(&current_));
      if (!more) return false;
      RETURN_IF_ERROR(ctx_.Check());
      matches_ = right_.Candidates(current_);
      match_ = 0;
    }
  }

 private:
  Context& ctx_;
  Source left_;
  RightRows right_;
  Row current_;
  std::span<const std::size_t> matches_;
  std::size_t match_ = 0;
};

// OPTIONAL: each left row with its matches on the right that pass the
// condition, or alone when none does.
class LeftJoin : public RowSource {
 public:
  using Matches = std::function<absl::StatusOr<std::vector<Row>>(const Row&)>;
  LeftJoin(Evaluator& ev, Source left, Matches matches, const std::vector<Expr>* condition, GraphScope scope)
      : ev_(ev), left_(std::move(left)), matches_(std::move(matches)), condition_(condition),
        scope_(std::move(scope)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (next_ < pending_.size()) {
        *row = std::move(pending_[next_++]);
        return true;
      }
      Row left;
      ASSIGN_OR_RETURN(const bool more, left_->Next(&left));
      if (!more) return false;
      ASSIGN_OR_RETURN(std::vector<Row> candidates, matches_(left));
      pending_.clear();
      next_ = 0;
      for (Row& merged : candidates) {
        ASSIGN_OR_RETURN(const bool ok, ev_.Holds(*condition_, merged, scope_));
        if (ok) pending_.push_back(std::move(merged));
      }
      if (pending_.empty()) pending_.push_back(std::move(left));
    }
  }

 private:
  Evaluator& ev_;
  Source left_;
  Matches matches_;
  const std::vector<Expr>* condition_;
  GraphScope scope_;
  std::vector<Row> pending_;
  std::size_t next_ = 0;
};

// FILTER, over batches of rows whose terms the conditions read are fetched

// MINUS: the rows of `left` that no right row is compatible with while
// sharing a variable with it (spec 18.5).
class MinusSource : public RowSource {
 public:
  MinusSource(Context& ctx, Source left, std::vector<Row> right)
      : ctx_(ctx), left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, left_->Next(row));
      if (!more) return false;
      RETURN_IF_ERROR(ctx_.Check());
      const auto candidates = right_.Candidates(*row);
      const bool removed = std::any_of(candidates.begin(), candidates.end(), [&](std::size_t c) {
        const Row& r = right_[c];
        bool shared = false;
        for (std::size_t i = 0; i < r.size(); ++i) {
          if ((*row)[i] == kNoTerm || r[i] == kNoTerm) continue;
          if ((*row)[i] != r[i]) return false;
          shared = true;
        }
        return shared;
      });
      if (!removed) return true;
    }
  }

 private:
  Context& ctx_;
  Source left_;
  RightRows right_;
};


}  // namespace

absl::StatusOr<Source> Evaluator::OpenJoin(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  switch (node.kind) {
    case K::kNestedJoin: {
      ASSIGN_OR_RETURN(Source left, Open(*node.children[0], input, scope));
      const plan::Node* right = node.children[1].get();
      return Source(std::make_unique<NestedJoin>(
          std::move(left), [this, right, scope](const Row& row) { return Open(*right, row, scope); }));
    }
    case K::kHashJoin: {
      ASSIGN_OR_RETURN(Source left, Open(*node.children[0], input, scope));
      ASSIGN_OR_RETURN(Source r, Open(*node.children[1], input, scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
      return Source(std::make_unique<HashJoin>(ctx_, std::move(left), std::move(rows)));
    }
    case K::kNestedLeftJoin:
    case K::kHashLeftJoin: {
      ASSIGN_OR_RETURN(Source left, Open(*node.children[0], input, scope));
      const plan::Node* right = node.children[1].get();
      LeftJoin::Matches matches;
      if (node.kind == K::kNestedLeftJoin) {
        matches = [this, right, scope](const Row& row) -> absl::StatusOr<std::vector<Row>> {
          ASSIGN_OR_RETURN(Source r, Open(*right, row, scope));
          return Drain(*r, ctx_);
        };
      } else {
        ASSIGN_OR_RETURN(Source r, Open(*right, input, scope));
        ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
        auto shared = std::make_shared<const RightRows>(std::move(rows));
        matches = [shared](const Row& row) -> absl::StatusOr<std::vector<Row>> {
          std::vector<Row> out;
          for (const std::size_t c : shared->Candidates(row)) {
            const Row& candidate = (*shared)[c];
            if (!Compatible(row, candidate)) continue;
            Row merged = row;
            Merge(candidate, &merged);
            out.push_back(std::move(merged));
          }
          return out;
        };
      }
      return Source(std::make_unique<LeftJoin>(*this, std::move(left), std::move(matches), node.exprs, scope));
    }
    case K::kMinus: {
      ASSIGN_OR_RETURN(Source left, Open(*node.children[0], input, scope));
      ASSIGN_OR_RETURN(Source r, Open(*node.children[1], Row(ctx_.width()), scope));
      ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*r, ctx_));
      return Source(std::make_unique<MinusSource>(ctx_, std::move(left), std::move(rows)));
    }
    case K::kValuesJoin: {
      ASSIGN_OR_RETURN(Source left, Open(*node.children[0], input, scope));
      std::vector<Row> table;
      for (const auto& values : node.query->values->rows) {
        Row row(ctx_.width());
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (!values[i]) continue;
          ASSIGN_OR_RETURN(row[static_cast<std::size_t>(node.query->values->vars[i])], ctx_.Intern(*values[i]));
        }
        table.push_back(std::move(row));
      }
      return Source(std::make_unique<HashJoin>(ctx_, std::move(left), std::move(table)));
    }
    default:
      return absl::InternalError(absl::StrCat("not a join: ", plan::KindName(node.kind)));
  }
}

}  // namespace relata::engine::exec
