// The quad store as its callers see it.
#include "storage/quad_store.h"

#include <rocksdb/db.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

#include "tests/storage/store_test_util.h"

namespace relata::storage {
namespace {

using ::testing::HasSubstr;

constexpr char kGraph[] =
    "<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc1> .\n"
    "<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc2> .\n"
    "<http://x/putin> <http://x/memberOf> <http://x/brics> <http://x/doc1> .\n"
    "<http://x/xi> <http://x/memberOf> <http://x/sco> <http://x/doc2> .\n"
    "<http://x/putin> <http://x/age> \"71\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
    "<http://x/xi> <http://x/name> \"Xi Jinping\"@en .\n"
    "_:r <http://x/says> <<( <http://x/xi> <http://x/memberOf> <http://x/sco> )>> <http://x/doc2> .\n";

TEST(QuadStoreTest, InsertedQuadIsFoundWithItsTerms) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok()) << store.status();
  const auto quads = Quads(kGraph);
  ASSERT_TRUE((*store)->Insert(quads).ok());
  auto age = (*store)->Lookup(Term::Iri("http://x/age"));
  ASSERT_TRUE(age.ok() && age->has_value());
  std::vector<Term> objects;
  ASSERT_TRUE((*store)->Scan({.ids = {.p = **age}}, true, [&](const QuadIds& q) {
    objects.push_back(*(*store)->Resolve(q.o));
    return true;
  }).ok());
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0], quads[4].object);
}

TEST(QuadStoreTest, InsertingTheSameQuadsTwiceAddsNothing) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  std::vector<Quad> ground = Quads(kGraph);
  ground.pop_back();  // the blank-node quad
  EXPECT_EQ(*(*store)->Insert(ground), 6u);
  EXPECT_EQ(*(*store)->Insert(ground), 0u);
  EXPECT_EQ((*store)->Stats()->quads, 6u);
}

TEST(QuadStoreTest, BlankNodesOfSeparateInsertsAreSeparateNodes) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  const auto quads = Quads("_:b <http://x/p> <http://x/o> .\n_:b <http://x/q> <http://x/o> .\n");
  EXPECT_EQ(*(*store)->Insert(quads), 2u);
  EXPECT_EQ(*(*store)->Insert(quads), 2u);
  std::set<TermId> subjects;
  ASSERT_TRUE((*store)->Scan({}, false, [&](const QuadIds& q) {
    subjects.insert(q.s);
    return true;
  }).ok());
  EXPECT_EQ(subjects.size(), 2u);  // one node per insert, shared by both of its quads
}

TEST(QuadStoreTest, IdsAndDataSurviveReopen) {
  const std::string path = NewDbPath();
  TermId sco_before = 0;
  {
    auto store = QuadStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
    sco_before = **(*store)->Lookup(Term::Iri("http://x/sco"));
  }
  auto store = QuadStore::Open(path, /*create=*/false);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(**(*store)->Lookup(Term::Iri("http://x/sco")), sco_before);
  EXPECT_EQ(*(*store)->Insert(Quads("<http://x/a> <http://x/p> <http://x/sco> .\n")), 1u);
  EXPECT_EQ(**(*store)->Lookup(Term::Iri("http://x/sco")), sco_before);
  const TermId triple = **(*store)->Lookup(Term::Triple(
      Term::Iri("http://x/xi"), Term::Iri("http://x/memberOf"), Term::Iri("http://x/sco")));
  EXPECT_EQ((*store)->Resolve(triple)->triple[2], Term::Iri("http://x/sco"));
}

// Every mix of bound components, compared with filtering all quads.
TEST(QuadStoreTest, EveryPatternShapeMatchesBruteForce) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  std::vector<QuadIds> all;
  ASSERT_TRUE((*store)->Scan({}, false, [&](const QuadIds& q) {
    all.push_back(q);
    return true;
  }).ok());
  ASSERT_EQ(all.size(), 7u);
  for (const QuadIds& probe : all) {
    for (int mask = 0; mask < 16; ++mask) {
      QuadStore::Pattern pattern;
      if (mask & 1) pattern.ids.s = probe.s;
      if (mask & 2) pattern.ids.p = probe.p;
      if (mask & 4) pattern.ids.o = probe.o;
      if (mask & 8) {
        pattern.ids.g = probe.g;
        pattern.graph_bound = true;
      }
      std::multiset<std::tuple<TermId, TermId, TermId, TermId>> got, expected;
      ASSERT_TRUE((*store)->Scan(pattern, false, [&](const QuadIds& q) {
        got.emplace(q.s, q.p, q.o, q.g);
        return true;
      }).ok());
      for (const QuadIds& q : all) {
        if ((mask & 1 && q.s != probe.s) || (mask & 2 && q.p != probe.p) ||
            (mask & 4 && q.o != probe.o) || (mask & 8 && q.g != probe.g)) {
          continue;
        }
        expected.emplace(q.s, q.p, q.o, q.g);
      }
      EXPECT_EQ(got, expected) << "mask " << mask;
    }
  }
}

TEST(QuadStoreTest, UnionDefaultGraphYieldsEachTripleOnce) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  const TermId member = **(*store)->Lookup(Term::Iri("http://x/memberOf"));
  int quads = 0, triples = 0;
  ASSERT_TRUE((*store)->Scan({.ids = {.p = member}}, false, [&](const QuadIds&) { return ++quads; }).ok());
  ASSERT_TRUE((*store)->Scan({.ids = {.p = member}}, true, [&](const QuadIds&) { return ++triples; }).ok());
  EXPECT_EQ(quads, 4);
  EXPECT_EQ(triples, 3);  // putin memberOf sco is asserted in doc1 and doc2
}

// A store that is only read must not grow a file at every open (RocksDB
// before 8.3 kept an empty write-ahead log per open, and info logs pile up).
TEST(QuadStoreTest, OpeningAStoreAgainAndAgainLeavesNoFilesBehind) {
  const std::string path = NewDbPath();
  {
    auto store = QuadStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  }
  const auto count = [&](const std::function<bool(const std::string&)>& wanted) {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(path)) n += wanted(entry.path().filename().string());
    return n;
  };
  for (int open = 0; open < 8; ++open) {
    auto store = QuadStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->Stats()->quads, 7u);
  }
  EXPECT_LE(count([](const std::string& name) { return name.ends_with(".log"); }), 2);
  EXPECT_LE(count([](const std::string& name) { return name.starts_with("LOG.old"); }), 4);
}

// ORDER BY ... LIMIT reads a permutation from its far end: backwards, a
// cursor must give exactly the quads it gives forwards, in reverse, for every
// prefix length (the whole-triple prefix of spog seeks by its bloom filter
// forwards), with the union's duplicates dropped, and through a
// transaction's pending writes.
TEST(QuadStoreTest, ADescendingCursorGivesTheAscendingQuadsReversed) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  const auto id = [&](const char* iri) { return **(*store)->Lookup(Term::Iri(iri)); };
  const TermId putin = id("http://x/putin"), member = id("http://x/memberOf"), sco = id("http://x/sco"),
               doc1 = id("http://x/doc1");
  const auto read = [&](const QuadStore::Pattern& pattern, bool distinct, QuadStore::Direction direction,
                        const std::shared_ptr<const QuadStore::Snapshot>& view) {
    std::vector<std::string> quads;
    auto cursor = (*store)->OpenCursor(pattern, distinct, view, direction);
    for (; cursor->Valid(); cursor->Next()) {
      const QuadIds& q = cursor->quad();
      // A triple of the union is one of its quads, whichever graph.
      quads.push_back(distinct && !pattern.graph_bound ? absl::StrJoin({q.s, q.p, q.o}, " ")
                                                       : absl::StrJoin({q.s, q.p, q.o, q.g}, " "));
    }
    EXPECT_TRUE(cursor->status().ok());
    return quads;
  };
  const std::vector<QuadStore::Pattern> patterns = {
      {}, {.ids = {.p = member}}, {.ids = {.s = putin, .p = member}}, {.ids = {.s = putin, .p = member, .o = sco}},
      {.ids = {.o = sco}}, {.ids = {.p = member, .g = doc1}, .graph_bound = true}};
  auto txn = (*store)->BeginTransaction();
  ASSERT_TRUE(*txn->Insert(Quads("<http://x/lavrov> <http://x/memberOf> <http://x/sco> .\n")[0]));
  ASSERT_TRUE(*txn->Insert(Quads("<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc3> .\n")[0]));
  for (const auto& view : {(*store)->GetSnapshot(), txn->View()}) {
    for (const QuadStore::Pattern& pattern : patterns) {
      for (const bool distinct : {false, true}) {
        std::vector<std::string> ascending = read(pattern, distinct, QuadStore::Direction::kAscending, view);
        const std::vector<std::string> descending = read(pattern, distinct, QuadStore::Direction::kDescending, view);
        EXPECT_FALSE(ascending.empty());
        std::reverse(ascending.begin(), ascending.end());
        EXPECT_EQ(descending, ascending) << "s p o g bound: " << pattern.ids.s << " " << pattern.ids.p << " "
                                         << pattern.ids.o << " " << pattern.graph_bound << ", distinct " << distinct;
      }
    }
  }
}

// Reads share a snapshot and reuse the iterators of finished reads until the
// next write: what a read sees must still be the store as of its start.
TEST(QuadStoreTest, ReusedSnapshotsAndCursorsNeverHideAWrite) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  const std::vector<Quad> quads = Quads(kGraph);
  const auto count = [&](const std::shared_ptr<const QuadStore::Snapshot>& snapshot) {
    int n = 0;
    auto cursor = (*store)->OpenCursor({}, false, snapshot);
    for (; cursor->Valid(); cursor->Next()) ++n;
    (*store)->Recycle(std::move(cursor));
    return n;
  };
  ASSERT_TRUE((*store)->Insert(std::span(quads).first(1)).ok());
  const auto before = (*store)->GetSnapshot();
  EXPECT_EQ(count(before), 1);
  EXPECT_EQ((*store)->GetSnapshot(), before);  // no write since: shared
  for (std::size_t written = 2; written <= quads.size(); ++written) {
    ASSERT_TRUE((*store)->Insert(std::span(quads).subspan(written - 1, 1)).ok());
    EXPECT_EQ(count((*store)->GetSnapshot()), static_cast<int>(written));
  }
  EXPECT_EQ(count(before), 1);  // a reader's snapshot keeps its view
}

TEST(QuadStoreTest, StatisticsCountPredicatesAndGraphs) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  const auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  const TermId member = **(*store)->Lookup(Term::Iri("http://x/memberOf"));
  EXPECT_EQ(stats->quads, 7u);
  EXPECT_EQ(stats->predicates.at(member), (PredicateStats{4, 2, 2}));
  EXPECT_EQ(stats->graphs.at(kNoTerm), 2u);
  EXPECT_EQ(stats->graphs.at(**(*store)->Lookup(Term::Iri("http://x/doc2"))), 3u);
}

TEST(QuadStoreTest, DirectoryThatIsNotAStoreIsRefused) {
  const std::string path = NewDbPath();
  std::filesystem::create_directories(path);
  std::ofstream(path + "/notes.txt") << "hello";
  const auto store = QuadStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("not a relata store"));
}

TEST(QuadStoreTest, AStoreOfAnOlderLayoutIsNamedAsSuch) {
  // Quads, but not every family this build has (as before the name index).
  const std::string path = NewDbPath();
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {{rocksdb::kDefaultColumnFamilyName, {}},
                                                             {"spog", {}}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, families, &handles, &db).ok());
    for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
    delete db;
  }
  const auto store = QuadStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("written by an older relata"));
  EXPECT_THAT(store.status().message(), HasSubstr("load its data into a new store"));
}

TEST(QuadStoreTest, MissingStoreIsNotFoundWithoutCreate) {
  const auto store = QuadStore::Open(NewDbPath(), /*create=*/false);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
}

TEST(QuadStoreTest, DamagedStoreIsAnErrorNotACrash) {
  const std::string path = NewDbPath();
  ASSERT_TRUE(QuadStore::Open(path).ok());
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().filename().string().rfind("MANIFEST", 0) == 0) {
      std::ofstream(entry.path(), std::ios::trunc) << "garbage";
    }
  }
  const auto store = QuadStore::Open(path);
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace relata::storage

namespace relata::storage {
namespace {

std::string Describe(const StoreStats& stats) {
  std::string out = "total " + std::to_string(stats.quads);
  for (const auto& [p, s] : stats.predicates) {
    out += " p" + std::to_string(p) + "=" + std::to_string(s.quads) + "/" +
           std::to_string(s.distinct_subjects) + "/" + std::to_string(s.distinct_objects);
  }
  for (const auto& [g, n] : stats.graphs) out += " g" + std::to_string(g) + "=" + std::to_string(n);
  return out;
}

TEST(QuadStoreBulkLoadTest, GivesTheSameStoreAsInsertsIncludingStatistics) {
  auto inserted = QuadStore::Open(NewDbPath());
  auto bulk = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(inserted.ok() && bulk.ok());
  const auto first = Quads(kGraph);
  const auto second = Quads(
      "<http://x/putin> <http://x/memberOf> <http://x/eaeu> <http://x/doc3> .\n"
      "<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc1> .\n"
      "<http://x/modi> <http://x/memberOf> <http://x/sco> .\n");
  for (const auto* batch : {&first, &second}) {
    ASSERT_TRUE((*inserted)->Insert(*batch).ok());
    auto load = (*bulk)->StartBulkLoad({});
    for (const Quad& q : *batch) ASSERT_TRUE(load->Add(q).ok());
    ASSERT_TRUE(load->Finish().ok());
  }
  EXPECT_EQ(Describe(*(*bulk)->Stats()), Describe(*(*inserted)->Stats()));
  EXPECT_EQ((*bulk)->Stats()->quads, 9u);
}

TEST(QuadStoreBulkLoadTest, AbandonedLoadChangesNothing) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  {
    auto load = (*store)->StartBulkLoad({});
    for (const Quad& q : Quads(kGraph)) ASSERT_TRUE(load->Add(q).ok());
  }
  EXPECT_EQ((*store)->Stats()->quads, 0u);
  EXPECT_FALSE((*(*store)->Lookup(Term::Iri("http://x/sco"))).has_value());
  EXPECT_EQ(*(*store)->Insert(Quads(kGraph)), 7u);
}

// Quads over a small vocabulary, so that runs share terms and repeat quads.
std::vector<Quad> RandomQuads(int count, unsigned seed) {
  std::vector<Quad> quads;
  std::uint64_t state = seed;
  const auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  for (int i = 0; i < count; ++i) {
    Quad q;
    q.subject = Term::Iri("http://x/s" + std::to_string(next(5000)));
    q.predicate = Term::Iri("http://x/p" + std::to_string(next(20)));
    q.object = next(2) ? Term::Iri("http://x/s" + std::to_string(next(5000)))
                       : Term::Literal("v" + std::to_string(next(3000)));
    if (next(3) == 0) q.graph = Term::Iri("http://x/g" + std::to_string(next(7)));
    quads.push_back(std::move(q));
  }
  return quads;
}

// Every quad through each permutation: unbound (spog), and bound on p (posg),
// o (ospg) and g (gspo) for every value seen.
std::string DescribeContents(QuadStore& store) {
  std::vector<std::string> lines;
  const auto scan = [&](const QuadStore::Pattern& pattern, const std::string& label) {
    const absl::Status status = store.Scan(pattern, false, [&](const QuadIds& q) {
      lines.push_back(label + " " + std::to_string(q.s) + " " + std::to_string(q.p) + " " +
                      std::to_string(q.o) + " " + std::to_string(q.g));
      return true;
    });
    EXPECT_TRUE(status.ok()) << status;
  };
  std::vector<QuadIds> all;
  EXPECT_TRUE(store.Scan({}, false, [&](const QuadIds& q) { all.push_back(q); return true; }).ok());
  scan({}, "all");
  std::set<TermId> predicates, objects, graphs;
  for (const QuadIds& q : all) {
    predicates.insert(q.p);
    objects.insert(q.o);
    graphs.insert(q.g);
  }
  for (TermId p : predicates) {
    QuadStore::Pattern pattern;
    pattern.ids.p = p;
    scan(pattern, "p");
  }
  for (TermId o : objects) {
    QuadStore::Pattern pattern;
    pattern.ids.o = o;
    scan(pattern, "o");
  }
  for (TermId g : graphs) {
    QuadStore::Pattern pattern;
    pattern.ids.g = g;
    pattern.graph_bound = true;
    scan(pattern, "g");
  }
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "\n");
}

TEST(QuadStoreBulkLoadTest, SpilledRunsGiveTheSameStoreAsOneSortInMemory) {
  const std::string spilled_path = NewDbPath();
  auto in_memory = QuadStore::Open(NewDbPath());
  auto spilled = QuadStore::Open(spilled_path);
  ASSERT_TRUE(in_memory.ok() && spilled.ok());
  // The second load overlaps the first, so the merge meets quads and pairs
  // the store already has.
  for (const auto& batch : {RandomQuads(100000, 1), RandomQuads(100000, 2)}) {
    auto whole = (*in_memory)->StartBulkLoad({});
    QuadStore::BulkLoadOptions tiny;
    tiny.memory_bytes = 1;
    auto runs = (*spilled)->StartBulkLoad(tiny);
    for (const Quad& q : batch) {
      ASSERT_TRUE(whole->Add(q).ok());
      ASSERT_TRUE(runs->Add(q).ok());
    }
    EXPECT_EQ(whole->spilled_runs(), 0);
    EXPECT_GE(runs->spilled_runs(), 1);
    const auto added_whole = whole->Finish();
    const auto added_runs = runs->Finish();
    ASSERT_TRUE(added_whole.ok() && added_runs.ok()) << added_runs.status();
    EXPECT_EQ(*added_runs, *added_whole);
    EXPECT_GT(*added_runs, 0u);
  }
  EXPECT_EQ(Describe(*(*spilled)->Stats()), Describe(*(*in_memory)->Stats()));
  EXPECT_EQ(DescribeContents(**spilled), DescribeContents(**in_memory));
  // No sort run is left behind.
  for (const auto& entry : std::filesystem::directory_iterator(spilled_path)) {
    EXPECT_EQ(entry.path().filename().string().rfind("bulk-load-", 0), std::string::npos)
        << entry.path();
  }
}

// Writes straight into the store's column families, as damage would.
void Damage(const std::string& path, const std::function<void(rocksdb::DB*, const std::map<std::string, rocksdb::ColumnFamilyHandle*>&)>& change) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &db).ok());
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name;
  for (std::size_t i = 0; i < names.size(); ++i) by_name[names[i]] = handles[i];
  change(db, by_name);
  for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
  delete db;
}

TEST(QuadStoreCheckTest, ALoadedStoreIsConsistent) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  auto load = (*store)->StartBulkLoad({});
  for (const Quad& q : RandomQuads(5000, 3)) ASSERT_TRUE(load->Add(q).ok());
  ASSERT_TRUE(load->Finish().ok());
  ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  const auto report = (*store)->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->problems, ::testing::IsEmpty());
  EXPECT_EQ(report->quads, (*store)->Stats()->quads);
  EXPECT_GT(report->terms, 0u);
}

TEST(QuadStoreCheckTest, FindsIndexesStatisticsAndDictionaryThatDisagree) {
  const std::string path = NewDbPath();
  {
    auto store = QuadStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
  }
  Damage(path, [](rocksdb::DB* db, const auto& families) {
    const QuadIds stray{MakeId(TermTag::kIri, 999), MakeId(TermTag::kIri, 1), MakeId(TermTag::kIri, 2), kNoTerm};
    const QuadKey key = EncodeQuadKey(Permutation::kPosg, stray);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), families.at("posg"), rocksdb::Slice(key.data(), key.size()), "").ok());
    std::string total;
    AppendBigEndian(1234, &total);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), families.at("stats"), "T", total).ok());
    std::string id;
    AppendBigEndian(MakeId(TermTag::kIri, 1), &id);
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), families.at("id2str"), id).ok());
  });
  auto store = QuadStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  const auto report = (*store)->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->problems,
              ::testing::UnorderedElementsAre(
                  "posg holds 8 quads, spog 7", "statistics: 1234 quads in total, the indexes hold 7",
                  // The stray posg key also adds a distinct object to its predicate.
                  ::testing::StartsWith("statistics of predicate "),
                  "dictionary: str2id has 12 terms, id2str 11",
                  "dictionary: 1 ids used in quads have no term"));
}

TEST(QuadStoreCheckTest, FindsANameIndexThatDisagreesWithTheNames) {
  const std::string path = NewDbPath();
  {
    auto store = QuadStore::Open(path);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(Quads(kGraph)).ok());
    const std::vector<Quad> named = {Quad{Term::Iri("http://x/s"),
                                          Term::Iri("http://www.w3.org/2000/01/rdf-schema#label"),
                                          Term::Literal("Power of Siberia"), Term::Iri("")}};
    ASSERT_TRUE((*store)->Insert(named).ok());
    const auto report = (*store)->Check();
    ASSERT_TRUE(report.ok());
    EXPECT_THAT(report->problems, ::testing::IsEmpty());
  }
  Damage(path, [](rocksdb::DB* db, const auto& families) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), families.at("names")));
    it->SeekToFirst();
    ASSERT_TRUE(it->Valid());
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), families.at("names"), it->key()).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), families.at("names"), "stray", "L").ok());
  });
  auto store = QuadStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  const auto report = (*store)->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->problems, ::testing::UnorderedElementsAre("name index: 1 entries no name quad gives",
                                                                "name index: 1 entries missing for names the quads give"));
}

// The SST files of a store that was bulk loaded (its data sits in files,
// not only in the write-ahead log).
std::vector<std::filesystem::path> TableFiles(const std::string& path) {
  {
    auto store = QuadStore::Open(path);
    EXPECT_TRUE(store.ok());
    auto load = (*store)->StartBulkLoad({});
    EXPECT_TRUE(load->Add(RandomQuads(20000, 5)).ok());
    EXPECT_TRUE(load->Finish().ok());
  }
  std::vector<std::filesystem::path> tables;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() == ".sst") tables.push_back(entry.path());
  }
  std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) {
    return std::filesystem::file_size(a) > std::filesystem::file_size(b);
  });
  EXPECT_FALSE(tables.empty());
  return tables;
}

TEST(QuadStoreDamageTest, ATruncatedFileIsNamedAtOpen) {
  const std::string path = NewDbPath();
  const auto tables = TableFiles(path);
  std::filesystem::resize_file(tables.front(), std::filesystem::file_size(tables.front()) / 2);
  const auto store = QuadStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr(path + ": cannot open the store"));
  EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr(tables.front().filename().string()));
}

TEST(QuadStoreDamageTest, CorruptedBytesAreFoundByCheck) {
  const std::string path = NewDbPath();
  const auto tables = TableFiles(path);
  {
    // Flip bytes in the middle of the largest file's data blocks.
    std::fstream file(tables.front(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(tables.front()) / 3));
    file.write("\xde\xad\xbe\xef\xde\xad\xbe\xef", 8);
  }
  auto store = QuadStore::Open(path);
  if (!store.ok()) {  // RocksDB may read the damaged block while opening
    EXPECT_THAT(std::string(store.status().message()), ::testing::HasSubstr("orrupt"));
    return;
  }
  const auto report = (*store)->Check();
  ASSERT_TRUE(report.ok() || absl::StrContains(report.status().message(), "orrupt")) << report.status();
  if (report.ok()) {
    ASSERT_FALSE(report->problems.empty());
    EXPECT_THAT(report->problems.front(), ::testing::HasSubstr("files: Corruption"));
    EXPECT_THAT(report->problems.front(), ::testing::HasSubstr(tables.front().filename().string()));
  }
}

TEST(QuadStoreDamageTest, AStoreOfANewerFormatIsRefusedByName) {
  const std::string path = NewDbPath();
  { ASSERT_TRUE(QuadStore::Open(path).ok()); }
  Damage(path, [](rocksdb::DB* db, const auto&) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "format", "relata-quads-99").ok());
  });
  const auto store = QuadStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(std::string(store.status().message()),
            path + ": written by a newer relata (store format relata-quads-99; this build reads " +
                std::string(QuadStore::kFormatVersion) + "): open it with that version");
}

TEST(QuadStoreBulkLoadTest, KnownTermsKeepTheirIdsAndPresentQuadsAreNotAddedAgain) {
  auto store = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(store.ok());
  const auto first = RandomQuads(3000, 4);
  auto load = (*store)->StartBulkLoad({});
  ASSERT_TRUE(load->Add(first).ok());
  ASSERT_TRUE(load->Finish().ok());
  const Term known = first.front().subject;
  const auto id_before = (*store)->Lookup(known);
  ASSERT_TRUE(id_before.ok() && id_before->has_value());
  const std::uint64_t quads_before = (*store)->Stats()->quads;

  // The same quads again plus one new quad about a known term.
  std::vector<Quad> second = first;
  Quad extra;
  extra.subject = known;
  extra.predicate = Term::Iri("http://x/new-predicate");
  extra.object = Term::Literal("new");
  second.push_back(extra);
  auto again = (*store)->StartBulkLoad({});
  ASSERT_TRUE(again->Add(second).ok());
  const auto added = again->Finish();
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(*added, 1u);
  EXPECT_EQ((*store)->Stats()->quads, quads_before + 1);
  EXPECT_EQ(*(*store)->Lookup(known), *id_before);
  const auto report = (*store)->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->problems, ::testing::IsEmpty());
}

}  // namespace
}  // namespace relata::storage
