// What the storage tests share: a fresh store path per test and N-Quads text
// as quads.
#ifndef RELATA_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define RELATA_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/testing/rdf_test_util.h"
#include "tests/testing/temp_dir.h"

namespace relata::storage {

// A path no store uses yet, named after the running test.
inline std::string NewDbPath() {
  static int counter = 0;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string path = relata::testing::TestFilesDirectory() + "/" + info->test_suite_name() + "_" +
                           info->name() + "_" + std::to_string(counter++);
  std::filesystem::remove_all(path);
  return path;
}

inline std::vector<Quad> Quads(const std::string& nquads) {
  auto quads = testing::ParseRdf(nquads, query::RdfFormat::kNQuads);
  EXPECT_TRUE(quads.ok()) << quads.status();
  return quads.ok() ? *quads : std::vector<Quad>{};
}

}  // namespace relata::storage

#endif  // RELATA_TESTS_STORAGE_STORE_TEST_UTIL_H_
