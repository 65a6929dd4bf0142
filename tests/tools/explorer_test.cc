// The explorer as a person meets it: relata serve on the news graph, its
// pages opened in headless Chromium (Debian's), the DOM after the scripts ran
// checked, and a screenshot of each page kept in explorer_work/ beside the
// test binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/testing/command.h"
#include "tests/testing/server.h"

namespace {

using ::testing::HasSubstr;
using relata::testing::RunCommand;
using relata::testing::Server;

std::string Encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class ExplorerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    work_ = new std::string(RELATA_WORK_DIR);
    std::filesystem::remove_all(*work_);
    std::filesystem::create_directories(*work_);
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(RELATA_SOURCE_DIR "/data/news")) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    std::string command = std::string(RELATA_BINARY) + " load " + *work_ + "/db";
    for (const std::string& f : files) command += " '" + f + "'";
    int status = 0;
    RunCommand(command + " > /dev/null", &status);
    ASSERT_EQ(status, 0);
    server_ = new Server(RELATA_BINARY, *work_, {});
    ASSERT_FALSE(server_->url().empty()) << server_->Output();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->Stop(), 0);
    delete server_;
    delete work_;
  }

  // The page at `fragment`, as Chromium's DOM once its scripts are done;
  // its screenshot, taken by the same Chromium, goes to explorer_work/<name>.png.
  static std::string Open(const std::string& fragment, const std::string& name) {
    const std::string base = server_->url().substr(0, server_->url().rfind('/'));
    const std::string page = "'" + base + "/#" + fragment + "'";
    const std::string chromium =
        "timeout 90 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=15000 --window-size=1200,900 ";
    return RunCommand(chromium + "--screenshot=" + *work_ + "/" + name + ".png --dump-dom " + page + " 2>/dev/null");
  }

  static std::string* work_;
  static Server* server_;
};
std::string* ExplorerTest::work_ = nullptr;
Server* ExplorerTest::server_ = nullptr;

TEST_F(ExplorerTest, TheQueryPageRunsAQueryAndShowsRowsWithPrefixedLinks) {
  const std::string dom =
      Open("query=" + Encode("SELECT ?org WHERE { e:russia kg:member_of ?org } ORDER BY ?org"), "query");
  EXPECT_THAT(dom, ::testing::ContainsRegex("id=\"answer\">3 rows in [0-9.]+ ms"));
  EXPECT_THAT(dom, HasSubstr("<a href=\"#entity=https%3A%2F%2Frelata.dev%2Fe%2Fbrics\" class=\"iri\">e:brics</a>"));
  EXPECT_THAT(dom, HasSubstr("class=\"CodeMirror"));  // the editor, from libjs-codemirror
  EXPECT_THAT(dom, HasSubstr("download=\"results.csv\""));
  // Nothing is loaded from elsewhere: every script and style is the server's.
  const std::regex load("(src|href)=\"([^\"#][^\"]*)\"");
  for (std::sregex_iterator it(dom.begin(), dom.end(), load), end; it != end; ++it) {
    EXPECT_THAT((*it)[2].str(), ::testing::StartsWith("/")) << (*it)[0];
  }
}

TEST_F(ExplorerTest, AQueryErrorShowsItsPositionWithACaret) {
  const std::string dom = Open("query=" + Encode("SELECT ?s WHERE { ?s ?p }"), "query-error");
  EXPECT_THAT(dom, HasSubstr("<pre class=\"error\" id=\"error\">1:25: expected one of"));
  EXPECT_THAT(dom, HasSubstr("  SELECT ?s WHERE { ?s ?p }\n                          ^"));
}

TEST_F(ExplorerTest, TheEntityPageShowsTypesNamesAndRelationsWithTheirEvidence) {
  const std::string dom = Open("entity=" + Encode("https://relata.dev/e/power-of-siberia"), "entity");
  EXPECT_THAT(dom, HasSubstr("<h1 id=\"entity\">e:power-of-siberia</h1>"));
  for (const char* section : {"<h2>Types</h2>", "<h2>Names</h2>", "<h2>Relations out</h2>", "<h2>Relations in</h2>"}) {
    EXPECT_THAT(dom, HasSubstr(section));
  }
  EXPECT_THAT(dom, HasSubstr("Сила Сибири"));
  EXPECT_THAT(dom, ::testing::ContainsRegex("kg:connects</a></td><td><a [^>]*>e:china</a></td><td><a [^>]*>"
                                            "doc:izvestia-2025-putin-xinhua-interview</a></td><td>0.8</td><td>The Power "
                                            "of Siberia is operating"));
}

// The news graph around Putin: Russia, China, BRICS and the SCO, two hops away.
TEST_F(ExplorerTest, TheGraphPictureDrawsPutinsNeighbourhood) {
  const std::string dom = Open("graph=" + Encode("https://relata.dev/e/vladimir-putin"), "graph");
  std::vector<std::string> labels;
  const std::regex label("class=\"node-label\"[^>]*>([^<]*)<");
  for (std::sregex_iterator it(dom.begin(), dom.end(), label), end; it != end; ++it) labels.push_back((*it)[1]);
  for (const char* name : {"Vladimir Putin", "Xi Jinping", "Russia", "China", "BRICS", "Shanghai Cooperation Organization"}) {
    EXPECT_THAT(labels, ::testing::Contains(name)) << dom.substr(0, 2000);
  }
  // Every node is inside the picture.
  const std::regex place("translate\\((-?[0-9.]+),(-?[0-9.]+)\\)");
  int nodes = 0;
  for (std::sregex_iterator it(dom.begin(), dom.end(), place), end; it != end; ++it, ++nodes) {
    const double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    EXPECT_TRUE(x >= 0 && x <= 1100 && y >= 0 && y <= 700) << (*it)[0];
  }
  EXPECT_GE(nodes, 10);
}

// What the search box suggests for a few typed letters, as a link types them.
TEST_F(ExplorerTest, TheSearchBoxSuggestsEntitiesByAnyOfTheirNames) {
  const std::string dom = Open("search=" + Encode("путин"), "search");
  EXPECT_THAT(dom, HasSubstr("<option value=\"Vladimir Putin\" data-iri=\"https://relata.dev/e/vladimir-putin\">"));
  const std::string sib = Open("search=" + Encode("power sib"), "search-2");
  EXPECT_THAT(sib, HasSubstr("<option value=\"Power of Siberia\" data-iri=\"https://relata.dev/e/power-of-siberia\">"));
}

// Enter in the search box searches the text too: the entities called so,
// then the facts whose evidence says it, the words marked.
TEST_F(ExplorerTest, TheSearchBoxFindsTextBesideNames) {
  const std::string dom = Open("text=" + Encode("national currencies"), "text");
  EXPECT_THAT(dom, ::testing::ContainsRegex("id=\"text-meta\">national currencies: [1-9][0-9]* entities, [1-9][0-9]* texts"));
  EXPECT_THAT(dom, HasSubstr("<a href=\"#entity=https%3A%2F%2Frelata.dev%2Fe%2Fsettlements-in-national-currencies\">"
                             "Settlements in national currencies</a>"));
  EXPECT_THAT(dom, ::testing::ContainsRegex("e:russia</a> —settles_trade_in→ <a [^>]*>e:settlements-in-national-currencies</a>"));
  EXPECT_THAT(dom, HasSubstr("completely converted to <mark>national currencies</mark>"));
}

}  // namespace
