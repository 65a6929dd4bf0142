#include "tests/conformance/suite.h"

#include <cstdio>
#include <cstdlib>

namespace relata::testing {
namespace {

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
};
std::map<std::string, Tally>& Tallies() {
  static auto* tallies = new std::map<std::string, Tally>;
  return *tallies;
}

class TotalsPrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit TotalsPrinter(const KnownFailures& known) : known_(known) {}

 private:
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    Tally all;
    std::printf("\n%-44s %7s %7s %7s\n", "manifest", "passed", "failed", "skipped");
    for (const auto& [suite, t] : Tallies()) {
      std::printf("%-44s %7d %7d %7d\n", suite.c_str(), t.passed, t.failed, t.skipped);
      all.passed += t.passed;
      all.failed += t.failed;
      all.skipped += t.skipped;
    }
    std::printf("%-44s %7d %7d %7d\n", "total", all.passed, all.failed, all.skipped);
    for (const auto& [id, reason] : known_) std::printf("skipped %s: %s\n", id.c_str(), reason.c_str());
  }
  const KnownFailures& known_;
};

}  // namespace

void ConformanceTest::TestBody() {
  Tally& tally = Tallies()[suite_];
  // RELATA_RUN_KNOWN_FAILURES=1 runs them anyway, to see why they fail.
  static const bool run_known = std::getenv("RELATA_RUN_KNOWN_FAILURES") != nullptr;
  if (const auto it = known_.find(entry_.id); it != known_.end() && !run_known) {
    ++tally.skipped;
    GTEST_SKIP() << "known failure: " << it->second;
  }
  Run();
  if (IsSkipped()) {
    ++tally.skipped;
  } else if (HasFailure()) {
    ++tally.failed;
  } else {
    ++tally.passed;
  }
}

int RunSuites(int argc, char** argv, const std::string& root, const std::vector<std::string>& dirs,
              const KnownFailures& known, const MakeTest& make) {
  ::testing::InitGoogleTest(&argc, argv);
  for (const std::string& dir : dirs) {
    // A folder's manifest.ttl, or a manifest named itself (one a manifest includes).
    const auto entries = ReadManifest(dir.ends_with(".ttl") ? root + dir : root + dir + "/manifest.ttl");
    if (!entries.ok()) {
      std::fprintf(stderr, "%s\n", std::string(entries.status().message()).c_str());
      return 2;
    }
    std::string suite = dir.ends_with(".ttl") ? dir.substr(0, dir.size() - 4) : dir;
    for (char& c : suite) {
      if (c == '/' || c == '-') c = '_';
    }
    for (const ManifestEntry& entry : *entries) {
      ::testing::RegisterTest(suite.c_str(), entry.name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [make, suite, entry]() -> ::testing::Test* { return make(suite, entry); });
    }
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new TotalsPrinter(known));
  return RUN_ALL_TESTS();
}

}  // namespace relata::testing
