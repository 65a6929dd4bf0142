// Basic graph patterns: index nested loops over the plan's scan steps, one
// cursor per level, each step read the way the plan chose (seeks, a hash
// set, or a predicate's edges in memory).
#include <set>
#include <span>

#include "engine/exec/evaluator.h"
#include "engine/plan/scan_order.h"

namespace relata::engine::exec {
namespace {

using plan::Access;
using plan::ScanStep;
using plan::ScanTerm;

class BgpSource : public RowSource {
 public:
  // `steps` are the plan's; `follow_first` says whether a kSeekThenEdges
  // first step follows edges on this open.
  BgpSource(Context& ctx, const std::vector<ScanStep>& steps, bool follow_first, Row input, GraphScope scope)
      : ctx_(ctx), steps_(steps), scope_(std::move(scope)), rows_(steps_.size() + 1), cursors_(steps_.size()),
        active_(steps_.size()), graph_index_(steps_.size()), seen_(steps_.size()), neighbours_(steps_.size()),
        next_neighbour_(steps_.size()), existence_sets_(steps_.size()), adjacencies_(steps_.size()),
        access_(steps_.size()), opened_(steps_.size()), unspent_(steps_.size()) {
    rows_[0] = std::move(input);
    for (std::size_t l = 0; l < steps_.size(); ++l) access_[l] = steps_[l].access;
    if (!access_.empty() && access_[0] == Access::kSeekThenEdges) {
      access_[0] = follow_first ? Access::kFollowEdges : Access::kSeek;
    }
  }
  ~BgpSource() override {
    for (auto& cursor : cursors_) ctx_.ReturnCursor(std::move(cursor));
    for (std::size_t l = 0; l < steps_.size(); ++l) {
      if (unspent_[l] > 0) ctx_.SpendSeeks(steps_[l].p.id, steps_[l].forward, scope_, unspent_[l]);
    }
  }

  absl::StatusOr<bool> Next(Row* row) override {
    while (true) {
      if (level_ < 0) return false;
      if (!started_) {
        started_ = true;
        level_ = 0;
        RETURN_IF_ERROR(OpenLevel(0));
      }
      RETURN_IF_ERROR(ctx_.Check());
      ASSIGN_OR_RETURN(const bool found, Advance(level_));
      if (!found) {
        --level_;
        continue;
      }
      if (static_cast<std::size_t>(level_) + 1 == steps_.size()) {
        *row = rows_[steps_.size()];
        return true;
      }
      ++level_;
      RETURN_IF_ERROR(OpenLevel(level_));
    }
  }

 private:
  // The value of `t` in `row`, if known.
  static TermId Bound(const ScanTerm& t, const Row& row) {
    if (t.kind == ScanTerm::Kind::kConstant) return t.id;
    if (t.kind == ScanTerm::Kind::kVariable) return row[static_cast<std::size_t>(t.var)];
    return kNoTerm;
  }

  absl::Status OpenLevel(int level) {
    const auto l = static_cast<std::size_t>(level);
    graph_index_[l] = 0;
    seen_[l].clear();
    RETURN_IF_ERROR(OpenCursor(level));
    if (ctx_.profiling) {
      plan::OpStats& stats = ctx_.profile[&steps_[l]];
      ++stats.opens;
      if ((steps_[l].access == Access::kSeekThenEdges && access_[l] == Access::kFollowEdges) ||
          (steps_[l].access == Access::kSeekThenProbe && access_[l] == Access::kEdgeProbe)) {
        ++stats.in_memory;
      }
    }
    return absl::OkStatus();
  }
  // The in-memory edges a level reads; looked up when the level first opens
  // (they never change once made).
  absl::StatusOr<const Adjacency*> LevelEdges(std::size_t l) {
    if (adjacencies_[l] == nullptr) {
      ASSIGN_OR_RETURN(adjacencies_[l], ctx_.AdjacencyOf(steps_[l].p.id, steps_[l].forward, scope_));
    }
    return adjacencies_[l];
  }

  // A kSeekThenProbe level, or a kSeekThenEdges one after the first:
  // whether its edges are in memory now (another query read them, or the
  // seeks into them have come to cost as much).
  absl::StatusOr<bool> EdgesInMemory(std::size_t l) {
    const ScanStep& scan = steps_[l];
    const bool first = !opened_[l];
    opened_[l] = true;
    if (first) adjacencies_[l] = ctx_.BuiltAdjacency(scan.p.id, scan.forward, scope_);
    if (adjacencies_[l] != nullptr) return true;
    if (++unspent_[l] == kSeeksSpentAtOnce || first) {
      const std::uint64_t spent = ctx_.SpendSeeks(scan.p.id, scan.forward, scope_, unspent_[l]);
      unspent_[l] = 0;
      ASSIGN_OR_RETURN(const bool paid, ctx_.SeeksPaidForEdges(scan.p.id, spent));
      if (paid) {
        ASSIGN_OR_RETURN(adjacencies_[l], ctx_.AdjacencyOf(scan.p.id, scan.forward, scope_));
      }
    }
    return adjacencies_[l] != nullptr;
  }

  absl::Status OpenCursor(int level) {
    const auto l = static_cast<std::size_t>(level);
    const Row& row = rows_[l];
    const ScanStep& scan = steps_[l];
    // A level opens once per row of the level before: the set or edges it
    // reads are looked up the first time only.
    if (access_[l] == Access::kSeekThenProbe || (l > 0 && access_[l] == Access::kSeekThenEdges)) {
      ASSIGN_OR_RETURN(const bool in_memory, EdgesInMemory(l));
      if (in_memory) access_[l] = access_[l] == Access::kSeekThenProbe ? Access::kEdgeProbe : Access::kFollowEdges;
    }
    switch (access_[l]) {
      case Access::kEdgeProbe: {
        ASSIGN_OR_RETURN(const Adjacency* edges, LevelEdges(l));
        const TermId s = Bound(scan.s, row), o = Bound(scan.o, row);
        active_[l] = scan.forward ? edges->Contains(s, o) : edges->Contains(o, s);
        return absl::OkStatus();
      }
      case Access::kHashProbe: {
        if (existence_sets_[l] == nullptr) {
          QuadStore::Pattern constants = PatternWithin(scope_);
          const auto constant = [](const ScanTerm& t) { return t.kind == ScanTerm::Kind::kConstant ? t.id : kNoTerm; };
          constants.ids.s = constant(scan.s);
          constants.ids.p = constant(scan.p);
          constants.ids.o = constant(scan.o);
          ASSIGN_OR_RETURN(existence_sets_[l], ctx_.ExistenceSet(scan.pattern, constants,
                                                                 scope_.kind == GraphScope::Kind::kUnion));
        }
        active_[l] = existence_sets_[l]->contains({Bound(scan.s, row), Bound(scan.p, row), Bound(scan.o, row)});
        return absl::OkStatus();
      }
      case Access::kFollowEdges: {
        ASSIGN_OR_RETURN(const Adjacency* edges, LevelEdges(l));
        neighbours_[l] = edges->From(Bound(scan.forward ? scan.s : scan.o, row));
        next_neighbour_[l] = 0;
        active_[l] = !neighbours_[l].empty();
        return absl::OkStatus();
      }
      case Access::kSeek:
      case Access::kSeekThenEdges:
      case Access::kSeekThenProbe:
        break;
    }
    QuadStore::Pattern pattern;
    pattern.ids = {Bound(scan.s, row), Bound(scan.p, row), Bound(scan.o, row), kNoTerm};
    bool distinct = false;
    switch (scope_.kind) {
      case GraphScope::Kind::kUnion:
        distinct = true;
        break;
      case GraphScope::Kind::kGraph:
        pattern.graph_bound = true;
        pattern.ids.g = scope_.graph;
        break;
      case GraphScope::Kind::kGraphs:
        if (graph_index_[l] >= scope_.graphs.size()) {
          active_[l] = false;
          return absl::OkStatus();
        }
        pattern.graph_bound = true;
        pattern.ids.g = scope_.graphs[graph_index_[l]];
        break;
    }
    if (cursors_[l] == nullptr) {
      cursors_[l] = ctx_.TakeCursor(pattern, distinct);
    } else {
      ctx_.store().Reseek(*cursors_[l], pattern, distinct);
    }
    active_[l] = true;
    return absl::OkStatus();
  }

  // Moves level `level` to its next match, filling rows_[level + 1].
  absl::StatusOr<bool> Advance(int level) {
    const auto l = static_cast<std::size_t>(level);
    const ScanStep& scan = steps_[l];
    if (access_[l] == Access::kHashProbe || access_[l] == Access::kEdgeProbe) {
      // An existence probe: the row passes once or not at all.
      if (!active_[l]) return false;
      active_[l] = false;
      rows_[l + 1] = rows_[l];
      if (ctx_.profiling) ++ctx_.profile[&scan].rows;
      return true;
    }
    if (access_[l] == Access::kFollowEdges) {
      if (!active_[l]) return false;
      const std::span<const TermId> edges = neighbours_[l];
      while (next_neighbour_[l] < edges.size()) {
        Row& out = rows_[l + 1];
        out = rows_[l];
        ASSIGN_OR_RETURN(const bool ok, Unify(scan.forward ? scan.o : scan.s, edges[next_neighbour_[l]++], &out));
        if (ok) {
          if (ctx_.profiling) ++ctx_.profile[&scan].rows;
          return true;
        }
      }
      return false;
    }
    while (true) {
      auto& cursor = cursors_[l];
      if (!active_[l]) return false;
      if (!cursor->Valid()) {
        RETURN_IF_ERROR(cursor->status());
        if (scope_.kind == GraphScope::Kind::kGraphs && ++graph_index_[l] < scope_.graphs.size()) {
          RETURN_IF_ERROR(OpenCursor(level));
          continue;
        }
        return false;
      }
      const QuadIds q = cursor->quad();
      cursor->Next();
      if (scope_.kind == GraphScope::Kind::kGraphs && scope_.graphs.size() > 1 &&
          !seen_[l].insert({q.s, q.p, q.o}).second) {
        continue;
      }
      Row& out = rows_[l + 1];
      out = rows_[l];
      ASSIGN_OR_RETURN(bool ok, Unify(scan.s, q.s, &out));
      if (ok) {
        ASSIGN_OR_RETURN(ok, Unify(scan.p, q.p, &out));
      }
      if (ok) {
        ASSIGN_OR_RETURN(ok, Unify(scan.o, q.o, &out));
      }
      if (ok) {
        if (ctx_.profiling) ++ctx_.profile[&scan].rows;
        return true;
      }
      RETURN_IF_ERROR(ctx_.Check());
    }
  }

  // Binds `t` to `id` in `row`, false when they disagree.
  absl::StatusOr<bool> Unify(const ScanTerm& t, TermId id, Row* row) {
    switch (t.kind) {
      case ScanTerm::Kind::kConstant: return t.id == id;
      case ScanTerm::Kind::kVariable: {
        TermId& slot = (*row)[static_cast<std::size_t>(t.var)];
        if (slot == kNoTerm) {
          slot = id;
          return true;
        }
        return slot == id;
      }
      case ScanTerm::Kind::kTriple: {
        if (storage::TagOf(id) != TermTag::kTriple) return false;
        ASSIGN_OR_RETURN(const QuadIds parts, ctx_.store().TripleParts(id, ctx_.snapshot().get()));
        ASSIGN_OR_RETURN(bool ok, Unify(t.triple[0], parts.s, row));
        if (ok) {
          ASSIGN_OR_RETURN(ok, Unify(t.triple[1], parts.p, row));
        }
        if (ok) {
          ASSIGN_OR_RETURN(ok, Unify(t.triple[2], parts.o, row));
        }
        return ok;
      }
    }
    return false;
  }

  Context& ctx_;
  const std::vector<ScanStep>& steps_;
  GraphScope scope_;
  std::vector<Row> rows_;  // rows_[i]: the bindings before step i
  std::vector<std::unique_ptr<QuadStore::Cursor>> cursors_;  // kept and re-seeked per level
  std::vector<bool> active_;
  std::vector<std::size_t> graph_index_;
  std::vector<std::set<std::array<TermId, 3>>> seen_;
  std::vector<std::span<const TermId>> neighbours_;  // edge-following levels: the edges being followed
  std::vector<std::size_t> next_neighbour_;
  std::vector<const Context::TripleSet*> existence_sets_;  // of hash-probe levels, once looked up
  std::vector<const Adjacency*> adjacencies_;  // of edge levels, once looked up
  std::vector<Access> access_;  // as the plan says, kSeekThenEdges decided for this open
  // Levels that may move to the edges at run time: opened yet, and seeks
  // not yet counted with the context (counted at the end if the query
  // stops first).
  std::vector<bool> opened_;
  std::vector<std::uint64_t> unspent_;
  int level_ = 0;
  bool started_ = false;
};

}  // namespace

absl::StatusOr<Source> Evaluator::OpenScans(const plan::Node& node, const Row& input, const GraphScope& scope) {
  using K = plan::Node::Kind;
  if (node.kind == K::kNoRows) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
  if (node.kind == K::kUnit) return Source(std::make_unique<VectorSource>(std::vector<Row>{input}));
  // A first step that may follow its edges does so once they are in memory
  // (this query or another over the same snapshot read them), or once the
  // seeks of the opens before have paid for reading them.
  const std::uint64_t opened_before = ctx_.CountOpen(&node);
  bool follow_first = false;
  const ScanStep& first = node.scans.front();
  if (first.access == Access::kSeekThenEdges) {
    follow_first = ctx_.BuiltAdjacency(first.p.id, first.forward, scope) != nullptr;
    if (!follow_first) {
      ASSIGN_OR_RETURN(follow_first, ctx_.SeeksPaidForEdges(first.p.id, opened_before));
    }
  }
  return Source(std::make_unique<BgpSource>(ctx_, node.scans, follow_first, input, scope));
}

}  // namespace relata::engine::exec
