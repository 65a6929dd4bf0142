// Names of plan nodes and access methods.
#include "engine/plan/plan.h"

namespace relata::engine::plan {

const char* KindName(Node::Kind kind) {
  using K = Node::Kind;
  switch (kind) {
    case K::kNoRows: return "NoRows";
    case K::kUnit: return "Unit";
    case K::kIndexNestedLoop: return "IndexNestedLoop";
    case K::kSearch: return "NameSearch";
    case K::kPropertyPath: return "PropertyPath";
    case K::kPaths: return "Paths";
    case K::kNestedJoin: return "NestedJoin";
    case K::kHashJoin: return "HashJoin";
    case K::kNestedLeftJoin: return "NestedLeftJoin";
    case K::kHashLeftJoin: return "HashLeftJoin";
    case K::kUnion: return "Union";
    case K::kMinus: return "Minus";
    case K::kFilter: return "Filter";
    case K::kExtend: return "Extend";
    case K::kGraph: return "Graph";
    case K::kEachGraph: return "EachGraph";
    case K::kValues: return "Values";
    case K::kSubquery: return "Subquery";
    case K::kService: return "Service";
    case K::kSlice: return "Slice";
    case K::kDistinct: return "Distinct";
    case K::kProject: return "Project";
    case K::kSort: return "Sort";
    case K::kValuesJoin: return "ValuesJoin";
    case K::kHaving: return "Having";
    case K::kGroup: return "Group";
    case K::kGroupCounts: return "GroupCounts";
    case K::kCountEdges: return "CountEdges";
    case K::kCountProduct: return "CountProduct";
    case K::kReadInOrder: return "ReadInOrder";
  }
  return "?";
}

const char* AccessName(Access access) {
  switch (access) {
    case Access::kSeek: return "seek";
    case Access::kHashProbe: return "hash-probe";
    case Access::kEdgeProbe: return "edge-probe";
    case Access::kFollowEdges: return "follow-edges";
    case Access::kSeekThenEdges: return "seek-then-edges";
    case Access::kSeekThenProbe: return "seek-then-probe";
  }
  return "?";
}

}  // namespace relata::engine::plan
