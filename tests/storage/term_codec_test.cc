// Inline ids keep a literal exactly as written, and order numbers and dates.
#include "storage/term_codec.h"

#include <gtest/gtest.h>

#include <string>

namespace relata::storage {
namespace {

const std::string kXsd = "http://www.w3.org/2001/XMLSchema#";

Term Typed(const std::string& lex, const std::string& type) { return Term::Literal(lex, kXsd + type); }

class InlineRoundTripTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(InlineRoundTripTest, CanonicalLiteralIsInlineAndDecodesUnchanged) {
  const Term term = Typed(GetParam().first, GetParam().second);
  const auto id = InlineId(term);
  ASSERT_TRUE(id.has_value()) << term.ToNTriples();
  EXPECT_TRUE(IsInline(*id));
  EXPECT_EQ(DecodeInline(*id), term);
}

INSTANTIATE_TEST_SUITE_P(
    Values, InlineRoundTripTest,
    ::testing::Values(std::pair{"0", "integer"}, std::pair{"-42", "integer"},
                      std::pair{"576460752303423487", "integer"}, std::pair{"1.5", "decimal"},
                      std::pair{"-0.25", "decimal"}, std::pair{"10.0", "decimal"},
                      std::pair{"1.0E0", "double"}, std::pair{"-2.5E2", "double"},
                      std::pair{"true", "boolean"}, std::pair{"false", "boolean"},
                      std::pair{"2024-02-29", "date"}, std::pair{"1952-10-07Z", "date"},
                      std::pair{"2001-06-15-05:30", "date"},
                      std::pair{"2019-12-02T10:15:30", "dateTime"},
                      std::pair{"2019-12-02T10:15:30.25Z", "dateTime"},
                      std::pair{"0001-01-01T00:00:00+14:00", "dateTime"}));

class DictionaryLiteralTest : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(DictionaryLiteralTest, NonCanonicalOrInvalidLiteralIsNotInline) {
  EXPECT_FALSE(InlineId(Typed(GetParam().first, GetParam().second)).has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Values, DictionaryLiteralTest,
    ::testing::Values(std::pair{"01", "integer"}, std::pair{"+1", "integer"},
                      std::pair{"576460752303423488", "integer"}, std::pair{"abc", "integer"},
                      std::pair{"1.", "decimal"}, std::pair{"01.5", "decimal"},
                      std::pair{"0.1", "double"}, std::pair{"1e0", "double"},
                      std::pair{"INF", "double"}, std::pair{"1", "boolean"},
                      std::pair{"2023-02-29", "date"}, std::pair{"2024-13-01", "date"},
                      std::pair{"2024-01-01+00:00", "date"},
                      std::pair{"2019-12-02T24:00:00", "dateTime"},
                      std::pair{"2019-12-02T10:15:30.500", "dateTime"},
                      std::pair{"7", "gYear"}));

TEST(TermCodecTest, LanguageAndPlainStringsAreNotInline) {
  EXPECT_FALSE(InlineId(Term::LangLiteral("1", "en")).has_value());
  EXPECT_FALSE(InlineId(Term::Literal("1")).has_value());
  EXPECT_FALSE(InlineId(Term::Iri("http://x/1")).has_value());
}

TEST(TermCodecTest, IntegerIdsSortLikeTheirValues) {
  const auto a = InlineId(Typed("-7", "integer"));
  const auto b = InlineId(Typed("3", "integer"));
  const auto c = InlineId(Typed("12", "integer"));
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);
}

TEST(TermCodecTest, IntegerAndBooleanIdsAreThoseOfTheirLiterals) {
  for (const std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-7}, std::int64_t{123456789},
                               (std::int64_t{1} << 59) - 1, -(std::int64_t{1} << 59)}) {
    EXPECT_EQ(IntegerId(v), InlineId(Term::Literal(std::to_string(v), "http://www.w3.org/2001/XMLSchema#integer")))
        << v;
  }
  for (const bool b : {true, false}) {
    EXPECT_EQ(BooleanId(b), InlineId(Term::Literal(b ? "true" : "false", "http://www.w3.org/2001/XMLSchema#boolean")));
  }
}

TEST(TermCodecTest, DoubleIdsSortLikeTheirValues) {
  const auto a = InlineId(Typed("-2.5E0", "double"));
  const auto b = InlineId(Typed("-1.0E0", "double"));
  const auto c = InlineId(Typed("1.0E0", "double"));
  const auto d = InlineId(Typed("2.5E0", "double"));
  ASSERT_TRUE(a && b && c && d);
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);
  EXPECT_LT(*c, *d);
}

TEST(TermCodecTest, DateTimeIdsSortChronologically) {
  const auto a = InlineId(Typed("1999-12-31T23:59:59", "dateTime"));
  const auto b = InlineId(Typed("2000-01-01T00:00:00", "dateTime"));
  ASSERT_TRUE(a && b);
  EXPECT_LT(*a, *b);
}

TEST(TermCodecTest, DictionaryKeysSeparateKindsAndTags) {
  EXPECT_NE(DictionaryKey(Term::Iri("x")), DictionaryKey(Term::Literal("x")));
  EXPECT_NE(DictionaryKey(Term::LangLiteral("x", "en")),
            DictionaryKey(Term::LangLiteral("x", "en", "ltr")));
  EXPECT_NE(DictionaryKey(Term::Literal("x", kXsd + "token")), DictionaryKey(Term::Literal("x")));
  EXPECT_EQ(TripleKey(1, 2, 3).size(), 25u);
}

}  // namespace
}  // namespace relata::storage
