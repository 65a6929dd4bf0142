// SPARQL Update and transactions through the public API, as a program sees
// them: what changes, what readers see meanwhile, and that failures change
// nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "tests/testing/database_fixture.h"

namespace relata::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kData[] =
    "@prefix kg: <https://relata.dev/kg/> .\n"
    "@prefix e: <https://relata.dev/e/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "e:russia kg:member_of e:sco, e:brics .\n"
    "e:china kg:member_of e:sco .\n"
    "e:putin rdfs:label \"Vladimir Putin\" ; kg:alias \"Putin\" .\n";

class UpdateTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Load("data.ttl", kData);
  }
  UpdateReport Update(const std::string& sparql) {
    auto report = db_->Update(sparql);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : UpdateReport{};
  }
  std::string Dump() {
    std::ostringstream out;
    EXPECT_TRUE(db_->Dump(out).ok());
    return out.str();
  }
};

// The store takes one writer at a time: a thread holding a transaction
// that starts another write itself would wait for it forever. It gets an
// error that says so, and may write again once the transaction ended.
TEST_F(UpdateTest, AWriteFromTheThreadThatHoldsATransactionIsAnErrorNotAHang) {
  const std::string file = WriteFile("more.nt", "<http://x/a> <http://x/p> <http://x/b> .\n");
  auto transaction = db_->Begin();
  ASSERT_TRUE(transaction.ok()) << transaction.status();
  ASSERT_TRUE((*transaction)->Add(Quad{Term::Iri("http://x/t"), Term::Iri("http://x/p"), Term::Iri("http://x/u"), {}}).ok());
  const auto refused = [](const absl::Status& status, const std::string& what) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << what << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(what + ": this thread holds an open transaction"));
  };
  refused(db_->Load(file).status(), "Load");
  refused(db_->Update("INSERT DATA { <http://x/c> <http://x/p> <http://x/d> }").status(), "Update");
  const Quad quad{Term::Iri("http://x/e"), Term::Iri("http://x/p"), Term::Iri("http://x/f"), {}};
  refused(db_->Insert({&quad, 1}).status(), "Insert");
  refused(db_->Begin().status(), "Begin");
  // Another thread waits for the transaction, as writers do.
  std::thread other([&] { EXPECT_TRUE(db_->Load(file).ok()); });
  ASSERT_TRUE((*transaction)->Commit().ok());
  other.join();
  EXPECT_TRUE(db_->Update("INSERT DATA { <http://x/c> <http://x/p> <http://x/d> }").ok());
  // A transaction rolled back, or dropped, frees its thread too.
  auto second = db_->Begin();
  ASSERT_TRUE(second.ok());
  (*second)->Rollback();
  EXPECT_TRUE(db_->Insert({&quad, 1}).ok());
  { auto dropped = db_->Begin(); ASSERT_TRUE(dropped.ok()); }
  EXPECT_TRUE(db_->Load(file).ok());
  EXPECT_THAT(Rows("SELECT ?s { ?s <http://x/p> ?o } ORDER BY ?s"),
              ElementsAre("<http://x/a>", "<http://x/c>", "<http://x/e>", "<http://x/t>"));
}

TEST_F(UpdateTest, InsertAndDeleteDataChangeWhatQueriesSee) {
  const UpdateReport report = Update(
      "INSERT DATA { e:kazakhstan kg:member_of e:sco . GRAPH doc:a1 { e:india kg:member_of e:brics } } ;"
      "DELETE DATA { e:china kg:member_of e:sco }");
  EXPECT_EQ(report.inserted, 2u);
  EXPECT_EQ(report.deleted, 1u);
  EXPECT_THAT(Rows("SELECT ?m { ?m kg:member_of e:sco } ORDER BY ?m"),
              ElementsAre("<https://relata.dev/e/kazakhstan>", "<https://relata.dev/e/russia>"));
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { e:india kg:member_of e:brics } }"),
              ElementsAre("<https://relata.dev/doc/a1>"));
}

TEST_F(UpdateTest, DeleteInsertWhereRewritesEveryMatch) {
  Update("DELETE { ?c kg:member_of e:sco } INSERT { ?c kg:full_member_of e:sco } WHERE { ?c kg:member_of e:sco }");
  EXPECT_THAT(Rows("SELECT ?c { ?c kg:full_member_of e:sco } ORDER BY ?c"),
              ElementsAre("<https://relata.dev/e/china>", "<https://relata.dev/e/russia>"));
  EXPECT_THAT(Rows("SELECT ?c { ?c kg:member_of e:sco }"), IsEmpty());
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_THAT(check->problems, IsEmpty());
}

TEST_F(UpdateTest, AnOperationSeesTheOnesBeforeIt) {
  Update("INSERT DATA { e:iran kg:member_of e:sco } ;"
         "INSERT { ?c kg:neighbour_of e:russia } WHERE { ?c kg:member_of e:sco FILTER(?c != e:russia) }");
  EXPECT_THAT(Rows("SELECT ?c { ?c kg:neighbour_of e:russia } ORDER BY ?c"),
              ElementsAre("<https://relata.dev/e/china>", "<https://relata.dev/e/iran>"));
}

TEST_F(UpdateTest, AFailingOperationUndoesTheWholeRequest) {
  const std::string before = Dump();
  auto report = db_->Update(
      "INSERT DATA { e:iran kg:member_of e:sco } ;\n"
      "DELETE WHERE { ?c kg:member_of e:brics } ;\n"
      "DROP GRAPH <https://relata.dev/doc/missing>");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("3:1: graph <https://relata.dev/doc/missing> does not exist"));
  EXPECT_EQ(Dump(), before);
  // SILENT lets the same request through.
  Update("INSERT DATA { e:iran kg:member_of e:sco } ; DROP SILENT GRAPH <https://relata.dev/doc/missing>");
  EXPECT_TRUE(Ask("ASK { e:iran kg:member_of e:sco }"));
  EXPECT_NE(Dump(), before);
}

TEST_F(UpdateTest, SyntaxErrorsPointAtTheirPosition) {
  auto report = db_->Update("INSERT DATA { e:a kg:p ?x }");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(report.status().message(), HasSubstr("1:15: variables are not allowed in INSERT DATA"));
  report = db_->Update("DELETE DATA { _:b kg:p 1 }");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("blank nodes are not allowed in DELETE DATA"));
  report = db_->Update("INSERT DATA { e:a kg:p 1 } ;\nINSERT DATTA { e:a kg:p 2 }");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("2:8:"));
}

TEST_F(UpdateTest, WithTheUnionDefaultGraphADeleteReachesEveryGraph) {
  Update("INSERT DATA { GRAPH doc:a1 { e:china kg:member_of e:brics } GRAPH doc:a2 { e:china kg:member_of e:brics } }");
  EXPECT_TRUE(Ask("ASK { e:china kg:member_of e:brics }"));
  Update("DELETE DATA { e:china kg:member_of e:brics }");
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { e:china kg:member_of e:brics } }"), IsEmpty());
  // Strict SPARQL datasets: only the unnamed graph.
  Update("INSERT DATA { GRAPH doc:a1 { e:china kg:member_of e:brics } }");
  QueryOptions strict;
  strict.union_default_graph = false;
  ASSERT_TRUE(db_->Update("DELETE DATA { e:china kg:member_of e:brics }", strict).ok());
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { e:china kg:member_of e:brics } }"),
              ElementsAre("<https://relata.dev/doc/a1>"));
}

TEST_F(UpdateTest, NameSearchFollowsUpdates) {
  EXPECT_THAT(Rows("SELECT ?e { ?e relata:search \"putin\" }"), ElementsAre("<https://relata.dev/e/putin>"));
  Update("DELETE WHERE { e:putin kg:alias ?a ; rdfs:label ?l } ; INSERT DATA { e:lavrov rdfs:label \"Sergey Lavrov\" }");
  EXPECT_THAT(Rows("SELECT ?e { ?e relata:search \"putin\" }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?e { ?e relata:search \"lavr\" }"), ElementsAre("<https://relata.dev/e/lavrov>"));
}

TEST_F(UpdateTest, GraphManagement) {
  Update("INSERT DATA { GRAPH doc:a1 { e:x kg:p 1 . e:y kg:p 2 } GRAPH doc:a2 { e:z kg:p 3 } }");
  auto create = db_->Update("CREATE GRAPH doc:a1");
  ASSERT_FALSE(create.ok());
  EXPECT_THAT(create.status().message(), HasSubstr("graph <https://relata.dev/doc/a1> already exists"));
  Update("CREATE GRAPH doc:empty ; CREATE SILENT GRAPH doc:a1");
  Update("COPY doc:a1 TO doc:a3 ; MOVE doc:a2 TO doc:a1 ; ADD doc:a3 TO DEFAULT");
  EXPECT_THAT(Rows("SELECT ?s { GRAPH doc:a1 { ?s kg:p ?o } }"), ElementsAre("<https://relata.dev/e/z>"));
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { e:z kg:p 3 } }"), ElementsAre("<https://relata.dev/doc/a1>"));
  EXPECT_THAT(Rows("SELECT ?s { GRAPH doc:a3 { ?s kg:p ?o } } ORDER BY ?s"),
              ElementsAre("<https://relata.dev/e/x>", "<https://relata.dev/e/y>"));
  Update("CLEAR NAMED");
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { ?s ?p ?o } }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?s { ?s kg:p ?o } ORDER BY ?s"),
              ElementsAre("<https://relata.dev/e/x>", "<https://relata.dev/e/y>"));
  Update("DROP ALL");
  EXPECT_THAT(Rows("SELECT * { ?s ?p ?o }"), IsEmpty());
  auto stats = db_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->quads, 0u);
  EXPECT_THAT(stats->predicates, IsEmpty());
}

TEST_F(UpdateTest, LoadReadsALocalFileIntoAGraph) {
  const std::string path = WriteFile("more.nt", "<https://relata.dev/e/iran> <https://relata.dev/kg/member_of> <https://relata.dev/e/sco> .\n");
  Update("LOAD <file://" + path + "> INTO GRAPH doc:more");
  EXPECT_THAT(Rows("SELECT ?g { GRAPH ?g { e:iran kg:member_of e:sco } }"), ElementsAre("<https://relata.dev/doc/more>"));
  auto report = db_->Update("LOAD <https://example.org/data.ttl>");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("local files only"));
  report = db_->Update("LOAD <file://" + WriteFile("bad.nt", "<a> <b> .\n") + ">");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("bad.nt:1:"));
}

TEST_F(UpdateTest, ATransactionIsInvisibleUntilCommitAndGoneOnRollback) {
  const std::string before = Dump();
  auto txn = db_->Begin();
  ASSERT_TRUE(txn.ok()) << txn.status();
  const Term sco = Term::Iri("https://relata.dev/e/sco"), member = Term::Iri("https://relata.dev/kg/member_of");
  EXPECT_TRUE(*(*txn)->Add({Term::Iri("https://relata.dev/e/iran"), member, sco, {}}));
  EXPECT_FALSE(*(*txn)->Add({Term::Iri("https://relata.dev/e/iran"), member, sco, {}}));
  EXPECT_TRUE(*(*txn)->Remove({Term::Iri("https://relata.dev/e/china"), member, sco, {}}));
  ASSERT_TRUE((*txn)->Update("INSERT { ?c kg:in_sco true } WHERE { ?c kg:member_of e:sco }").ok());

  // The transaction reads its own writes; others read the store as it was,
  // from another thread too, without waiting for the writer.
  EXPECT_THAT(RowsOf((*txn)->Query("SELECT ?c { ?c kg:in_sco true } ORDER BY ?c")),
              ElementsAre("<https://relata.dev/e/iran>", "<https://relata.dev/e/russia>"));
  std::vector<std::string> outside;
  std::thread reader([&] { outside = Rows("SELECT ?c { ?c kg:member_of e:sco } ORDER BY ?c"); });
  reader.join();
  EXPECT_THAT(outside, ElementsAre("<https://relata.dev/e/china>", "<https://relata.dev/e/russia>"));

  (*txn)->Rollback();
  EXPECT_EQ(Dump(), before);
  EXPECT_FALSE((*txn)->Add({sco, member, sco, {}}).ok()) << "a rolled back transaction takes no more writes";

  txn = db_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Update("INSERT DATA { e:iran kg:member_of e:sco }").ok());
  auto committed = (*txn)->Commit();
  ASSERT_TRUE(committed.ok());
  EXPECT_EQ(committed->inserted, 1u);
  EXPECT_TRUE(Ask("ASK { e:iran kg:member_of e:sco }"));
  auto check = db_->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_THAT(check->problems, IsEmpty());
}

TEST_F(UpdateTest, AFailedUpdateLeavesTheTransactionOnlyToRollBack) {
  auto txn = db_->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Update("INSERT DATA { e:iran kg:member_of e:sco }").ok());
  EXPECT_FALSE((*txn)->Update("DROP GRAPH doc:missing").ok());
  auto commit = (*txn)->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_THAT(commit.status().message(), HasSubstr("roll it back"));
  (*txn)->Rollback();
  EXPECT_THAT(Rows("SELECT ?c { ?c kg:member_of e:sco } ORDER BY ?c"),
              ElementsAre("<https://relata.dev/e/china>", "<https://relata.dev/e/russia>"));
}

TEST_F(UpdateTest, RemoveTakesBlankNodesFromQueryResults) {
  Update("INSERT DATA { e:summit kg:attended_by [ rdfs:label \"delegation\" ] }");
  auto cursor = db_->Query("SELECT ?d { e:summit kg:attended_by ?d }");
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(*cursor->Next());
  const Term delegation = *cursor->row()[0];
  ASSERT_TRUE(delegation.IsBlank());
  auto txn = db_->Begin();
  ASSERT_TRUE(txn.ok());
  EXPECT_TRUE(*(*txn)->Remove({Term::Iri("https://relata.dev/e/summit"), Term::Iri("https://relata.dev/kg/attended_by"),
                               delegation, {}}));
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_THAT(Rows("SELECT ?d { e:summit kg:attended_by ?d }"), IsEmpty());
  EXPECT_TRUE(Ask("ASK { ?d rdfs:label \"delegation\" }")) << "only the link to the node went";
}

}  // namespace
}  // namespace relata::testing
