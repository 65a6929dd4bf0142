// The bundled news graph (data/news/) as the articles behind it state it:
// every evidence is the span of its article that its offsets point at, every
// document names its article, and the places where the articles disagree
// are the conflicts the engine reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSeeds[] = RELATA_SOURCE_DIR "/../shared/seeds";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The code points [start, end) of UTF-8 `text`, or "" past its end.
std::string CodePoints(const std::string& text, std::size_t start, std::size_t end) {
  std::vector<std::size_t> at;  // byte offset of each code point
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) at.push_back(i);
  }
  at.push_back(text.size());
  if (start > end || end >= at.size()) return "";
  return text.substr(at[start], at[end] - at[start]);
}

class NewsGraphTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(RELATA_SOURCE_DIR "/data/news")) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    }
    const auto loaded = db_->Load(files);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    ASSERT_TRUE(std::filesystem::is_directory(kSeeds)) << kSeeds << ": the seed articles are missing";
  }
};

TEST_F(NewsGraphTest, EveryEvidenceIsTheSpanOfItsArticleThatItsOffsetsPointAt) {
  auto rows = testing::ReadAll(db_->Query(
      "SELECT ?url ?evidence ?start ?end WHERE { GRAPH ?d { ?d kg:url ?url . "
      "?r kg:evidence ?evidence . OPTIONAL { ?r kg:start ?start ; kg:end ?end } } }"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_GE(rows->size(), 140u);
  std::map<std::string, std::string> articles;
  for (const auto& row : *rows) {
    const std::string& evidence = row[1]->value;
    ASSERT_TRUE(row[2].has_value() && row[3].has_value()) << "no offsets for: " << evidence;
    std::string& article = articles[row[0]->value];
    if (article.empty()) article = ReadFile(std::string(kSeeds) + "/" + row[0]->value.substr(row[0]->value.find('/') + 1));
    ASSERT_FALSE(article.empty()) << row[0]->value << " is not a seed article";
    EXPECT_EQ(CodePoints(article, std::stoul(row[2]->value), std::stoul(row[3]->value)), evidence)
        << row[0]->value << " [" << row[2]->value << ", " << row[3]->value << ")";
  }
}

TEST_F(NewsGraphTest, EveryArticleIsADocumentThatNamesItsSeedFile) {
  EXPECT_THAT(Rows("SELECT ?url WHERE { ?d a kg:SourceDocument ; kg:url ?url } ORDER BY ?url"),
              ElementsAre("\"seeds/000_d030115219dc1583.txt\"", "\"seeds/001_ad300a173e81270b.txt\"",
                          "\"seeds/002_24067cc064bb8fff.txt\"", "\"seeds/003_3921f62b20df3c53.txt\"",
                          "\"seeds/004_0cc0d556a0cfd33b.txt\""));
  // The charter and the resolution an article names are documents, not articles.
  EXPECT_THAT(Rows("SELECT ?d WHERE { ?d a kg:Document } ORDER BY ?d"),
              ElementsAre("<https://relata.dev/e/resolution-on-the-eradication-of-colonialism>",
                          "<https://relata.dev/e/un-charter>"));
}

TEST_F(NewsGraphTest, TheArticlesDisagreeOnRussianStudentsInChinaNewestFirst) {
  auto rows = testing::ReadAll(db_->Query(ConflictsQuery()));
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::vector<std::string> students;
  for (const auto& row : *rows) {
    if (row[1]->value != "https://relata.dev/kg/students_in_china") continue;
    students.push_back(row[0]->value + " " + row[2]->value + " " + row[3]->value + " " +
                       (row[4] ? row[4]->value : "undated"));
  }
  EXPECT_THAT(students,
              ElementsAre("https://relata.dev/e/russia 25000 https://relata.dev/doc/xinhua-2025-06-20-putin-collaboration "
                          "2025-06-21",
                          "https://relata.dev/e/russia 21000 https://relata.dev/doc/izvestia-2025-putin-xinhua-interview "
                          "undated"));
}

// What the articles do not say is not in the graph, and what they say of
// two visits or two interviews is about two things.
TEST_F(NewsGraphTest, FactsTheArticlesDoNotStateAreGone) {
  EXPECT_THAT(Rows("SELECT * WHERE { ?city kg:capital_of ?state }"), IsEmpty());
  // "These attempts", which the next sentence condemns, are not Germany.
  EXPECT_THAT(Rows("SELECT ?x WHERE { e:russia kg:condemns ?x }"),
              ElementsAre("<https://relata.dev/e/remilitarization-of-europe>"));
  EXPECT_THAT(Rows("SELECT ?p WHERE { ?p kg:works_for ?x ; kg:description \"Web editor\" }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?year WHERE { e:xi-jinping kg:made ?v . ?v kg:destination e:russia ; kg:year ?year } "
                   "ORDER BY ?year"),
              ElementsAre("\"2013\"^^<http://www.w3.org/2001/XMLSchema#integer>", "\"2023\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "\"2025\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  EXPECT_THAT(Rows("SELECT ?i (COUNT(DISTINCT ?g) AS ?articles) WHERE { GRAPH ?g { e:vladimir-putin kg:gave ?i } } "
                   "GROUP BY ?i ORDER BY ?i"),
              ElementsAre("<https://relata.dev/e/vladimir-putins-2024-interview-with-xinhua> "
                          "\"2\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                          "<https://relata.dev/e/vladimir-putins-2025-interview-with-xinhua> "
                          "\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
  // Every entity an article names takes part in some relation.
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e a ?t FILTER(STRSTARTS(STR(?e), STR(e:))) FILTER NOT EXISTS { ?e ?p ?o "
                   "FILTER(?p NOT IN (rdf:type, rdfs:label, kg:alias, kg:description, owl:sameAs) && (isIRI(?o) || "
                   "EXISTS { ?r rdf:reifies <<( ?e ?p ?o )>> })) } FILTER NOT EXISTS { ?s ?q ?e FILTER(STRSTARTS(STR(?s), "
                   "STR(e:))) } }"),
              IsEmpty());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:izvestia kg:published ?o }"),
              ElementsAre("<https://relata.dev/e/vladimir-putins-2025-interview-with-xinhua>"));
}

// "How is Putin connected to the EAEU?": chains of relations, each step
// with the article that states it and its confidence there; some chains run
// through several articles, and show each.
TEST_F(NewsGraphTest, APathShowsTheArticleThatStatesEachStep) {
  auto rows = testing::ReadAll(db_->Query(
      "SELECT ?path ?start ?predicate ?end ?document ?forward ?confidence WHERE { PATHS ALL SHORTEST FROM e:vladimir-putin "
      "TO e:eurasian-economic-union EITHER AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence "
      "?forward) } ORDER BY ?path ?step"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::map<std::string, std::set<std::string>> documents;  // by path
  std::map<std::string, int> steps;
  for (const auto& row : *rows) {
    ASSERT_TRUE(row[4].has_value()) << "a step without its document";
    ASSERT_TRUE(row[6].has_value()) << "a step without its confidence";
    documents[row[0]->value].insert(row[4]->value);
    ++steps[row[0]->value];
    const bool forward = row[5]->value == "true";
    const std::string s = (forward ? row[1] : row[3])->ToNTriples(), o = (forward ? row[3] : row[1])->ToNTriples();
    const std::string triple = s + " " + row[2]->ToNTriples() + " " + o;
    // The document states the triple, with that confidence on its reifier.
    EXPECT_TRUE(Ask("ASK { GRAPH " + row[4]->ToNTriples() + " { " + triple + " . ?r rdf:reifies <<( " + triple +
                    " )>> ; kg:confidence " + row[6]->ToNTriples() + " } }"))
        << triple;
  }
  ASSERT_GE(steps.size(), 2u);
  for (const auto& [path, n] : steps) EXPECT_EQ(n, 4) << "path " << path << " is not a shortest one";
  std::size_t most = 0;
  for (const auto& [path, docs] : documents) most = std::max(most, docs.size());
  EXPECT_EQ(most, 3u) << "no chain runs through three articles";
}

// "What did the articles say about national currencies?": the facts whose
// evidence says it, from the article that states them.
TEST_F(NewsGraphTest, TextSearchFindsTheFactsWhoseEvidenceSaysIt) {
  EXPECT_THAT(Rows("SELECT DISTINCT ?s ?p ?o ?document WHERE { (?r ?score) relata:text \"national currencies\" . "
                   "GRAPH ?document { ?r rdf:reifies <<( ?s ?p ?o )>> } } ORDER BY ?s"),
              ElementsAre("<https://relata.dev/e/china> <https://relata.dev/kg/settles_trade_in> "
                          "<https://relata.dev/e/settlements-in-national-currencies> "
                          "<https://relata.dev/doc/izvestia-2025-putin-xinhua-interview>",
                          "<https://relata.dev/e/russia> <https://relata.dev/kg/settles_trade_in> "
                          "<https://relata.dev/e/settlements-in-national-currencies> "
                          "<https://relata.dev/doc/izvestia-2025-putin-xinhua-interview>"));
}

// The text, the graph and the documents' dates in one query (docs/sparql.md).
TEST_F(NewsGraphTest, TextSearchJoinsWithTheGraphAndTheDocuments) {
  EXPECT_THAT(Rows("SELECT ?s ?p ?o ?document WHERE { "
                   "(?r ?score) relata:text \"gas OR oil OR energy\" . "
                   "GRAPH ?document { ?r rdf:reifies <<( ?s ?p ?o )>> } "
                   "?s kg:member_of e:shanghai-cooperation-organization . "
                   "?o kg:member_of e:shanghai-cooperation-organization . "
                   "OPTIONAL { ?document kg:published ?date } "
                   "FILTER(!BOUND(?date) || ?date >= \"2024-01-01\"^^xsd:date) } ORDER BY DESC(?score) ?p LIMIT 10"),
              ElementsAre("<https://relata.dev/e/russia> <https://relata.dev/kg/exports_gas_to> <https://relata.dev/e/china> "
                          "<https://relata.dev/doc/izvestia-2025-putin-xinhua-interview>",
                          "<https://relata.dev/e/russia> <https://relata.dev/kg/exports_oil_to> <https://relata.dev/e/china> "
                          "<https://relata.dev/doc/izvestia-2025-putin-xinhua-interview>"));
}

// Graph-RAG in one query (docs/sparql.md): the best facts for a text, then
// the neighbourhood of their entities, as a subgraph of the store.
TEST_F(NewsGraphTest, HybridRetrievalGivesTheNeighbourhoodOfTheFactsFound) {
  const std::string query = ReadFile(RELATA_SOURCE_DIR "/examples/queries/hybrid-retrieval.rq");
  ASSERT_FALSE(query.empty());
  const std::vector<std::string> triples = Rows(query);
  EXPECT_THAT(triples, ::testing::Contains("<https://relata.dev/e/power-of-siberia> <https://relata.dev/kg/connects> "
                                           "<https://relata.dev/e/china>"));
  EXPECT_GT(triples.size(), 20u);
  for (const std::string& triple : triples) {
    EXPECT_TRUE(Ask("ASK { " + triple + " }")) << triple << " is not in the store";
  }
}

}  // namespace
}  // namespace relata
