// Runs the W3C RDF 1.1 and 1.2 syntax suites (N-Triples, N-Quads, Turtle,
// TriG): each manifest entry is one gtest, and a table of totals per manifest
// is printed at the end. Manifests are read with relata's own Turtle reader.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "query/rdf_writer.h"
#include "tests/conformance/manifest.h"
#include "tests/testing/isomorphism.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::testing {
namespace {

using query::RdfFormat;

// Entries we do not pass, with the reason; they are reported as skipped.
const std::map<std::string, std::string>& KnownFailures() {
  static const auto* failures = new std::map<std::string, std::string>{};
  return *failures;
}

RdfFormat FormatOfTestType(const std::string& type) {
  if (absl::StrContains(type, "NTriples")) return RdfFormat::kNTriples;
  if (absl::StrContains(type, "NQuads")) return RdfFormat::kNQuads;
  if (absl::StrContains(type, "Turtle")) return RdfFormat::kTurtle;
  return RdfFormat::kTrig;
}

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
};
std::map<std::string, Tally>& Tallies() {
  static auto* tallies = new std::map<std::string, Tally>;
  return *tallies;
}

class RdfSyntaxTest : public ::testing::Test {
 public:
  RdfSyntaxTest(std::string suite, ManifestEntry entry)
      : suite_(std::move(suite)), entry_(std::move(entry)) {}

  void TestBody() override {
    Tally& tally = Tallies()[suite_];
    if (const auto it = KnownFailures().find(entry_.id); it != KnownFailures().end()) {
      ++tally.skipped;
      GTEST_SKIP() << "known failure: " << it->second;
    }
    Run();
    if (HasFailure()) {
      ++tally.failed;
    } else {
      ++tally.passed;
    }
  }

 private:
  void Run() {
    const std::string& type = entry_.type;
    const RdfFormat format = FormatOfTestType(type);
    const auto parsed = ParseRdfFile(entry_.action_path, format, entry_.action_base);
    if (absl::EndsWith(type, "NegativeSyntax") || absl::EndsWith(type, "NegativeEval")) {
      EXPECT_FALSE(parsed.ok()) << entry_.action_path << " parsed, but must be rejected";
      return;
    }
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    if (absl::EndsWith(type, "Eval")) {
      const RdfFormat result_format = absl::EndsWith(entry_.result_path, ".nq")
                                          ? RdfFormat::kNQuads
                                          : RdfFormat::kNTriples;
      const auto expected = ParseRdfFile(entry_.result_path, result_format, entry_.result_base);
      ASSERT_TRUE(expected.ok()) << expected.status().message();
      EXPECT_TRUE(Isomorphic(*parsed, *expected))
          << "got:\n" << Describe(*parsed) << "expected:\n" << Describe(*expected);
    } else if (absl::EndsWith(type, "C14N")) {
      std::string canonical;
      for (const Quad& quad : *parsed) canonical += query::ToNQuadsLine(quad);
      EXPECT_EQ(canonical, ReadFile(entry_.result_path));
    }
  }

  std::string suite_;
  ManifestEntry entry_;
};

class TotalsPrinter : public ::testing::EmptyTestEventListener {
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    Tally all;
    std::printf("\n%-40s %7s %7s %7s\n", "manifest", "passed", "failed", "skipped");
    for (const auto& [suite, t] : Tallies()) {
      std::printf("%-40s %7d %7d %7d\n", suite.c_str(), t.passed, t.failed, t.skipped);
      all.passed += t.passed;
      all.failed += t.failed;
      all.skipped += t.skipped;
    }
    std::printf("%-40s %7d %7d %7d\n", "total", all.passed, all.failed, all.skipped);
    for (const auto& [id, reason] : KnownFailures()) {
      std::printf("skipped %s: %s\n", id.c_str(), reason.c_str());
    }
  }
};

}  // namespace
}  // namespace relata::testing

int main(int argc, char** argv) {
  using relata::testing::ManifestEntry;
  ::testing::InitGoogleTest(&argc, argv);
  const std::string root = RELATA_CONFORMANCE_DIR "/rdf/";
  const char* manifests[] = {
      "rdf11/rdf-n-triples",       "rdf11/rdf-n-quads",       "rdf11/rdf-turtle",
      "rdf11/rdf-trig",            "rdf12/rdf-n-triples/syntax", "rdf12/rdf-n-triples/c14n",
      "rdf12/rdf-n-quads/syntax",  "rdf12/rdf-n-quads/c14n",  "rdf12/rdf-turtle/syntax",
      "rdf12/rdf-turtle/eval",     "rdf12/rdf-trig/syntax",   "rdf12/rdf-trig/eval",
  };
  for (const char* dir : manifests) {
    const auto entries = relata::testing::ReadManifest(root + dir + "/manifest.ttl");
    if (!entries.ok()) {
      std::fprintf(stderr, "%s\n", std::string(entries.status().message()).c_str());
      return 2;
    }
    std::string suite = dir;
    for (char& c : suite) {
      if (c == '/' || c == '-') c = '_';
    }
    for (const ManifestEntry& entry : *entries) {
      ::testing::RegisterTest(suite.c_str(), entry.name.c_str(), nullptr, nullptr, __FILE__,
                              __LINE__, [suite, entry]() -> ::testing::Test* {
                                return new relata::testing::RdfSyntaxTest(suite, entry);
                              });
    }
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new relata::testing::TotalsPrinter);
  return RUN_ALL_TESTS();
}
