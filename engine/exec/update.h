// Runs a SPARQL 1.1 Update request inside one store transaction: each
// operation sees the writes of the ones before it, and nothing is visible to
// anyone else until the caller commits.
#ifndef RELATA_ENGINE_EXEC_UPDATE_H_
#define RELATA_ENGINE_EXEC_UPDATE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/exec/execution.h"
#include "query/algebra.h"
#include "relata/term.h"
#include "storage/quad_store.h"

namespace relata::engine {

// Reads the RDF file a LOAD names (its IRI as written) into quads, put in
// `graph` when given.
using LoadFunction =
    std::function<absl::StatusOr<std::vector<Quad>>(const std::string& iri, const std::optional<Term>& graph)>;

struct UpdateOptions {
  ExecutionOptions limits;  // for each WHERE; `view` and `stats` are set per operation
  // With the union default graph, a triple deleted without GRAPH (or WITH)
  // is deleted from every graph that holds it; inserted, it goes to the
  // unnamed graph.
  bool union_default_graph = true;
  LoadFunction load;
};

// Runs every operation of `update` in `transaction`; the first error stops it
// (an operation marked SILENT does not fail). Errors name the operation's
// position in the request.
absl::Status RunUpdate(const query::Update& update, std::string_view text, const storage::QuadStore& store,
                       storage::QuadStore::Transaction& transaction, const UpdateOptions& options);

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_UPDATE_H_
