// The planner: given a store's statistics and dictionary, the tree it
// chooses (scan order, access methods, join kinds, shortcuts), asserted on
// the tree itself. The rows plans give are the query tests' business.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/plan/planner.h"
#include "engine/plan/scan_order.h"
#include "tests/engine/plan_testing.h"

namespace relata::engine::plan {
namespace {

using ::testing::ElementsAre;

// A node and its children as "Kind(child, child)", a loop as its steps'
// accesses and variables: "IndexNestedLoop[seek ?o ?r; follow-edges ?c ?o]".
class Shapes {
 public:
  explicit Shapes(const query::Query& q) : names_(*q.variable_names) {}
  std::string Of(const Node& node) const {
    std::string text = KindName(node.kind);
    if (node.kind == Node::Kind::kIndexNestedLoop) {
      std::vector<std::string> steps;
      for (const ScanStep& step : node.scans) {
        steps.push_back(absl::StrCat(AccessName(step.access), " ", Term(step.s), " ", Term(step.o)));
      }
      absl::StrAppend(&text, "[", absl::StrJoin(steps, "; "), "]");
    }
    if (!node.children.empty()) {
      std::vector<std::string> children;
      for (const auto& child : node.children) children.push_back(Of(*child));
      absl::StrAppend(&text, "(", absl::StrJoin(children, ", "), ")");
    }
    return text;
  }

 private:
  std::string Term(const ScanTerm& t) const {
    if (t.kind == ScanTerm::Kind::kVariable) return "?" + names_[static_cast<std::size_t>(t.var)];
    return t.kind == ScanTerm::Kind::kConstant ? "c" : "<<>>";
  }
  const std::vector<std::string>& names_;
};

// ---- the BGP rule over statistics alone ----

ScanTerm Var(VarId v) {
  ScanTerm t;
  t.kind = ScanTerm::Kind::kVariable;
  t.var = v;
  return t;
}
ScanTerm Constant(TermId id) {
  ScanTerm t;
  t.id = id;
  return t;
}
ScanStep Step(ScanTerm s, ScanTerm p, ScanTerm o) {
  ScanStep step;
  step.s = std::move(s);
  step.p = std::move(p);
  step.o = std::move(o);
  return step;
}

constexpr TermId kMemberOf = 101, kPartOf = 102, kType = 103, kState = 104;

storage::StoreStats Stats() {
  storage::StoreStats stats;
  stats.quads = 10'000;
  stats.iris = 5'000;
  stats.predicates[kMemberOf] = {.quads = 4'000, .distinct_subjects = 2'000, .distinct_objects = 40};
  stats.predicates[kPartOf] = {.quads = 10, .distinct_subjects = 10, .distinct_objects = 2};
  stats.predicates[kType] = {.quads = 5'000, .distinct_subjects = 5'000, .distinct_objects = 20};
  return stats;
}

TEST(ScanOrderTest, TheRarePredicateGoesFirst) {
  // ?c memberOf ?o . ?o partOf ?r: 10 partOf triples, then 100 members of
  // each of their objects, before 4,000 memberships.
  const std::vector<ScanStep> scans = {Step(Var(0), Constant(kMemberOf), Var(1)),
                                       Step(Var(1), Constant(kPartOf), Var(2))};
  const ScanOrder order = OrderScans(scans, std::vector<bool>(3), Stats());
  EXPECT_THAT(order.order, ElementsAre(1u, 0u));
  EXPECT_THAT(order.rows, ElementsAre(10.0, 1000.0));
  // With ?o bound before (a join's left row), its one partOf triple first.
  const ScanOrder bound = OrderScans(scans, {false, true, false}, Stats());
  EXPECT_THAT(bound.order, ElementsAre(1u, 0u));
  EXPECT_LT(bound.rows[0], 1.0);
}

// With both ends bound, the check that rarely holds (a membership between
// two given nodes: 4,000 of 2,000 x 40 pairs) comes before the one that
// often does (a type: 1 in 20), whichever is written first.
TEST(ScanOrderTest, TheSelectiveCheckComesFirst) {
  const std::vector<ScanStep> scans = {Step(Var(0), Constant(kPartOf), Var(1)),
                                       Step(Var(0), Constant(kType), Constant(kState)),
                                       Step(Var(0), Constant(kMemberOf), Var(1))};
  const ScanOrder order = OrderScans(scans, std::vector<bool>(2), Stats());
  EXPECT_THAT(order.order, ElementsAre(0u, 2u, 1u));
}

TEST(ScanOrderTest, AStepSharingAVariableGoesBeforeOneThatSharesNone) {
  // ?e type State . ?e memberOf ?o . ?x partOf ?y: partOf is rarest, but
  // once ?e is bound, memberOf joins it and partOf would be a cross product.
  std::vector<ScanStep> scans = {Step(Var(0), Constant(kType), Constant(kState)),
                                 Step(Var(0), Constant(kMemberOf), Var(1)),
                                 Step(Var(2), Constant(kPartOf), Var(3))};
  storage::StoreStats stats = Stats();
  stats.predicates[kType].distinct_objects = 5'000;  // one node per class: ?e is one row
  const ScanOrder order = OrderScans(scans, std::vector<bool>(4), stats);
  ASSERT_EQ(order.order.size(), 3u);
  EXPECT_EQ(order.order[0], 0u);
  EXPECT_EQ(order.order[1], 1u);
}

TEST(ScanOrderTest, ManyRowsReachingAStepReadItsTriplesIntoMemory) {
  // 5,000 typed nodes reach "?x memberOf ?o" (4,000 triples): the edges are
  // followed in memory; then "?o partOf ?x" has every term bound: a probe.
  std::vector<ScanStep> scans = {Step(Var(0), Constant(kType), Constant(kState)),
                                 Step(Var(0), Constant(kMemberOf), Var(1)),
                                 Step(Var(1), Constant(kPartOf), Var(0))};
  ScanOrder order;
  order.order = {0, 1, 2};
  order.rows = {5'000, 10'000, 10};
  ChooseAccess(order, Stats(), std::vector<bool>(2), ScopeKind::kUnion, &scans);
  EXPECT_EQ(scans[0].access, Access::kSeek);
  EXPECT_EQ(scans[1].access, Access::kFollowEdges);
  EXPECT_TRUE(scans[1].forward);
  EXPECT_EQ(scans[2].access, Access::kEdgeProbe);
  // A merge of graphs (FROM) reads nothing into memory.
  std::vector<ScanStep> merged = {Step(Var(0), Constant(kType), Constant(kState)),
                                  Step(Var(0), Constant(kMemberOf), Var(1))};
  ChooseAccess(order, Stats(), std::vector<bool>(2), ScopeKind::kMerge, &merged);
  EXPECT_EQ(merged[1].access, Access::kSeek);
}

// 10 seeks beat reading 4,000 edges: the step seeks, and moves to the
// edges only once seeks (of later queries too) have cost as much.
TEST(ScanOrderTest, FewRowsReachingAStepSeek) {
  std::vector<ScanStep> scans = {Step(Var(0), Constant(kPartOf), Var(1)),
                                 Step(Var(1), Constant(kMemberOf), Var(2))};
  ScanOrder order;
  order.order = {0, 1};
  order.rows = {10, 10};
  ChooseAccess(order, Stats(), std::vector<bool>(3), ScopeKind::kUnion, &scans);
  EXPECT_EQ(scans[1].access, Access::kSeekThenEdges);
  EXPECT_TRUE(scans[1].forward);
  // With a variable predicate, only seeks.
  std::vector<ScanStep> any = {Step(Var(0), Constant(kPartOf), Var(1)), Step(Var(1), Var(3), Var(2))};
  ChooseAccess(order, Stats(), std::vector<bool>(4), ScopeKind::kUnion, &any);
  EXPECT_EQ(any[1].access, Access::kSeek);
}

// An existence check reached by too few rows for reading the edges to pay
// in one query seeks, and may switch to probing them at run time (the seeks
// of later queries count too).
TEST(ScanOrderTest, AFewTimesCheckedTripleSeeksUntilItsEdgesPay) {
  std::vector<ScanStep> scans = {Step(Var(0), Constant(kPartOf), Var(1)),
                                 Step(Var(0), Constant(kMemberOf), Var(1))};
  ScanOrder order;
  order.order = {0, 1};
  order.rows = {10, 1};
  ChooseAccess(order, Stats(), std::vector<bool>(2), ScopeKind::kUnion, &scans);
  EXPECT_EQ(scans[1].access, Access::kSeekThenProbe);
  ChooseAccess(order, Stats(), std::vector<bool>(2), ScopeKind::kMerge, &scans);
}

TEST(ScanOrderTest, AFirstStepFromABoundEndMaySwitchToEdgesAtRunTime) {
  std::vector<bool> bound = {true, false};
  std::vector<ScanStep> from_subject = {Step(Var(0), Constant(kMemberOf), Var(1))};
  ChooseFirstAccess(Stats(), bound, ScopeKind::kUnion, kMostEdgesInMemory, &from_subject);
  EXPECT_EQ(from_subject[0].access, Access::kSeekThenEdges);
  EXPECT_TRUE(from_subject[0].forward);
  std::vector<ScanStep> from_object = {Step(Var(1), Constant(kMemberOf), Constant(kState))};
  ChooseFirstAccess(Stats(), bound, ScopeKind::kUnion, kMostEdgesInMemory, &from_object);
  EXPECT_EQ(from_object[0].access, Access::kSeekThenEdges);
  EXPECT_FALSE(from_object[0].forward);
  // Neither end bound, too many edges, or a merge of graphs: seeks only.
  std::vector<ScanStep> free_ends = {Step(Var(1), Constant(kMemberOf), Var(2))};
  std::vector<bool> none(3);
  ChooseFirstAccess(Stats(), none, ScopeKind::kUnion, kMostEdgesInMemory, &free_ends);
  EXPECT_EQ(free_ends[0].access, Access::kSeek);
  std::vector<ScanStep> big = {Step(Var(0), Constant(kMemberOf), Var(1))};
  ChooseFirstAccess(Stats(), bound, ScopeKind::kUnion, 1'000, &big);
  EXPECT_EQ(big[0].access, Access::kSeek);
  std::vector<ScanStep> merged = {Step(Var(0), Constant(kMemberOf), Var(1))};
  ChooseFirstAccess(Stats(), bound, ScopeKind::kMerge, kMostEdgesInMemory, &merged);
  EXPECT_EQ(merged[0].access, Access::kSeek);
}

// ---- the planner over a store ----

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string text;
    for (int i = 0; i < 300; ++i) {
      const std::string e = "<http://x/e" + std::to_string(i) + ">";
      text += e + " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://x/T> <http://x/g1> .\n";
      text += e + " <http://x/rank> \"" + std::to_string(i) + "\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/g1> .\n";
      text += e + " <http://x/knows> <http://x/e" + std::to_string((i + 1) % 300) + "> <http://x/g2> .\n";
      text += e + " <http://www.w3.org/2000/01/rdf-schema#label> \"entity " + std::to_string(i) + "\" .\n";
      if (i % 3 == 0) text += e + " <http://x/alias> \"a" + std::to_string(i) + "\" .\n";
    }
    text += "<http://x/e1> <http://x/mixed> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
            "<http://x/e2> <http://x/mixed> \"two\" .\n";
    store_ = StoreWith(text);
    ASSERT_NE(store_, nullptr);
  }

  // The plan of `sparql` with nothing bound before it, in the union default
  // graph unless `scope` says otherwise.
  std::string Shape(const std::string& sparql, TopScope scope = {}) {
    auto planned = PlanOver(*store_, sparql, scope);
    EXPECT_TRUE(planned.ok()) << planned.status();
    if (!planned.ok()) return "";
    query_ = planned->query;
    plan_ = std::move(planned->plan);
    return Shapes(*query_).Of(*plan_.root);
  }

  std::unique_ptr<storage::QuadStore> store_;
  std::shared_ptr<const query::Query> query_;
  Plan plan_;
};

TEST_F(PlannerTest, AnOptionalThatOnlyMatchesTriplesRunsPerLeftRow) {
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a } }"),
            "Project(NestedLeftJoin(IndexNestedLoop[seek-then-edges ?e c], IndexNestedLoop[seek-then-edges ?e ?a]))");
  // A FILTER inside is the left join's condition.
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a FILTER(?a != \"x\") } }"),
            "Project(NestedLeftJoin(IndexNestedLoop[seek-then-edges ?e c], IndexNestedLoop[seek-then-edges ?e ?a]))");
  EXPECT_EQ(plan_.root->children[0]->exprs->size(), 1u);
  // A BIND inside makes the right side run once, hashed.
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a BIND(STR(?a) AS ?s) } }"),
            "Project(HashLeftJoin(IndexNestedLoop[seek-then-edges ?e c], Extend(IndexNestedLoop[seek ?e ?a])))");
}

TEST_F(PlannerTest, AVariableOnlyAnOptionalBindsIsNotBoundForWhatFollows) {
  // ?a may be unbound after the OPTIONAL: the join's right side cannot start
  // from it (a probe or edges from an unbound end would lose rows).
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a } ?a <http://x/knows> ?k }"),
            "Project(NestedJoin(NestedLeftJoin(IndexNestedLoop[seek-then-edges ?e c], "
            "IndexNestedLoop[seek-then-edges ?e ?a]), IndexNestedLoop[seek ?a ?k]))");
  // Where every row binds ?k, its patterns follow edges from it.
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> . ?e <http://x/knows> ?k . ?k <http://x/alias> ?a }"),
            "Project(IndexNestedLoop[seek ?k ?a; follow-edges ?e ?k; edge-probe ?e c])");
}

TEST_F(PlannerTest, GroupingOnePredicateByOneEndCountsItsEdges) {
  EXPECT_EQ(Shape("SELECT ?t (COUNT(?e) AS ?n) { ?e a ?t } GROUP BY ?t"), "Project(Extend(CountEdges))");
  EXPECT_FALSE(plan_.root->children[0]->children[0]->forward);  // by the object
  // Over a merge of graphs (FROM) the edges are not kept: counted as rows stream.
  EXPECT_EQ(Shape("SELECT ?t (COUNT(?e) AS ?n) FROM <http://x/g1> { ?e a ?t } GROUP BY ?t",
                  TopScope{ScopeKind::kMerge, kNoTerm}),
            "Project(Extend(GroupCounts(IndexNestedLoop[seek ?e ?t])))");
  EXPECT_EQ(Shape("SELECT ?t (SAMPLE(?e) AS ?n) { ?e a ?t } GROUP BY ?t"),
            "Project(Extend(Group(IndexNestedLoop[seek ?e ?t])))");
}

TEST_F(PlannerTest, OrderByLimitOverIntegersReadsTheIndexInOrder) {
  EXPECT_EQ(Shape("SELECT ?e ?r { ?e <http://x/rank> ?r } ORDER BY DESC(?r) OFFSET 2 LIMIT 5"),
            "Slice(Project(Sort(ReadInOrder)))");
  const Node& read = *plan_.root->children[0]->children[0]->children[0];
  EXPECT_TRUE(read.descending);
  EXPECT_EQ(read.wanted, 7u);
  EXPECT_FALSE(read.dates);
  // Objects of two kinds (the lowest and the highest tell): the general sort.
  EXPECT_EQ(Shape("SELECT ?e ?m { ?e <http://x/mixed> ?m } ORDER BY ?m LIMIT 1"),
            "Slice(Project(Sort(IndexNestedLoop[seek ?e ?m])))");
  // In GRAPH ?g the graph is only known when it runs.
  EXPECT_EQ(Shape("SELECT * { GRAPH ?g { SELECT ?e ?r { ?e <http://x/rank> ?r } ORDER BY ?r LIMIT 1 } }"),
            "Project(EachGraph(Subquery(Slice(Project(Sort(IndexNestedLoop[seek ?e ?r]))))))");
}

TEST_F(PlannerTest, AConstantTheStoreDoesNotHoldMatchesNothing) {
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/Missing> . ?e <http://x/rank> ?r }"), "Project(NoRows)");
  EXPECT_EQ(Shape("SELECT * { GRAPH <http://x/nowhere> { ?s ?p ?o } }"), "Project(NoRows)");
  EXPECT_EQ(Shape("SELECT * { GRAPH <http://x/g2> { ?s ?p ?o } }"), "Project(Graph(IndexNestedLoop[seek ?s ?o]))");
}

TEST_F(PlannerTest, ANameSearchRunsFirstAndThePatternPerMatch) {
  EXPECT_EQ(Shape("SELECT * { ?e <https://relata.dev/ns#search> \"entity 1\" ; <http://x/rank> ?r }"),
            "Project(NestedJoin(NameSearch, IndexNestedLoop[seek-then-edges ?e ?r]))");
  EXPECT_EQ(plan_.root->children[0]->children[0]->search.score, nullptr);
  Shape("SELECT * { (?e ?score) <https://relata.dev/ns#search> \"entity\" }");
  EXPECT_EQ(Shapes(*query_).Of(*plan_.root), "Project(NameSearch)");
  EXPECT_NE(plan_.root->children[0]->search.score, nullptr);
}

TEST_F(PlannerTest, APathStartsFromTheEndItKnows) {
  const auto start = [&](const std::string& where) {
    Shape("SELECT * { " + where + " }");
    return plan_.root->children[0]->path_start;
  };
  EXPECT_EQ(start("<http://x/e1> <http://x/knows>+ ?x"), PathStart::kSubject);
  EXPECT_EQ(start("?x <http://x/knows>+ <http://x/e1>"), PathStart::kObject);
  EXPECT_EQ(start("<http://x/e1> <http://x/knows>+ <http://x/e9>"), PathStart::kBothEnds);
  EXPECT_EQ(start("<http://x/e1> <http://x/knows>? <http://x/e9>"), PathStart::kSubject);
  EXPECT_EQ(start("?x <http://x/knows>* ?y"), PathStart::kEveryNode);
  // A join binds the start for the path opened per row.
  EXPECT_EQ(Shape("SELECT * { ?x a <http://x/T> . ?x <http://x/knows>+ ?y }"),
            "Project(NestedJoin(IndexNestedLoop[seek-then-edges ?x c], PropertyPath))");
  EXPECT_EQ(plan_.root->children[0]->children[1]->path_start, PathStart::kSubject);
}

TEST_F(PlannerTest, ExistsPatternsArePlannedWithTheFilteredRowsBindings) {
  EXPECT_EQ(Shape("SELECT * { ?e a <http://x/T> FILTER EXISTS { ?e <http://x/alias> ?a } }"),
            "Project(Filter(IndexNestedLoop[seek-then-edges ?e c]))");
  ASSERT_EQ(plan_.exists.size(), 1u);
  EXPECT_EQ(Shapes(*query_).Of(*plan_.exists.begin()->second), "IndexNestedLoop[seek-then-edges ?e ?a]");
}

TEST_F(PlannerTest, EveryFunctionCallIsResolvedOnceWhenPlanned) {
  Shape("SELECT ?e (UCASE(?l) AS ?u) { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER(STRLEN(?l) > 3 && <http://www.w3.org/2001/XMLSchema#integer>(\"1\") = 1 && <http://x/nofunction>(?l)) "
        "} ORDER BY LCASE(?l)");
  std::vector<std::string> names;
  for (const auto& [expr, function] : plan_.functions) names.push_back(function == nullptr ? "none" : std::string(function->name));
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ElementsAre("LCASE", "STRLEN", "UCASE", "http://www.w3.org/2001/XMLSchema#integer", "none"));
}

TEST_F(PlannerTest, TheTopScopeDecidesWhatMayBeReadIntoMemory) {
  const std::string query = "SELECT * { ?e a <http://x/T> . ?e <http://x/knows> ?k . ?k <http://x/alias> ?a }";
  EXPECT_EQ(Shape(query, TopScope{ScopeKind::kMerge, kNoTerm}),
            "Project(IndexNestedLoop[seek ?k ?a; seek ?e ?k; seek ?e c])");
}

}  // namespace
}  // namespace relata::engine::plan
