// Name search: the entities one of whose names matches what a user typed,
// best first. Behind the relata:search property of SPARQL queries.
#ifndef RELATA_ENGINE_EXEC_NAME_SEARCH_H_
#define RELATA_ENGINE_EXEC_NAME_SEARCH_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/quad_store.h"

namespace relata::engine {

// The IRI of the search property, and its namespace (prefix "relata:").
inline constexpr std::string_view kRelataNamespace = "https://relata.dev/ns#";
inline constexpr std::string_view kSearchIri = "https://relata.dev/ns#search";

struct NameMatch {
  storage::TermId entity;
  // In (0, 1]: the share of the best-matching name the typed words cover;
  // 1 when the name is exactly what was typed.
  double score;
};

// Every entity with a name (label or alias) in which each typed word is the
// beginning of a word, after both are normalised (NormalizeName): "power
// sib" finds "Power of Siberia", "путин" finds "Vladimir Putin". Ordered by
// score, then labels before aliases, then shorter names, then id.
absl::StatusOr<std::vector<NameMatch>> SearchNames(
    const storage::QuadStore& store, std::string_view text,
    const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot = nullptr);

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_NAME_SEARCH_H_
