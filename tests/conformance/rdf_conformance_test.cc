// Runs the W3C RDF 1.1 and 1.2 syntax suites (N-Triples, N-Quads, Turtle,
// TriG): each manifest entry is one gtest, and a table of totals per manifest
// is printed at the end. Manifests are read with relata's own Turtle reader.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/rdf_writer.h"
#include "tests/conformance/manifest.h"
#include "tests/conformance/suite.h"
#include "tests/testing/isomorphism.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::testing {
namespace {

using query::RdfFormat;

// Entries we do not pass, with the reason; they are reported as skipped.
const KnownFailures& RdfKnownFailures() {
  static const auto* failures = new KnownFailures{};
  return *failures;
}

RdfFormat FormatOfTestType(const std::string& type) {
  if (absl::StrContains(type, "NTriples")) return RdfFormat::kNTriples;
  if (absl::StrContains(type, "NQuads")) return RdfFormat::kNQuads;
  if (absl::StrContains(type, "Turtle")) return RdfFormat::kTurtle;
  return RdfFormat::kTrig;
}

class RdfSyntaxTest : public ConformanceTest {
 public:
  using ConformanceTest::ConformanceTest;

 private:
  void Run() override {
    const std::string& type = entry().type;
    const RdfFormat format = FormatOfTestType(type);
    const auto parsed = ParseRdfFile(entry().action_path, format, entry().action_base);
    if (absl::EndsWith(type, "NegativeSyntax") || absl::EndsWith(type, "NegativeEval")) {
      EXPECT_FALSE(parsed.ok()) << entry().action_path << " parsed, but must be rejected";
      return;
    }
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    if (absl::EndsWith(type, "Eval")) {
      const RdfFormat result_format = absl::EndsWith(entry().result_path, ".nq")
                                          ? RdfFormat::kNQuads
                                          : RdfFormat::kNTriples;
      const auto expected = ParseRdfFile(entry().result_path, result_format, entry().result_base);
      ASSERT_TRUE(expected.ok()) << expected.status().message();
      EXPECT_TRUE(Isomorphic(*parsed, *expected))
          << "got:\n" << Describe(*parsed) << "expected:\n" << Describe(*expected);
    } else if (absl::EndsWith(type, "C14N")) {
      std::string canonical;
      for (const Quad& quad : *parsed) canonical += query::ToNQuadsLine(quad);
      EXPECT_EQ(canonical, ReadFile(entry().result_path));
    }
  }
};

}  // namespace
}  // namespace relata::testing

int main(int argc, char** argv) {
  using relata::testing::ManifestEntry;
  return relata::testing::RunSuites(
      argc, argv, RELATA_CONFORMANCE_DIR "/rdf/",
      {"rdf11/rdf-n-triples", "rdf11/rdf-n-quads", "rdf11/rdf-turtle", "rdf11/rdf-trig",
       "rdf12/rdf-n-triples/syntax", "rdf12/rdf-n-triples/c14n", "rdf12/rdf-n-quads/syntax",
       "rdf12/rdf-n-quads/c14n", "rdf12/rdf-turtle/syntax", "rdf12/rdf-turtle/eval",
       "rdf12/rdf-trig/syntax", "rdf12/rdf-trig/eval"},
      relata::testing::RdfKnownFailures(),
      [](const std::string& suite, const ManifestEntry& entry) -> relata::testing::ConformanceTest* {
        return new relata::testing::RdfSyntaxTest(suite, entry, relata::testing::RdfKnownFailures());
      });
}
