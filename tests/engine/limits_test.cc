// Input built to exhaust a resource: queries and files nested or chained
// beyond reason, huge queries, regular expressions that backtrack without
// end. Each gives an error or an answer, never a crash or a hang; what is
// just inside a limit still runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "absl/strings/match.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::HasSubstr;

std::string Repeat(std::string_view text, int times) {
  std::string out;
  out.reserve(text.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

class LimitsTest : public testing::DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Load("small.ttl", "<http://x/a> <http://x/p> <http://x/b> . <http://x/b> <http://x/p> 7 .");
  }
  // `nest(n)` is a query nesting something n levels deep. Far too deep, it
  // is refused with an error saying so; the deepest it accepts runs.
  void ExpectNestingBounded(const std::function<std::string(int)>& nest) {
    const absl::Status refused = Drain(nest(100000));
    EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_THAT(std::string(refused.message()), HasSubstr("nests too deeply"));
    int accepted = 1, rejected = 100000;
    while (rejected - accepted > 1) {
      const int middle = (accepted + rejected) / 2;
      const absl::Status parsed = Drain(nest(middle));
      const bool too_deep = absl::StrContains(parsed.message(), "nests too deeply");
      (too_deep ? rejected : accepted) = middle;
    }
    EXPECT_GT(accepted, 50) << "ordinary nesting must be accepted";
    const absl::Status deepest = Drain(nest(accepted));
    EXPECT_TRUE(deepest.ok() || deepest.code() == absl::StatusCode::kInvalidArgument)
        << "at " << accepted << " levels: " << deepest;
  }
};

TEST_F(LimitsTest, NestedBracketsAreBounded) {
  ExpectNestingBounded([](int n) {
    return "SELECT * WHERE { FILTER(" + Repeat("(", n) + "true" + Repeat(")", n) + ") }";
  });
  ExpectNestingBounded([](int n) { return "SELECT * WHERE " + Repeat("{", n) + Repeat("}", n); });
  ExpectNestingBounded([](int n) {
    return "SELECT * WHERE { ?s " + Repeat("(", n) + "<http://x/p>" + Repeat(")", n) + " ?o }";
  });
  ExpectNestingBounded([](int n) {
    return "SELECT * WHERE { ?s <http://x/p> " + Repeat("[ <http://x/p> ", n) + "1" + Repeat(" ]", n) + " }";
  });
  ExpectNestingBounded([](int n) { return "SELECT * WHERE { FILTER(" + Repeat("!", n) + "true) }"; });
  ExpectNestingBounded([](int n) {
    return "SELECT * WHERE { BIND(" + Repeat("STR(", n) + "1" + Repeat(")", n) + " AS ?x) }";
  });
}

TEST_F(LimitsTest, LongChainsAreBoundedOrKeptShallow) {
  const auto chain = [](std::string_view first, std::string_view each, int n, std::string_view last) {
    return std::string(first) + Repeat(each, n) + std::string(last);
  };
  // Left-deep by the grammar: refused beyond the depth the engine recurses to.
  for (const std::string& query :
       {chain("SELECT * WHERE { BIND(1", " + 1", 20000, " AS ?x) }"),
        chain("SELECT * WHERE { ?s ?p ?o ", "OPTIONAL { ?s ?p ?o } ", 20000, "}"),
        chain("SELECT * WHERE { ?s ?p ?o ", "MINUS { ?s ?p 1 } ", 20000, "}")}) {
    const absl::Status status = Drain(query);
    EXPECT_THAT(std::string(status.message()), HasSubstr("nests too deeply")) << query.substr(0, 60);
  }
  // Associative: kept balanced, so they run.
  EXPECT_TRUE(Drain(chain("SELECT * WHERE { { ?s ?p ?o }", " UNION { ?s ?p ?o }", 20000, " }")).ok());
  EXPECT_TRUE(Drain(chain("ASK { ?s ?p ?o FILTER(false", " || false", 20000, ") }")).ok());
  EXPECT_TRUE(Drain(chain("ASK { ?s ?p ?o FILTER(true", " && true", 20000, ") }")).ok());
  // Just inside the limit, a left-deep chain runs.
  EXPECT_TRUE(Drain(chain("SELECT * WHERE { ?s ?p ?o ", "OPTIONAL { ?s ?p ?o } ", 200, "}")).ok());
  EXPECT_TRUE(Drain(chain("SELECT * WHERE { BIND(1", " + 1", 200, " AS ?x) }")).ok());
}

TEST_F(LimitsTest, AHugeConditionStillStopsAtItsTimeout) {
  // Each row costs twenty thousand comparisons: the timeout is checked
  // by work done, not by rows.
  std::string condition = "?o = 0";
  for (int i = 1; i < 20000; ++i) condition += " || ?o = " + std::to_string(i);
  std::string data;
  for (int i = 0; i < 2000; ++i) data += "<http://x/s" + std::to_string(i) + "> <http://x/q> \"v\" .\n";
  Load("more.nt", data);
  QueryOptions options;
  options.timeout = std::chrono::milliseconds(200);
  const absl::Status status = Drain("SELECT * WHERE { ?s ?p ?o FILTER(" + condition + ") }", options);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

TEST_F(LimitsTest, ATenMegabyteQueryIsAnswered) {
  std::string values = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x {";
  int count = 0;
  while (values.size() < (10u << 20)) {
    values += " \"value number " + std::to_string(count++) + "\"";
  }
  values += " } }";
  EXPECT_EQ(Rows(values), std::vector<std::string>{"\"" + std::to_string(count) +
                                                    "\"^^<http://www.w3.org/2001/XMLSchema#integer>"});
}

TEST_F(LimitsTest, ABacktrackingRegexStopsWithAnError) {
  const std::string text = Repeat("a", 40) + "b";
  const absl::Status status = Drain("SELECT * WHERE { BIND(REGEX(\"" + text + "\", \"(a+)+$\") AS ?x) }");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("backtracks too much"));
  const absl::Status replace = Drain("SELECT * WHERE { BIND(REPLACE(\"" + text + "\", \"(a+)+$\", \"x\") AS ?x) }");
  EXPECT_EQ(replace.code(), absl::StatusCode::kResourceExhausted) << replace;
  // The same pattern on a value it settles quickly is an ordinary answer.
  EXPECT_THAT(Rows("SELECT ?x WHERE { BIND(REGEX(\"aaab\", \"(a+)+$\") AS ?x) }"),
              ::testing::ElementsAre("\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>"));
}

TEST_F(LimitsTest, DeeplyNestedFilesAreRejectedWhole) {
  const int n = 100000;
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"bnodes.ttl", "<http://x/a> <http://x/p> " + Repeat("[ <http://x/p> ", n) +
                                                             "1" + Repeat(" ]", n) + " .\n"},
        {"lists.ttl", "<http://x/a> <http://x/p> " + Repeat("( ", n) + Repeat(") ", n) + ".\n"},
        {"terms.nt", "<http://x/a> <http://x/p> " + Repeat("<<( <http://x/a> <http://x/p> ", n) + "<http://x/b>" +
                         Repeat(" )>>", n) + " .\n"}}) {
    const auto report = db_->Load(WriteFile(name, text));
    ASSERT_FALSE(report.ok()) << name;
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(name + ":1:")) << report.status();
    EXPECT_THAT(std::string(report.status().message()), HasSubstr("nest too deeply"));
  }
  EXPECT_EQ(Rows("SELECT * WHERE { ?s ?p ?o }").size(), 2u) << "a failed load changed the store";
}

// KG-JSONL nesting is bounded by simdjson (1,024 levels) and by the format,
// whose values are at most two levels deep: a deep line is an error naming
// its line, never a crash.
TEST_F(LimitsTest, DeeplyNestedExtractorOutputIsAnErrorNamingTheLine) {
  const int n = 100000;
  const std::string lines[] = {
      R"({"kind":"entity","name":"x","properties":{"a":)" + Repeat("[", n) + Repeat("]", n) + "}}",
      R"({"kind":"entity","name":"y","description":)" + Repeat(R"({"a":)", n) + "1" + Repeat("}", n) + "}",
      Repeat("[", n) + Repeat("]", n)};
  for (const std::string& line : lines) {
    const auto report = db_->Load(WriteFile("deep.jsonl", "\n" + line + "\n"));
    ASSERT_FALSE(report.ok());
    EXPECT_THAT(std::string(report.status().message()), HasSubstr("deep.jsonl:2:")) << report.status();
  }
  EXPECT_EQ(Rows("SELECT * WHERE { ?s ?p ?o }").size(), 2u) << "a failed load changed the store";
}

}  // namespace
}  // namespace relata
