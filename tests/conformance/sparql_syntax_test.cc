// Runs the W3C SPARQL 1.0, 1.1 and 1.2 query and update syntax tests: a
// positive test must parse, a negative one must be rejected.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "query/sparql_parser.h"
#include "relata/database.h"
#include "tests/conformance/manifest.h"
#include "tests/conformance/suite.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::testing {
namespace {

// None: every syntax test must pass.
const KnownFailures& SparqlKnownFailures() {
  static const auto* failures = new KnownFailures{};
  return *failures;
}

class SparqlSyntaxTest : public ConformanceTest {
 public:
  using ConformanceTest::ConformanceTest;

 private:
  void Run() override {
    const std::string& type = entry().type;
    if (!absl::StrContains(type, "Syntax")) GTEST_SKIP() << "evaluation test: run with the query engine";
    const std::string text = ReadFile(entry().action_path);
    const absl::Status status = absl::StrContains(type, "Update") ? query::CheckUpdateSyntax(text)
                                                                  : query::CheckQuerySyntax(text);
    if (absl::StartsWith(type, "Negative")) {
      EXPECT_FALSE(status.ok()) << "accepted, but must be rejected:\n" << text;
      return;
    }
    EXPECT_TRUE(status.ok()) << status.message() << "\n" << text;
    if (status.ok() && !absl::StrContains(type, "Update")) ExpectExplainRuns(text);
  }

  // Every valid query can be explained, and explained as it runs, over an
  // empty store; only what relata does not run (SERVICE) may fail, and then
  // with an error, not a crash.
  static void ExpectExplainRuns(const std::string& text) {
    // One empty store for the whole run, removed at exit.
    struct EmptyStore {
      std::filesystem::path dir =
          std::filesystem::temp_directory_path() / ("relata-syntax-" + std::to_string(::getpid()));
      std::unique_ptr<Database> db;
      EmptyStore() {
        std::filesystem::remove_all(dir);
        auto opened = Database::Open(dir.string());
        if (opened.ok()) db = std::move(*opened);
      }
      ~EmptyStore() {
        db.reset();
        std::filesystem::remove_all(dir);
      }
    };
    static EmptyStore store;
    ASSERT_NE(store.db, nullptr);
    Database* db = store.db.get();
    QueryOptions options;
    options.base_iri = "http://example.org/base/";
    auto plan = db->Explain(text, false, options);
    ASSERT_TRUE(plan.ok()) << "EXPLAIN: " << plan.status() << "\n" << text;
    auto analyzed = db->Explain(text, true, options);
    EXPECT_TRUE(analyzed.ok() || analyzed.status().code() == absl::StatusCode::kUnimplemented)
        << "EXPLAIN ANALYZE: " << analyzed.status() << "\n" << text;
  }
};

}  // namespace
}  // namespace relata::testing

int main(int argc, char** argv) {
  using relata::testing::ManifestEntry;
  return relata::testing::RunSuites(
      argc, argv, RELATA_CONFORMANCE_DIR "/sparql/",
      {"sparql10/syntax-sparql1", "sparql10/syntax-sparql2", "sparql10/syntax-sparql3",
       "sparql10/syntax-sparql4", "sparql10/syntax-sparql5", "sparql11/syntax-query",
       "sparql11/syntax-fed", "sparql11/syntax-update-1", "sparql11/syntax-update-2", "sparql12/syntax", "sparql12/syntax-triple-terms-positive",
       "sparql12/syntax-triple-terms-negative", "sparql12/version", "sparql12/codepoint-escapes",
       "sparql12/lang-basedir"},
      relata::testing::SparqlKnownFailures(),
      [](const std::string& suite, const ManifestEntry& entry) -> relata::testing::ConformanceTest* {
        return new relata::testing::SparqlSyntaxTest(suite, entry, relata::testing::SparqlKnownFailures());
      });
}
