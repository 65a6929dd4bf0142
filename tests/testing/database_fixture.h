// A fresh store per test, and the rows of a query as strings: what the
// engine tests share.
#ifndef RELATA_TESTS_TESTING_DATABASE_FIXTURE_H_
#define RELATA_TESTS_TESTING_DATABASE_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "relata/database.h"

namespace relata::testing {

using RowList = std::vector<std::vector<std::optional<Term>>>;

// Every row of a query, or the error that stopped it (a failed query, a
// timeout, the memory budget).
inline absl::StatusOr<RowList> ReadAll(absl::StatusOr<Cursor> cursor) {
  if (!cursor.ok()) return cursor.status();
  RowList rows;
  for (;;) {
    const absl::StatusOr<bool> more = cursor->Next();
    if (!more.ok()) return more.status();
    if (!*more) return rows;
    rows.push_back(cursor->row());
  }
}

// The seed of a randomised test: the environment variable `name` when set
// (to replay a run), else a fresh one. Tests print it with SCOPED_TRACE.
inline unsigned SeedFromEnvironment(const char* name) {
  const char* text = std::getenv(name);
  return text != nullptr ? static_cast<unsigned>(std::atoi(text)) : std::random_device()();
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/relata_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = Database::Open(dir_ + "/db");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Writes `text` to a file of the test's directory; returns its path.
  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  // How a query ended once read to its last row.
  absl::Status Drain(const std::string& sparql, const QueryOptions& options = {}) {
    return ReadAll(db_->Query(sparql, options)).status();
  }

  // Loads `text` as the file `name` (its extension gives the format).
  void Load(const std::string& name, const std::string& text) {
    auto report = db_->Load(WriteFile(name, text));
    ASSERT_TRUE(report.ok()) << report.status();
  }

  // The rows of a SELECT as strings "value value ..." in N-Triples form ("-"
  // for unbound), in order.
  std::vector<std::string> Rows(const std::string& sparql, const QueryOptions& options = {}) {
    return RowsOf(db_->Query(sparql, options));
  }
  // The same for any cursor (a prepared query's, a transaction's).
  static std::vector<std::string> RowsOf(absl::StatusOr<Cursor> cursor) {
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    std::vector<std::string> rows;
    if (!cursor.ok()) return rows;
    while (true) {
      auto more = cursor->Next();
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
      std::string row;
      for (const auto& value : cursor->row()) {
        if (!row.empty()) row += " ";
        row += value ? value->ToNTriples() : "-";
      }
      rows.push_back(row);
    }
    return rows;
  }

  // ASK's answer (false on an error, which the test reports).
  bool Ask(const std::string& sparql) {
    auto cursor = db_->Query(sparql);
    EXPECT_TRUE(cursor.ok()) << cursor.status();
    return cursor.ok() && cursor->kind() == Cursor::Kind::kBoolean && cursor->boolean();
  }

  std::string dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_DATABASE_FIXTURE_H_
