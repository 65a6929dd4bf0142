// PATHS against a search written here from the definitions: over random
// graphs with cycles, self-loops, parallel edges and several graphs, every
// simple path is enumerated by brute force, and each mode must give what
// that list says. Then the evidence of steps on the news graph, the options
// (graphs, confidence, direction) and the errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A step as the test writes it: "s p o" of the triple followed, and whether
// it was followed from its subject.
struct Step {
  int from, predicate, to;
  bool forward;
  friend auto operator<=>(const Step&, const Step&) = default;
};
using Steps = std::vector<Step>;

std::string Node(int n) { return "<http://x/n" + std::to_string(n) + ">"; }
std::string Predicate(int p) { return "<http://x/p" + std::to_string(p) + ">"; }
int Number(const Term& t) { return std::stoi(t.value.substr(t.value.find_last_not_of("0123456789") + 1)); }

class PathsTest : public testing::DatabaseTest {
 protected:
  // A random graph of `nodes` nodes: each edge in one to three of three
  // graphs, some twice under two predicates, some self-loops.
  void LoadRandomGraph(unsigned seed, int nodes, int edges) {
    std::mt19937 random(seed);
    std::string nq;
    for (int i = 0; i < edges; ++i) {
      const int s = static_cast<int>(random() % nodes);
      const int o = random() % 10 == 0 ? s : static_cast<int>(random() % nodes);
      const int p = static_cast<int>(random() % 3);
      const int copies = 1 + static_cast<int>(random() % 3);
      for (int g = 0; g < copies; ++g) {
        nq += Node(s) + " " + Predicate(p) + " " + Node(o) + " <http://x/g" + std::to_string(g) + "> .\n";
      }
      triples_.insert({s, p, o});
    }
    Load("graph.nq", nq);
  }

  // Every simple path from `from` to `to` of at most `max` steps, by brute force.
  std::set<Steps> AllSimplePaths(int from, int to, std::size_t max, bool either) const {
    std::set<Steps> out;
    Steps path;
    std::set<int> on_path = {from};
    const auto extend = [&](int at, const auto& self) -> void {
      if (at == to && !path.empty()) {
        out.insert(path);
        return;
      }
      if (path.size() == max) return;
      for (const auto& [s, p, o] : triples_) {
        for (const bool forward : {true, false}) {
          if (!forward && !either) continue;
          const int here = forward ? s : o, there = forward ? o : s;
          if (here != at || on_path.contains(there)) continue;
          path.push_back({at, p, there, forward});
          on_path.insert(there);
          self(there, self);
          on_path.erase(there);
          path.pop_back();
        }
      }
    };
    extend(from, extend);
    return out;
  }

  // Every path from `from` to `to` of at most `max` steps whose steps
  // follow `cycle` round and round (step i a triple of cycle[i % n]'s
  // predicate, in its direction), ending after a whole round: simple as
  // docs/sparql.md defines it for sequences, passing no node twice at the
  // same place in the round, never FROM again, TO only at the end.
  std::set<Steps> AllRoundPaths(int from, int to, std::size_t max, const std::vector<std::pair<int, bool>>& cycle) const {
    std::set<Steps> out;
    Steps path;
    std::set<std::pair<int, std::size_t>> on_path;
    const auto extend = [&](int at, const auto& self) -> void {
      if (path.size() == max) return;
      const auto [predicate, forward] = cycle[path.size() % cycle.size()];
      const std::size_t place = (path.size() + 1) % cycle.size();
      for (const auto& [s, p, o] : triples_) {
        const int here = forward ? s : o, there = forward ? o : s;
        if (p != predicate || here != at || there == at || there == from) continue;
        if (there == to) {
          if (place != 0) continue;
          path.push_back({at, p, there, forward});
          out.insert(path);
          path.pop_back();
          continue;
        }
        if (!on_path.insert({there, place}).second) continue;
        path.push_back({at, p, there, forward});
        self(there, self);
        path.pop_back();
        on_path.erase({there, place});
      }
    };
    extend(from, extend);
    return out;
  }

  // The paths of a per-step PATHS query, in the order given.
  std::vector<Steps> PathsOf(const std::string& sparql) {
    auto rows = testing::ReadAll(db_->Query(sparql));
    EXPECT_TRUE(rows.ok()) << rows.status() << "\n" << sparql;
    std::vector<Steps> paths;
    if (!rows.ok()) return paths;
    int last_path = 0, last_step = 0;
    for (const auto& row : *rows) {
      const int path = std::stoi(row[0]->value), step = std::stoi(row[1]->value);
      if (path != last_path) {
        EXPECT_EQ(path, last_path + 1) << "paths are numbered from 1 in order";
        paths.emplace_back();
        last_step = 0;
      }
      EXPECT_EQ(step, last_step + 1) << "steps are numbered from 1 in order";
      last_path = path;
      last_step = step;
      const bool forward = row[5]->value == "true";
      paths.back().push_back({Number(*row[2]), Number(*row[3]), Number(*row[4]), forward});
    }
    return paths;
  }

  static std::string Query(const std::string& mode, int from, int to, const std::string& options) {
    return "SELECT ?path ?step ?start ?predicate ?end ?forward WHERE { PATHS " + mode + " FROM " + Node(from) + " TO " +
           Node(to) + " " + options + " AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence ?forward) }";
  }

  std::set<std::tuple<int, int, int>> triples_;
};

// A path is a chain: each step starts where the one before it ended, and
// follows a triple of the graph in the direction it says.
void ExpectRealPath(const Steps& path, int from, int to, const std::set<std::tuple<int, int, int>>& triples) {
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front().from, from);
  EXPECT_EQ(path.back().to, to);
  std::set<int> seen = {from};
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i > 0) {
      EXPECT_EQ(path[i].from, path[i - 1].to);
    }
    const Step& s = path[i];
    EXPECT_TRUE(triples.contains(s.forward ? std::tuple{s.from, s.predicate, s.to} : std::tuple{s.to, s.predicate, s.from}))
        << "step " << i + 1 << " follows no triple";
    EXPECT_TRUE(seen.insert(s.to).second) << "the path is not simple";
  }
}

TEST_F(PathsTest, EveryModeGivesWhatABruteForceSearchFinds) {
  const unsigned seed = testing::SeedFromEnvironment("RELATA_PATHS_SEED");
  SCOPED_TRACE("RELATA_PATHS_SEED=" + std::to_string(seed));
  constexpr int kNodes = 9;
  LoadRandomGraph(seed, kNodes, 20);
  std::mt19937 random(seed + 1);
  for (int round = 0; round < 12; ++round) {
    const int from = static_cast<int>(random() % kNodes), to = static_cast<int>(random() % kNodes);
    if (from == to) continue;
    for (const bool either : {false, true}) {
      SCOPED_TRACE(Node(from) + " to " + Node(to) + (either ? " either way" : " forwards"));
      const std::string direction = either ? "EITHER" : "";
      const std::set<Steps> simple = AllSimplePaths(from, to, kNodes, either);
      std::size_t shortest = kNodes + 1;
      for (const Steps& p : simple) shortest = std::min(shortest, p.size());
      std::set<Steps> all_shortest;
      for (const Steps& p : simple) {
        if (p.size() == shortest) all_shortest.insert(p);
      }

      const std::vector<Steps> one = PathsOf(Query("SHORTEST", from, to, direction));
      ASSERT_EQ(one.size(), simple.empty() ? 0u : 1u);
      if (!one.empty()) {
        EXPECT_EQ(one[0].size(), shortest);
        ExpectRealPath(one[0], from, to, triples_);
      }

      const std::vector<Steps> every_shortest = PathsOf(Query("ALL SHORTEST", from, to, direction));
      EXPECT_EQ(std::set<Steps>(every_shortest.begin(), every_shortest.end()), all_shortest);
      EXPECT_EQ(every_shortest.size(), all_shortest.size()) << "a path given twice";

      // Yen: the k shortest simple paths, in order of length, none twice.
      const std::vector<Steps> five = PathsOf(Query("SHORTEST 5", from, to, direction));
      std::vector<std::size_t> lengths;
      for (const Steps& p : simple) lengths.push_back(p.size());
      std::sort(lengths.begin(), lengths.end());
      lengths.resize(std::min<std::size_t>(lengths.size(), 5));
      std::vector<std::size_t> five_lengths;
      for (const Steps& p : five) {
        ExpectRealPath(p, from, to, triples_);
        EXPECT_TRUE(simple.contains(p));
        five_lengths.push_back(p.size());
      }
      EXPECT_EQ(five_lengths, lengths);
      EXPECT_EQ(std::set<Steps>(five.begin(), five.end()).size(), five.size()) << "a path given twice";

      const std::vector<Steps> upto3 = PathsOf(Query("ALL", from, to, direction + " MAX 3 LIMIT 100000"));
      std::set<Steps> expected3;
      for (const Steps& p : simple) {
        if (p.size() <= 3) expected3.insert(p);
      }
      EXPECT_EQ(std::set<Steps>(upto3.begin(), upto3.end()), expected3);
      EXPECT_EQ(upto3.size(), expected3.size()) << "a path given twice";
      for (std::size_t i = 1; i < upto3.size(); ++i) EXPECT_LE(upto3[i - 1].size(), upto3[i].size());
    }
  }
}

// VIA with a sequence: each round of it is a run of steps, and every mode
// gives what the brute-force list of such paths says.
TEST_F(PathsTest, ViaASequenceGivesWhatABruteForceSearchFinds) {
  const unsigned seed = testing::SeedFromEnvironment("RELATA_PATHS_SEED");
  SCOPED_TRACE("RELATA_PATHS_SEED=" + std::to_string(seed));
  constexpr int kNodes = 9;
  LoadRandomGraph(seed, kNodes, 30);
  const std::vector<std::pair<int, bool>> cycle = {{0, true}, {1, false}};  // p0/^p1
  const std::string via = "VIA " + Predicate(0) + "/^" + Predicate(1);
  std::mt19937 random(seed + 2);
  for (int round = 0; round < 12; ++round) {
    const int from = static_cast<int>(random() % kNodes), to = static_cast<int>(random() % kNodes);
    if (from == to) continue;
    SCOPED_TRACE(Node(from) + " to " + Node(to));
    const std::set<Steps> paths = AllRoundPaths(from, to, 2 * kNodes, cycle);
    std::vector<std::size_t> lengths;
    for (const Steps& p : paths) lengths.push_back(p.size());
    std::sort(lengths.begin(), lengths.end());
    std::set<Steps> all_shortest;
    for (const Steps& p : paths) {
      if (p.size() == lengths.front()) all_shortest.insert(p);
    }

    const std::vector<Steps> one = PathsOf(Query("SHORTEST", from, to, via));
    ASSERT_EQ(one.size(), paths.empty() ? 0u : 1u);
    if (!one.empty()) {
      EXPECT_EQ(one[0].size(), lengths.front());
      EXPECT_TRUE(paths.contains(one[0]));
    }
    const std::vector<Steps> every_shortest = PathsOf(Query("ALL SHORTEST", from, to, via));
    EXPECT_EQ(std::set<Steps>(every_shortest.begin(), every_shortest.end()), all_shortest);
    EXPECT_EQ(every_shortest.size(), all_shortest.size()) << "a path given twice";

    const std::vector<Steps> five = PathsOf(Query("SHORTEST 5", from, to, via));
    lengths.resize(std::min<std::size_t>(lengths.size(), 5));
    std::vector<std::size_t> five_lengths;
    for (const Steps& p : five) {
      EXPECT_TRUE(paths.contains(p));
      five_lengths.push_back(p.size());
    }
    EXPECT_EQ(five_lengths, lengths);
    EXPECT_EQ(std::set<Steps>(five.begin(), five.end()).size(), five.size()) << "a path given twice";

    const std::vector<Steps> upto4 = PathsOf(Query("ALL", from, to, via + " MAX 4 LIMIT 100000"));
    std::set<Steps> expected4;
    for (const Steps& p : paths) {
      if (p.size() <= 4) expected4.insert(p);
    }
    EXPECT_EQ(std::set<Steps>(upto4.begin(), upto4.end()), expected4);
    EXPECT_EQ(upto4.size(), expected4.size()) << "a path given twice";
  }
}

// Property paths that mean the same steps give the same paths: a closure of
// a predicate is the predicate (paths repeat their steps anyway), and a
// negated set is every other predicate.
TEST_F(PathsTest, EquivalentViasGiveTheSamePaths) {
  const unsigned seed = testing::SeedFromEnvironment("RELATA_PATHS_SEED");
  SCOPED_TRACE("RELATA_PATHS_SEED=" + std::to_string(seed));
  constexpr int kNodes = 9;
  LoadRandomGraph(seed, kNodes, 25);
  const std::string p0 = Predicate(0), p1 = Predicate(1), p2 = Predicate(2);
  const std::vector<std::pair<std::string, std::string>> same = {
      {"VIA " + p0, "VIA " + p0 + "+"},
      {"VIA " + p0, "VIA (" + p0 + "/" + p0 + "?)"},
      {"VIA " + p0 + "|" + p1, "VIA !" + p2},
      {"VIA " + p0 + "|" + p1 + " BACKWARD", "VIA ^" + p0 + "|^" + p1},
      {"VIA " + p0 + " EITHER", "VIA " + p0 + "|^" + p0},
      {"", "VIA !(<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)"},
  };
  std::mt19937 random(seed + 3);
  for (int round = 0; round < 8; ++round) {
    const int from = static_cast<int>(random() % kNodes), to = static_cast<int>(random() % kNodes);
    if (from == to) continue;
    for (const auto& [a, b] : same) {
      SCOPED_TRACE(Node(from) + " to " + Node(to) + ": " + a + " against " + b);
      for (const std::string mode : {"ALL SHORTEST", "SHORTEST 4"}) {
        EXPECT_EQ(PathsOf(Query(mode, from, to, a)), PathsOf(Query(mode, from, to, b))) << mode;
      }
      EXPECT_EQ(PathsOf(Query("ALL", from, to, a + " MAX 3 LIMIT 1000")),
                PathsOf(Query("ALL", from, to, b + " MAX 3 LIMIT 1000")));
    }
  }
}

// WEIGHT: the cheapest paths by the steps' weights (Dijkstra, and Yen's k
// cheapest over it), against the brute-force list with each path's cost.
TEST_F(PathsTest, WeightedPathsAreTheCheapest) {
  const unsigned seed = testing::SeedFromEnvironment("RELATA_PATHS_SEED");
  SCOPED_TRACE("RELATA_PATHS_SEED=" + std::to_string(seed));
  constexpr int kNodes = 9;
  LoadRandomGraph(seed, kNodes, 24);
  const double weights[] = {1, 2.5, 4};
  const std::string weight = "WEIGHT (IF(?predicate = " + Predicate(0) + ", 1, IF(?predicate = " + Predicate(1) +
                             ", 2.5, 4)))";
  const auto cost = [&](const Steps& p) {
    double sum = 0;
    for (const Step& step : p) sum += weights[step.predicate];
    return sum;
  };
  std::mt19937 random(seed + 4);
  for (int round = 0; round < 12; ++round) {
    const int from = static_cast<int>(random() % kNodes), to = static_cast<int>(random() % kNodes);
    if (from == to) continue;
    for (const std::string options : {"", "EITHER", "EITHER MAX 3"}) {
      SCOPED_TRACE(Node(from) + " to " + Node(to) + " " + options);
      const std::size_t max = options.find("MAX 3") != std::string::npos ? 3 : kNodes;
      const std::set<Steps> simple = AllSimplePaths(from, to, max, options.find("EITHER") != std::string::npos);
      std::vector<double> costs;
      for (const Steps& p : simple) costs.push_back(cost(p));
      std::sort(costs.begin(), costs.end());

      const std::vector<Steps> one = PathsOf(Query("SHORTEST", from, to, options + " " + weight));
      ASSERT_EQ(one.size(), simple.empty() ? 0u : 1u);
      if (!one.empty()) {
        EXPECT_TRUE(simple.contains(one[0]));
        EXPECT_EQ(cost(one[0]), costs.front());
      }
      const std::vector<Steps> five = PathsOf(Query("SHORTEST 5", from, to, options + " " + weight));
      costs.resize(std::min<std::size_t>(costs.size(), 5));
      std::vector<double> five_costs;
      for (const Steps& p : five) {
        EXPECT_TRUE(simple.contains(p));
        five_costs.push_back(cost(p));
      }
      EXPECT_EQ(five_costs, costs);
      EXPECT_EQ(std::set<Steps>(five.begin(), five.end()).size(), five.size()) << "a path given twice";
    }
  }
}

TEST_F(PathsTest, AWeightedPathShowsItsCost) {
  Load("stated.trig",
       "@prefix kg: <https://relata.dev/kg/> . @prefix : <http://x/> .\n"
       ":doc1 { :a :knows :b . <<:a :knows :b>> kg:confidence 0.9 . :b :knows :c . <<:b :knows :c>> kg:confidence 0.8 . }\n"
       ":doc2 { :a :knows :c . <<:a :knows :c>> kg:confidence 0.3 . }\n");
  // One step of little confidence costs more than two sure ones.
  EXPECT_THAT(Rows("SELECT ?end ?cost WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/c> WEIGHT (1 - ?confidence) "
                   "AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence ?forward ?cost) } ORDER BY ?step"),
              ElementsAre("<http://x/b> \"0.3\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
                          "<http://x/c> \"0.3\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
  EXPECT_THAT(Rows("SELECT ?end ?cost WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/c> "
                   "AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence ?forward ?cost) }"),
              ElementsAre("<http://x/c> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  // Without TO, the cheapest path to each node within reach.
  EXPECT_THAT(Rows("SELECT ?to (SUM(1 - ?c) AS ?total) WHERE { PATHS SHORTEST FROM <http://x/a> TO ?to "
                   "WEIGHT (1 - ?c) AS (?p ?s ?start ?predicate ?end ?d ?c) } GROUP BY ?to ORDER BY ?to"),
              ElementsAre("<http://x/b> \"0.1\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
                          "<http://x/c> \"0.3\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
  EXPECT_THAT(Rows("SELECT ?chain WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/b> WEIGHT (2) AS ?chain }"),
              ElementsAre(HasSubstr("{\\\"length\\\":1,\\\"cost\\\":2.0,\\\"steps\\\"")));
}

TEST_F(PathsTest, WithoutATargetTheShortestPathToEveryNodeWithinReach) {
  Load("chain.nt",
       "<http://x/n0> <http://x/p0> <http://x/n1> .\n<http://x/n1> <http://x/p0> <http://x/n2> .\n"
       "<http://x/n0> <http://x/p1> <http://x/n2> .\n<http://x/n2> <http://x/p0> <http://x/n3> .\n"
       "<http://x/n3> <http://x/name> \"a value, not a node\" .\n"
       "<http://x/n3> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://x/Class> .\n");
  EXPECT_THAT(Rows("SELECT ?to (COUNT(*) AS ?steps) WHERE { PATHS SHORTEST FROM <http://x/n0> TO ?to AS (?p ?s) } "
                   "GROUP BY ?to ORDER BY ?to"),
              ElementsAre("<http://x/n1> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/n2> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/n3> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  EXPECT_THAT(Rows("SELECT ?to WHERE { PATHS SHORTEST FROM <http://x/n0> TO ?to MAX 1 AS (?p) } ORDER BY ?to"),
              ElementsAre("<http://x/n1>", "<http://x/n2>"));
  // Sources from the rest of the query: a pair per row.
  EXPECT_THAT(Rows("SELECT ?a ?p WHERE { VALUES ?a { <http://x/n0> <http://x/n1> } "
                   "PATHS SHORTEST FROM ?a TO <http://x/n3> VIA <http://x/p0> AS (?p) } GROUP BY ?a ?p ORDER BY ?a"),
              ElementsAre("<http://x/n0> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/n1> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

TEST_F(PathsTest, StepsShowTheDocumentConfidenceAndEvidenceOfTheirTriple) {
  Load("stated.trig",
       "@prefix kg: <https://relata.dev/kg/> . @prefix : <http://x/> .\n"
       ":doc1 { :a :knows :b . <<:a :knows :b>> kg:confidence 0.9 ; kg:evidence \"a met b\" . }\n"
       ":doc2 { :b :knows :c . <<:b :knows :c>> kg:confidence 0.4 ; kg:evidence \"b may know c\" . \n"
       "        :a :knows :b . <<:a :knows :b>> kg:confidence 0.6 . }\n"
       ":doc3 { :a :likes :c . }\n");
  EXPECT_THAT(Rows("SELECT ?start ?end ?document ?confidence ?evidence WHERE { PATHS SHORTEST FROM <http://x/a> "
                   "TO <http://x/c> VIA <http://x/knows> AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence) } "
                   "ORDER BY ?step"),
              ElementsAre("<http://x/a> <http://x/b> <http://x/doc1> \"0.9\"^^<http://www.w3.org/2001/XMLSchema#decimal> "
                          "\"a met b\"",
                          "<http://x/b> <http://x/c> <http://x/doc2> \"0.4\"^^<http://www.w3.org/2001/XMLSchema#decimal> "
                          "\"b may know c\""));
  // A threshold drops the 0.4 edge; then only :likes, which has no reifier, connects.
  EXPECT_THAT(Rows("SELECT ?predicate ?document ?confidence WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/c> "
                   "CONFIDENCE >= 0.5 AS (?path ?step ?start ?predicate ?end ?document ?confidence) }"),
              ElementsAre());
  EXPECT_THAT(Rows("SELECT ?predicate ?document ?confidence WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/c> "
                   "AS (?path ?step ?start ?predicate ?end ?document ?confidence) }"),
              ElementsAre("<http://x/likes> <http://x/doc3> -"));
  // Restricted to doc2, the a-b edge is stated with 0.6 there.
  EXPECT_THAT(Rows("SELECT ?document ?confidence WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/c> "
                   "VIA <http://x/knows> GRAPHS (<http://x/doc2>) AS (?path ?step ?start ?predicate ?end ?document ?confidence) } "
                   "ORDER BY ?step"),
              ElementsAre("<http://x/doc2> \"0.6\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
                          "<http://x/doc2> \"0.4\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
  // Backwards, and the compact form: one row per path, a JSON literal.
  EXPECT_THAT(Rows("SELECT ?chain WHERE { PATHS SHORTEST FROM <http://x/c> TO <http://x/a> VIA <http://x/knows> BACKWARD "
                   "AS ?chain }"),
              ElementsAre("\"{\\\"length\\\":2,\\\"steps\\\":[{\\\"forward\\\":false,\\\"start\\\":\\\"http://x/c\\\","
                          "\\\"predicate\\\":\\\"http://x/knows\\\",\\\"end\\\":\\\"http://x/b\\\",\\\"document\\\":"
                          "\\\"http://x/doc2\\\",\\\"confidence\\\":0.4,\\\"evidence\\\":\\\"b may know c\\\"},"
                          "{\\\"forward\\\":false,\\\"start\\\":\\\"http://x/b\\\",\\\"predicate\\\":\\\"http://x/knows\\\","
                          "\\\"end\\\":\\\"http://x/a\\\",\\\"document\\\":\\\"http://x/doc1\\\",\\\"confidence\\\":0.9,"
                          "\\\"evidence\\\":\\\"a met b\\\"}]}\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>"));
}

// EXPLAIN shows the search as it runs, per row of what comes before it.
TEST_F(PathsTest, ExplainShowsTheSearch) {
  Load("two.nt", "<http://x/n0> <http://x/p0> <http://x/n1> .\n");
  const auto plan = db_->Explain("SELECT * WHERE { VALUES ?a { <http://x/n0> } PATHS SHORTEST 3 FROM ?a TO <http://x/n1> "
                                 "VIA <http://x/p0> | ^<http://x/p1> EITHER MAX 4 AS (?p ?s) }",
                                 true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("Join, nested loop: the right side runs per left row"));
  EXPECT_THAT(*plan, HasSubstr("Paths SHORTEST 3 from ?a to <http://x/n1>, via <http://x/p0>|^<http://x/p1> either way, at most 4 steps "
                               "(breadth-first from both ends, then Yen's k shortest simple paths)  [rows 1, opened 1x"));
  const auto weighted = db_->Explain("SELECT * WHERE { PATHS SHORTEST FROM <http://x/n0> TO <http://x/n1> "
                                     "VIA <http://x/p0>/<http://x/p0>* WEIGHT (2) AS (?p ?s) }",
                                     false);
  ASSERT_TRUE(weighted.ok()) << weighted.status();
  EXPECT_THAT(*weighted, HasSubstr("Paths SHORTEST from <http://x/n0> to <http://x/n1>, via <http://x/p0>/<http://x/p0>* "
                                   "forwards, weighted (Dijkstra)"));
}

// A prepared query's binding may give the start; run without it, the query
// stops with the error an unprepared one gets at once.
TEST_F(PathsTest, APreparedQueryMayBindTheStart) {
  Load("two.nt", "<http://x/n0> <http://x/p0> <http://x/n1> .\n<http://x/n1> <http://x/p0> <http://x/n2> .\n");
  const std::string sparql = "SELECT ?s ?end WHERE { PATHS SHORTEST FROM ?from TO <http://x/n2> AS (?p ?s ?start ?pred ?end) }";
  auto prepared = db_->Prepare(sparql);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  const auto unbound = testing::ReadAll(prepared->Execute());
  ASSERT_FALSE(unbound.ok());
  EXPECT_THAT(std::string(unbound.status().message()), ::testing::StartsWith("1:" + std::to_string(sparql.find("?from") + 1) +
                                                                ": PATHS starts FROM ?from, which no pattern"));
  ASSERT_TRUE(prepared->Bind("from", Term::Iri("http://x/n0")).ok());
  const auto rows = testing::ReadAll(prepared->Execute());
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 2u);
  ASSERT_TRUE(prepared->Bind("from", Term::Iri("http://x/n1")).ok());
  EXPECT_EQ(testing::ReadAll(prepared->Execute())->size(), 1u);
  // An update has no caller to bind it.
  EXPECT_THAT(std::string(db_->Update("INSERT { ?end <http://x/q> 1 } WHERE { PATHS SHORTEST FROM ?from TO "
                                      "<http://x/n2> AS (?p ?s ?start ?pred ?end) }")
                              .status()
                              .message()),
              HasSubstr("PATHS starts FROM ?from, which no pattern"));
}

TEST_F(PathsTest, BadPathsGetAPositionedError) {
  // The message, which must point at `marker` in the query.
  const auto error_at = [&](const std::string& sparql, const std::string& marker) {
    const auto rows = testing::ReadAll(db_->Query(sparql));
    if (rows.ok()) return std::string("no error");
    const std::string message(rows.status().message());
    EXPECT_THAT(message, ::testing::StartsWith("1:" + std::to_string(sparql.find(marker) + 1) + ": ")) << sparql;
    return message;
  };
  EXPECT_THAT(error_at("SELECT * WHERE { PATHS ALL FROM <http://x/a> TO <http://x/b> MAX 3 AS (?p) }", "PATHS"),
              HasSubstr("needs a MAX length and a LIMIT"));
  EXPECT_THAT(error_at("SELECT * WHERE { ?x ?y ?z . PATHS SHORTEST FROM ?a TO ?b AS (?p) }", "?a"),
              HasSubstr("no pattern before it binds"));
  EXPECT_THAT(error_at("SELECT * WHERE { ?x ?y ?z . PATHS SHORTEST FROM ?x TO ?b AS (?p ?z) }", "?z)"),
              HasSubstr("?z, which is bound already"));
  EXPECT_THAT(error_at("SELECT * WHERE { PATHS ALL SHORTEST FROM <http://x/a> TO <http://x/b> WEIGHT (1) AS (?p) }",
                       "WEIGHT"),
              HasSubstr("ALL SHORTEST counts steps"));
  EXPECT_THAT(error_at("SELECT * WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/b> WEIGHT (?w * 2) "
                       "AS (?p ?s ?start) }",
                       "WEIGHT"),
              HasSubstr("WEIGHT uses ?w, which is neither a column"));
  // A weight that is no number, or below 0, is found as the search reads
  // the step; the error still says where WEIGHT is.
  Load("ab.nt", "<http://x/a> <http://x/p> <http://x/b> .\n");
  for (const std::string weight : {"(STR(?end))", "(-1)", "(1 / 0)"}) {
    EXPECT_THAT(error_at("SELECT * WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/b> WEIGHT " + weight +
                             " AS (?p ?s ?start ?predicate ?end) }",
                         "WEIGHT"),
                HasSubstr("WEIGHT must give a number of at least 0 for every step; for the triple <http://x/a> "
                          "<http://x/p> <http://x/b> it gave"));
  }
  EXPECT_THAT(error_at("SELECT * WHERE { PATHS SHORTEST 0 FROM <http://x/a> TO <http://x/b> AS (?p) }", "SHORTEST"),
              HasSubstr("at least 1"));
  EXPECT_THAT(error_at("SELECT * WHERE { PATHS SHORTEST FROM <http://x/a> TO <http://x/b> }", "}"),
              HasSubstr("expected"));
}

// A search of every simple path of a dense graph is stopped by the query's
// budgets, not left to run.
TEST_F(PathsTest, ASearchStopsAtTheQuerysBudgets) {
  std::string nt;
  for (int s = 0; s < 30; ++s) {
    for (int o = 0; o < 30; ++o) nt += Node(s) + " " + Predicate(0) + " " + Node(o) + " .\n";
  }
  Load("dense.nt", nt);
  const std::string every = "SELECT * WHERE { PATHS ALL FROM <http://x/n0> TO <http://x/n1> MAX 12 LIMIT 100000000 AS (?p) }";
  QueryOptions small;
  small.memory_bytes = 4 << 20;
  EXPECT_EQ(Drain(every, small).code(), absl::StatusCode::kResourceExhausted);
  QueryOptions quick;
  quick.timeout = std::chrono::milliseconds(300);
  EXPECT_EQ(Drain(every, quick).code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace relata
