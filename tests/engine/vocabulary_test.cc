// One vocabulary for the drift of extractors' predicates (synonyms mapped at
// load, inverse names flipped, the written name kept on the reifier), and
// conflicts: where documents give one subject different values of a
// functional predicate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class VocabularyTest : public testing::DatabaseTest {
 protected:
  absl::StatusOr<LoadReport> Load(const std::vector<std::string>& lines, const std::string& name = "input.jsonl") {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return db_->Load(WriteFile(name, text));
  }
};

constexpr char kDeclarations[] =
    R"({"kind":"predicate","name":"participates_in","synonyms":["participated_in","takes_part_in"]})" "\n"
    R"({"kind":"predicate","name":"member_of","inverse":"has_member"})";

TEST_F(VocabularyTest, ASynonymIsStoredAsItsPredicateAndTheReifierKeepsTheWrittenName) {
  ASSERT_TRUE(Load({kDeclarations,
                    R"({"kind":"relation","subject":{"name":"Russia","type":"State"},"predicate":"participated_in",)"
                    R"("object":{"name":"Victory Parade","type":"Event"},"confidence":0.9})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:russia kg:participates_in ?o }"),
              ElementsAre("<https://relata.dev/e/victory-parade>"));
  EXPECT_THAT(Rows("SELECT ?o WHERE { ?s kg:participated_in ?o }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?stated ?c WHERE { ?r rdf:reifies <<( e:russia kg:participates_in e:victory-parade )>> ; "
                   "kg:stated_predicate ?stated ; kg:confidence ?c }"),
              ElementsAre("\"participated_in\" \"0.9\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
  // The declaration is in the vocabulary graph.
  EXPECT_THAT(Rows("SELECT ?s WHERE { GRAPH <https://relata.dev/vocabulary> { kg:participates_in kg:synonym ?s } } "
                   "ORDER BY ?s"),
              ElementsAre("\"participated_in\"", "\"takes_part_in\""));
}

TEST_F(VocabularyTest, AnInverseNameIsStoredTheOtherWayRound) {
  ASSERT_TRUE(Load({kDeclarations, R"({"kind":"relation","subject":{"name":"BRICS","type":"Organization"},)"
                                   R"("predicate":"has_member","object":{"name":"Russia","type":"State"}})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:russia kg:member_of ?o }"), ElementsAre("<https://relata.dev/e/brics>"));
  EXPECT_THAT(Rows("SELECT ?stated WHERE { ?r rdf:reifies <<( e:russia kg:member_of e:brics )>> ; "
                   "kg:stated_predicate ?stated }"),
              ElementsAre("\"has_member\""));
}

TEST_F(VocabularyTest, ALaterLoadUsesTheStoredDeclarations) {
  ASSERT_TRUE(Load({kDeclarations}, "vocabulary.jsonl").ok());
  ASSERT_TRUE(Load({R"({"kind":"relation","subject":{"name":"China","type":"State"},"predicate":"takes_part_in",)"
                    R"("object":{"name":"Victory Parade","type":"Event"}})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?s WHERE { ?s kg:participates_in e:victory-parade }"),
              ElementsAre("<https://relata.dev/e/china>"));
}

TEST_F(VocabularyTest, ContradictoryDeclarationsAndMisusedInversesAreErrorsWithTheirPosition) {
  auto twice = Load({kDeclarations, R"({"kind":"predicate","name":"attended","synonyms":["participated_in"]})"});
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(std::string(twice.status().message()),
              HasSubstr("input.jsonl:3:2: predicate: \"participated_in\" already stands for participates_in; it cannot "
                        "also stand for attended"));
  auto own = Load({kDeclarations, R"({"kind":"predicate","name":"attended","synonyms":["member_of"]})"});
  ASSERT_FALSE(own.ok());
  EXPECT_THAT(std::string(own.status().message()), HasSubstr("\"member_of\" is declared as a predicate of its own"));
  auto literal = Load({kDeclarations, R"({"kind":"relation","subject":{"name":"BRICS"},"predicate":"has_member",)"
                                      R"("object":{"value":10}})"});
  ASSERT_FALSE(literal.ok());
  EXPECT_THAT(std::string(literal.status().message()), HasSubstr("input.jsonl:3:2: object: \"has_member\" is declared the inverse "
                                                    "of member_of: its object must be an entity"));
  auto stats = db_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->quads, 0u) << "a failed load left quads behind";
}

// The conflicts of a generated graph are exactly the planted ones: three
// documents of different dates state the population of 40 cities, equal but
// for the planted cities; a predicate with two values in one document (not
// functional) and an entity-valued one (undeclared) never count; a declared
// functional entity-valued one does.
TEST_F(VocabularyTest, ConflictsAreExactlyThePlantedOnesNewestFirst) {
  std::vector<std::string> lines = {
      R"({"kind":"predicate","name":"capital","functional":true})",
      R"({"kind":"document","id":"d2023","title":"2023","published":"2023-05-01"})",
      R"({"kind":"document","id":"d2025","title":"2025","published":"2025-05-01"})",
      R"({"kind":"document","id":"d2024","title":"2024","published":"2024-05-01"})"};
  const std::set<int> planted = {3, 17, 29};
  for (const char* document : {"d2023", "d2024", "d2025"}) {
    const bool newest = std::string(document) == "d2025";
    for (int city = 0; city < 40; ++city) {
      const int population = 1000 + city + (newest && planted.count(city) ? 500 : 0);
      lines.push_back(absl::StrCat(R"({"kind":"relation","subject":{"name":"City )", city,
                                   R"(","type":"City"},"predicate":"population","object":{"value":)", population,
                                   R"(},"confidence":0.8,"document":")", document, R"("})"));
      // Two nicknames in one document: a many-valued predicate.
      for (const char* nickname : {"one", newest ? "three" : "two"}) {
        lines.push_back(absl::StrCat(R"({"kind":"relation","subject":{"name":"City )", city,
                                     R"(","type":"City"},"predicate":"nickname","object":{"value":")", nickname,
                                     R"("},"document":")", document, R"("})"));
      }
    }
    lines.push_back(absl::StrCat(R"({"kind":"relation","subject":{"name":"Ruritania","type":"State"},)"
                                 R"("predicate":"capital","object":{"name":")",
                                 newest ? "Strelsau" : "Zenda", R"(","type":"City"},"document":")", document, R"("})"));
    lines.push_back(absl::StrCat(R"({"kind":"relation","subject":{"name":"Ruritania","type":"State"},)"
                                 R"("predicate":"borders","object":{"name":")",
                                 newest ? "Kravonia" : "Graustark", R"(","type":"State"},"document":")", document,
                                 R"("})"));
  }
  ASSERT_TRUE(Load(lines).ok());
  auto cursor = db_->Query(ConflictsQuery());
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  auto rows = testing::ReadAll(std::move(cursor));
  ASSERT_TRUE(rows.ok()) << rows.status();
  std::set<std::string> conflicted;
  std::vector<std::string> city_three;
  for (const auto& row : *rows) {
    conflicted.insert(row[0]->value + " " + row[1]->value);
    if (row[0]->value == "https://relata.dev/e/city-3") {
      city_three.push_back(absl::StrCat(row[2]->value, " ", row[3]->value, " ", row[4]->value, " ",
                                        row[5] ? row[5]->value : "-"));
    }
  }
  std::set<std::string> expected;
  for (const int city : planted) {
    expected.insert(absl::StrCat("https://relata.dev/e/city-", city, " https://relata.dev/kg/population"));
  }
  expected.insert("https://relata.dev/e/ruritania https://relata.dev/kg/capital");
  EXPECT_EQ(conflicted, expected);
  EXPECT_THAT(city_three, ElementsAre("1503 https://relata.dev/doc/d2025 2025-05-01 0.8",
                                      "1003 https://relata.dev/doc/d2024 2024-05-01 0.8",
                                      "1003 https://relata.dev/doc/d2023 2023-05-01 0.8"));
}

// docs/sparql.md shows the query the tools run, as it is.
TEST(ConflictsQueryTest, TheDocumentedQueryIsTheOneThatRuns) {
  std::ifstream in(RELATA_SOURCE_DIR "/docs/sparql.md");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t section = text.find("## Conflicts: where documents disagree");
  ASSERT_NE(section, std::string::npos);
  const std::size_t start = text.find("```sparql\n", section) + std::string("```sparql\n").size();
  const std::size_t end = text.find("```", start);
  EXPECT_EQ(text.substr(start, end - start), std::string(ConflictsQuery()));
}

}  // namespace
}  // namespace relata
