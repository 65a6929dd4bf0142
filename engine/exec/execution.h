// A running query: the algebra turned into operators over rows of term ids,
// pulled one solution at a time so that the first row arrives before the
// last one is computed.
#ifndef RELATA_ENGINE_EXEC_EXECUTION_H_
#define RELATA_ENGINE_EXEC_EXECUTION_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/algebra.h"
#include "query/rdf_writer.h"
#include "relata/term.h"
#include "storage/quad_store.h"

namespace relata::engine {

class AdjacencyCache;

struct ExecutionOptions {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::size_t memory_bytes = std::size_t{1} << 30;  // rows held by sorts, groups, hash tables
  const std::atomic<bool>* cancelled = nullptr;     // set from any thread to stop the query
  // Database::Interrupt's count: the query stops once it passes `interrupts_seen`.
  const std::atomic<std::uint64_t>* interrupts = nullptr;
  std::uint64_t interrupts_seen = 0;
  bool union_default_graph = true;  // false: the default graph is only the unnamed graph
  // Read this view (a transaction's) and plan with these statistics instead
  // of a snapshot taken at the start and the store's statistics.
  std::shared_ptr<const storage::QuadStore::Snapshot> view;
  std::shared_ptr<const storage::StoreStats> stats;
  // The transaction whose view it is: GRAPH ?g reads its graphs' counts.
  storage::QuadStore::Transaction* transaction = nullptr;
  // Variables bound before the query runs (a prepared query's Bind): every
  // pattern sees them as constants.
  std::vector<std::pair<query::VarId, Term>> bindings;
  // Shared by the queries of one database: edges read into memory by one
  // query serve the next ones over the same snapshot.
  AdjacencyCache* adjacencies = nullptr;
  // EXPLAIN writes the plan's constants with these prefixes.
  query::PrefixList explain_prefixes;
};

// A variable's value in a solution as the engine holds it: a store id, or a
// term the query made (BIND, VALUES) that has no id in the store.
struct Binding {
  storage::TermId id = storage::kNoTerm;  // kNoTerm with no term: unbound
  std::optional<Term> term;
};

class Execution {
 public:
  // The store must outlive the execution; it reads a snapshot taken here.
  static absl::StatusOr<std::unique_ptr<Execution>> Start(const storage::QuadStore& store,
                                                          std::shared_ptr<const query::Query> query,
                                                          const ExecutionOptions& limits);
  ~Execution();

  // The plan as text, with estimated rows; with `analyze` the query runs to
  // its end first and each operator shows the rows it gave, how often it was
  // opened and the time spent in it (its inputs included).
  static absl::StatusOr<std::string> Explain(const storage::QuadStore& store,
                                             std::shared_ptr<const query::Query> query,
                                             const ExecutionOptions& options, bool analyze);

  query::Query::Form form() const;
  // SELECT: the projected variables; CONSTRUCT/DESCRIBE: subject, predicate,
  // object; ASK: none.
  const std::vector<std::string>& columns() const;
  // The next row (nullopt: unbound), false at the end. ASK has no rows:
  // see boolean().
  absl::StatusOr<bool> Next(std::vector<std::optional<Term>>* row);
  // ASK's answer, available once Start returned.
  bool boolean() const;
  // SELECT without modifiers (an update's WHERE): the next solution with
  // every variable of the query, indexed by VarId, instead of Next's
  // projected terms.
  absl::StatusOr<bool> NextBindings(std::vector<Binding>* row);

 private:
  class Impl;
  explicit Execution(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_EXECUTION_H_
