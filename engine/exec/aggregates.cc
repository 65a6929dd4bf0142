// Aggregates: GROUP BY with any aggregate, the counting of variables as
// rows stream by, and counts read from a predicate's edges in memory.
#include <set>
#include <span>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/exec/evaluator.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine::exec {
namespace {


// Groups rows and computes the query's aggregates, one row per group.
absl::StatusOr<std::vector<Row>> Group(Evaluator& ev, const Query& q, std::vector<Row> rows,
                                       const GraphScope& scope) {
  Context& ctx = ev.ctx();
  struct GroupRows {
    Row key;
    std::vector<std::size_t> members;
  };
  std::vector<GroupRows> groups;
  absl::flat_hash_map<Row, std::size_t, RowHash> index;
  ExprEnv env{scope};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Row key;
    for (const auto& [expr, var] : q.group_by) {
      if (expr.kind == Expr::Kind::kVariable) {  // the id is the key: no decoding
        key.push_back(rows[i][static_cast<std::size_t>(expr.var)]);
        continue;
      }
      ASSIGN_OR_RETURN(const auto v, ev.Eval(expr, rows[i], env));
      TermId id = kNoTerm;
      if (v) {
        ASSIGN_OR_RETURN(id, ctx.Intern(*v));
      }
      key.push_back(id);
    }
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) groups.push_back({key, {}});
    groups[it->second].members.push_back(i);
    RETURN_IF_ERROR(ctx.Check());
  }
  if (groups.empty() && q.group_by.empty()) groups.push_back({{}, {}});  // aggregates over nothing

  std::vector<Row> out;
  for (const GroupRows& group : groups) {
    Row row(ctx.width());
    for (std::size_t k = 0; k < q.group_by.size(); ++k) {
      row[static_cast<std::size_t>(q.group_by[k].second)] = group.key[k];
    }
    for (const query::Aggregate& a : q.aggregates) {
      std::vector<Term> values;
      const bool summed = a.kind == query::Aggregate::Kind::kSum || a.kind == query::Aggregate::Kind::kAvg;
      std::vector<Number> numbers;  // SUM and AVG
      bool error = false;
      std::set<std::string> distinct;
      std::size_t count = 0;
      // COUNT of a variable counts ids: equal terms have equal ids.
      if (a.kind == query::Aggregate::Kind::kCount && a.arg && a.arg->kind == Expr::Kind::kVariable) {
        absl::flat_hash_set<TermId> seen;
        std::int64_t n = 0;
        for (std::size_t m : group.members) {
          const TermId id = rows[m][static_cast<std::size_t>(a.arg->var)];
          if (id == kNoTerm || (a.distinct && !seen.insert(id).second)) continue;
          ++n;
        }
        ASSIGN_OR_RETURN(row[static_cast<std::size_t>(a.result)], ctx.Intern(Integer(n)));
        continue;
      }
      for (std::size_t m : group.members) {
        if (!a.arg) {  // COUNT(*)
          if (a.distinct) {
            std::string key;
            for (TermId id : rows[m]) absl::StrAppend(&key, id, ",");
            if (!distinct.insert(key).second) continue;
          }
          ++count;
          continue;
        }
        if (summed && !a.distinct) {  // numbers without a term each (an error or no number: no sum)
          ASSIGN_OR_RETURN(const auto x, ev.Operand(*a.arg, rows[m], env));
          if (!x) {
            error = true;
            break;
          }
          numbers.push_back(*x);
          continue;
        }
        ASSIGN_OR_RETURN(auto v, ev.Eval(*a.arg, rows[m], env));
        if (!v) {
          error = true;
          continue;
        }
        if (a.distinct && !distinct.insert(v->ToNTriples()).second) continue;
        if (summed) {
          const auto x = ToNumber(*v);
          if (!x) {
            error = true;
            break;
          }
          numbers.push_back(*x);
          continue;
        }
        values.push_back(std::move(*v));
      }
      std::optional<Term> result;
      using AK = query::Aggregate::Kind;
      switch (a.kind) {
        case AK::kCount:
          result = Integer(static_cast<std::int64_t>(a.arg ? values.size() : count));
          break;
        case AK::kSum:
        case AK::kAvg: {
          if (error) break;
          // Each addition reads the sum so far as its term would read back.
          std::optional<Number> sum = Number();
          for (const Number& x : numbers) {
            sum = NumberArithmetic('+', Normalized(*sum), x);
            if (!sum) break;
          }
          if (!sum) break;
          if (a.kind == AK::kSum || numbers.empty()) {
            result = FromNumber(*sum);
          } else {
            Number how_many;
            how_many.integer = static_cast<std::int64_t>(numbers.size());
            const auto mean = NumberArithmetic('/', Normalized(*sum), how_many);
            if (mean) result = FromNumber(*mean);
          }
          break;
        }
        case AK::kMin:
        case AK::kMax: {
          if (error && values.empty()) break;
          for (const Term& v : values) {
            if (!result) {
              result = v;
              continue;
            }
            const int c = OrderCompare(v, result);
            if ((a.kind == AK::kMin && c < 0) || (a.kind == AK::kMax && c > 0)) result = v;
          }
          break;
        }
        case AK::kSample:
          if (!values.empty()) result = values.front();
          break;
        case AK::kGroupConcat: {
          if (error) break;
          std::string joined;
          bool ok = true;
          for (std::size_t i = 0; i < values.size(); ++i) {
            const Term& v = values[i];
            if (!v.IsLiteral() || (v.datatype != kXsdString && v.language.empty())) {
              ok = false;
              break;
            }
            if (i > 0) joined += a.separator;
            joined += v.value;
          }
          if (!ok) break;
          result = Term::Literal(joined);  // a simple literal, whatever the inputs' tags
          break;
        }
      }
      if (result) {
        ASSIGN_OR_RETURN(row[static_cast<std::size_t>(a.result)], ctx.Intern(*result));
      }
    }
    out.push_back(std::move(row));
    RETURN_IF_ERROR(ctx.Hold(1));
  }
  return out;
}

// GROUP BY variables with only COUNT(*), COUNT(?x), COUNT(DISTINCT ?x):

absl::StatusOr<std::vector<Row>> GroupCounts(Context& ctx, const Query& q, RowSource& source) {
  struct Counts {
    Row key;
    std::vector<std::int64_t> counts;
    std::vector<absl::flat_hash_set<TermId>> distinct;
  };
  std::vector<Counts> groups;
  absl::flat_hash_map<Row, std::size_t, RowHash> index;
  Row row, key;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, source.Next(&row));
    if (!more) break;
    key.clear();
    for (const auto& [expr, var] : q.group_by) key.push_back(row[static_cast<std::size_t>(expr.var)]);
    auto [it, inserted] = index.try_emplace(key, groups.size());
    if (inserted) {
      groups.push_back({key, std::vector<std::int64_t>(q.aggregates.size()),
                        std::vector<absl::flat_hash_set<TermId>>(q.aggregates.size())});
      RETURN_IF_ERROR(ctx.Hold(1));
    }
    Counts& g = groups[it->second];
    for (std::size_t k = 0; k < q.aggregates.size(); ++k) {
      const query::Aggregate& a = q.aggregates[k];
      if (!a.arg) {
        ++g.counts[k];
        continue;
      }
      const TermId id = row[static_cast<std::size_t>(a.arg->var)];
      if (id == kNoTerm || (a.distinct && !g.distinct[k].insert(id).second)) continue;
      ++g.counts[k];
    }
    RETURN_IF_ERROR(ctx.Check());
  }
  if (groups.empty() && q.group_by.empty()) groups.push_back({{}, std::vector<std::int64_t>(q.aggregates.size()), {}});
  std::vector<Row> out;
  for (const Counts& g : groups) {
    Row r(ctx.width());
    for (std::size_t k = 0; k < q.group_by.size(); ++k) r[static_cast<std::size_t>(q.group_by[k].second)] = g.key[k];
    for (std::size_t k = 0; k < q.aggregates.size(); ++k) {
      ASSIGN_OR_RETURN(r[static_cast<std::size_t>(q.aggregates[k].result)], ctx.Intern(Integer(g.counts[k])));
    }
    out.push_back(std::move(r));
  }
  return out;
}


}  // namespace

absl::StatusOr<Source> Evaluator::OpenAggregate(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  const Query& q = *node.query;
  if (node.kind == K::kCountEdges) {
    ASSIGN_OR_RETURN(const Adjacency* edges, PredicateEdges(node.predicate, node.forward, scope, plan::kMostEdgesInMemory));
    if (edges == nullptr) return absl::InternalError("the plan counts edges that cannot be read into memory");
    std::vector<Row> rows;
    absl::flat_hash_map<std::size_t, TermId> count_ids;  // each count made a term once
    absl::Status failed;
    edges->ForEachNode([&](TermId key, std::span<const TermId> targets) {
      if (!failed.ok()) return;
      Row row(ctx_.width());
      row[static_cast<std::size_t>(q.group_by[0].second)] = key;
      auto [count, inserted] = count_ids.try_emplace(targets.size(), kNoTerm);
      if (inserted) {
        auto id = ctx_.Intern(Integer(static_cast<std::int64_t>(targets.size())));
        if (!id.ok()) {
          failed = id.status();
          return;
        }
        count->second = *id;
      }
      for (const auto& a : q.aggregates) row[static_cast<std::size_t>(a.result)] = count->second;
      rows.push_back(std::move(row));
      failed = ctx_.Hold(1);
    });
    RETURN_IF_ERROR(failed);
    return Source(std::make_unique<VectorSource>(std::move(rows)));
  }
  if (node.kind == K::kCountProduct) {
    std::int64_t product = 1;
    for (const auto& part : node.children) {
      ASSIGN_OR_RETURN(Source source, Open(*part, input, scope));
      std::int64_t count = 0;
      Row row;
      while (true) {
        ASSIGN_OR_RETURN(const bool more, source->Next(&row));
        if (!more) break;
        if ((++count & 1023) == 0) RETURN_IF_ERROR(ctx_.Check());
      }
      if (__builtin_mul_overflow(product, count, &product)) {
        return absl::OutOfRangeError("the count is beyond 2^63 - 1");
      }
      if (product == 0) break;  // the other patterns cannot change it
    }
    Row row(ctx_.width());
    for (const auto& a : q.aggregates) {
      ASSIGN_OR_RETURN(row[static_cast<std::size_t>(a.result)], ctx_.Intern(Integer(product)));
    }
    return Source(std::make_unique<VectorSource>(std::vector<Row>{std::move(row)}));
  }
  ASSIGN_OR_RETURN(Source source, Open(*node.children[0], input, scope));
  std::vector<Row> rows;
  if (node.kind == K::kGroupCounts) {
    ASSIGN_OR_RETURN(rows, GroupCounts(ctx_, q, *source));
  } else {
    ASSIGN_OR_RETURN(rows, Drain(*source, ctx_));
    ASSIGN_OR_RETURN(rows, Group(*this, q, std::move(rows), scope));
  }
  return Source(std::make_unique<VectorSource>(std::move(rows)));
}

}  // namespace relata::engine::exec
