// Joins: nested loops that push the left row into the right side, hash
// joins of a right side run once, OPTIONAL both ways, MINUS, and a query's
// trailing VALUES.
#include <algorithm>
#include <functional>

#include "engine/exec/evaluator.h"

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

// Rows of `left` joined with rows of a materialised `right`: hashed on the
// variables every right row binds.
class HashJoin : public RowSource {
 public:
  HashJoin(Context& ctx, Source left, std::vector<Row> right)
      : ctx_(ctx), left_(std::move(left)), right_(std::move(right)) {
    if (right_.empty()) return;
    for (std::size_t v = 0; v < right_[0].size(); ++v) {
      if (std::all_of(right_.begin(), right_.end(), [&](const Row& r) { return r[v] != kNoTerm; })) {
        keys_.push_back(v);
      }
    }
    for (std::size_t i = 0; i < right_.size(); ++i) table_[Key(right_[i])].push_back(i);
  }
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
      matches_.clear();
      match_ = 0;
      if (std::all_of(keys_.begin(), keys_.end(), [&](std::size_t v) { return current_[v] != kNoTerm; })) {
        if (const auto it = table_.find(Key(current_)); it != table_.end()) matches_ = it->second;
      } else {
        for (std::size_t i = 0; i < right_.size(); ++i) matches_.push_back(i);
      }
    }
  }

 private:
  Row Key(const Row& r) const {
    Row key;
    for (std::size_t v : keys_) key.push_back(r[v]);
    return key;
  }
  Context& ctx_;
  Source left_;
  std::vector<Row> right_;
  std::vector<std::size_t> keys_;
  absl::flat_hash_map<Row, std::vector<std::size_t>, RowHash> table_;
  Row current_;
  std::vector<std::size_t> matches_;
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

class MinusSource : public RowSource {
 public:
  MinusSource(Source left, std::vector<Row> right) : left_(std::move(left)), right_(std::move(right)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, left_->Next(row));
      if (!more) return false;
      const bool removed = std::any_of(right_.begin(), right_.end(), [&](const Row& r) {
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
  Source left_;
  std::vector<Row> right_;
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
        auto shared = std::make_shared<std::vector<Row>>(std::move(rows));
        matches = [shared](const Row& row) -> absl::StatusOr<std::vector<Row>> {
          std::vector<Row> out;
          for (const Row& candidate : *shared) {
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
      return Source(std::make_unique<MinusSource>(std::move(left), std::move(rows)));
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
