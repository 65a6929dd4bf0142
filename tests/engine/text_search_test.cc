// relata:text as a query author meets it: which texts a query finds, ranked
// as BM25 says (checked against the formula computed here, over a corpus of
// our own), phrases, prefixes, AND/OR/NOT, scripts and word forms, snippets,
// and an index that follows every write and agrees with a rebuild.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kTextPrefixes[] = "PREFIX relata: <https://relata.dev/ns#> PREFIX ex: <http://ex/> ";

class TextSearchTest : public testing::DatabaseTest {
 protected:
  // The holders a query finds, best first.
  std::vector<std::string> Find(const std::string& text) {
    return Rows(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"", Escape(text), "\" }"));
  }
  static std::string Escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out;
  }
  void ExpectConsistent() {
    const auto report = db_->Check();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_THAT(report->problems, IsEmpty());
  }
};

// BM25 by the formula, over texts of words that are their own stems and no
// stop words: the test's own count of every number the formula needs. A
// text held twice is one text of the index.
struct Oracle {
  std::map<std::string, std::vector<std::string>> texts;  // holder -> words
  double Score(const std::string& holder, const std::vector<std::string>& terms) const {
    std::set<std::vector<std::string>> distinct;
    for (const auto& [h, words] : texts) distinct.insert(words);
    const double n = static_cast<double>(distinct.size());
    double total = 0;
    for (const auto& words : distinct) total += static_cast<double>(words.size());
    const double average = total / n;
    const std::vector<std::string>& words = texts.at(holder);
    double score = 0;
    for (const std::string& term : terms) {
      double df = 0;
      for (const auto& w : distinct) df += std::count(w.begin(), w.end(), term) > 0 ? 1 : 0;
      const double tf = static_cast<double>(std::count(words.begin(), words.end(), term));
      if (tf == 0) continue;
      const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
      score += idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * static_cast<double>(words.size()) / average));
    }
    return score;
  }
  bool HasAll(const std::string& holder, const std::vector<std::string>& terms) const {
    const auto& words = texts.at(holder);
    return std::all_of(terms.begin(), terms.end(),
                       [&](const std::string& t) { return std::count(words.begin(), words.end(), t) > 0; });
  }
  bool HasAny(const std::string& holder, const std::vector<std::string>& terms) const {
    const auto& words = texts.at(holder);
    return std::any_of(terms.begin(), terms.end(),
                       [&](const std::string& t) { return std::count(words.begin(), words.end(), t) > 0; });
  }
};

TEST_F(TextSearchTest, RanksAsBm25Says) {
  const unsigned seed = testing::SeedFromEnvironment("RELATA_TEXT_SEED");
  SCOPED_TRACE("RELATA_TEXT_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  const std::vector<std::string> vocabulary = {"gas", "oil", "coal", "grid", "port", "rail", "wind", "dam"};
  // Skewed, as words are: gas is common, dam rare.
  std::discrete_distribution<std::size_t> word({30, 20, 12, 9, 7, 5, 3, 1});
  std::uniform_int_distribution<int> length(1, 14);
  Oracle oracle;
  std::string turtle = "@prefix ex: <http://ex/> .\n";
  for (int i = 0; i < 60; ++i) {
    const std::string holder = "<http://ex/r" + std::to_string(i) + ">";
    std::vector<std::string>& words = oracle.texts[holder];
    for (int w = length(random); w > 0; --w) words.push_back(vocabulary[word(random)]);
    turtle += holder + " ex:evidence \"" + absl::StrJoin(words, " ") + "\" .\n";
  }
  Load("corpus.ttl", turtle);
  for (const auto& [query, terms, all] :
       std::vector<std::tuple<std::string, std::vector<std::string>, bool>>{
           {"gas", {"gas"}, true}, {"dam", {"dam"}, true}, {"gas coal", {"gas", "coal"}, true},
           {"wind OR dam", {"wind", "dam"}, false}, {"oil rail port", {"oil", "rail", "port"}, true}}) {
    SCOPED_TRACE(query);
    const std::vector<std::string> rows = Rows(absl::StrCat(
        kTextPrefixes, "SELECT ?r ?score WHERE { (?r ?score) relata:text \"", query, "\" }"));
    std::set<std::string> found;
    double previous = 1e9;
    for (const std::string& row : rows) {
      const std::string holder = row.substr(0, row.find(' '));
      const std::string score = row.substr(row.find('"') + 1, row.rfind('"') - row.find('"') - 1);
      found.insert(holder);
      const double expected = oracle.Score(holder, terms);
      EXPECT_NEAR(std::stod(score), expected, 0.0006) << holder;
      EXPECT_LE(std::stod(score), previous) << "not best first";
      previous = std::stod(score);
    }
    std::set<std::string> wanted;
    for (const auto& [holder, words] : oracle.texts) {
      if (all ? oracle.HasAll(holder, terms) : oracle.HasAny(holder, terms)) wanted.insert(holder);
    }
    EXPECT_EQ(found, wanted);
  }
}

class NewsTextTest : public TextSearchTest {
 protected:
  void SetUp() override {
    TextSearchTest::SetUp();
    Load("news.ttl", R"(
      @prefix ex: <http://ex/> .
      @prefix kg: <https://relata.dev/kg#> .
      ex:r1 kg:evidence "The Power of Siberia pipeline supplies gas to China." .
      ex:r2 kg:evidence "Power lines of Siberia were repaired." .
      ex:r3 kg:evidence "Settlements are made in national currencies." .
      ex:r4 kg:evidence "Trade in the national currency grew; oil prices fell." .
      ex:r5 kg:evidence "Президент Путин встретился с Си Цзиньпином." .
      ex:r6 kg:evidence "Vladimir Putin met Xi Jinping in Moscow." .
      ex:d1 kg:title "Pipelines and power" .
      ex:e1 ex:note "gas mentioned in a predicate no one indexes" .
    )");
  }
};

TEST_F(NewsTextTest, WordsMatchWhateverTheirFormAndCase) {
  EXPECT_THAT(Find("currency"), UnorderedElementsAre("<http://ex/r3>", "<http://ex/r4>"));
  EXPECT_THAT(Find("PIPELINES"), UnorderedElementsAre("<http://ex/r1>", "<http://ex/d1>"));
}

TEST_F(NewsTextTest, CyrillicAndLatinFindEachOther) {
  EXPECT_THAT(Find("Путин"), UnorderedElementsAre("<http://ex/r5>", "<http://ex/r6>"));
  EXPECT_THAT(Find("putin"), UnorderedElementsAre("<http://ex/r5>", "<http://ex/r6>"));
}

TEST_F(NewsTextTest, PhrasesKeepTheirWordsInOrder) {
  EXPECT_THAT(Find("\"power of siberia\""), ElementsAre("<http://ex/r1>"));
  EXPECT_THAT(Find("power siberia"), UnorderedElementsAre("<http://ex/r1>", "<http://ex/r2>"));
  EXPECT_THAT(Find("\"siberia power\""), IsEmpty());
}

TEST_F(NewsTextTest, PrefixesMatchEveryWordTheyBegin) {
  EXPECT_THAT(Find("pipel*"), UnorderedElementsAre("<http://ex/r1>", "<http://ex/d1>"));
  EXPECT_THAT(Find("curr*"), UnorderedElementsAre("<http://ex/r3>", "<http://ex/r4>"));
}

TEST_F(NewsTextTest, BooleanOperatorsCombineMatches) {
  EXPECT_THAT(Find("national NOT oil"), ElementsAre("<http://ex/r3>"));
  EXPECT_THAT(Find("national -oil"), ElementsAre("<http://ex/r3>"));
  EXPECT_THAT(Find("gas OR oil"), UnorderedElementsAre("<http://ex/r1>", "<http://ex/r4>"));
  EXPECT_THAT(Find("(gas OR oil) china"), ElementsAre("<http://ex/r1>"));
  EXPECT_THAT(Find("gas AND moscow"), IsEmpty());
}

TEST_F(NewsTextTest, OnlyTextPredicatesAreIndexed) {
  EXPECT_THAT(Find("mentioned"), IsEmpty());
}

TEST_F(NewsTextTest, SnippetMarksTheMatchedWords) {
  EXPECT_THAT(Rows(absl::StrCat(kTextPrefixes, "SELECT ?snippet WHERE { (ex:r1 ?score ?snippet) relata:text "
                                         "\"\\\"power of siberia\\\" gas\" }")),
              ElementsAre("\"The «Power of Siberia» pipeline supplies «gas» to China.\""));
}

TEST_F(NewsTextTest, BindsTheTextMatched) {
  EXPECT_THAT(Rows(absl::StrCat(kTextPrefixes, "SELECT ?text WHERE { (?r ?score ?snippet ?text) relata:text \"lines\" }")),
              ElementsAre("\"Power lines of Siberia were repaired.\""));
}

TEST_F(NewsTextTest, BadQueriesAreErrorsWithTheirColumn) {
  const auto status = Drain(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"gas (oil\" }"));
  EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("column 5: '(' is not closed"));
  EXPECT_THAT(Drain(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"NOT gas\" }")).message(),
              HasSubstr("needs a term that is not excluded"));
  EXPECT_THAT(Drain(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"the of\" }")).message(),
              HasSubstr("only stop words"));
}

TEST_F(NewsTextTest, TextFromAVariable) {
  EXPECT_THAT(Rows(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { VALUES ?q { \"moscow\" } ?r relata:text ?q }")),
              ElementsAre("<http://ex/r6>"));
}

TEST_F(NewsTextTest, PlannerProbesTheHitsWhenTheRestIsSmaller) {
  Load("more.ttl", R"(
    @prefix ex: <http://ex/> .
    ex:r1 ex:about ex:china .
    ex:r4 ex:about ex:china .
  )");
  // Two rows about China against hits of a word in most texts: the rows come
  // first, and each probes the hits.
  const std::string query = absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r ex:about ex:china . ?r relata:text \"gas OR oil OR power\" }");
  const auto plan = db_->Explain(query, false);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("probed for each row's holder"));
  EXPECT_THAT(Rows(query), UnorderedElementsAre("<http://ex/r1>", "<http://ex/r4>"));
  // A rare word: its hits come first.
  const std::string rare = absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r ex:about ex:china . ?r relata:text \"china\" }");
  const auto listed = db_->Explain(rare, false);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, HasSubstr("best first (BM25)"));
  EXPECT_THAT(Rows(rare), ElementsAre("<http://ex/r1>"));
}

TEST_F(NewsTextTest, IndexFollowsUpdatesAndRollbacks) {
  ASSERT_TRUE(db_->Update("PREFIX kg: <https://relata.dev/kg#> INSERT DATA { <http://ex/r7> kg:evidence "
                          "\"A new gas field opened.\" }").ok());
  EXPECT_THAT(Find("field"), ElementsAre("<http://ex/r7>"));
  ExpectConsistent();
  ASSERT_TRUE(db_->Update("PREFIX kg: <https://relata.dev/kg#> DELETE WHERE { <http://ex/r1> kg:evidence ?t }").ok());
  EXPECT_THAT(Find("siberia"), ElementsAre("<http://ex/r2>"));
  ExpectConsistent();
  {
    auto transaction = db_->Begin();
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE((*transaction)->Add({Term::Iri("http://ex/r8"), Term::Iri("https://relata.dev/kg#evidence"),
                                     Term::Literal("Uranium deliveries resumed."), Term::Iri("")}).ok());
    EXPECT_THAT(RowsOf((*transaction)->Query(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"uranium\" }"))),
                ElementsAre("<http://ex/r8>"));
    (*transaction)->Rollback();
  }
  EXPECT_THAT(Find("uranium"), IsEmpty());
  ExpectConsistent();
}

TEST_F(NewsTextTest, ATextStatedTwiceStaysUntilTheLastStatementGoes) {
  Load("again.nq", "<http://ex/r9> <https://relata.dev/kg#sentence> \"Power lines of Siberia were repaired.\" <http://g/2> .\n");
  ASSERT_TRUE(db_->Update("PREFIX kg: <https://relata.dev/kg#> DELETE DATA { <http://ex/r2> kg:evidence "
                          "\"Power lines of Siberia were repaired.\" }").ok());
  EXPECT_THAT(Find("repaired"), ElementsAre("<http://ex/r9>"));
  ExpectConsistent();
}

TEST_F(NewsTextTest, ALoadCanAddAPredicateToTheIndex) {
  LoadOptions options;
  options.text_predicates = {"http://ex/note"};
  const auto report = db_->Load(WriteFile("more.nt", "<http://ex/e2> <http://ex/note> \"more gas notes\" .\n"), options);
  ASSERT_TRUE(report.ok()) << report.status();
  // The predicate's literals already in the store are indexed by that load.
  EXPECT_THAT(Find("gas"), UnorderedElementsAre("<http://ex/r1>", "<http://ex/e1>", "<http://ex/e2>"));
  ExpectConsistent();
  // The store keeps the predicate: later writes follow it.
  ASSERT_TRUE(db_->Update("INSERT DATA { <http://ex/e3> <http://ex/note> \"gas again\" }").ok());
  EXPECT_THAT(Find("again"), ElementsAre("<http://ex/e3>"));
  ExpectConsistent();
}

// Hundreds of texts sharing words fill many blocks of postings: loads,
// transactions that split and empty blocks, and a load that merges texts
// the store knew into the blocks, each leave an index equal to a rebuild.
TEST_F(TextSearchTest, BlocksOfPostingsFollowEveryKindOfWrite) {
  const auto count = [&](const std::string& text) {
    const auto rows = Rows(absl::StrCat(kTextPrefixes, "SELECT (COUNT(*) AS ?n) WHERE { ?r relata:text \"", text, "\" }"));
    return rows.empty() ? std::string("none") : rows[0].substr(1, rows[0].find('"', 1) - 1);
  };
  std::string turtle;
  for (int i = 0; i < 700; ++i) {
    turtle += absl::StrCat("<http://ex/a", i, "> <http://ex/evidence> \"shared word number w", i, "\" .\n");
    turtle += absl::StrCat("<http://ex/b", i, "> <http://ex/note> \"shared note n", i, "\" .\n");
  }
  Load("many.nt", turtle);
  EXPECT_EQ(count("shared"), "700");
  ExpectConsistent();
  {
    auto transaction = db_->Begin();
    ASSERT_TRUE(transaction.ok());
    for (int i = 0; i < 400; ++i) {
      ASSERT_TRUE((*transaction)->Add({Term::Iri(absl::StrCat("http://ex/c", i)), Term::Iri("http://ex/evidence"),
                                       Term::Literal(absl::StrCat("shared again c", i)), Term::Iri("")}).ok());
    }
    ASSERT_TRUE((*transaction)->Commit().ok());
  }
  EXPECT_EQ(count("shared"), "1100");
  // A rare word with a common one reads the common one's blocks only where
  // the rare one is: the answers are the same as reading them all.
  EXPECT_EQ(count("shared c17"), "1");
  EXPECT_EQ(count("shared w699"), "1");
  EXPECT_EQ(count("\\\"shared again\\\""), "400");
  EXPECT_EQ(count("\\\"again shared\\\""), "0");
  EXPECT_EQ(count("\\\"number w5\\\" shared"), "1");
  ExpectConsistent();
  ASSERT_TRUE(db_->Update("DELETE { ?a <http://ex/evidence> ?t } WHERE { ?a <http://ex/evidence> ?t "
                          "FILTER(STRSTARTS(STR(?a), \"http://ex/a\")) }").ok());
  EXPECT_EQ(count("shared"), "400");
  EXPECT_EQ(count("number"), "0");
  ExpectConsistent();
  // The notes were in the store before their predicate was indexed: their
  // texts have ids among the indexed ones and are merged into the blocks.
  LoadOptions options;
  options.text_predicates = {"http://ex/note"};
  ASSERT_TRUE(db_->Load(WriteFile("one.nt", "<http://ex/d> <http://ex/evidence> \"shared once more\" .\n"), options).ok());
  EXPECT_EQ(count("shared"), "1101");
  EXPECT_EQ(count("note"), "700");
  ExpectConsistent();
}

TEST_F(TextSearchTest, StemmingAndStopWordsAreTheStoresChoice) {
  db_.reset();
  Options options;
  options.text_index = TextIndexOptions{.stemming = false, .stop_words = std::vector<std::string>{"gas"}};
  auto db = Database::Open(dir_ + "/plain", options);
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(*db);
  Load("plain.ttl", "<http://ex/a> <http://ex/title> \"currencies of the gas world\" .\n");
  EXPECT_THAT(Find("currencies"), ElementsAre("<http://ex/a>"));
  EXPECT_THAT(Find("currency"), IsEmpty());
  EXPECT_THAT(Find("\"of the\""), ElementsAre("<http://ex/a>"));
  EXPECT_THAT(Drain(absl::StrCat(kTextPrefixes, "SELECT ?r WHERE { ?r relata:text \"gas\" }")).message(),
              HasSubstr("only stop words"));
  // Once it holds text, the index keeps how it was built.
  db_.reset();
  Options defaults;
  defaults.text_index = TextIndexOptions{};
  auto other = Database::Open(dir_ + "/plain", defaults);
  EXPECT_TRUE(absl::IsFailedPrecondition(other.status())) << other.status();
  auto same = Database::Open(dir_ + "/plain");
  ASSERT_TRUE(same.ok()) << same.status();
  db_ = std::move(*same);
  EXPECT_THAT(Find("currency"), IsEmpty());
}

}  // namespace
}  // namespace relata
