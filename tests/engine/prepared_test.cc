// Prepared queries with bound variables, and scratch stores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/testing/database_fixture.h"

namespace relata::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PreparedTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    Load("data.ttl",
         "@prefix kg: <https://relata.dev/kg/> . @prefix e: <https://relata.dev/e/> .\n"
         "e:russia kg:member_of e:sco, e:brics . e:china kg:member_of e:sco . e:sco kg:part_of e:un .\n");
  }
};

TEST_F(PreparedTest, EachRunUsesTheCurrentBindings) {
  auto prepared = db_->Prepare("SELECT ?org { ?state kg:member_of ?org } ORDER BY ?org");
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  ASSERT_TRUE(prepared->Bind("state", Term::Iri("https://relata.dev/e/russia")).ok());
  EXPECT_THAT(RowsOf(prepared->Execute()),
              ElementsAre("<https://relata.dev/e/brics>", "<https://relata.dev/e/sco>"));
  ASSERT_TRUE(prepared->Bind("?state", Term::Iri("https://relata.dev/e/china")).ok());
  EXPECT_THAT(RowsOf(prepared->Execute()), ElementsAre("<https://relata.dev/e/sco>"));
  ASSERT_TRUE(prepared->Bind("state", Term::Iri("https://relata.dev/e/atlantis")).ok());
  EXPECT_THAT(RowsOf(prepared->Execute()), IsEmpty());
  prepared->ClearBindings();
  EXPECT_EQ(RowsOf(prepared->Execute()).size(), 3u);
}

TEST_F(PreparedTest, BoundVariablesAppearInResultsAndPaths) {
  auto prepared = db_->Prepare("SELECT ?state ?up { ?state kg:member_of/kg:part_of ?up }");
  ASSERT_TRUE(prepared.ok());
  ASSERT_TRUE(prepared->Bind("state", Term::Iri("https://relata.dev/e/china")).ok());
  EXPECT_THAT(RowsOf(prepared->Execute()), ElementsAre("<https://relata.dev/e/china> <https://relata.dev/e/un>"));
  auto reach = db_->Prepare("SELECT ?x { ?from (kg:member_of|kg:part_of)+ ?x } ORDER BY ?x");
  ASSERT_TRUE(reach.ok());
  ASSERT_TRUE(reach->Bind("from", Term::Iri("https://relata.dev/e/china")).ok());
  EXPECT_THAT(RowsOf(reach->Execute()), ElementsAre("<https://relata.dev/e/sco>", "<https://relata.dev/e/un>"));
}

TEST_F(PreparedTest, UnknownVariablesAndSyntaxErrorsAreErrors) {
  auto prepared = db_->Prepare("SELECT ?o { ?s kg:member_of ?o }");
  ASSERT_TRUE(prepared.ok());
  EXPECT_EQ(prepared->Bind("nope", Term::Literal("x")).code(), absl::StatusCode::kNotFound);
  auto bad = db_->Prepare("SELECT ?o { ?s kg:member_of }");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), ::testing::StartsWith("1:29: expected"));
}

TEST_F(PreparedTest, APreparedQuerySeesLaterWrites) {
  auto prepared = db_->Prepare("SELECT ?org { ?state kg:member_of ?org }");
  ASSERT_TRUE(prepared.ok());
  ASSERT_TRUE(prepared->Bind("state", Term::Iri("https://relata.dev/e/iran")).ok());
  EXPECT_THAT(RowsOf(prepared->Execute()), IsEmpty());
  ASSERT_TRUE(db_->Update("INSERT DATA { e:iran kg:member_of e:sco }").ok());
  EXPECT_THAT(RowsOf(prepared->Execute()), ElementsAre("<https://relata.dev/e/sco>"));
}

TEST_F(PreparedTest, InterruptStopsTheRunningQueriesOnly) {
  Load("more.ttl", [] {
    std::string lines;
    for (int i = 0; i < 300; ++i) lines += "<http://x/n" + std::to_string(i) + "> <http://x/p> " + std::to_string(i) + " .\n";
    return lines;
  }());
  absl::Status status;
  std::thread runner([&] {
    auto cursor = db_->Query("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }");
    if (!cursor.ok()) {
      status = cursor.status();
      return;
    }
    auto more = cursor->Next();
    status = more.status();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  db_->Interrupt();
  runner.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled) << status;
  EXPECT_THAT(Rows("SELECT ?o { e:china kg:member_of ?o }"), ElementsAre("<https://relata.dev/e/sco>"))
      << "queries started after Interrupt run as usual";
}

int ScratchDirectories() {
  int n = 0;
  std::error_code ec;
  for (const char* parent : {"/dev/shm", "/tmp"}) {
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
      n += entry.path().filename().string().starts_with("relata-scratch-") ? 1 : 0;
    }
  }
  return n;
}

TEST(ScratchStoreTest, IsPrivateAndGoneWhenClosed) {
  const int before = ScratchDirectories();
  {
    auto a = Database::OpenInMemory();
    auto b = Database::OpenInMemory();
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_TRUE((*a)->Update("INSERT DATA { <http://x/a> <http://x/p> 1 }").ok());
    EXPECT_TRUE(*(*a)->Query("ASK { <http://x/a> <http://x/p> 1 }").value().Next() == false);
    EXPECT_TRUE((*a)->Query("ASK { <http://x/a> <http://x/p> 1 }")->boolean());
    EXPECT_FALSE((*b)->Query("ASK { <http://x/a> <http://x/p> 1 }")->boolean());
    EXPECT_EQ(ScratchDirectories(), before + 2);
  }
  EXPECT_EQ(ScratchDirectories(), before);
}

}  // namespace
}  // namespace relata::testing
