// No rule of the RDF and SPARQL grammars can loop without consuming input.
#include <gtest/gtest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "query/grammar/rdf.h"
#include "query/grammar/sparql.h"

namespace relata::query::grammar {
namespace {

TEST(GrammarTest, RdfGrammarsHaveNoInfiniteLoops) {
  EXPECT_EQ(pegtl::analyze<NtStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<NqStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<TurtleStatement>(), 0u);
  EXPECT_EQ(pegtl::analyze<TrigOutside>(), 0u);
  EXPECT_EQ(pegtl::analyze<TrigInside>(), 0u);
}

TEST(GrammarTest, SparqlGrammarHasNoInfiniteLoops) {
  EXPECT_EQ(pegtl::analyze<sparql::QueryUnit>(), 0u);
}

}  // namespace
}  // namespace relata::query::grammar
