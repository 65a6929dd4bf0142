// Writers produce text the readers give back as the same dataset.
#include "query/rdf_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/testing/isomorphism.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::query {
namespace {

using ::relata::testing::Isomorphic;
using ::relata::testing::ParseRdf;

constexpr char kDataset[] =
    "PREFIX ex: <http://example.org/>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "ex:putin ex:memberOf ex:sco , ex:brics ; ex:name \"Vladimir \\\"V\\\" Putin\"@ru ;\n"
    "  ex:age 71 ; ex:score 1.5 ; ex:born \"1952-10-07\"^^xsd:date .\n"
    "_:x ex:says <<( ex:putin ex:memberOf ex:sco )>> .\n"
    "GRAPH ex:doc1 { ex:sco ex:founded \"2001\"^^xsd:gYear ; ex:line \"a\\nb\\tc\" . _:x ex:p _:y }\n";

std::string Write(RdfFormat format, const std::vector<Quad>& quads) {
  std::ostringstream out;
  auto writer = RdfWriter::Create(format, out, {{"ex", "http://example.org/"}});
  for (const Quad& q : quads) writer->Write(q);
  writer->Finish();
  return out.str();
}

class RdfWriterRoundTripTest : public ::testing::TestWithParam<RdfFormat> {};

TEST_P(RdfWriterRoundTripTest, ReadingTheOutputGivesTheSameDataset) {
  const auto input = ParseRdf(kDataset, RdfFormat::kTrig);
  ASSERT_TRUE(input.ok()) << input.status();
  const std::string text = Write(GetParam(), *input);
  const auto output = ParseRdf(text, GetParam());
  ASSERT_TRUE(output.ok()) << output.status() << "\n" << text;
  std::vector<Quad> expected = *input;
  if (!HasGraphs(GetParam())) {
    for (Quad& q : expected) q.graph = Term{};
  }
  EXPECT_TRUE(Isomorphic(*output, expected)) << text;
}

INSTANTIATE_TEST_SUITE_P(AllFormats, RdfWriterRoundTripTest,
                         ::testing::Values(RdfFormat::kNTriples, RdfFormat::kNQuads,
                                           RdfFormat::kTurtle, RdfFormat::kTrig),
                         [](const auto& param_info) { return std::string(FormatName(param_info.param)); });

TEST(RdfWriterTest, TurtleGroupsBySubjectAndPredicate) {
  const auto input = ParseRdf(
      "<http://example.org/a> <http://example.org/p> <http://example.org/b> , "
      "<http://example.org/c> ; <http://example.org/q> 1 .\n",
      RdfFormat::kTurtle);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(Write(RdfFormat::kTurtle, *input),
            "PREFIX ex: <http://example.org/>\n\n"
            "ex:a ex:p ex:b ,\n        ex:c ;\n    ex:q 1 .\n");
}

TEST(RdfWriterTest, CanonicalLineEscapesControlCharacters) {
  const Quad q{Term::Iri("http://x/s"), Term::Iri("http://x/p"), Term::Literal("a\x01\"b"), {}};
  EXPECT_EQ(ToNQuadsLine(q), "<http://x/s> <http://x/p> \"a\\u0001\\\"b\" .\n");
}

}  // namespace
}  // namespace relata::query
