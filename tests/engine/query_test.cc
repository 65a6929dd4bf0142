// Database::Query as an embedder sees it: relata's own choices (the union
// default graph, limits, cancellation, streaming); the SPARQL semantics
// themselves are checked by the W3C runner (tests/conformance).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class QueryTest : public testing::DatabaseTest {
 protected:
  // 40 subjects with 10 values each: enough for cross products of billions.
  void LoadGrid() {
    std::string text;
    for (int s = 0; s < 40; ++s) {
      for (int v = 0; v < 10; ++v) {
        text += "<http://x/s" + std::to_string(s) + "> <http://x/p> " + std::to_string(v) + " .\n";
      }
    }
    Load("grid.ttl", text);
  }
  // The one row of SELECT (COUNT(*) AS ?n) `where`, as N-Triples.
  std::string Count(const std::string& where) {
    const auto rows = Rows("SELECT (COUNT(*) AS ?n) " + where);
    return rows.size() == 1 ? rows[0] : "no single row";
  }
  static std::string Integer(int n) {
    return "\"" + std::to_string(n) + "\"^^<http://www.w3.org/2001/XMLSchema#integer>";
  }
  // 2,000 people <http://x/eI> of type <http://x/T(I % 4)>; every
  // `knows_every`-th knows the next one.
  void LoadPeople(int knows_every) {
    std::string text;
    for (int i = 0; i < 2000; ++i) {
      const std::string e = "<http://x/e" + std::to_string(i) + ">";
      text += e + " a <http://x/T" + std::to_string(i % 4) + "> .\n";
      if (i % knows_every == 0) text += e + " <http://x/knows> <http://x/e" + std::to_string(i + 1) + "> .\n";
    }
    Load("people.ttl", text);
  }
  // How often EXPLAIN ANALYZE `plan` says the first operator under the line
  // `under` was opened (0: no such line).
  static std::size_t OpensUnder(const std::string& plan, const std::string& under) {
    const std::size_t at = plan.find(under);
    if (at == std::string::npos) return 0;
    const std::size_t opened = plan.find("opened ", at);
    return opened == std::string::npos ? 0 : std::stoul(plan.substr(opened + 7));
  }
};

constexpr char kMemberships[] =
    "PREFIX ex: <http://example.org/>\n"
    "ex:russia ex:memberOf ex:sco .\n"
    "GRAPH ex:article1 { ex:china ex:memberOf ex:sco . ex:sco ex:partOf ex:eurasia }\n"
    "GRAPH ex:article2 { ex:china ex:memberOf ex:sco . ex:india ex:memberOf ex:brics }\n";

TEST_F(QueryTest, DefaultGraphIsTheUnionOfAllGraphsWithEachTripleOnce) {
  Load("news.trig", kMemberships);
  EXPECT_THAT(Rows("SELECT ?who WHERE { ?who <http://example.org/memberOf> ?org } ORDER BY ?who"),
              ElementsAre("<http://example.org/china>", "<http://example.org/india>",
                          "<http://example.org/russia>"));
}

// Query texts sent again are not parsed again; what a text means still
// follows the options, and every run reads the store as it is then.
TEST_F(QueryTest, ARepeatedTextMeansWhatItsOptionsSayAndSeesNewWrites) {
  Load("g.nt", "<http://a/s> <http://a/p> \"from a\" .\n<http://b/s> <http://b/p> \"from b\" .\n");
  const std::string text = "SELECT ?o WHERE { ex:s ?p ?o }";
  QueryOptions a, b;
  a.prefixes["ex"] = "http://a/";
  b.prefixes["ex"] = "http://b/";
  for (int round = 0; round < 2; ++round) {
    EXPECT_THAT(Rows(text, a), ElementsAre("\"from a\""));
    EXPECT_THAT(Rows(text, b), ElementsAre("\"from b\""));
  }
  QueryOptions base_a, base_b;
  base_a.base_iri = "http://a/";
  base_b.base_iri = "http://b/";
  EXPECT_THAT(Rows("SELECT ?o WHERE { <s> ?p ?o }", base_a), ElementsAre("\"from a\""));
  EXPECT_THAT(Rows("SELECT ?o WHERE { <s> ?p ?o }", base_b), ElementsAre("\"from b\""));
  ASSERT_TRUE(db_->Update("INSERT DATA { <http://a/s> <http://a/q> \"new\" }").ok());
  EXPECT_THAT(Rows(text + " ORDER BY ?o", a), ElementsAre("\"from a\"", "\"new\""));
  EXPECT_THAT(Rows(text, a), ::testing::UnorderedElementsAre("\"from a\"", "\"new\""));
}

// The dataset in the options replaces the query's FROM and FROM NAMED (the
// SPARQL Protocol's default-graph-uri and named-graph-uri), also for a text
// run before without them, and an update's USING.
TEST_F(QueryTest, ADatasetInTheOptionsReplacesTheQuerys) {
  Load("g.trig", "<http://x/g1> { <http://x/a> <http://x/p> 1 } <http://x/g2> { <http://x/a> <http://x/p> 2 }\n");
  const std::string text = "SELECT ?v FROM <http://x/g1> WHERE { <http://x/a> <http://x/p> ?v }";
  EXPECT_THAT(Rows(text), ElementsAre("\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  QueryOptions second;
  second.default_graphs = {"http://x/g2"};
  EXPECT_THAT(Rows(text, second), ElementsAre("\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  EXPECT_THAT(Rows(text), ElementsAre("\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  QueryOptions named;
  named.named_graphs = {"http://x/g1"};
  EXPECT_THAT(Rows("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named), ElementsAre("<http://x/g1>"));
  ASSERT_TRUE(db_->Update("INSERT { <http://x/b> <http://x/copy> ?v } WHERE { <http://x/a> <http://x/p> ?v }", second).ok());
  EXPECT_THAT(Rows("SELECT ?v WHERE { <http://x/b> <http://x/copy> ?v }"),
              ElementsAre("\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

// UCASE and LCASE follow the Unicode case mappings, not only ASCII's: the
// news graph's names are in Cyrillic too.
// An operand in brackets, or followed by a comment, keeps the operator after
// it: "(10) * 3" multiplies, "(5) - 3" subtracts, "(5) > 3" compares.
TEST_F(QueryTest, ABracketedOperandKeepsTheOperatorAfterIt) {
  const auto value = [&](const std::string& expression) {
    const auto rows = Rows("SELECT (" + expression + " AS ?v) {}");
    return rows.size() == 1 ? rows[0] : "no single row";
  };
  const std::string yes = "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>";
  const std::string no = "\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>";
  EXPECT_EQ(value("(10) * 3"), Integer(30));
  EXPECT_EQ(value("(12) / 4"), "\"3.0\"^^<http://www.w3.org/2001/XMLSchema#decimal>");
  EXPECT_EQ(value("(5 - 2) * (1 + 1)"), Integer(6));
  EXPECT_EQ(value("((5)) - 3"), Integer(2));
  EXPECT_EQ(value("(5) + 3"), Integer(8));
  EXPECT_EQ(value("(5) -3"), Integer(2));  // a signed number: its sign is the operator
  EXPECT_EQ(value("(5) # five\n * 2"), Integer(10));
  EXPECT_EQ(value("(5) > 3"), yes);
  EXPECT_EQ(value("(5) < 3"), no);
  EXPECT_EQ(value("(5) >= 5"), yes);
  EXPECT_EQ(value("(5) <= 4"), no);
  EXPECT_EQ(value("(5) != 5"), no);
  EXPECT_EQ(value("(5) = 5"), yes);
  EXPECT_EQ(value("(5) NOT IN (5, 6)"), no);
  EXPECT_EQ(value("(5) IN (5, 6)"), yes);
}

// Arithmetic is computed on numbers without a term between operations, and
// gives what it gave on terms: each operation reads the one below as its
// term reads back (a decimal cut to 18 digits), so (7/3)*3 is not 7.
TEST_F(QueryTest, ArithmeticOnNumbersGivesWhatItsTermsGive) {
  const std::string xsd = "^^<http://www.w3.org/2001/XMLSchema#";
  EXPECT_THAT(
      Rows("SELECT ((7/3)*3 AS ?a) (ROUND(7/2) AS ?b) (-(5) AS ?c) (ABS(-2.5) AS ?d) (CEIL(1/3) + FLOOR(-1/3) AS ?e) "
           "(1.5e0 * 2 AS ?f) (9223372036854775807 + 1 AS ?g) (1/0 AS ?h) (1.0e0/0 AS ?i) (-\"x\" AS ?j) "
           "(1 + \"2\" AS ?k) (+\"01\"^^<http://www.w3.org/2001/XMLSchema#integer> AS ?l) (ROUND(-2.5) AS ?o) "
           "(0.1 + 0.2 AS ?p) {}"),
      ElementsAre("\"6.99999999999999999\"" + xsd + "decimal> \"4.0\"" + xsd + "decimal> \"-5\"" + xsd +
                  "integer> \"2.5\"" + xsd + "decimal> \"0.0\"" + xsd + "decimal> \"3.0E0\"" + xsd +
                  "double> \"9223372036854775808.0\"" + xsd + "decimal> - \"INF\"" + xsd + "double> - - \"01\"" +
                  xsd + "integer> \"-2.0\"" + xsd + "decimal> \"0.3\"" + xsd + "decimal>"));
  // The one integer whose negation is no int64 becomes a decimal, as any overflow.
  EXPECT_THAT(Rows("SELECT (-(-9223372036854775807 - 1) AS ?n) (ABS(-9223372036854775807 - 1) AS ?a) {}"),
              ElementsAre("\"9223372036854775808.0\"" + xsd + "decimal> \"9223372036854775808.0\"" + xsd +
                          "decimal>"));
  EXPECT_THAT(Rows("SELECT (SUM(?x) AS ?s) (AVG(?x) AS ?a) (SUM(?x / 3) AS ?t) { VALUES ?x { 1 2.5 7 0.1 } }"),
              ElementsAre("\"10.6\"" + xsd + "decimal> \"2.65\"" + xsd + "decimal> \"3.53333333333333332\"" + xsd +
                          "decimal>"));
  // Comparisons in a FILTER: a side that is no number (or NaN) is compared
  // as terms.
  const auto kept = [&](const std::string& condition) {
    std::string out;
    for (const std::string& row :
         Rows("SELECT ?x { VALUES ?x { 1 \"b\" 2.25 7 \"NaN\"^^<http://www.w3.org/2001/XMLSchema#double> } FILTER(" +
              condition + ") } ORDER BY ?x")) {
      out += row.substr(0, row.find('^')) + " ";
    }
    return out;
  };
  EXPECT_EQ(kept("?x * 2 = \"a\""), "");
  EXPECT_EQ(kept("?x * 2 != \"a\""), "\"1\" \"2.25\" \"7\" \"NaN\" ");
  EXPECT_EQ(kept("?x - 0.5 > 1"), "\"2.25\" \"7\" ");
  EXPECT_EQ(kept("(?x / 3) * 3 < ?x"), "\"1\" \"7\" ");
  EXPECT_EQ(kept("?x * 2 = ?x + ?x"), "\"1\" \"2.25\" \"7\" \"NaN\" ");
  EXPECT_EQ(kept("ABS(?x - 2) <= 1"), "\"1\" \"2.25\" ");
}

// = and != with a constant IRI are RDF term equality, whatever the other
// side holds: an IRI of the store or not, a literal, an IRI the query made.
TEST_F(QueryTest, EqualityWithAnIriIsTermEquality) {
  Load("g.ttl",
       "<http://x/a> <http://x/p> <http://x/b> .\n<http://x/a> <http://x/p> \"http://x/b\" .\n"
       "<http://x/a> <http://x/p> 7 .\n");
  const auto count = [&](const std::string& condition) {
    return Count("{ <http://x/a> <http://x/p> ?o FILTER(" + condition + ") }");
  };
  EXPECT_EQ(count("?o = <http://x/b>"), Integer(1));
  EXPECT_EQ(count("<http://x/b> != ?o"), Integer(2));
  EXPECT_EQ(count("?o = <http://x/absent>"), Integer(0));
  EXPECT_EQ(count("?o != <http://x/absent>"), Integer(3));
  EXPECT_EQ(count("?unbound != <http://x/b>"), Integer(0));  // an error: the row goes
  // An IRI the query made, in the store or not.
  EXPECT_EQ(Count("{ BIND(IRI(\"http://x/absent\") AS ?i) FILTER(?i = <http://x/absent>) }"), Integer(1));
  EXPECT_EQ(Count("{ BIND(IRI(\"http://x/b\") AS ?i) FILTER(?i = <http://x/b>) }"), Integer(1));
  EXPECT_EQ(Count("{ BIND(IRI(\"http://x/other\") AS ?i) FILTER(?i != <http://x/absent>) }"), Integer(1));
}

TEST_F(QueryTest, UcaseAndLcaseMapEveryScript) {
  EXPECT_THAT(Rows("SELECT (UCASE(\"Путин\"@ru) AS ?u) (LCASE(\"ΣΟΦΙΑ\") AS ?l) (UCASE(\"straße\") AS ?s) "
                   "(LCASE(\"SCO\") AS ?a) {}"),
              ElementsAre("\"ПУТИН\"@ru \"σοφια\" \"STRASSE\" \"sco\""));
}

TEST_F(QueryTest, DefaultGraphCanBeOnlyTheUnnamedGraph) {
  Load("news.trig", kMemberships);
  QueryOptions options;
  options.union_default_graph = false;
  EXPECT_THAT(Rows("SELECT ?who WHERE { ?who <http://example.org/memberOf> ?org }", options),
              ElementsAre("<http://example.org/russia>"));
}

TEST_F(QueryTest, GraphVariableRangesOverNamedGraphs) {
  Load("news.trig", kMemberships);
  EXPECT_THAT(Rows("SELECT ?g WHERE { GRAPH ?g { <http://example.org/china> ?p ?o } } ORDER BY ?g"),
              ElementsAre("<http://example.org/article1>", "<http://example.org/article2>"));
}

TEST_F(QueryTest, TransitivePathFollowsEveryHopOnce) {
  Load("chain.nt",
       "<http://x/a> <http://x/next> <http://x/b> .\n<http://x/b> <http://x/next> <http://x/c> .\n"
       "<http://x/c> <http://x/next> <http://x/a> .\n");
  EXPECT_THAT(Rows("SELECT ?n WHERE { <http://x/a> <http://x/next>+ ?n } ORDER BY ?n"),
              ElementsAre("<http://x/a>", "<http://x/b>", "<http://x/c>"));
}

TEST_F(QueryTest, PathBetweenTwoConstantsIsOneEmptySolution) {
  // No variable at all: a long search must still work (it once divided by
  // the zero width of its rows).
  std::string chain;
  for (int i = 0; i < 3000; ++i) {
    chain += "<http://x/n" + std::to_string(i) + "> <http://x/next> <http://x/n" + std::to_string(i + 1) + "> .\n";
  }
  Load("long.nt", chain);
  EXPECT_THAT(Rows("SELECT * WHERE { <http://x/n0> <http://x/next>+ <http://x/n2999> }"), ElementsAre(""));
  EXPECT_THAT(Rows("SELECT * WHERE { <http://x/n5> <http://x/next>+ <http://x/n0> }"), ElementsAre());
  // Past 2048 nodes the search follows the predicate's edges in memory:
  // the same nodes, each once.
  const auto reached = Rows("SELECT ?n WHERE { <http://x/n0> <http://x/next>+ ?n }");
  EXPECT_EQ(reached.size(), 3000u);
  EXPECT_EQ(std::set<std::string>(reached.begin(), reached.end()).size(), 3000u);
  EXPECT_THAT(Rows("SELECT ?n WHERE { ?n <http://x/next>* <http://x/n0> }"), ElementsAre("<http://x/n0>"));
}

TEST_F(QueryTest, LongPathSearchesReachWhatABreadthFirstSearchReaches) {
  // 3000 nodes with two edges each, in an order unlike the ids': past 2048
  // nodes the search follows the edges in memory, forwards and backwards.
  constexpr int kNodes = 3000;
  const auto next = [](int i) { return std::array<int, 2>{(i * 7 + 1) % kNodes, (i * 13 + 5) % kNodes}; };
  const auto iri = [](int i) { return "<http://x/n" + std::to_string(i) + ">"; };
  std::string text;
  std::vector<std::vector<int>> forward(kNodes), backward(kNodes);
  for (int i = kNodes - 1; i >= 0; --i) {
    for (const int j : next(i)) {
      text += iri(i) + " <http://x/next> " + iri(j) + " .\n";
      forward[static_cast<std::size_t>(i)].push_back(j);
      backward[static_cast<std::size_t>(j)].push_back(i);
    }
  }
  Load("graph.nt", text);
  const auto reach = [&](const std::vector<std::vector<int>>& edges, int from) {
    std::set<std::string> seen;
    std::vector<int> frontier{from};
    while (!frontier.empty()) {
      std::vector<int> later;
      for (const int x : frontier) {
        for (const int y : edges[static_cast<std::size_t>(x)]) {
          if (seen.insert(iri(y)).second) later.push_back(y);
        }
      }
      frontier.swap(later);
    }
    return seen;
  };
  const auto as_set = [](const std::vector<std::string>& rows) {
    return std::pair{std::set<std::string>(rows.begin(), rows.end()), rows.size()};
  };
  const std::set<std::string> from_3 = reach(forward, 3), to_3 = reach(backward, 3);
  ASSERT_GT(from_3.size(), 2048u);
  EXPECT_EQ(as_set(Rows("SELECT ?n WHERE { <http://x/n3> <http://x/next>+ ?n }")), std::pair(from_3, from_3.size()));
  EXPECT_EQ(as_set(Rows("SELECT ?n WHERE { ?n <http://x/next>+ <http://x/n3> }")), std::pair(to_3, to_3.size()));
}

TEST_F(QueryTest, EdgesKeptInMemoryForLaterQueriesNeverHideAWrite) {
  std::string chain;
  for (int i = 0; i < 3000; ++i) {
    chain += "<http://x/n" + std::to_string(i) + "> <http://x/next> <http://x/n" + std::to_string(i + 1) + "> .\n";
  }
  Load("long.nt", chain);
  const std::string reach = "SELECT ?n WHERE { <http://x/n0> <http://x/next>+ ?n }";
  ASSERT_EQ(Rows(reach).size(), 3000u);
  ASSERT_TRUE(db_->Update("INSERT DATA { <http://x/n3000> <http://x/next> <http://x/extra> }").ok());
  EXPECT_EQ(Rows(reach).size(), 3001u);
  ASSERT_TRUE(db_->Update("DELETE DATA { <http://x/n5> <http://x/next> <http://x/n6> }").ok());
  EXPECT_EQ(Rows(reach).size(), 5u);
  // A transaction reads its own writes, never edges another query kept.
  auto txn = db_->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status();
  ASSERT_TRUE((*txn)->Update("INSERT DATA { <http://x/n5> <http://x/next> <http://x/n6> }").ok());
  auto rows = (*txn)->Query(reach);
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::size_t count = 0;
  while (true) {
    auto more = rows->Next();
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ++count;
  }
  EXPECT_EQ(count, 3001u);
}

TEST_F(QueryTest, CountsPerNodeOfOnePatternMatchTheGeneralGrouping) {
  // Types in two graphs, some triples in both: counted once in the union.
  std::string text;
  for (const char* g : {"g1", "g2"}) {
    text += std::string("GRAPH <http://x/") + g + "> {\n";
    for (int i = 0; i < 60; ++i) {
      if (g[1] == '2' && i % 3 != 0) continue;
      text += "<http://x/e" + std::to_string(i) + "> a <http://x/T" + std::to_string(i % 4) + "> .\n";
      if (i % 5 == 0) text += "<http://x/e" + std::to_string(i) + "> a <http://x/Extra> .\n";
    }
    text += "}\n";
  }
  Load("types.trig", text);
  const auto sorted = [](std::vector<std::string> rows) {
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  for (const std::string select : {"?t (COUNT(?e) AS ?n)", "?t (COUNT(*) AS ?n) (COUNT(DISTINCT ?e) AS ?d)"}) {
    for (const std::string where : {"?e a ?t", "GRAPH <http://x/g2> { ?e a ?t }"}) {
      const std::string grouped = "SELECT " + select + " WHERE { " + where + " } GROUP BY ?t";
      // FILTER(true) makes it the general grouping over rows.
      const std::string general = "SELECT " + select + " WHERE { " + where + " FILTER(true) } GROUP BY ?t";
      const auto rows = sorted(Rows(grouped));
      EXPECT_EQ(rows.size(), 5u) << grouped;
      EXPECT_EQ(rows, sorted(Rows(general))) << grouped;
    }
  }
  EXPECT_THAT(Rows("SELECT ?e (COUNT(?t) AS ?n) WHERE { ?e a ?t } GROUP BY ?e HAVING (COUNT(?t) > 1) ORDER BY ?e"),
              ElementsAre("<http://x/e0> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e10> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e15> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e20> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e25> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e30> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e35> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e40> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e45> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e5> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e50> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/e55> \"2\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

// ORDER BY over one pattern with LIMIT reads the predicate's values from one
// end: it must give the rows the full sort gives, for numbers, and for dates
// and dateTimes whose zones order them otherwise than their local times.
TEST_F(QueryTest, OrderByLimitOverOnePatternGivesTheRowsOfTheFullSort) {
  const char* const zones[] = {"Z", "-14:00", "+14:00", "+05:30", "-09:00"};
  const auto date = [](int days) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::year{2025} / 1 / 1} +
                                          std::chrono::days{days}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return std::string(text);
  };
  std::string text;
  for (const char* g : {"g1", "g2"}) {
    text += std::string("GRAPH <http://x/") + g + "> {\n";
    for (int i = 0; i < 80; ++i) {
      if (g[1] == '2' && i % 3 != 0) continue;  // in both graphs: once in the union
      const std::string e = "<http://x/e" + std::to_string(i) + "> ";
      const int minutes = i * 313;  // no two instants equal
      char time[16];
      std::snprintf(time, sizeof time, "T%02d:%02d:00", minutes / 60 % 24, minutes % 60);
      text += e + "<http://x/score> " + std::to_string((i * 37) % 101 - 50) + " .\n";
      text += e + "<http://x/at> \"" + date(minutes / 1440) + time + zones[i % 5] +
              "\"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n";
      text += e + "<http://x/on> \"" + date(i) + zones[i % 5] + "\"^^<http://www.w3.org/2001/XMLSchema#date> .\n";
      // Integers and doubles: ids order each kind, not the two together.
      text += e + "<http://x/mixed> " + (i % 4 == 0 ? std::to_string(i % 9 + 1) + ".5E0" : std::to_string(i)) + " .\n";
    }
    text += "}\n";
  }
  Load("values.trig", text);
  for (const std::string predicate : {"score", "at", "on", "mixed"}) {
    for (const std::string& where : {"?e <http://x/" + predicate + "> ?v",
                                    "GRAPH <http://x/g2> { ?e <http://x/" + predicate + "> ?v }"}) {
      for (const std::string order : {"?v", "DESC(?v)"}) {
        for (const std::string slice : {"LIMIT 1", "LIMIT 10", "OFFSET 7 LIMIT 5", "LIMIT 0", "OFFSET 70 LIMIT 20"}) {
          const std::string fast = "SELECT ?e ?v WHERE { " + where + " } ORDER BY " + order + " " + slice;
          // FILTER(true) makes it the general sort of every row.
          const std::string general =
              "SELECT ?e ?v WHERE { " + where + " FILTER(true) } ORDER BY " + order + " " + slice;
          const std::vector<std::string> rows = Rows(fast);
          EXPECT_EQ(rows.empty(), slice == "LIMIT 0" || (slice.starts_with("OFFSET 70") && where[0] == 'G')) << fast;
          EXPECT_EQ(rows, Rows(general)) << fast;
        }
      }
    }
  }
  // EXPLAIN shows which ones read in order, and ANALYZE how far they read.
  const auto explain = [&](const std::string& predicate, bool analyze) {
    const auto plan = db_->Explain(
        "SELECT ?e ?v WHERE { ?e <http://x/" + predicate + "> ?v } ORDER BY DESC(?v) OFFSET 2 LIMIT 8", analyze);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : "";
  };
  EXPECT_THAT(explain("score", false),
              HasSubstr("Read <http://x/score> in descending order of ?v, stopping after 10 row(s)\n"));
  EXPECT_THAT(explain("score", true), HasSubstr("stopping after 10 row(s)  [rows 10, opened 1x"));
  EXPECT_THAT(explain("at", false), HasSubstr("stopping after 10 row(s) and 28 hours more (time zones)"));
  EXPECT_THAT(explain("mixed", false), HasSubstr("IndexNestedLoop"));
  EXPECT_THAT(explain("mixed", true), HasSubstr("IndexNestedLoop"));
}

TEST_F(QueryTest, SyntaxErrorNamesLineAndColumn) {
  auto cursor = db_->Query("SELECT ?x\nWHERE { ?x ?p }");
  ASSERT_FALSE(cursor.ok());
  EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cursor.status().message()), HasSubstr("2:15: expected"));
}

TEST_F(QueryTest, FirstRowsOfAnEndlessResultArrive) {
  LoadGrid();
  // 400^4 rows: only streaming can give the first three.
  EXPECT_EQ(Rows("SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h } LIMIT 3").size(), 3u);
}

// A COUNT over patterns that share no variable is the product of their
// counts: 400^3 rows are counted without being made (the timeout of a
// second would stop their enumeration), and EXPLAIN says so.
TEST_F(QueryTest, ACountOfAProductOfIndependentPatternsIsTheProductOfTheirCounts) {
  LoadGrid();
  QueryOptions options;
  options.timeout = std::chrono::seconds(1);
  const std::string cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
  EXPECT_THAT(Rows(cross, options), ElementsAre("\"64000000\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  const auto plan = db_->Explain(cross, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("Count the product of 3 patterns that share no variable"));
}

// The same counts as the rows enumerated (a subquery hides the shape):
// groups joined inside, constants, COUNT of a variable, a group without
// matches, quoted triples.
TEST_F(QueryTest, ACountOfAProductGivesWhatCountingEveryRowGives) {
  LoadGrid();
  Load("more.ttl",
       "<http://x/a> <http://x/q> <http://x/b> .\n<http://x/b> <http://x/q> <http://x/c> .\n"
       "<http://x/c> <http://x/q> <http://x/a> .\n<http://x/a> <http://x/q> <http://x/c> .\n"
       "<< <http://x/a> <http://x/q> <http://x/b> >> <http://x/says> <http://x/s1> .\n");
  for (const std::string where : {
           "?s <http://x/p> 3 . ?x <http://x/q> ?y",
           "?s <http://x/p> ?v . ?x <http://x/q> ?y . ?y <http://x/q> ?z",
           "<http://x/s1> <http://x/p> ?v . ?x <http://x/q> ?y . ?y <http://x/q> ?x",
           "?s <http://x/p> ?v . ?x <http://x/q> <http://x/nowhere>",
           "<< ?x <http://x/q> ?y >> <http://x/says> ?who . ?w <http://x/q> ?z",
           "?s <http://x/p> 1 . ?s <http://x/p> 2 . ?x <http://x/q> ?y"}) {
    for (const std::string counts : {"(COUNT(*) AS ?n)", "(COUNT(?y) AS ?n) (COUNT(*) AS ?m)"}) {
      const auto product = Rows("SELECT " + counts + " WHERE { " + where + " }");
      const auto enumerated = Rows("SELECT " + counts + " WHERE { { SELECT * WHERE { " + where + " } } }");
      EXPECT_EQ(product, enumerated) << where;
      EXPECT_FALSE(product.empty()) << where;
    }
  }
}

TEST_F(QueryTest, TimeoutStopsAQueryWithAClearError) {
  LoadGrid();
  QueryOptions options;
  options.timeout = std::chrono::milliseconds(50);
  const absl::Status status =
      Drain("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?t ?h FILTER(?b != ?h) }", options);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST_F(QueryTest, MemoryBudgetStopsAQueryWithAClearError) {
  LoadGrid();
  QueryOptions options;
  options.memory_bytes = 1 << 20;
  const absl::Status status = Drain("SELECT * WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY ?b", options);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("memory budget"));
}

TEST_F(QueryTest, CancelStopsARunningQuery) {
  LoadGrid();
  std::atomic<bool> cancel{false};
  QueryOptions options;
  options.cancel = &cancel;
  auto cursor = db_->Query("SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }", options);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  ASSERT_TRUE(cursor->Next().ok());
  cancel = true;
  absl::StatusOr<bool> more = true;
  while (more.ok() && *more) more = cursor->Next();
  EXPECT_EQ(more.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(QueryTest, AskConstructAndDescribeAnswerInTheirForms) {
  Load("news.trig", kMemberships);
  auto ask = db_->Query("ASK { <http://example.org/india> ?p ?o }");
  ASSERT_TRUE(ask.ok());
  EXPECT_EQ(ask->kind(), Cursor::Kind::kBoolean);
  EXPECT_TRUE(ask->boolean());
  EXPECT_THAT(Rows("CONSTRUCT { ?o <http://x/hasMember> ?s } WHERE { ?s <http://example.org/memberOf> "
                   "<http://example.org/brics> . ?s ?p ?o }"),
              ElementsAre("<http://example.org/brics> <http://x/hasMember> <http://example.org/india>"));
  EXPECT_THAT(Rows("DESCRIBE <http://example.org/sco>"),
              ElementsAre("<http://example.org/sco> <http://example.org/partOf> <http://example.org/eurasia>"));
}

TEST_F(QueryTest, ExplainShowsTheScanOrderWithEstimates) {
  Load("news.trig", kMemberships);
  // The rare predicate goes first: one partOf triple against four memberOf.
  auto plan = db_->Explain(
      "SELECT * { ?c <http://example.org/memberOf> ?o . ?o <http://example.org/partOf> ?r }", false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("1. scan ?o <http://example.org/partOf> ?r  (est 1 rows)"));
  EXPECT_THAT(*plan, HasSubstr("2. scan ?c <http://example.org/memberOf> ?o"));
}

TEST_F(QueryTest, AStarAsksFirstForWhatFewerSubjectsHave) {
  // 200 states among 1,000 entities of 41 types; every entity has a label,
  // 320 a population (20 of them states). From the states, asking for the
  // population first leaves a tenth of the label lookups.
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    const std::string e = "<http://x/e" + std::to_string(i) + "> ";
    const std::string type = i < 200 ? "State" : "T" + std::to_string(i % 40);
    text += e + "a <http://x/" + type + "> ; <http://x/label> \"entity " + std::to_string(i) + "\" .\n";
    if (i < 200 ? i % 10 == 0 : i < 500) text += e + "<http://x/population> " + std::to_string(i * 1000) + " .\n";
  }
  Load("states.ttl", text);
  const std::string star = "SELECT * { ?e a <http://x/State> ; <http://x/label> ?name ; <http://x/population> ?n }";
  const auto plan = db_->Explain(star, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("1. scan ?e rdf:type <http://x/State>"));
  EXPECT_THAT(*plan, HasSubstr("2. scan ?e <http://x/population> ?n"));
  EXPECT_THAT(*plan, HasSubstr("3. scan ?e <http://x/label> ?name"));
  EXPECT_EQ(Rows(star).size(), 20u);
}

// An OPTIONAL opened once per left row switches to the predicate's edges in
// memory after a few rows (and a second run finds them there): the rows
// must be those of seeking each time, from either end of the predicate,
// with a triple asserted in two graphs counted once.
TEST_F(QueryTest, OptionalFollowingEdgesInMemoryFindsWhatSeeksFind) {
  std::string text;
  std::multiset<std::string> expected_aliases, expected_mentions;
  for (const char* g : {"g1", "g2"}) {
    text += std::string("GRAPH <http://x/") + g + "> {\n";
    for (int i = 0; i < 300; ++i) {
      const std::string e = "<http://x/e" + std::to_string(i) + ">";
      text += e + " a <http://x/T> .\n";
      for (int k = 0; k < i % 3; ++k) {  // 0, 1 or 2 aliases
        text += e + " <http://x/alias> \"a" + std::to_string(i) + "-" + std::to_string(k) + "\" .\n";
      }
      if (i % 4 == 0) text += "<http://x/doc" + std::to_string(i % 7) + "> <http://x/mentions> " + e + " .\n";
    }
    text += "}\n";
  }
  for (int i = 0; i < 300; ++i) {
    const std::string e = "<http://x/e" + std::to_string(i) + ">";
    if (i % 3 == 0) expected_aliases.insert(e + " UNDEF");
    for (int k = 0; k < i % 3; ++k) {
      expected_aliases.insert(e + " \"a" + std::to_string(i) + "-" + std::to_string(k) + "\"");
    }
    expected_mentions.insert(e + (i % 4 == 0 ? " <http://x/doc" + std::to_string(i % 7) + ">" : " UNDEF"));
  }
  Load("aliases.trig", text);
  const auto rows = [&](const std::string& query) {
    std::multiset<std::string> found;
    auto cursor = db_->Query(query);
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    if (!cursor.ok()) return found;
    while (*cursor->Next()) {
      std::string row;
      for (const auto& term : cursor->row()) row += (row.empty() ? "" : " ") + (term ? term->ToNTriples() : "UNDEF");
      found.insert(row);
    }
    return found;
  };
  for (int run = 0; run < 2; ++run) {
    EXPECT_EQ(rows("SELECT ?e ?a { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a } }"), expected_aliases);
    EXPECT_EQ(rows("SELECT ?e ?d { ?e a <http://x/T> OPTIONAL { ?d <http://x/mentions> ?e } }"), expected_mentions);
    EXPECT_EQ(rows("SELECT ?e ?a { GRAPH <http://x/g2> { ?e a <http://x/T> OPTIONAL { ?e <http://x/alias> ?a } } }"),
              expected_aliases);
  }
}

TEST_F(QueryTest, ExplainAnalyzeCountsRowsPerOperator) {
  Load("news.trig", kMemberships);
  auto cursor = db_->Query("EXPLAIN ANALYZE SELECT ?c WHERE { ?c <http://example.org/memberOf> ?o }");
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  ASSERT_THAT(cursor->columns(), ElementsAre("plan"));
  std::string plan;
  while (*cursor->Next()) plan += cursor->row()[0]->value + "\n";
  EXPECT_THAT(plan, HasSubstr("IndexNestedLoop over 1 triple pattern(s)"));
  EXPECT_THAT(plan, HasSubstr("[rows 3, opened 1x,"));
  EXPECT_THAT(plan, HasSubstr("3 result rows in"));
}

// EXPLAIN ANALYZE shows the plan that ran, shortcuts and run-time switches
// included, with the rows each part gave.
TEST_F(QueryTest, ExplainAnalyzeShowsWhatRan) {
  std::string text;
  for (int i = 0; i < 400; ++i) {
    const std::string e = "<http://x/e" + std::to_string(i) + ">";
    text += e + " a <http://x/T" + std::to_string(i % 4) + "> ; <http://www.w3.org/2000/01/rdf-schema#label> \"entity " +
            std::to_string(i) + "\" .\n";
    if (i % 2 == 0) text += e + " <http://x/alias> \"a" + std::to_string(i) + "\" .\n";
  }
  text += "<http://x/pipeline> <http://www.w3.org/2000/01/rdf-schema#label> \"Power of Siberia\" .\n";
  Load("entities.ttl", text);
  const auto analyze = [&](const std::string& query) {
    auto plan = db_->Explain(query, true);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : "";
  };
  // The name search ran and found one entity (EXPLAIN used to say that a
  // constant was missing and no row could come).
  const std::string search = analyze("SELECT ?e { ?e <https://relata.dev/ns#search> \"power sib\" }");
  EXPECT_THAT(search, HasSubstr("NameSearch ?e for \"power sib\", best match first  [rows 1, opened 1x"));
  EXPECT_THAT(search, HasSubstr("\n1 result rows in"));
  // GROUP BY over one predicate counts its edges, also when analysed.
  EXPECT_THAT(analyze("SELECT ?t (COUNT(?e) AS ?n) { ?e a ?t } GROUP BY ?t"),
              HasSubstr("Group by ?t, counting the edges in memory of ?e "
                        "rdf:type ?t  [rows 4, opened 1x"));
  // An OPTIONAL opened per left row switches to the edges in memory once
  // its seeks cost what reading them costs: ANALYZE counts those opens.
  const std::string optional = analyze("SELECT * { ?e a <http://x/T1> OPTIONAL { ?e <http://x/alias> ?a } }");
  EXPECT_THAT(optional, HasSubstr("1. scan ?e <http://x/alias> ?a, or follow its edges in memory from the subject"));
  EXPECT_THAT(optional, ::testing::ContainsRegex("opened 100x, [0-9]+x from edges in memory\\]"));
}

// An EXISTS pattern of several triples runs per row at first; once those
// runs have cost what one run with nothing bound costs, that run's rows
// answer every later row: the same answers, far fewer opens.
TEST_F(QueryTest, AnExistsPatternOfSeveralTriplesRunsOnceForManyRows) {
  LoadPeople(2);
  // Those with i % 4 == 0 know someone of T1 (i + 1); nobody else does.
  const std::string body = "{ ?e a ?t FILTER NOT EXISTS { ?e <http://x/knows> ?f . ?f a <http://x/T1> } }";
  EXPECT_EQ(Count(body), Integer(1500));
  EXPECT_EQ(Count("{ ?e a ?t FILTER EXISTS { ?e <http://x/knows> ?f . ?f a <http://x/T1> } }"), Integer(500));
  // ?t bound in some rows and not in others: rows of T0 (?t unbound) match
  // whoever they know; rows binding ?t only someone of their own type, and
  // nobody knows one.
  EXPECT_EQ(Count("{ { ?e a <http://x/T0> } UNION { ?e a ?t } FILTER EXISTS { ?e <http://x/knows> ?f . ?f a ?t } }"),
            Integer(500));
  auto plan = db_->Explain("SELECT (COUNT(*) AS ?n) " + body, true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const std::size_t opened = OpensUnder(*plan, "NotExists");
  EXPECT_GT(opened, 0u);
  EXPECT_LT(opened, 500u) << *plan;  // not once per row of the 2,000
  // ANALYZE says when the runs per row ended, and shows the one run.
  EXPECT_THAT(*plan, ::testing::ContainsRegex(absl::StrCat("after ", opened,
                                                           " runs per row, one run with nothing bound answered the "
                                                           "rest  \\[500 rows hashed")))  // the pairs i -> i + 1 of T1
      << *plan;
  plan = db_->Explain("SELECT (COUNT(*) AS ?n) " + body, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("or, once the runs per row cost as much, one run with nothing bound for the rest:"));
}

// EXISTS of one triple pattern with a constant predicate moves from a run
// per row to a look in the predicate's edges once the runs cost as much.
TEST_F(QueryTest, AnExistsOfOneTripleLooksInThePredicatesEdges) {
  LoadPeople(3);
  EXPECT_EQ(Count("{ ?e a ?t FILTER NOT EXISTS { ?e <http://x/knows> ?f } }"), Integer(1333));
  EXPECT_EQ(Count("{ ?e a ?t FILTER EXISTS { ?e <http://x/knows> ?f } }"), Integer(667));
  // Both ends bound by the row, and the object end alone (run per row).
  EXPECT_EQ(Count("{ ?e <http://x/knows> ?f . ?f a ?t FILTER EXISTS { ?e <http://x/knows> ?f } }"), Integer(667));
  EXPECT_EQ(Count("{ ?e <http://x/knows> ?f BIND(?e AS ?same) FILTER NOT EXISTS { ?e <http://x/knows> ?same } }"),
            Integer(667));  // nobody knows themselves, though each of them knows someone
  EXPECT_EQ(Count("{ ?f a ?t FILTER EXISTS { ?e <http://x/knows> ?f } }"), Integer(667));
  EXPECT_EQ(Count("{ ?e a ?t FILTER EXISTS { ?e <http://x/knows> <http://x/e1> } }"), Integer(1));
  auto plan = db_->Explain("SELECT (COUNT(*) AS ?n) { ?e a ?t FILTER NOT EXISTS { ?e <http://x/knows> ?f } }", true);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const std::size_t opened = OpensUnder(*plan, "NotExists");
  EXPECT_GT(opened, 0u);
  EXPECT_LT(opened, 500u) << *plan;
  EXPECT_THAT(*plan, HasSubstr(absl::StrCat("after ", opened,
                                            " runs per row, the rest looked in the predicate's edges in memory  "
                                            "[667 edges")))
      << *plan;
}

// FILTER(!BOUND(?f)) over OPTIONAL { P } keeps the rows P has no match for.
// When every match of P binds ?f and the left side never does, it runs as
// NOT EXISTS { P } (an anti-join); when the left side may bind ?f, as written.
TEST_F(QueryTest, AnOptionalWhoseVariableMustStayUnboundRunsAsNotExists) {
  LoadPeople(3);  // the 667 with i % 3 == 0 know someone
  const std::string body = "{ ?e a ?t OPTIONAL { ?e <http://x/knows> ?f } FILTER(!BOUND(?f)) }";
  EXPECT_EQ(Count(body), Integer(1333));
  // Every left row counts, repeated ones too.
  EXPECT_EQ(Count("{ VALUES ?k { 1 2 } ?e a ?t OPTIONAL { ?e <http://x/knows> ?f } FILTER(!BOUND(?f)) }"),
            Integer(2666));
  // The other conditions see ?f unbound. Of T1 (i % 4 == 1), the 166 with
  // i % 12 == 9 know someone.
  EXPECT_EQ(Count("{ ?e a ?t OPTIONAL { ?e <http://x/knows> ?f } FILTER(!BOUND(?f)) "
                  "FILTER(COALESCE(?f, ?t) = <http://x/T1>) }"),
            Integer(334));
  auto plan = db_->Explain("SELECT (COUNT(*) AS ?n) " + body, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("runs as NOT EXISTS"));
  // T0 rows bind ?f before the OPTIONAL: it finds them no match (nobody knows
  // themselves), yet ?f is bound and they go. The other rows keep 1,000.
  const std::string left_binds =
      "{ ?e a ?t BIND(IF(?t = <http://x/T0>, ?e, 1/0) AS ?f) OPTIONAL { ?e <http://x/knows> ?f } "
      "FILTER(!BOUND(?f)) }";
  EXPECT_EQ(Count(left_binds), Integer(1000));
  plan = db_->Explain("SELECT (COUNT(*) AS ?n) " + left_binds, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ::testing::Not(HasSubstr("runs as NOT EXISTS")));
}

// A triple checked for a few rows per query seeks; once the checks of the
// queries over the same snapshot have cost what reading the predicate's
// edges costs, they probe the edges in memory, and ANALYZE says so.
TEST_F(QueryTest, ChecksRepeatedOverQueriesMoveToTheEdgesInMemory) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    const std::string p = "<http://x/p" + std::to_string(i) + ">";
    text += p + " <http://x/memberOf> <http://x/d" + std::to_string(i % 50) + "> .\n";
    if (i < 40) text += p + " <http://x/advisor> <http://x/d" + std::to_string(i % 50) + "> .\n";
  }
  Load("members.nt", text);
  const std::string query = "SELECT * { ?p <http://x/advisor> ?d . ?p <http://x/memberOf> ?d }";
  const auto analyze = [&] {
    auto plan = db_->Explain(query, true);
    EXPECT_TRUE(plan.ok()) << plan.status();
    return plan.ok() ? *plan : "";
  };
  const std::string first = analyze();
  EXPECT_THAT(first, HasSubstr("2. scan ?p <http://x/memberOf> ?d, or probe its edges in memory once they are read or pay"
                               "  (est "));
  EXPECT_THAT(first, HasSubstr("[rows 40, opened 40x]"));  // 40 seeks: 2,000 edges are not worth reading yet
  std::string later;
  int runs = 1;
  for (; runs < 10 && later.find("from edges in memory") == std::string::npos; ++runs) later = analyze();
  EXPECT_EQ(runs, 3) << "2,000 edges are read after 2,000 / 32 seeks: in the second query";
  EXPECT_THAT(analyze(), HasSubstr("[rows 40, opened 40x, 40x from edges in memory]"));
  auto rows = testing::ReadAll(db_->Query(query));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->size(), 40u);
}

TEST_F(QueryTest, CyclicJoinProbesAHashSetAndFindsTheSameRows) {
  // 200 people, each working for one of 20 organisations in one of 5
  // countries, and living in one: the last pattern closes a cycle.
  std::string text;
  for (int i = 0; i < 200; ++i) {
    const std::string x = "<http://x/p" + std::to_string(i) + ">";
    text += x + " <http://x/worksFor> <http://x/o" + std::to_string(i % 20) + "> .\n";
    text += x + " <http://x/livesIn> <http://x/c" + std::to_string(i % 7 % 5) + "> .\n";
  }
  for (int o = 0; o < 20; ++o) {
    text += "<http://x/o" + std::to_string(o) + "> <http://x/locatedIn> <http://x/c" + std::to_string(o % 5) + "> .\n";
  }
  Load("cycle.nt", text);
  const std::string query =
      "SELECT ?x WHERE { ?x <http://x/worksFor> ?o . ?o <http://x/locatedIn> ?c . ?x <http://x/livesIn> ?c }";
  auto plan = db_->Explain(query, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("probe the edges in memory of ?x <http://x/livesIn> ?c"));
  // The same answer as a plan without the probe: people whose organisation's
  // country is their own, counted directly.
  std::size_t expected = 0;
  for (int i = 0; i < 200; ++i) expected += (i % 20) % 5 == i % 7 % 5;
  EXPECT_EQ(Rows(query).size(), expected);
}

// A join that reaches one predicate from many bound ends reads that
// predicate's edges once: the same rows as seeking per row, graph by graph,
// and a triple stated in two graphs once in the union default graph.
TEST_F(QueryTest, ManyProbesFollowEdgesInMemoryWithTheSameRows) {
  // 50 organisations in 5 countries; 300 people, each working for one and
  // living in one country; the same in two graphs, g2 with one more person.
  std::string text;
  std::size_t expected = 0;
  for (const char* g : {"g1", "g2"}) {
    text += std::string("GRAPH <http://x/") + g + "> {\n";
    for (int o = 0; o < 50; ++o) {
      text += "<http://x/o" + std::to_string(o) + "> <http://x/in> <http://x/c" + std::to_string(o % 5) + "> .\n";
    }
    for (int i = 0; i < 300; ++i) {
      const std::string x = "<http://x/p" + std::to_string(i) + ">";
      text += x + " <http://x/worksFor> <http://x/o" + std::to_string(i % 50) + "> .\n";
      text += x + " <http://x/livesIn> <http://x/c" + std::to_string(i % 7 % 5) + "> .\n";
      if (g[1] == '1') expected += (i % 50) % 5 == i % 7 % 5;
    }
    text += "}\n";
  }
  text += "GRAPH <http://x/g2> { <http://x/extra> <http://x/worksFor> <http://x/o7> ; <http://x/livesIn> <http://x/c2> }\n";
  Load("work.trig", text);
  const std::string join = "?o <http://x/in> ?c . ?x <http://x/worksFor> ?o . ?x <http://x/livesIn> ?c";
  auto plan = db_->Explain("SELECT ?x WHERE { " + join + " }", false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("follow the edges in memory of ?x <http://x/worksFor> ?o"));
  EXPECT_EQ(Rows("SELECT ?x WHERE { " + join + " }").size(), expected + 1);  // once across graphs
  const auto count = [](std::size_t n) {
    return "\"" + std::to_string(n) + "\"^^<http://www.w3.org/2001/XMLSchema#integer>";
  };
  EXPECT_THAT(Rows("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { " + join + " } } GROUP BY ?g ORDER BY ?g"),
              ElementsAre("<http://x/g1> " + count(expected), "<http://x/g2> " + count(expected + 1)));
}

TEST_F(QueryTest, ProbesAndPathsInsideGraphSeeOnlyThatGraph) {
  // The same shapes in two graphs with different data: what a query reads
  // once into memory (hash-set probes, path edges) belongs to one graph.
  std::string text;
  for (const char* g : {"g1", "g2"}) {
    text += std::string("GRAPH <http://x/") + g + "> {\n";
    for (int i = 0; i < 3000; ++i) {
      text += "<http://x/n" + std::to_string(i) + "> <http://x/next> <http://x/n" + std::to_string(i + 1) + "> .\n";
    }
    text += std::string("<http://x/n0> <http://x/tag> <http://x/") + g + "> . }\n";
  }
  text += "GRAPH <http://x/g2> { <http://x/n3000> <http://x/next> <http://x/extra> }\n";
  Load("graphs.trig", text);
  EXPECT_THAT(Rows("SELECT ?g WHERE { GRAPH ?g { <http://x/n0> <http://x/next>+ <http://x/extra> } }"),
              ElementsAre("<http://x/g2>"));
  EXPECT_THAT(Rows("SELECT ?g (COUNT(?n) AS ?c) WHERE { GRAPH ?g { <http://x/n0> <http://x/next>+ ?n } } "
                   "GROUP BY ?g ORDER BY ?g"),
              ElementsAre("<http://x/g1> \"3000\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<http://x/g2> \"3001\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  EXPECT_THAT(Rows("SELECT ?g WHERE { GRAPH ?g { ?x <http://x/next> ?y . ?x <http://x/tag> <http://x/g2> } }"),
              ElementsAre("<http://x/g2>"));
}

TEST_F(QueryTest, EachOrderKeyComparesWithItsOwnConstant) {
  Load("ab.ttl", "<http://x/s1> <http://x/a> 1 ; <http://x/b> 50 .\n<http://x/s2> <http://x/a> 1 ; <http://x/b> 200 .\n");
  EXPECT_THAT(Rows("SELECT ?b WHERE { ?s <http://x/a> ?a ; <http://x/b> ?b } ORDER BY (?a > 3) DESC(?b > 100)"),
              ElementsAre("\"200\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "\"50\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

}  // namespace
}  // namespace relata
