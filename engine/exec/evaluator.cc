// Opens each plan node's operator through its family's Open function, and
// wraps it for EXPLAIN ANALYZE when profiling.
#include "engine/exec/evaluator.h"

#include <chrono>

namespace relata::engine::exec {

absl::StatusOr<Source> Evaluator::Open(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  // Materialising operators (a hash join's right side, a sort) work when
  // opened: that time counts too.
  const auto start = ctx_.profiling ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
  absl::StatusOr<Source> source;
  switch (node.kind) {
    case K::kNoRows:
    case K::kUnit:
    case K::kIndexNestedLoop:
      source = OpenScans(node, input, scope);
      break;
    case K::kSearch:
      source = OpenSearch(node, input);
      break;
    case K::kPropertyPath:
      source = OpenPath(node, input, scope);
      break;
    case K::kPaths:
      source = OpenPaths(node, input, scope);
      break;
    case K::kNestedJoin:
    case K::kHashJoin:
    case K::kNestedLeftJoin:
    case K::kHashLeftJoin:
    case K::kMinus:
    case K::kValuesJoin:
      source = OpenJoin(node, input, scope);
      break;
    case K::kUnion:
    case K::kFilter:
    case K::kHaving:
    case K::kExtend:
    case K::kGraph:
    case K::kEachGraph:
    case K::kValues:
    case K::kSubquery:
    case K::kService:
      source = OpenRowOperator(node, input, scope);
      break;
    case K::kSlice:
    case K::kDistinct:
    case K::kProject:
    case K::kSort:
    case K::kReadInOrder:
      source = OpenModifier(node, input, scope);
      break;
    case K::kGroup:
    case K::kGroupCounts:
    case K::kCountEdges:
    case K::kCountProduct:
      source = OpenAggregate(node, input, scope);
      break;
  }
  if (!source.ok() || !ctx_.profiling) return source;
  plan::OpStats& stats = ctx_.profile[&node];
  stats.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Source(std::make_unique<ProfileSource>(std::move(*source), &stats));
}

}  // namespace relata::engine::exec
