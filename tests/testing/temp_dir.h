// Where tests put their files: one directory per test process, removed when
// its tests end, so that test runs leave nothing behind in the system's
// temporary directory, whatever a test did not clean up itself.
#ifndef RELATA_TESTS_TESTING_TEMP_DIR_H_
#define RELATA_TESTS_TESTING_TEMP_DIR_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace relata::testing {

inline const std::string& TestFilesDirectory() {
  class RemoveWhenTestsEnd : public ::testing::Environment {
   public:
    explicit RemoveWhenTestsEnd(std::string dir) : dir_(std::move(dir)) {}
    void TearDown() override { std::filesystem::remove_all(dir_); }

   private:
    std::string dir_;
  };
  static const std::string dir = [] {
    std::string path = ::testing::TempDir() + "/relata_tests_" + std::to_string(getpid());
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    ::testing::AddGlobalTestEnvironment(new RemoveWhenTestsEnd(path));
    return path;
  }();
  return dir;
}

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_TEMP_DIR_H_
