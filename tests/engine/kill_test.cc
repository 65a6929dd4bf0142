// A load killed with SIGKILL at any point leaves the store as it was before,
// text index included.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

TEST(KillTest, LoadKilledMidwayLeavesTheStoreAsBefore) {
  const std::string dir = ::testing::TempDir() + "/relata_kill_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db_path = dir + "/db", small = dir + "/small.nt", big = dir + "/big.nt";
  std::ofstream(small) << "<http://x/a> <http://x/p> <http://x/b> .\n";
  {
    std::ofstream out(big);
    for (int i = 0; i < 400000; ++i) {
      // Every 50th triple is evidence, for the text index.
      const std::string predicate = i % 50 == 0 ? "evidence" : "p" + std::to_string(i % 50);
      out << "<http://x/s" << i << "> <http://x/" << predicate << "> \"value " << i << "\" .\n";
    }
  }
  {
    auto db = Database::Open(db_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Load(small).ok());
  }
  // Kill at random points of the load (parsing, sorting, writing files),
  // every other time with a small memory limit, so that sorted runs spill
  // and merge. RELATA_KILL_SEED replays a run.
  const unsigned seed = testing::SeedFromEnvironment("RELATA_KILL_SEED");
  SCOPED_TRACE("RELATA_KILL_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delays(5, 700);
  constexpr int kKills = 12;
  int killed_mid_load = 0;
  for (int kill_number = 0; kill_number < kKills; ++kill_number) {
    const int delay_ms = delays(random);
    const std::size_t memory_bytes = kill_number % 2 == 0 ? std::size_t{1} << 30 : std::size_t{1} << 20;
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto db = Database::Open(db_path);
      LoadOptions options;
      options.memory_bytes = memory_bytes;
      if (db.ok()) (void)(*db)->Load(big, options);
      _exit(0);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    auto db = Database::Open(db_path);
    ASSERT_TRUE(db.ok()) << db.status();
    const auto stats = (*db)->Stats();
    ASSERT_TRUE(stats.ok());
    const auto texts = testing::ReadAll((*db)->Query("SELECT (COUNT(*) AS ?n) WHERE { ?s <https://relata.dev/ns#text> \"value\" }"));
    ASSERT_TRUE(texts.ok()) << texts.status();
    if (WIFSIGNALED(status)) {
      ++killed_mid_load;
      EXPECT_EQ(stats->quads, 1u) << "killed after " << delay_ms << " ms";
      EXPECT_EQ((*texts)[0][0]->value, "0");
    } else {
      EXPECT_EQ(stats->quads, 400001u) << "the load finished before the kill";
      EXPECT_EQ((*texts)[0][0]->value, "8000");
    }
    const auto check = (*db)->Check();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->problems.empty()) << check->problems.front();
    if (!WIFSIGNALED(status)) {
      // Start again from the small store, so that the next kill lands mid-load.
      db->reset();
      std::filesystem::remove_all(db_path);
      auto fresh = Database::Open(db_path);
      ASSERT_TRUE(fresh.ok());
      ASSERT_TRUE((*fresh)->Load(small).ok());
    }
    for (const auto& entry : std::filesystem::directory_iterator(db_path)) {
      EXPECT_NE(entry.path().filename().string().rfind("bulk-load-", 0), 0u)
          << "temporary files left behind";
    }
  }
  std::printf("%d kills, %d of them during a load\n", kKills, killed_mid_load);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace relata
