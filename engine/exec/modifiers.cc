// A query's solution modifiers: projection, DISTINCT, OFFSET/LIMIT (all
// streaming), ORDER BY, and the ordered read that answers ORDER BY ... LIMIT
// over one predicate from its index.
#include <algorithm>
#include <cmath>

#include "engine/exec/evaluator.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine::exec {
namespace {

using query::VarId;

// The variables the query projects keep their values; the others get the
// input row's (unbound, or a prepared query's bindings).
class ProjectSource : public RowSource {
 public:
  ProjectSource(Source input, std::size_t width, const std::vector<VarId>& vars, Row input_row)
      : input_(std::move(input)), keep_(width), input_row_(std::move(input_row)) {
    for (VarId v : vars) keep_[static_cast<std::size_t>(v)] = true;
  }
  absl::StatusOr<bool> Next(Row* row) override {
    ASSIGN_OR_RETURN(const bool more, input_->Next(row));
    if (!more) return false;
    for (std::size_t i = 0; i < row->size(); ++i) {
      if (!keep_[i]) (*row)[i] = input_row_[i];
    }
    return true;
  }

 private:
  Source input_;
  std::vector<bool> keep_;
  Row input_row_;
};

// REDUCED permits dropping duplicates, not requires it: its rows stream on
// and only DISTINCT gets this operator.
class DistinctSource : public RowSource {
 public:
  DistinctSource(Context& ctx, Source input) : ctx_(ctx), input_(std::move(input)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      if (!seen_.insert(*row).second) continue;
      if ((seen_.size() & 1023) == 0) RETURN_IF_ERROR(ctx_.Hold(1024));
      return true;
    }
  }

 private:
  Context& ctx_;
  Source input_;
  absl::flat_hash_set<Row, RowHash> seen_;
};

// OFFSET and LIMIT: stops pulling its input once the limit is reached.
class SliceSource : public RowSource {
 public:
  SliceSource(Source input, std::int64_t offset, std::optional<std::int64_t> limit)
      : input_(std::move(input)), offset_(static_cast<std::uint64_t>(offset)), limit_(limit) {}
  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (limit_ && emitted_ >= static_cast<std::uint64_t>(*limit_)) return false;
      ASSIGN_OR_RETURN(const bool more, input_->Next(row));
      if (!more) return false;
      if (skipped_ < offset_) {
        ++skipped_;
        continue;
      }
      ++emitted_;
      return true;
    }
  }

 private:
  Source input_;
  std::uint64_t offset_;
  std::optional<std::int64_t> limit_;
  std::uint64_t skipped_ = 0, emitted_ = 0;
};

// How many of the sorted rows are wanted: with LIMIT only the first
// OFFSET+LIMIT (a DISTINCT after the sort could need more).
std::size_t Wanted(const Query& q, std::size_t rows) {
  return q.limit && !q.distinct ? std::min<std::size_t>(rows, static_cast<std::size_t>(q.offset + *q.limit)) : rows;
}

// ORDER BY variables whose values are all inline numbers of one
// order-preserving kind (integers, doubles), or dates or dateTimes all in one
// time zone (or none), sort by id without decoding; nullopt otherwise.
std::optional<std::vector<Row>> SortByIds(const Query& q, const plan::Node& node, std::vector<Row>& rows) {
  for (const auto& [key, descending] : node.order) {
    if (key->kind != Expr::Kind::kVariable || rows.empty()) return std::nullopt;
    const auto v = static_cast<std::size_t>(key->var);
    const TermId first = rows[0][v];
    const TermTag tag = storage::TagOf(first);
    const bool numbers = tag == TermTag::kInteger || tag == TermTag::kDouble;
    const bool dates = tag == TermTag::kDate || tag == TermTag::kDateTime;
    if (!numbers && !dates) return std::nullopt;
    for (const Row& r : rows) {
      const TermId id = r[v];
      if (storage::TagOf(id) != tag) return std::nullopt;
      if (dates && storage::ZoneCodeOf(id) != storage::ZoneCodeOf(first)) return std::nullopt;
    }
  }
  const auto before = [&](const Row& a, const Row& b) {
    for (const auto& [key, descending] : node.order) {
      const auto v = static_cast<std::size_t>(key->var);
      if (a[v] == b[v]) continue;
      return (a[v] < b[v]) != descending;
    }
    return false;
  };
  const std::size_t wanted = Wanted(q, rows.size());
  if (wanted < rows.size()) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(wanted), rows.end(), before);
    rows.resize(wanted);
  } else {
    std::stable_sort(rows.begin(), rows.end(), before);
  }
  return std::move(rows);
}

// Ids order dates by local time; a zone (at most 14 hours either way, or
// none) can move a value past another only when their local times are
// within 28 hours, so an ordered read goes that far beyond the last row
// wanted.
constexpr std::int64_t kMostZoneShift = 28 * 3'600'000;

}  // namespace

absl::StatusOr<Source> Evaluator::OpenModifier(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  if (node.kind == K::kReadInOrder) {
    QuadStore::Pattern pattern = PatternWithin(scope);
    pattern.ids.p = node.predicate;
    auto cursor = ctx_.store().OpenCursor(pattern, scope.kind == GraphScope::Kind::kUnion, ctx_.snapshot(),
                                          node.descending ? QuadStore::Direction::kDescending
                                                          : QuadStore::Direction::kAscending);
    const auto subject = static_cast<std::size_t>(node.subject.var), key = static_cast<std::size_t>(node.object.var);
    const std::size_t wanted = node.wanted;
    std::vector<Row> rows;
    Row row = input;
    row.resize(ctx_.width(), kNoTerm);
    for (; cursor->Valid(); cursor->Next()) {
      const TermId object = cursor->quad().o;
      if (rows.size() >= wanted) {
        if (!node.dates || wanted == 0) break;
        const std::int64_t last = storage::LocalMillisOf(rows[wanted - 1][key]);
        if (std::abs(storage::LocalMillisOf(object) - last) > kMostZoneShift) break;
      }
      row[subject] = cursor->quad().s;
      row[key] = object;
      rows.push_back(row);
      RETURN_IF_ERROR(ctx_.Hold(1));
      RETURN_IF_ERROR(ctx_.Check());
    }
    RETURN_IF_ERROR(cursor->status());
    return Source(std::make_unique<VectorSource>(std::move(rows)));
  }
  ASSIGN_OR_RETURN(Source source, Open(*node.children[0], input, scope));
  switch (node.kind) {
    case K::kProject:
      return Source(std::make_unique<ProjectSource>(std::move(source), ctx_.width(), node.vars, input));
    case K::kDistinct:
      return Source(std::make_unique<DistinctSource>(ctx_, std::move(source)));
    case K::kSlice:
      return Source(std::make_unique<SliceSource>(std::move(source), node.offset, node.limit));
    case K::kSort:
      break;
    default:
      return absl::InternalError(absl::StrCat("not a modifier: ", plan::KindName(node.kind)));
  }
  const Query& q = *node.query;
  ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*source, ctx_));
  if (auto by_ids = SortByIds(q, node, rows)) return Source(std::make_unique<VectorSource>(std::move(*by_ids)));
  std::vector<std::vector<std::optional<Term>>> keys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ExprEnv env{scope};
    for (const auto& [key, descending] : node.order) {
      ASSIGN_OR_RETURN(auto v, Eval(*key, rows[i], env));
      keys[i].push_back(std::move(v));
    }
    RETURN_IF_ERROR(ctx_.Check());
  }
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto before = [&](std::size_t a, std::size_t b) {
    for (std::size_t k = 0; k < node.order.size(); ++k) {
      int c = OrderCompare(keys[a][k], keys[b][k]);
      if (node.order[k].second) c = -c;
      if (c != 0) return c < 0;
    }
    return a < b;  // stable
  };
  const std::size_t wanted = Wanted(q, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted), order.end(), before);
  order.resize(wanted);
  std::vector<Row> sorted;
  sorted.reserve(order.size());
  for (std::size_t i : order) sorted.push_back(std::move(rows[i]));
  return Source(std::make_unique<VectorSource>(std::move(sorted)));
}

}  // namespace relata::engine::exec
