// relata:search as a query author uses it: which entities a typed name
// finds, in which order, and that the index follows every way of writing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class NameSearchTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Load("names.ttl", R"(
      @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
      @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
      @prefix kg: <https://relata.dev/kg/> .
      <http://e/putin> rdfs:label "Vladimir Putin" ; kg:alias "Путин" .
      <http://e/pos> rdfs:label "Power of Siberia" .
      <http://e/pos2> rdfs:label "Power of Siberia 2" ; skos:altLabel "Soyuz Vostok" .
      <http://e/xi> rdfs:label "Xi Jinping" .
      <http://e/lavrov> <http://example.org/says> "Vladimir" .
    )");
  }
  std::vector<std::string> Search(const std::string& text) {
    return Rows("PREFIX relata: <https://relata.dev/ns#> SELECT ?e WHERE { ?e relata:search \"" +
                text + "\" }");
  }
};

TEST_F(NameSearchTest, WordPrefixesFindBestFirst) {
  EXPECT_THAT(Search("power sib"), ElementsAre("<http://e/pos>", "<http://e/pos2>"));
}

TEST_F(NameSearchTest, CaseAndScriptDoNotMatter) {
  EXPECT_THAT(Search("PUTIN"), ElementsAre("<http://e/putin>"));
  EXPECT_THAT(Search("Путин"), ElementsAre("<http://e/putin>"));
  EXPECT_THAT(Search("Владимир"), ElementsAre("<http://e/putin>"));
}

TEST_F(NameSearchTest, AliasesAreNames) {
  EXPECT_THAT(Search("vostok"), ElementsAre("<http://e/pos2>"));
}

TEST_F(NameSearchTest, OtherLiteralsAreNotNames) {
  EXPECT_THAT(Search("vladimir"), ElementsAre("<http://e/putin>"));
}

TEST_F(NameSearchTest, EveryWordMustMatch) {
  EXPECT_THAT(Search("xi putin"), ElementsAre());
  EXPECT_THAT(Search("putin putin"), ElementsAre());
}

TEST_F(NameSearchTest, ListSubjectBindsTheScore) {
  EXPECT_THAT(Rows("PREFIX relata: <https://relata.dev/ns#> SELECT ?e ?score WHERE { "
                   "(?e ?score) relata:search \"xi jinping\" }"),
              ElementsAre("<http://e/xi> \"1.0\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
}

TEST_F(NameSearchTest, JoinsWithTheRestOfThePattern) {
  EXPECT_THAT(Rows("PREFIX relata: <https://relata.dev/ns#> "
                   "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                   "SELECT ?name WHERE { ?e relata:search \"siberia\" ; rdfs:label ?name }"),
              ElementsAre("\"Power of Siberia\"", "\"Power of Siberia 2\""));
}

TEST_F(NameSearchTest, TextFromAVariable) {
  EXPECT_THAT(Rows("PREFIX relata: <https://relata.dev/ns#> SELECT ?e WHERE { "
                   "VALUES ?q { \"jinping\" } ?e relata:search ?q }"),
              ElementsAre("<http://e/xi>"));
}

TEST_F(NameSearchTest, UnboundTextIsAnError) {
  // The query may fail when it starts or at its first row.
  auto cursor = db_->Query("PREFIX relata: <https://relata.dev/ns#> SELECT ?e WHERE { ?e relata:search ?q }");
  absl::Status status = cursor.status();
  if (cursor.ok()) status = cursor->Next().status();
  EXPECT_THAT(status.message(), HasSubstr("relata:search needs the text"));
}

TEST_F(NameSearchTest, InsertedNamesAreFound) {
  const Quad quad{Term::Iri("http://e/lavrov"), Term::Iri("http://www.w3.org/2000/01/rdf-schema#label"),
                  Term::Literal("Sergei Lavrov"), Term::Iri("")};
  ASSERT_TRUE(db_->Insert({&quad, 1}).ok());
  EXPECT_THAT(Search("lavrov"), ElementsAre("<http://e/lavrov>"));
}

TEST_F(NameSearchTest, ALimitTakesTheBestOfManyMatches) {
  // 300 names beginning with "rom", of 300 different lengths, inserted longest first.
  std::vector<Quad> quads;
  for (int i = 299; i >= 0; --i) {
    quads.push_back({Term::Iri("http://e/rom" + std::to_string(i)),
                     Term::Iri("http://www.w3.org/2000/01/rdf-schema#label"),
                     Term::Literal("Rom" + std::string(static_cast<std::size_t>(i), 'a')), Term::Iri("")});
  }
  ASSERT_TRUE(db_->Insert(quads).ok());
  const std::vector<std::string> all = Search("rom");
  ASSERT_EQ(all.size(), 300u);
  EXPECT_THAT(Rows("PREFIX relata: <https://relata.dev/ns#> SELECT ?e WHERE { ?e relata:search \"rom\" } LIMIT 3"),
              ElementsAre("<http://e/rom0>", "<http://e/rom1>", "<http://e/rom2>"));
  EXPECT_EQ(all[299], "<http://e/rom299>");
}

TEST_F(NameSearchTest, TwoSearchesGiveEveryPairInOrder) {
  EXPECT_THAT(Rows("PREFIX relata: <https://relata.dev/ns#> SELECT ?a ?b WHERE { "
                   "?a relata:search \"power\" . ?b relata:search \"putin\" }"),
              ElementsAre("<http://e/pos> <http://e/putin>", "<http://e/pos2> <http://e/putin>"));
}

}  // namespace
}  // namespace relata
