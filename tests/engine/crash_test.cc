// Writes killed with SIGKILL at random points, many times over: after each
// restart the store opens, holds every change that was committed and none
// that was not, and its statistics, name index and text index agree with its
// quads.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

constexpr int kItems = 40;  // entities each step adds
constexpr int kKept = 3;    // a step removes the batch of the step kKept before it
constexpr std::string_view kEx = "http://x/";
constexpr std::string_view kLabel = "http://www.w3.org/2000/01/rdf-schema#label";
constexpr std::string_view kInteger = "http://www.w3.org/2001/XMLSchema#integer";

Term Ex(std::string_view local) { return Term::Iri(std::string(kEx) + std::string(local)); }
std::string ItemName(int step, int item) { return absl::StrFormat("item%04d n%d", step, item); }
Term Graph(int step) { return Ex("g" + std::to_string(step % 3)); }

// The quads of step `step`'s batch: each entity has a batch number, a label
// and evidence (so the name and text indexes change with every step), in one
// of three graphs.
std::vector<Quad> Batch(int step) {
  std::vector<Quad> quads;
  for (int i = 0; i < kItems; ++i) {
    const Term entity = Ex(absl::StrFormat("e%d_%d", step, i));
    quads.push_back({entity, Ex("batch"), Term::Literal(std::to_string(step), kInteger), Graph(step)});
    quads.push_back({entity, Term::Iri(kLabel), Term::Literal(ItemName(step, i)), Graph(step)});
    quads.push_back({entity, Ex("evidence"), Term::Literal(absl::StrFormat("Step%04d saw item %d.", step, i)), Graph(step)});
  }
  return quads;
}
Quad Counter(int value) {
  return {Ex("counter"), Ex("value"), Term::Literal(std::to_string(value), kInteger), Term::Iri("")};
}

std::string NQuadsData(const std::vector<Quad>& quads) {
  std::string text;
  for (const Quad& q : quads) {
    text += absl::StrFormat("GRAPH %s { %s %s %s } ", q.graph.ToNTriples(), q.subject.ToNTriples(),
                            q.predicate.ToNTriples(), q.object.ToNTriples());
  }
  return text;
}

// One atomic step: batch `step` in, batch `step - kKept` out, the counter
// from step - 1 to step. Even steps are SPARQL updates, odd ones
// transactions of single quads.
absl::Status Step(Database& db, int step) {
  const int old = step - kKept;
  if (step % 2 == 0) {
    std::string update = absl::StrFormat(
        "PREFIX ex: <%s> DELETE { ex:counter ex:value ?v } INSERT { ex:counter ex:value %d } "
        "WHERE { ex:counter ex:value ?v } ;\n",
        kEx, step);
    if (old >= 1) update += "DELETE DATA { " + NQuadsData(Batch(old)) + "} ;\n";
    update += "INSERT DATA { " + NQuadsData(Batch(step)) + "}";
    return db.Update(update).status();
  }
  auto transaction = db.Begin();
  if (!transaction.ok()) return transaction.status();
  Transaction& t = **transaction;
  for (const Quad& quad : Batch(step)) {
    if (auto added = t.Add(quad); !added.ok()) return added.status();
  }
  if (old >= 1) {
    for (const Quad& quad : Batch(old)) {
      if (auto removed = t.Remove(quad); !removed.ok()) return removed.status();
    }
  }
  if (auto removed = t.Remove(Counter(step - 1)); !removed.ok()) return removed.status();
  if (auto added = t.Add(Counter(step)); !added.ok()) return added.status();
  return t.Commit().status();
}

absl::StatusOr<testing::RowList> Rows(Database& db, std::string_view sparql) {
  return testing::ReadAll(db.Query(sparql));
}

absl::StatusOr<int> CounterOf(Database& db) {
  auto rows = Rows(db, "SELECT ?v WHERE { <http://x/counter> <http://x/value> ?v }");
  if (!rows.ok()) return rows.status();
  if (rows->size() != 1 || !(*rows)[0][0].has_value()) {
    return absl::InternalError(absl::StrFormat("%d counter values", rows->size()));
  }
  return std::atoi((*rows)[0][0]->value.c_str());
}

// The child: opens the store, then runs steps until it is killed, writing
// each step's number to `acks` once its commit has returned.
[[noreturn]] void RunSteps(const std::string& path, int acks) {
  auto db = Database::Open(path);
  if (!db.ok()) _exit(2);
  auto counter = CounterOf(**db);
  if (!counter.ok()) _exit(3);
  for (int step = *counter + 1;; ++step) {
    if (!Step(**db, step).ok()) _exit(4);
    if (write(acks, &step, sizeof step) != sizeof step) _exit(5);
  }
}

TEST(CrashTest, KilledUpdatesAndTransactionsKeepExactlyWhatWasCommitted) {
  const std::string dir = ::testing::TempDir() + "/relata_crash_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/db";
  {
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status();
    auto transaction = (*db)->Begin();
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE((*transaction)->Add(Counter(0)).ok());
    ASSERT_TRUE((*transaction)->Commit().ok());
  }
  const unsigned seed = testing::SeedFromEnvironment("RELATA_CRASH_SEED");
  SCOPED_TRACE("RELATA_CRASH_SEED=" + std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(1, 250);

  constexpr int kKills = 30;
  int kills_mid_write = 0, committed_after_last_ack = 0, previous = 0;
  for (int kill_number = 0; kill_number < kKills; ++kill_number) {
    int pipe_ends[2];
    ASSERT_EQ(pipe(pipe_ends), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(pipe_ends[0]);
      RunSteps(path, pipe_ends[1]);
    }
    close(pipe_ends[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself with status " << WEXITSTATUS(status);
    int step = 0, acked = -1;
    while (read(pipe_ends[0], &step, sizeof step) == sizeof step) acked = step;
    close(pipe_ends[0]);

    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << "after kill " << kill_number << ": " << db.status();
    const auto counter = CounterOf(**db);
    ASSERT_TRUE(counter.ok()) << counter.status();
    // Every acknowledged step is there; the step in flight may have
    // committed before its acknowledgement was written, or not.
    const int floor = acked >= 0 ? acked : previous;
    ASSERT_TRUE(*counter == floor || *counter == floor + 1) << *counter << " after " << floor;
    kills_mid_write += acked >= 0 ? 1 : 0;
    committed_after_last_ack += *counter == floor + 1 ? 1 : 0;
    previous = *counter;
    const auto batches = Rows(**db,
                              "SELECT ?b (COUNT(DISTINCT ?e) AS ?n) (COUNT(?l) AS ?labels) "
                              "WHERE { ?e <http://x/batch> ?b ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
                              "GROUP BY ?b ORDER BY ?b");
    ASSERT_TRUE(batches.ok()) << batches.status();
    std::vector<int> present;
    for (const auto& row : *batches) {
      present.push_back(std::atoi(row[0]->value.c_str()));
      EXPECT_EQ(row[1]->value, std::to_string(kItems)) << "batch " << row[0]->value << " is partial";
      EXPECT_EQ(row[2]->value, std::to_string(kItems)) << "batch " << row[0]->value << " is partial";
    }
    std::vector<int> expected;
    for (int b = std::max(1, *counter - kKept + 1); b <= *counter; ++b) expected.push_back(b);
    EXPECT_EQ(present, expected) << "counter " << *counter;
    // The name index finds the newest batch by its names, and no longer the
    // one removed last.
    if (*counter >= 1) {
      const auto found = Rows(**db, absl::StrFormat("SELECT ?e WHERE { ?e <https://relata.dev/ns#search> \"item%04d\" }",
                                                    *counter));
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(found->size(), static_cast<std::size_t>(kItems));
    }
    if (*counter > kKept) {
      const auto gone = Rows(**db, absl::StrFormat("SELECT ?e WHERE { ?e <https://relata.dev/ns#search> \"item%04d\" }",
                                                   *counter - kKept));
      ASSERT_TRUE(gone.ok()) << gone.status();
      EXPECT_EQ(gone->size(), 0u);
    }
    // So does the text index.
    if (*counter >= 1) {
      const auto found = Rows(**db, absl::StrFormat("SELECT ?e WHERE { ?e <https://relata.dev/ns#text> \"step%04d\" }",
                                                    *counter));
      ASSERT_TRUE(found.ok()) << found.status();
      EXPECT_EQ(found->size(), static_cast<std::size_t>(kItems));
    }
    if (*counter > kKept) {
      const auto gone = Rows(**db, absl::StrFormat("SELECT ?e WHERE { ?e <https://relata.dev/ns#text> \"step%04d\" }",
                                                   *counter - kKept));
      ASSERT_TRUE(gone.ok()) << gone.status();
      EXPECT_EQ(gone->size(), 0u);
    }
    const auto check = (*db)->Check();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->problems.empty()) << "after kill " << kill_number << ": " << check->problems.front();
    if (HasFailure()) break;
  }
  // Not an assertion on timing: a record of what the kills hit, for the log.
  std::printf("%d kills, %d while steps were running, %d after a commit whose ack was not sent\n", kKills,
              kills_mid_write, committed_after_last_ack);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace relata
