// No rule of the RDF grammars can loop without consuming input.
#include <gtest/gtest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "query/grammar/rdf.h"

namespace relata::query::grammar {
namespace {

TEST(GrammarTest, RdfGrammarsHaveNoInfiniteLoops) {
  EXPECT_EQ(pegtl::analyze<NtStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<NqStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<TurtleStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<TrigOutside>(), 0u);
  EXPECT_EQ(pegtl::analyze<TrigInside>(), 0u);
}

}  // namespace
}  // namespace relata::query::grammar
