// Single operators run from a plan: each way the plan lets an operator read
// (a scan's access methods, a path's starts) gives the rows of the plainest
// way, so the planner's choice changes speed, never answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/exec/adjacency.h"
#include "engine/exec/context.h"
#include "engine/exec/evaluator.h"
#include "engine/plan/scan_order.h"
#include "tests/engine/plan_testing.h"

namespace relata::engine::exec {
namespace {

using plan::Access;
using plan::Node;
using plan::PathStart;

class OperatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // 60 people in 6 organisations in 3 countries, each knowing the next
    // two; the same facts in two graphs, some only in one.
    std::string text;
    for (int i = 0; i < 60; ++i) {
      const std::string p = "<http://x/p" + std::to_string(i) + ">";
      const std::string g = i % 5 == 0 ? " <http://x/g2>" : " <http://x/g1>";
      text += p + " <http://x/worksFor> <http://x/o" + std::to_string(i % 6) + ">" + g + " .\n";
      text += p + " <http://x/livesIn> <http://x/c" + std::to_string(i % 3) + ">" + g + " .\n";
      text += p + " <http://x/knows> <http://x/p" + std::to_string((i + 1) % 60) + "> <http://x/g1> .\n";
      text += p + " <http://x/knows> <http://x/p" + std::to_string((i + 2) % 60) + "> <http://x/g2> .\n";
    }
    for (int o = 0; o < 6; ++o) {
      text += "<http://x/o" + std::to_string(o) + "> <http://x/in> <http://x/c" + std::to_string(o % 3) +
              "> <http://x/g1> .\n";
    }
    store_ = plan::StoreWith(text);
    ASSERT_NE(store_, nullptr);
  }

  // Plans `sparql` in the union default graph.
  void Plan(const std::string& sparql) {
    auto planned = plan::PlanOver(*store_, sparql);
    ASSERT_TRUE(planned.ok()) << planned.status();
    query_ = planned->query;
    plan_ = std::move(planned->plan);
  }

  // The rows the plan gives, as sorted text.
  std::multiset<std::string> Run() {
    Context ctx(*store_, query_, ExecutionOptions{});
    Evaluator evaluator(ctx, plan_);
    std::multiset<std::string> rows;
    auto source = evaluator.Open(*plan_.root, Row(ctx.width()), GraphScope{});
    EXPECT_TRUE(source.ok()) << source.status();
    if (!source.ok()) return rows;
    Row row;
    while (true) {
      auto more = (*source)->Next(&row);
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
      std::string text;
      for (TermId id : row) absl::StrAppend(&text, id, " ");
      rows.insert(text);
    }
    return rows;
  }

  Node& Loop() {
    Node* node = plan_.root.get();
    while (node->kind != Node::Kind::kIndexNestedLoop) node = node->children.at(0).get();
    return *node;
  }

  std::unique_ptr<storage::QuadStore> store_;
  std::shared_ptr<const query::Query> query_;
  plan::Plan plan_;
};

TEST_F(OperatorTest, EachAccessOfAScanGivesTheRowsOfSeeking) {
  // A cycle: the third pattern has every term bound, the second one end.
  Plan("SELECT * { ?p <http://x/worksFor> ?o . ?o <http://x/in> ?c . ?p <http://x/livesIn> ?c }");
  Node& loop = Loop();
  ASSERT_EQ(loop.scans.size(), 3u);
  for (auto& step : loop.scans) step.access = Access::kSeek;
  const std::multiset<std::string> seeks = Run();
  ASSERT_EQ(seeks.size(), 60u);  // everyone's organisation is in their country (i % 6 % 3 == i % 3)
  // Every step after the first may follow edges from its bound end or, all
  // bound, probe; the first may switch at run time.
  for (std::size_t k = 1; k < loop.scans.size(); ++k) {
    plan::ScanStep& step = loop.scans[k];
    std::vector<bool> bound(query_->variable_names->size());
    for (std::size_t j = 0; j < k; ++j) plan::MarkBound(loop.scans[j], &bound);
    bool forward = true;
    std::vector<Access> accesses;
    if (plan::IsBound(step.s, bound) && plan::IsBound(step.p, bound) && plan::IsBound(step.o, bound)) {
      accesses = {Access::kHashProbe, Access::kEdgeProbe, Access::kSeekThenProbe};
    } else if (plan::CanFollowEdges(step, bound, &forward)) {
      step.forward = forward;
      accesses = {Access::kFollowEdges};
    }
    ASSERT_FALSE(accesses.empty()) << k;
    for (Access access : accesses) {
      for (const bool from_subject : {true, false}) {
        if (access != Access::kEdgeProbe && !from_subject) continue;  // only a probe may look from either end
        if (access == Access::kEdgeProbe) step.forward = from_subject;
        step.access = access;
        EXPECT_EQ(Run(), seeks) << "step " << k + 1 << " as " << plan::AccessName(access);
        // Seek-then-probe switches to the edges within the first run (60
        // rows reach it, against a few dozen triples), then probes from
        // the start: the same rows.
        if (access == Access::kSeekThenProbe) {
          EXPECT_EQ(Run(), seeks) << "step " << k + 1 << ", run again";
        }
      }
    }
    step.access = Access::kSeek;
  }
  loop.scans[0].access = Access::kSeekThenEdges;
  EXPECT_EQ(Run(), seeks);
}

// A path opened per row of a join, its ends bound by the row: every start
// that is correct for such a row gives the rows of the one the plan chose.
TEST_F(OperatorTest, APathGivesTheSameRowsFromEveryStart) {
  const auto path_of = [&]() -> Node& {
    Node* node = plan_.root->children.at(0).get();  // under Project
    EXPECT_EQ(node->kind, Node::Kind::kNestedJoin);
    return *node->children.at(1);
  };
  for (const std::string path : {"<http://x/knows>+", "<http://x/knows>*", "(<http://x/knows>|^<http://x/worksFor>)+",
                                 "<http://x/knows>?"}) {
    Plan("SELECT * { VALUES ?x { <http://x/p7> <http://x/p30> } ?x " + path + " ?y }");
    Node& node = path_of();
    ASSERT_EQ(node.kind, Node::Kind::kPropertyPath) << path;
    ASSERT_EQ(node.path_start, PathStart::kSubject) << path;
    const std::multiset<std::string> from_subject = Run();
    EXPECT_GE(from_subject.size(), 2u) << path;
    node.path_start = PathStart::kEveryNode;
    EXPECT_EQ(Run(), from_subject) << path;
  }
  // Both ends bound: the search that stops at the target finds what the
  // searches from either end find.
  Plan("SELECT * { VALUES (?x ?z) { (<http://x/p7> <http://x/p3>) (<http://x/p7> <http://x/o1>) } "
       "?x <http://x/knows>+ ?z }");
  Node& node = path_of();
  ASSERT_EQ(node.path_start, PathStart::kBothEnds);
  const std::multiset<std::string> both = Run();
  EXPECT_EQ(both.size(), 1u);  // p3 is reached, an organisation is not
  for (const PathStart start : {PathStart::kSubject, PathStart::kObject, PathStart::kEveryNode}) {
    node.path_start = start;
    EXPECT_EQ(Run(), both) << static_cast<int>(start);
  }
}

// MINUS finds the right rows a left row may match through tables hashed on
// the variables both bind, whichever of them the left row binds: rows of
// one branch share ?p with the right side, rows of another share nothing
// and are never removed (spec 18.5).
TEST_F(OperatorTest, MinusRemovesByTheVariablesEachLeftRowShares) {
  Plan("SELECT * { { ?p <http://x/livesIn> ?c } UNION { ?p <http://x/worksFor> ?o } UNION { ?x <http://x/in> ?c } "
       "MINUS { ?p <http://x/knows> ?q . ?q <http://x/livesIn> <http://x/c0> } }");
  // p knows p+1 and p+2; someone in c0 (a multiple of 3) among them unless p is one.
  EXPECT_EQ(Run().size(), 20u + 20u + 6u);
  Plan("SELECT * { ?p <http://x/livesIn> ?c MINUS { ?p <http://x/knows> ?q . ?q <http://x/livesIn> ?c } }");
  // p+1 and p+2 live elsewhere than p: nothing is removed.
  EXPECT_EQ(Run().size(), 60u);
  Plan("SELECT * { ?p <http://x/livesIn> ?c MINUS { ?q <http://x/knows> ?r } }");
  EXPECT_EQ(Run().size(), 60u);  // no variable in common
}

// A predicate's edges in memory give each node its targets in id order,
// whichever order the edges came in: by the other end (the radix sort), by
// this end, or none.
TEST(AdjacencyTest, EachNodeHasItsTargetsInOrderWhateverOrderTheEdgesCameIn) {
  std::mt19937_64 random(7);
  std::map<TermId, std::set<TermId>> expected;
  Adjacency::Edges edges;
  for (int i = 0; i < 20000; ++i) {
    // Ids that differ in their low, middle and tag bytes, some bytes never.
    const TermId from = (TermId{random() % 3} << 60) | (random() % 5000) << 16;
    const TermId to = (TermId{1} << 60) | random() % 300;
    if (expected[from].insert(to).second) edges.emplace_back(from, to);
  }
  const auto check = [&](Adjacency::Edges given) {
    const Adjacency adjacency(std::move(given));
    std::size_t seen = 0;
    for (const auto& [from, targets] : expected) {
      const auto run = adjacency.From(from);
      EXPECT_TRUE(std::equal(run.begin(), run.end(), targets.begin(), targets.end())) << from;
      seen += run.size();
    }
    EXPECT_EQ(seen, edges.size());
    EXPECT_TRUE(adjacency.From(TermId{5} << 60).empty());
  };
  std::shuffle(edges.begin(), edges.end(), random);
  check(edges);
  std::sort(edges.begin(), edges.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  check(edges);
  std::sort(edges.begin(), edges.end());
  check(edges);
}

}  // namespace
}  // namespace relata::engine::exec
