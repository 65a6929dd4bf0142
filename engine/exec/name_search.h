// Name search: the entities one of whose names matches what a user typed,
// best first. Behind the relata:search property of SPARQL queries.
#ifndef RELATA_ENGINE_EXEC_NAME_SEARCH_H_
#define RELATA_ENGINE_EXEC_NAME_SEARCH_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/quad_store.h"

namespace relata::engine {

// The namespace of relata's own IRIs (prefix "relata:"); the search
// property is plan::kSearchIri.
inline constexpr std::string_view kRelataNamespace = "https://relata.dev/ns#";

struct NameMatch {
  storage::TermId entity;
  // In (0, 1]: the share of the best-matching name the typed words cover;
  // 1 when the name is exactly what was typed.
  double score;
};

// The matches of one search, best first: by score, then labels before
// aliases, then shorter names, then id. A short prefix matches thousands of
// names and a query mostly wants the first few, so they are put in order as
// they are taken (a heap) rather than all at once.
class NameMatches {
 public:
  struct Candidate {
    storage::TermId entity = storage::kNoTerm;
    double score = 0;
    bool label = false;
    std::size_t name_size = 0;
  };

  NameMatches() = default;
  explicit NameMatches(std::vector<Candidate> candidates);

  std::optional<NameMatch> Next();
  // How many are left.
  std::size_t size() const { return heap_.size(); }

 private:
  std::vector<Candidate> heap_;
};

// Every entity with a name (label or alias) in which each typed word is the
// beginning of a word, after both are normalised (NormalizeName): "power
// sib" finds "Power of Siberia", "путин" finds "Vladimir Putin".
absl::StatusOr<NameMatches> SearchNames(
    const storage::QuadStore& store, std::string_view text,
    const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot = nullptr);

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_NAME_SEARCH_H_
