#include "engine/base/names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relata {
namespace {

using ::testing::ElementsAre;

TEST(NormalizeNameTest, CaseAndPunctuationFold) {
  EXPECT_EQ(NormalizeName("  Vladimir   PUTIN, Jr. "), "vladimir putin jr");
}

TEST(NormalizeNameTest, ApostrophesJoinTheirWord) { EXPECT_EQ(NormalizeName("O'Brien"), "obrien"); }

TEST(NormalizeNameTest, DiacriticsAreStripped) {
  EXPECT_EQ(NormalizeName("Sergeï Lavróv"), "sergei lavrov");
  EXPECT_EQ(NormalizeName("Straße"), "strasse");
}

TEST(NormalizeNameTest, CompatibilityFormsFold) { EXPECT_EQ(NormalizeName("ＳＣＯ"), "sco"); }

TEST(NormalizeNameTest, CyrillicIsTransliterated) {
  EXPECT_EQ(NormalizeName("Владимир Путин"), "vladimir putin");
  EXPECT_EQ(NormalizeName("Шанхайская организация сотрудничества"),
            "shankhayskaya organizatsiya sotrudnichestva");
}

TEST(NormalizeNameTest, NothingToKeepIsEmpty) { EXPECT_EQ(NormalizeName(" -- ! "), ""); }

TEST(NameTokensTest, SplitsOnSpaces) {
  EXPECT_THAT(NameTokens("power of siberia"), ElementsAre("power", "of", "siberia"));
  EXPECT_THAT(NameTokens(""), ElementsAre());
}

TEST(SlugOfTest, JoinsWordsWithDashes) { EXPECT_EQ(SlugOf("power of siberia"), "power-of-siberia"); }

}  // namespace
}  // namespace relata
