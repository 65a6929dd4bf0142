// The full-text query syntax: what each form parses to, and where an error
// points.
#include "query/text_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relata::query {
namespace {

using ::testing::HasSubstr;

std::string Parsed(std::string_view text) {
  const absl::StatusOr<TextQuery> query = ParseTextQuery(text);
  return query.ok() ? TextQueryString(*query) : "error: " + std::string(query.status().message());
}

TEST(TextQueryTest, WordsNextToEachOtherAreAnded) {
  EXPECT_EQ(Parsed("national currencies"), "(national AND currencies)");
  EXPECT_EQ(Parsed("  gas  "), "gas");
}

TEST(TextQueryTest, AndBindsTighterThanOr) {
  EXPECT_EQ(Parsed("gas pipeline OR oil"), "((gas AND pipeline) OR oil)");
  EXPECT_EQ(Parsed("gas AND (pipeline OR oil)"), "(gas AND (pipeline OR oil))");
}

TEST(TextQueryTest, PhrasesPrefixesAndNegation) {
  EXPECT_EQ(Parsed("\"power of siberia\" pipel*"), "(\"power of siberia\" AND pipel*)");
  EXPECT_EQ(Parsed("gas NOT oil -coal"), "(gas AND NOT oil AND NOT coal)");
  EXPECT_EQ(Parsed("Russia-China"), "Russia-China");  // a word; the analyser splits it
}

TEST(TextQueryTest, KeywordsAreUpperCaseWords) {
  EXPECT_EQ(Parsed("or and not"), "(or AND and AND not)");
  EXPECT_EQ(Parsed("ORACLE NOTE"), "(ORACLE AND NOTE)");
}

TEST(TextQueryTest, ErrorsNameTheColumn) {
  EXPECT_THAT(Parsed("gas (oil"), HasSubstr("column 5: '(' is not closed"));
  EXPECT_THAT(Parsed("gas \"oil"), HasSubstr("column 5: the phrase's quote is not closed"));
  EXPECT_THAT(Parsed("gas OR"), HasSubstr("column 5: OR needs a term after it"));
  EXPECT_THAT(Parsed("OR gas"), HasSubstr("column 1: OR needs a term before it"));
  EXPECT_THAT(Parsed("gas )"), HasSubstr("column 5: unexpected ')'"));
  EXPECT_THAT(Parsed("()"), HasSubstr("column 1: empty parentheses"));
  EXPECT_THAT(Parsed(""), HasSubstr("the text query is empty"));
  EXPECT_THAT(Parsed("*"), HasSubstr("column 1: '*' ends a prefix"));
  EXPECT_THAT(Parsed("Путин (газ"), HasSubstr("column 7:"));  // columns count characters
}

TEST(TextQueryTest, NegationAloneIsAnError) {
  EXPECT_THAT(Parsed("NOT gas"), HasSubstr("needs a term that is not excluded"));
  EXPECT_THAT(Parsed("-gas -oil"), HasSubstr("needs a term that is not excluded"));
  EXPECT_THAT(Parsed("gas OR NOT oil"), HasSubstr("needs a term that is not excluded"));
}

TEST(TextQueryTest, DeepNestingIsAnErrorNotACrash) {
  EXPECT_THAT(Parsed(std::string(100000, '(') + "gas"), HasSubstr("nested too deep"));
}

}  // namespace
}  // namespace relata::query
