// The public API as an embedder uses it.
#include "relata/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <atomic>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace relata {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string test = info->name();
  for (char& c : test) {
    if (c == '/') c = '_';
  }
  const std::string path = relata::testing::TestFilesDirectory() + "/" + test + "_" + name;
  std::filesystem::remove_all(path);
  return path;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path) << text;
  return path;
}

std::string DumpOf(Database& db, const std::string& format = "nquads") {
  std::ostringstream out;
  EXPECT_TRUE(db.Dump(out, format).ok());
  return out.str();
}

constexpr char kNews[] =
    "PREFIX ex: <http://example.org/>\n"
    "ex:russia ex:memberOf ex:sco , ex:brics ; ex:name \"Russia\"@en .\n"
    "GRAPH ex:article1 { ex:china ex:memberOf ex:sco . ex:pos ex:capacity 38 }\n";

// The sanitizers bring their own allocator, which mallopt does not set.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kOwnAllocator = true;
#elif defined(__has_feature)
constexpr bool kOwnAllocator = __has_feature(address_sanitizer) || __has_feature(thread_sanitizer);
#else
constexpr bool kOwnAllocator = false;
#endif

// ctest runs each test in a process of its own: before the call, glibc
// maps a 16 MiB block by itself and unmaps it when it is freed.
TEST(DatabaseTest, KeepFreedMemoryForQueriesKeepsAFreedBlockForTheNextAllocation) {
#if defined(__GLIBC__)
  if (kOwnAllocator) GTEST_SKIP() << "the sanitizer's allocator is not glibc's";
  KeepFreedMemoryForQueries();
  constexpr std::size_t kBlock = std::size_t{16} << 20;
  const std::size_t free_before = mallinfo2().fordblks, mappings_before = mallinfo2().hblks;
  char* block = static_cast<char*>(std::malloc(kBlock));
  ASSERT_NE(block, nullptr);
  std::fill(block, block + kBlock, 'x');
  EXPECT_EQ(mallinfo2().hblks, mappings_before);  // from the heap, not a mapping of its own
  std::free(block);
  EXPECT_GE(mallinfo2().fordblks, free_before + kBlock);  // still the process's, for the next query
#else
  GTEST_SKIP() << "only glibc's allocator is set";
#endif
}

TEST(DatabaseTest, FailedLoadLeavesTheStoreExactlyAsBefore) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Load(WriteFile("news.trig", kNews)).ok());
  const std::string before = DumpOf(**db);
  const std::string bad = WriteFile("bad.nt",
                                    "<http://x/a> <http://x/p> <http://x/b> .\n"
                                    "<http://x/a> <http://x/p> <http://x/c>\n");
  const auto report = (*db)->Load(bad);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("bad.nt:2:39: expected '.'"));
  EXPECT_EQ(DumpOf(**db), before);
}

// A load cancelled while it reads (as the shell's Ctrl-C does, from another
// thread) stops and leaves the store as it was, RDF and extractor output
// alike; a cancel set before it starts loads nothing either.
TEST(DatabaseTest, ACancelledLoadStopsAndLeavesTheStoreAsBefore) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Load(WriteFile("news.trig", kNews)).ok());
  const std::string before = DumpOf(**db);
  std::string triples, relations;
  for (int i = 0; i < 300000; ++i) {
    triples += "<http://x/s" + std::to_string(i) + "> <http://x/p> \"" + std::to_string(i) + "\" .\n";
  }
  for (int i = 0; i < 70000; ++i) {
    relations += "{\"kind\":\"relation\",\"subject\":{\"name\":\"A" + std::to_string(i) + "\",\"type\":\"Person\"},"
                 "\"predicate\":\"knows\",\"object\":{\"name\":\"B" + std::to_string(i) +
                 "\",\"type\":\"Person\"}}\n";
  }
  const std::string rdf = WriteFile("many.nt", triples), kg = WriteFile("many.jsonl", relations);
  for (const std::string& file : {rdf, kg}) {
    SCOPED_TRACE(file);
    std::atomic<bool> cancel{false};
    LoadOptions options;
    options.cancel = &cancel;
    std::uint64_t statements_seen = 0;
    options.progress = [&](const LoadProgress& p) {
      statements_seen = p.statements;
      cancel.store(true);  // after the first 65,536 statements
    };
    const auto report = (*db)->Load(file, options);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kCancelled) << report.status();
    EXPECT_TRUE(DumpOf(**db) == before) << "the cancelled load changed the store";
    if (file == rdf) {
      EXPECT_LT(statements_seen, 300000u) << "the reader stopped at the cancel, not at the end";
    }
    const auto again = (*db)->Load(file, options);  // still set: nothing at all
    EXPECT_EQ(again.status().code(), absl::StatusCode::kCancelled);
    EXPECT_TRUE(DumpOf(**db) == before) << "a load cancelled before it began changed the store";
  }
}

TEST(DatabaseTest, FileLargerThanTheMemoryLimitLoadsTheSame) {
  std::string text;
  for (int i = 0; i < 100000; ++i) {
    text += "<http://x/person" + std::to_string(i % 7919) + "> <http://x/p" + std::to_string(i % 13) +
            "> \"value " + std::to_string(i) + "\" <http://x/doc" + std::to_string(i % 5) + "> .\n";
  }
  const std::string file = WriteFile("big.nq", text);
  ASSERT_GT(text.size(), 4u << 20);
  auto small = Database::Open(TempPath("small"));
  auto large = Database::Open(TempPath("large"));
  ASSERT_TRUE(small.ok() && large.ok());
  LoadOptions limited;
  limited.memory_bytes = 1 << 20;
  const auto spilled = (*small)->Load(file, limited);
  const auto in_memory = (*large)->Load(file);
  ASSERT_TRUE(spilled.ok()) << spilled.status();
  ASSERT_TRUE(in_memory.ok()) << in_memory.status();
  EXPECT_GE(spilled->spilled_runs, 2);
  EXPECT_EQ(in_memory->spilled_runs, 0);
  EXPECT_EQ(spilled->added, 100000u);
  EXPECT_EQ(DumpOf(**small), DumpOf(**large));
}

TEST(DatabaseTest, ProgressReportsReadingThenIndexing) {
  std::string text;
  for (int i = 0; i < 200000; ++i) {
    text += "<http://x/s" + std::to_string(i) + "> <http://x/p> \"" + std::to_string(i) + "\" .\n";
  }
  const std::string file = WriteFile("progress.nt", text);
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  std::vector<LoadProgress> seen;
  LoadOptions options;
  options.progress = [&seen](const LoadProgress& p) { seen.push_back(p); };
  ASSERT_TRUE((*db)->Load(file, options).ok());
  ASSERT_GE(seen.size(), 4u);  // every 65,536 statements, then indexing
  for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
    EXPECT_FALSE(seen[i].indexing);
    EXPECT_EQ(seen[i].statements, (i + 1) * 65536);
    EXPECT_EQ(seen[i].bytes_total, text.size());
    EXPECT_LE(seen[i].bytes_read, seen[i].bytes_total);
    if (i > 0) {
      EXPECT_GE(seen[i].bytes_read, seen[i - 1].bytes_read);
    }
  }
  EXPECT_TRUE(seen.back().indexing);
  EXPECT_EQ(seen.back().statements, 200000u);
}

TEST(DatabaseTest, SeveralFilesLoadAsOneAllOrNothing) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  const std::string triples = WriteFile("a.nt", "<http://x/a> <http://x/p> <http://x/b> .\n");
  const std::string turtle = WriteFile("b.ttl", "<http://x/b> <http://x/p> <http://x/c> .\n");
  const std::string bad = WriteFile("c.nt", "<http://x/c> <http://x/p> .\n");
  const auto failed = (*db)->Load(std::vector<std::string>{triples, turtle, bad});
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("c.nt:1:"));
  EXPECT_EQ((*db)->Stats()->quads, 0u);  // not even the good files

  const auto loaded = (*db)->Load(std::vector<std::string>{triples, turtle});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->statements, 2u);
  EXPECT_EQ(loaded->added, 2u);
  EXPECT_FALSE((*db)->Load(std::vector<std::string>{triples, TempPath("missing.nt")}).ok());
}

TEST(DatabaseTest, BlankNodeLabelsAreScopedToTheirFile) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  const std::string first = WriteFile("a.nt", "_:x <http://x/p> \"1\" .\n_:x <http://x/q> \"2\" .\n");
  const std::string second = WriteFile("b.nt", "_:x <http://x/p> \"3\" .\n");
  ASSERT_TRUE((*db)->Load(std::vector<std::string>{first, second}).ok());
  std::set<std::string> subjects;
  ASSERT_TRUE((*db)->Match(std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                           [&](const Quad& q) {
                             subjects.insert(q.subject.value);
                             return true;
                           }).ok());
  EXPECT_EQ(subjects.size(), 2u);  // one node per file, the same within a file
}

TEST(DatabaseTest, LenientLoadSkipsAndCountsBadStatements) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  LoadOptions options;
  options.lenient = true;
  const auto report = (*db)->Load(WriteFile("mixed.nt",
                                            "<http://x/a> <http://x/p> <http://x/b> .\n"
                                            "not rdf\n"
                                            "<http://x/a> <http://x/p> <http://x/c> .\n"),
                                  options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->added, 2u);
  EXPECT_EQ(report->skipped, 1u);
  ASSERT_EQ(report->errors.size(), 1u);
  EXPECT_THAT(report->errors[0], HasSubstr("mixed.nt:2:1:"));
}

TEST(DatabaseTest, GraphOptionPutsTriplesIntoThatGraph) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  LoadOptions options;
  options.graph = "http://example.org/doc";
  ASSERT_TRUE((*db)->Load(WriteFile("t.nt", "<http://x/a> <http://x/p> <http://x/b> .\n"),
                          options).ok());
  int found = 0;
  ASSERT_TRUE((*db)->Match(std::nullopt, std::nullopt, std::nullopt,
                           Term::Iri("http://example.org/doc"), [&](const Quad& q) {
                             EXPECT_EQ(q.graph, Term::Iri("http://example.org/doc"));
                             return ++found;
                           }).ok());
  EXPECT_EQ(found, 1);
}

TEST(DatabaseTest, LoadingTheSameFileTwiceAddsNothing) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  const std::string file = WriteFile("news.trig", kNews);
  ASSERT_EQ((*db)->Load(file)->added, 5u);
  const auto again = (*db)->Load(file);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->added, 0u);
  EXPECT_EQ(again->duplicates, 5u);
}

class DumpRoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DumpRoundTripTest, LoadDumpLoadGivesTheSameStore) {
  auto first = Database::Open(TempPath("first"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Load(WriteFile("news.trig", kNews)).ok());
  const std::string format = GetParam();
  const std::string dumped = WriteFile("dump." + format, DumpOf(**first, format));
  auto second = Database::Open(TempPath("second"));
  ASSERT_TRUE(second.ok());
  const auto report = (*second)->Load(dumped);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(DumpOf(**second), DumpOf(**first));
}

INSTANTIATE_TEST_SUITE_P(Formats, DumpRoundTripTest, ::testing::Values("nq", "trig"));

TEST(DatabaseTest, MatchOverTheDefaultGraphSeesEveryGraphOnce) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Load(WriteFile("news.trig", kNews)).ok());
  ASSERT_TRUE((*db)->Load(WriteFile("more.nq",
      "<http://example.org/china> <http://example.org/memberOf> <http://example.org/sco> "
      "<http://example.org/article2> .\n")).ok());
  std::vector<std::string> members;
  ASSERT_TRUE((*db)->Match(std::nullopt, Term::Iri("http://example.org/memberOf"),
                           Term::Iri("http://example.org/sco"), std::nullopt,
                           [&](const Quad& q) {
                             members.push_back(q.subject.value);
                             return true;
                           }).ok());
  EXPECT_THAT(members, ::testing::UnorderedElementsAre("http://example.org/russia",
                                                      "http://example.org/china"));
}

TEST(DatabaseTest, StatsCountPredicatesAndGraphs) {
  auto db = Database::Open(TempPath("db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Load(WriteFile("news.trig", kNews)).ok());
  const auto stats = (*db)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->quads, 5u);
  // russia sco brics china pos memberOf name capacity article1; "Russia"@en; 38 is inline.
  EXPECT_EQ(stats->iris, 9u);
  EXPECT_EQ(stats->literals, 1u);
  EXPECT_EQ(stats->predicates.front().predicate, Term::Iri("http://example.org/memberOf"));
  EXPECT_EQ(stats->predicates.front().quads, 3u);
  EXPECT_GT(stats->bytes_on_disk, 0u);
}

}  // namespace
}  // namespace relata
