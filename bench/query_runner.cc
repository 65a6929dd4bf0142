// relata-bench-query DB [--repeat N] [--json] QUERY.rq...: opens the store
// once, runs each query N times (every row fetched and its terms decoded, as
// a client would; with --json also written as SPARQL JSON into memory, as
// the endpoint writes it) and prints, per query, the rows and the first,
// median and fastest run in milliseconds, tab-separated: name rows first_ms
// median_ms min_ms.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tools/result_format.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "relata-bench-query: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Fail("usage: relata-bench-query DB [--repeat N] [--json] QUERY.rq...");
  int repeat = 5;
  bool json = false;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--json") {
      json = true;
    } else {
      files.push_back(arg);
    }
  }
  relata::KeepFreedMemoryForQueries();  // as the relata tools do
  relata::Options options;
  options.create_if_missing = false;
  auto db = relata::Database::Open(argv[1], options);
  if (!db.ok()) return Fail(std::string(db.status().message()));
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) return Fail("cannot read " + file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<double> ms;
    std::uint64_t rows = 0;
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto cursor = (*db)->Query(text);
      if (!cursor.ok()) return Fail(file + ": " + std::string(cursor.status().message()));
      rows = cursor->kind() == relata::Cursor::Kind::kBoolean ? 1 : 0;
      relata::tools::SolutionWriter writer(*cursor, "json");
      std::string answer;
      while (true) {
        auto more = json ? writer.Next(answer) : cursor->Next();
        if (!more.ok()) return Fail(file + ": " + std::string(more.status().message()));
        if (!*more) break;
        ++rows;
        if (answer.size() >= (1 << 16)) answer.clear();  // sent, as the endpoint sends it
      }
      if (json && cursor->kind() != relata::Cursor::Kind::kBoolean) --rows;  // the head was a piece too
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    const double first = ms.front();
    std::sort(ms.begin(), ms.end());
    std::printf("%s\t%llu\t%.3f\t%.3f\t%.3f\n", std::filesystem::path(file).stem().c_str(),
                static_cast<unsigned long long>(rows), first, ms[ms.size() / 2], ms.front());
    std::fflush(stdout);
  }
  return 0;
}
