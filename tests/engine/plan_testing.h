// What the tests of the engine's insides share: a store holding N-Quads
// text, and a query planned over it.
#ifndef RELATA_TESTS_ENGINE_PLAN_TESTING_H_
#define RELATA_TESTS_ENGINE_PLAN_TESTING_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/plan/planner.h"
#include "query/sparql_parser.h"
#include "storage/quad_store.h"
#include "tests/storage/store_test_util.h"

namespace relata::engine::plan {

// A fresh store holding `nquads` (nullptr, with a test failure, when it
// cannot be made).
inline std::unique_ptr<storage::QuadStore> StoreWith(const std::string& nquads) {
  auto store = storage::QuadStore::Open(storage::NewDbPath());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  const auto inserted = (*store)->Insert(storage::Quads(nquads));
  EXPECT_TRUE(inserted.ok()) << inserted.status();
  return std::move(*store);
}

// `sparql` parsed and planned over `store` with nothing bound before it.
struct PlannedQuery {
  std::shared_ptr<const query::Query> query;
  Plan plan;
};
inline absl::StatusOr<PlannedQuery> PlanOver(const storage::QuadStore& store, const std::string& sparql,
                                             TopScope scope = {}) {
  auto parsed = query::ParseQuery(sparql);
  if (!parsed.ok()) return parsed.status();
  PlannedQuery planned;
  planned.query = std::make_shared<const query::Query>(std::move(*parsed));
  auto stats = store.CachedStats();
  if (!stats.ok()) return stats.status();
  Planner planner(store, store.GetSnapshot(), **stats);
  auto plan = planner.PlanQuery(*planned.query, std::vector<bool>(planned.query->variable_names->size()), scope);
  if (!plan.ok()) return plan.status();
  planned.plan = std::move(*plan);
  return planned;
}

}  // namespace relata::engine::plan

#endif  // RELATA_TESTS_ENGINE_PLAN_TESTING_H_
