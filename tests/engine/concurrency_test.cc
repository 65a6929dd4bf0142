// Readers running queries while a writer commits: every reader sees one
// committed state, never part of a write, whether it reads through the
// writer's Database or through a read-only one opened beside it (which
// catches up with the writer's commits between its reads). Also run under
// ThreadSanitizer (make tsan).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

constexpr int kItems = 25;     // quads of one batch
constexpr int kSteps = 150;    // writes
constexpr int kReaders = 3;
constexpr std::string_view kPrefix = "PREFIX ex: <http://x/> ";

// Step `step` moves the counter from step - 1 to step, adds batch `step`
// and removes batch step - 2: a committed state with counter c holds
// exactly batches c - 1 and c, whole.
std::string StepUpdate(int step) {
  std::string update = absl::StrFormat(
      "%sDELETE { ex:counter ex:value ?v } INSERT { ex:counter ex:value %d } WHERE { ex:counter ex:value ?v } ;\n",
      kPrefix, step);
  if (step > 2) {
    update += absl::StrFormat("DELETE WHERE { ?e ex:batch %d } ;\n", step - 2);
  }
  update += "INSERT DATA {";
  for (int i = 0; i < kItems; ++i) update += absl::StrFormat(" ex:e%d_%d ex:batch %d .", step, i, step);
  return update + " }";
}

// What a reader checks in one query's answer: one counter value, and the
// batches that go with it, each whole.
std::string CheckRows(const testing::RowList& rows) {
  if (rows.empty()) return "no rows";
  std::set<int> counters, batches;
  for (const auto& row : rows) {
    if (!row[0] || !row[1] || !row[2]) return "an unbound column";
    counters.insert(std::atoi(row[0]->value.c_str()));
    batches.insert(std::atoi(row[1]->value.c_str()));
    if (row[2]->value != std::to_string(kItems)) return "batch " + row[1]->value + " has " + row[2]->value + " items";
  }
  if (counters.size() != 1) return "two counter values at once";
  const int c = *counters.begin();
  const std::set<int> expected = c == 1 ? std::set<int>{1} : std::set<int>{c - 1, c};
  if (batches != expected) return absl::StrFormat("counter %d with %d batches", c, static_cast<int>(batches.size()));
  return "";
}

class ConcurrencyTest : public ::testing::TestWithParam<bool> {};

TEST_P(ConcurrencyTest, ReadersSeeWholeCommitsWhileAWriterCommits) {
  const bool beside = GetParam();
  const std::string path = ::testing::TempDir() + "/relata_concurrency_" + std::to_string(getpid()) +
                           (beside ? "_beside" : "");
  std::filesystem::remove_all(path);
  auto opened = Database::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Database& db = **opened;
  ASSERT_TRUE(db.Update(std::string(kPrefix) + "INSERT DATA { ex:counter ex:value 0 }").ok());
  ASSERT_TRUE(db.Update(StepUpdate(1)).ok());
  std::unique_ptr<Database> reader_db;
  if (beside) {
    Options read_only;
    read_only.read_only = true;
    auto reader_opened = Database::Open(path, read_only);
    ASSERT_TRUE(reader_opened.ok()) << reader_opened.status();
    reader_db = std::move(*reader_opened);
    EXPECT_TRUE(reader_db->read_only());
    EXPECT_EQ(reader_db->Update(std::string(kPrefix) + "INSERT DATA { ex:a ex:b ex:c }").status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  Database& readers_db = beside ? *reader_db : db;
  const std::string query = std::string(kPrefix) +
                            "SELECT ?c ?b (COUNT(?e) AS ?n) WHERE { ex:counter ex:value ?c . ?e ex:batch ?b } "
                            "GROUP BY ?c ?b";
  auto prepared = readers_db.Prepare(query);
  ASSERT_TRUE(prepared.ok()) << prepared.status();

  std::atomic<bool> writing{true};
  std::atomic<int> reads{0};
  std::vector<std::string> failures(kReaders + 1);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      while (writing.load() && failures[r].empty()) {
        // Reader 0 runs the prepared query, the others parse each time.
        const auto rows = testing::ReadAll(r == 0 ? prepared->Execute() : readers_db.Query(query));
        if (!rows.ok()) {
          failures[r] = std::string(rows.status().message());
          break;
        }
        failures[r] = CheckRows(*rows);
        // The statistics are written with the quads: their total is one
        // of a committed state's.
        if (const auto stats = readers_db.Stats(); stats.ok() && stats->quads != 1 + kItems && stats->quads != 1 + 2 * kItems) {
          failures[r] = absl::StrFormat("statistics count %d quads", static_cast<int>(stats->quads));
        }
        reads.fetch_add(1);
      }
    });
  }
  std::thread writer([&] {
    for (int step = 2; step <= kSteps; ++step) {
      // Odd steps go through a transaction that also reads its own writes.
      if (step % 2 == 0) {
        if (const auto done = db.Update(StepUpdate(step)); !done.ok()) {
          failures[kReaders] = std::string(done.status().message());
          break;
        }
        continue;
      }
      auto transaction = db.Begin();
      if (!transaction.ok() || !(*transaction)->Update(StepUpdate(step)).ok() || !(*transaction)->Commit().ok()) {
        failures[kReaders] = "a transaction failed";
        break;
      }
    }
    writing.store(false);
  });
  writer.join();
  for (std::thread& reader : readers) reader.join();
  for (int r = 0; r <= kReaders; ++r) EXPECT_EQ(failures[r], "") << (r == kReaders ? "writer" : "reader " + std::to_string(r));
  EXPECT_GT(reads.load(), kReaders) << "the readers hardly ran";
  std::printf("%d writes, %d consistent reads\n", kSteps - 1, reads.load());
  if (beside) {
    // The last commit is seen once the readers are done.
    const auto last = testing::ReadAll(readers_db.Query(std::string(kPrefix) + "SELECT ?c { ex:counter ex:value ?c }"));
    ASSERT_TRUE(last.ok()) << last.status();
    ASSERT_EQ(last->size(), 1u);
    EXPECT_EQ((*last)[0][0]->value, std::to_string(kSteps));
  }
  const auto check = readers_db.Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->problems.empty()) << check->problems.front();
  reader_db.reset();
  opened->reset();
  std::filesystem::remove_all(path);
}

INSTANTIATE_TEST_SUITE_P(ThroughTheWriterOrBesideIt, ConcurrencyTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) { return param.param ? "ReadOnlyBeside" : "SameDatabase"; });

}  // namespace
}  // namespace relata
