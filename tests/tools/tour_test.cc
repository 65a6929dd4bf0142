// docs/tour.md stays true: every ```sparql block runs through the real
// binary against a fresh store of data/news/, and its output must equal the
// ```text block that follows it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/command.h"

namespace {

using relata::testing::RunCommand;

struct Example {
  std::string title, query, expected;
};

std::vector<Example> ReadTour(const std::string& path) {
  std::ifstream in(path);
  std::vector<Example> examples;
  std::string line, title;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) title = line.substr(3);
    if (line != "```sparql") continue;
    Example example{title, "", ""};
    while (std::getline(in, line) && line != "```") example.query += line + "\n";
    if (!std::getline(in, line) || line != "```text") break;
    while (std::getline(in, line) && line != "```") example.expected += line + "\n";
    examples.push_back(example);
  }
  return examples;
}


TEST(TourTest, EveryQueryGivesTheOutputShown) {
  const std::vector<Example> examples = ReadTour(RELATA_SOURCE_DIR "/docs/tour.md");
  ASSERT_GE(examples.size(), 15u) << "docs/tour.md asks at least 15 questions";
  const std::string dir = ::testing::TempDir() + "/relata_tour_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // In name order, as `relata load DB data/news/*.jsonl` and the build load
  // them: the order of a tie in a GROUP_CONCAT follows the store's ids.
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(RELATA_SOURCE_DIR "/data/news")) {
    if (entry.path().extension() == ".jsonl") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::string files;
  for (const std::string& path : paths) files += " '" + path + "'";
  const std::string relata = RELATA_BINARY;
  int status = 0;
  RunCommand(relata + " load " + dir + "/db" + files + " > /dev/null", &status);
  ASSERT_EQ(status, 0);
  for (const Example& example : examples) {
    const std::string query_file = dir + "/query.rq";
    std::ofstream(query_file) << example.query;
    EXPECT_EQ(RunCommand("COLUMNS=100 " + relata + " query " + dir + "/db -f " + query_file + " --format table"),
              example.expected)
        << "docs/tour.md: " << example.title;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
