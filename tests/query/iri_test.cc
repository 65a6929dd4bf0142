// RFC 3986 section 5.4 reference resolution examples.
#include "query/iri.h"

#include <gtest/gtest.h>

namespace relata::query {
namespace {

TEST(IriTest, ResolvesRfc3986NormalExamples) {
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(ResolveIri(base, "g:h"), "g:h");
  EXPECT_EQ(ResolveIri(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(ResolveIri(base, "./g"), "http://a/b/c/g");
  EXPECT_EQ(ResolveIri(base, "g/"), "http://a/b/c/g/");
  EXPECT_EQ(ResolveIri(base, "/g"), "http://a/g");
  EXPECT_EQ(ResolveIri(base, "//g"), "http://g");
  EXPECT_EQ(ResolveIri(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(ResolveIri(base, "#s"), "http://a/b/c/d;p?q#s");
  EXPECT_EQ(ResolveIri(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(ResolveIri(base, "../.."), "http://a/");
  EXPECT_EQ(ResolveIri(base, "../../g"), "http://a/g");
}

TEST(IriTest, ResolvesRfc3986AbnormalExamples) {
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(ResolveIri(base, "../../../g"), "http://a/g");
  EXPECT_EQ(ResolveIri(base, "/./g"), "http://a/g");
  EXPECT_EQ(ResolveIri(base, "g."), "http://a/b/c/g.");
  EXPECT_EQ(ResolveIri(base, "./../g"), "http://a/b/g");
  EXPECT_EQ(ResolveIri(base, "g;x=1/../y"), "http://a/b/c/y");
}

TEST(IriTest, RecognisesSchemes) {
  EXPECT_TRUE(HasScheme("urn:x"));
  EXPECT_TRUE(HasScheme("http://a"));
  EXPECT_FALSE(HasScheme("/path:x"));
  EXPECT_FALSE(HasScheme("relative"));
}

TEST(IriTest, AbsoluteIrisHaveASchemeAndOnlyIriCharacters) {
  EXPECT_TRUE(IsAbsoluteIri("http://www.wikidata.org/entity/Q649"));
  EXPECT_TRUE(IsAbsoluteIri("urn:isbn:0451450523"));
  EXPECT_FALSE(IsAbsoluteIri("htt?p://www.wikidata.org/entity/Q649"));  // '?' cannot be in a scheme
  EXPECT_FALSE(IsAbsoluteIri("wikidata.org/entity/Q649"));
  EXPECT_FALSE(IsAbsoluteIri("http://x/a b"));
  EXPECT_FALSE(IsAbsoluteIri("http://x/a\tb"));
  EXPECT_FALSE(IsAbsoluteIri("http://x/{a}"));
  EXPECT_TRUE(HasOnlyIriCharacters("relative/path#frag"));
  EXPECT_FALSE(HasOnlyIriCharacters("a\\b"));
}

}  // namespace
}  // namespace relata::query
