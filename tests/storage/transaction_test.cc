// QuadStore::Transaction: atomic adds and removes, reads of its own writes,
// and statistics and name index that follow deletes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "storage/quad_store.h"
#include "tests/storage/store_test_util.h"

namespace relata::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kMembersGraph[] =
    "<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc1> .\n"
    "<http://x/putin> <http://x/memberOf> <http://x/sco> <http://x/doc2> .\n"
    "<http://x/putin> <http://x/memberOf> <http://x/brics> <http://x/doc1> .\n"
    "<http://x/xi> <http://x/memberOf> <http://x/sco> <http://x/doc2> .\n"
    "<http://x/putin> <http://x/age> \"71\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
    "<http://x/xi> <http://www.w3.org/2000/01/rdf-schema#label> \"Xi Jinping\"@en .\n";

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = QuadStore::Open(NewDbPath());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  QuadIds Ids(const Quad& quad, QuadStore::Transaction& txn) {
    QuadIds ids;
    ids.s = *txn.Encode(quad.subject);
    ids.p = *txn.Encode(quad.predicate);
    ids.o = *txn.Encode(quad.object);
    if (!quad.InDefaultGraph()) ids.g = *txn.Encode(quad.graph);
    return ids;
  }

  // Every quad, as N-Quads lines.
  std::set<std::string> Lines(const std::shared_ptr<const QuadStore::Snapshot>& view = nullptr) {
    std::set<std::string> lines;
    for (auto c = store_->OpenCursor({}, false, view); c->Valid(); c->Next()) {
      const QuadIds& q = c->quad();
      std::string line;
      for (TermId id : {q.s, q.p, q.o}) line += store_->Resolve(id, view.get())->ToNTriples() + " ";
      if (q.g != kNoTerm) line += store_->Resolve(q.g, view.get())->ToNTriples() + " ";
      lines.insert(line + ".");
    }
    return lines;
  }

  // The normalised names the index holds for `word`.
  std::vector<std::string> NamesWith(const std::string& word) {
    std::vector<std::string> names;
    EXPECT_TRUE(store_->ScanNames(word, [&](const NameEntry& e) {
      names.push_back(std::string(e.normalized_name) + (e.kind == NameKind::kLabel ? " (label)" : " (alias)"));
      return true;
    }).ok());
    return names;
  }

  std::unique_ptr<QuadStore> store_;
};

TEST_F(TransactionTest, DeletesLeaveTheStoreAndStatisticsOfTheQuadsThatRemain) {
  const auto all = Quads(kMembersGraph);
  ASSERT_TRUE(store_->Insert(all).ok());
  auto txn = store_->BeginTransaction();
  EXPECT_TRUE(*txn->Delete(Ids(all[0], *txn)));
  EXPECT_TRUE(*txn->Delete(Ids(all[3], *txn)));
  EXPECT_TRUE(*txn->Delete(Ids(all[5], *txn)));
  EXPECT_FALSE(*txn->Delete(Ids(all[5], *txn))) << "already deleted in this transaction";
  auto changes = txn->Commit();
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->deleted, 3u);

  // The same statistics as a store that only ever had the other quads.
  auto rebuilt = QuadStore::Open(NewDbPath());
  ASSERT_TRUE(rebuilt.ok());
  const std::vector<Quad> rest = {all[1], all[2], all[4]};
  ASSERT_TRUE((*rebuilt)->Insert(rest).ok());
  const StoreStats want = *(*rebuilt)->Stats(), have = *store_->Stats();
  EXPECT_EQ(have.quads, 3u);
  EXPECT_EQ(have.quads, want.quads);
  EXPECT_EQ(have.graphs.size(), want.graphs.size());
  for (const auto& [graph, count] : want.graphs) {
    auto term = (*rebuilt)->Resolve(graph);
    const auto id = graph == kNoTerm ? std::optional<TermId>(kNoTerm) : *store_->Lookup(*term);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(have.graphs.at(*id), count);
  }
  ASSERT_EQ(have.predicates.size(), want.predicates.size());
  for (const auto& [predicate, counts] : want.predicates) {
    const auto id = *store_->Lookup(*(*rebuilt)->Resolve(predicate));
    EXPECT_EQ(have.predicates.at(*id), counts);
  }
  auto check = store_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_THAT(check->problems, IsEmpty());
}

// The planner's statistics leave the graphs out (a store of many documents
// has hundreds of thousands); GRAPH ?g reads their counts apart, with a
// transaction's own quads, and a commit makes the store count them anew.
TEST_F(TransactionTest, GraphCountsAreReadApartFromThePlannersStatisticsAndFollowWrites) {
  ASSERT_TRUE(store_->Insert(Quads(kMembersGraph)).ok());
  const TermId doc1 = **store_->Lookup(Term::Iri("http://x/doc1"));
  const TermId doc2 = **store_->Lookup(Term::Iri("http://x/doc2"));
  EXPECT_THAT((*store_->CachedStats())->graphs, IsEmpty());
  const auto before = *store_->CachedGraphCounts();
  EXPECT_EQ(*before, (GraphCounts{{kNoTerm, 2}, {doc1, 2}, {doc2, 2}}));
  EXPECT_EQ(*before, store_->Stats()->graphs);

  auto txn = store_->BeginTransaction();
  const auto added = Quads("<http://x/lavrov> <http://x/memberOf> <http://x/sco> <http://x/doc3> .\n");
  ASSERT_TRUE(*txn->Insert(Ids(added[0], *txn)));
  ASSERT_TRUE(*txn->Delete(Ids(Quads(kMembersGraph)[3], *txn)));  // doc2's xi
  const TermId doc3 = **store_->Lookup(Term::Iri("http://x/doc3"), txn->View().get());
  EXPECT_EQ(**txn->CountsPerGraph(), (GraphCounts{{kNoTerm, 2}, {doc1, 2}, {doc2, 1}, {doc3, 1}}));
  EXPECT_EQ(**store_->CachedGraphCounts(), *before) << "others see the store as it was";

  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(**store_->CachedGraphCounts(), (GraphCounts{{kNoTerm, 2}, {doc1, 2}, {doc2, 1}, {doc3, 1}}));
  EXPECT_THAT((*store_->CachedStats())->graphs, IsEmpty());
}

TEST_F(TransactionTest, OnlyTheTransactionSeesItsWritesBeforeCommit) {
  ASSERT_TRUE(store_->Insert(Quads(kMembersGraph)).ok());
  const std::set<std::string> before = Lines();
  auto txn = store_->BeginTransaction();
  const auto added = Quads("<http://x/lavrov> <http://x/memberOf> <http://x/sco> .\n");
  ASSERT_TRUE(*txn->Insert(Ids(added[0], *txn)));
  ASSERT_TRUE(*txn->Delete(Ids(Quads(kMembersGraph)[4], *txn)));

  const auto view = txn->View();
  auto seen = Lines(view);
  EXPECT_TRUE(seen.count("<http://x/lavrov> <http://x/memberOf> <http://x/sco> ."));
  EXPECT_FALSE(seen.count("<http://x/putin> <http://x/age> \"71\"^^<http://www.w3.org/2001/XMLSchema#integer> ."));
  EXPECT_TRUE(store_->Lookup(Term::Iri("http://x/lavrov"), view.get())->has_value());
  EXPECT_FALSE(store_->Lookup(Term::Iri("http://x/lavrov"))->has_value());
  EXPECT_EQ(Lines(), before);

  ASSERT_TRUE(txn->Commit().ok());
  seen.clear();
  EXPECT_EQ(Lines().size(), before.size());
  EXPECT_TRUE(Lines().count("<http://x/lavrov> <http://x/memberOf> <http://x/sco> ."));
}

TEST_F(TransactionTest, AnAbandonedTransactionChangesNothing) {
  ASSERT_TRUE(store_->Insert(Quads(kMembersGraph)).ok());
  const std::set<std::string> before = Lines();
  const StoreStats stats_before = *store_->Stats();
  {
    auto txn = store_->BeginTransaction();
    ASSERT_TRUE(*txn->Insert(Ids(Quads("<http://x/new> <http://x/p> \"new\" .\n")[0], *txn)));
    ASSERT_TRUE(*txn->Delete(Ids(Quads(kMembersGraph)[0], *txn)));
  }
  EXPECT_EQ(Lines(), before);
  const StoreStats after = *store_->Stats();
  EXPECT_EQ(after.quads, stats_before.quads);
  EXPECT_EQ(after.iris, stats_before.iris) << "ids handed out by the abandoned transaction are given back";
  EXPECT_EQ(after.literals, stats_before.literals);
  EXPECT_FALSE(store_->Lookup(Term::Iri("http://x/new"))->has_value());
}

TEST_F(TransactionTest, AddingAndRemovingTheSameQuadLeavesNoTrace) {
  ASSERT_TRUE(store_->Insert(Quads(kMembersGraph)).ok());
  const StoreStats before = *store_->Stats();
  auto txn = store_->BeginTransaction();
  const QuadIds quad = Ids(Quads("<http://x/putin> <http://x/memberOf> <http://x/eaeu> .\n")[0], *txn);
  EXPECT_TRUE(*txn->Insert(quad));
  EXPECT_TRUE(*txn->Delete(quad));
  ASSERT_TRUE(txn->Commit().ok());
  const StoreStats after = *store_->Stats();
  EXPECT_EQ(after.quads, before.quads);
  EXPECT_EQ(after.predicates, before.predicates);
  EXPECT_EQ(after.graphs, before.graphs);
  EXPECT_THAT(store_->Check()->problems, IsEmpty());
}

TEST_F(TransactionTest, TheNameIndexFollowsNamesAddedAndRemoved) {
  ASSERT_TRUE(store_->Insert(Quads(
      "<http://x/putin> <http://www.w3.org/2000/01/rdf-schema#label> \"Vladimir Putin\"@en .\n"
      "<http://x/putin> <http://x/kg/alias> \"Putin\"@en .\n"
      "<http://x/putin> <http://x/kg/alias> \"Путин\"@ru .\n")).ok());
  EXPECT_THAT(NamesWith("putin"), UnorderedElementsAre("putin (alias)", "vladimir putin (label)"));

  const auto alias_en = Quads("<http://x/putin> <http://x/kg/alias> \"Putin\"@en .\n")[0];
  const auto alias_ru = Quads("<http://x/putin> <http://x/kg/alias> \"Путин\"@ru .\n")[0];
  const auto label = Quads("<http://x/putin> <http://www.w3.org/2000/01/rdf-schema#label> \"Vladimir Putin\"@en .\n")[0];
  auto txn = store_->BeginTransaction();
  ASSERT_TRUE(*txn->Delete(Ids(alias_en, *txn)));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(NamesWith("putin"), UnorderedElementsAre("putin (alias)", "vladimir putin (label)"))
      << "\"Путин\" still gives the name \"putin\"";

  txn = store_->BeginTransaction();
  ASSERT_TRUE(*txn->Delete(Ids(alias_ru, *txn)));
  ASSERT_TRUE(*txn->Insert(Ids(Quads("<http://x/putin> <http://www.w3.org/2000/01/rdf-schema#label> "
                                     "\"Putin\" .\n")[0], *txn)));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(NamesWith("putin"), UnorderedElementsAre("putin (label)", "vladimir putin (label)"));

  txn = store_->BeginTransaction();
  ASSERT_TRUE(*txn->Delete(Ids(label, *txn)));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_THAT(NamesWith("vladimir"), IsEmpty());
  EXPECT_THAT(NamesWith("putin"), ElementsAre("putin (label)"));
}

TEST_F(TransactionTest, AnIdGivenBackByARollbackNamesItsNextTermEverywhere) {
  ASSERT_TRUE(store_->Insert(Quads(kMembersGraph)).ok());
  TermId given_back = kNoTerm;
  {
    auto txn = store_->BeginTransaction();
    given_back = *txn->Encode(Term::Iri("http://x/abandoned"));
    ASSERT_TRUE(*txn->Insert({given_back, given_back, given_back, kNoTerm}));
    EXPECT_EQ(store_->Resolve(given_back, txn->View().get())->value, "http://x/abandoned");
  }
  auto txn = store_->BeginTransaction();
  const TermId reused = *txn->Encode(Term::Iri("http://x/kept"));
  EXPECT_EQ(reused, given_back) << "ids of a rolled back transaction are handed out again";
  ASSERT_TRUE(*txn->Insert({reused, reused, reused, kNoTerm}));
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(store_->Resolve(reused)->value, "http://x/kept") << "no reader kept the abandoned term";
  EXPECT_EQ(*store_->Lookup(Term::Iri("http://x/kept")), reused);
  EXPECT_FALSE(store_->Lookup(Term::Iri("http://x/abandoned"))->has_value());
}

TEST_F(TransactionTest, ACommittedTransactionTakesNoMoreWrites) {
  auto txn = store_->BeginTransaction();
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_FALSE(txn->Insert(QuadIds{}).ok());
  EXPECT_FALSE(txn->Commit().ok());
}

}  // namespace
}  // namespace relata::storage
