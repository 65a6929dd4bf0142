// A W3C suite as gtests: every manifest entry is one test, entries we know we
// fail are skipped with their reason, and a table of totals per manifest is
// printed at the end.
#ifndef RELATA_TESTS_CONFORMANCE_SUITE_H_
#define RELATA_TESTS_CONFORMANCE_SUITE_H_

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/conformance/manifest.h"

namespace relata::testing {

// Test IRI -> why we do not pass it.
using KnownFailures = std::map<std::string, std::string>;

class ConformanceTest : public ::testing::Test {
 public:
  ConformanceTest(std::string suite, ManifestEntry entry, const KnownFailures& known)
      : suite_(std::move(suite)), entry_(std::move(entry)), known_(known) {}
  void TestBody() final;

 protected:
  // Checks the entry with gtest assertions.
  virtual void Run() = 0;
  const ManifestEntry& entry() const { return entry_; }

 private:
  std::string suite_;
  ManifestEntry entry_;
  const KnownFailures& known_;
};

using MakeTest = std::function<ConformanceTest*(const std::string& suite, const ManifestEntry& entry)>;

// Registers the entries of `root`/<dir>/manifest.ttl (or of `root`/<dir>
// when it names a .ttl file) for each of `dirs`,
// runs them and prints the totals; returns main's exit status.
int RunSuites(int argc, char** argv, const std::string& root, const std::vector<std::string>& dirs,
              const KnownFailures& known, const MakeTest& make);

}  // namespace relata::testing

#endif  // RELATA_TESTS_CONFORMANCE_SUITE_H_
