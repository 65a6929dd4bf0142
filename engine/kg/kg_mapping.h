// Turns KG-JSONL records into quads: entity resolution (which records and
// references are the same entity, and why) and the mapping to RDF of
// docs/extractor-format.md.
#ifndef RELATA_ENGINE_KG_KG_MAPPING_H_
#define RELATA_ENGINE_KG_KG_MAPPING_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/kg/kg_records.h"
#include "relata/term.h"

namespace relata::engine::kg {

// The IRIs a base gives: entities e:, vocabulary kg:, documents doc:,
// reifiers and other generated nodes r:, and the resolution graph.
struct Vocabulary {
  explicit Vocabulary(std::string base);
  // The IRI of document `id`, which is also its graph's name.
  std::string DocumentIri(std::string_view id) const;
  std::string base, e, kg, doc, r, resolution_graph, vocabulary_graph;
};

// What the store holds already, so that loads add up to the same graph as
// one load of everything.
class KnownEntities {
 public:
  virtual ~KnownEntities() = default;
  struct Known {
    std::string iri;
    std::vector<std::string> types;  // type IRIs
    bool label = false;              // the name is a label, not an alias
  };
  // Subjects with a name whose normal form is `normalized`.
  virtual absl::StatusOr<std::vector<Known>> WithName(std::string_view normalized) = 0;
  // Whether any quad has `iri` as its subject.
  virtual absl::StatusOr<bool> IsSubject(std::string_view iri) = 0;
  // What the store says `iri` is and is called.
  struct Described {
    std::vector<std::string> types;    // type IRIs
    std::optional<std::string> label;  // an rdfs:label, if it has one
    bool named = false;                // it has an rdfs:label or a kg:alias
  };
  virtual absl::StatusOr<Described> Describe(std::string_view iri) = 0;
  // Every quad of graph `iri` (the vocabulary earlier loads declared).
  virtual absl::StatusOr<std::vector<Quad>> QuadsOfGraph(std::string_view iri) = 0;
};

struct MappingReport {
  std::uint64_t entities = 0;   // new to the store or this load
  std::uint64_t relations = 0;
  std::uint64_t merges = 0;     // records and references joined to an entity met before
  std::uint64_t candidates = 0; // kg:possibleSameAs pairs
  std::vector<std::string> warnings;  // ambiguous names, each with its position
};

// Resolves `records` and calls `emit` with every quad. A reference to an id
// no record and no stored entity has is an error naming its position
// ("file:line:column: relations[0].object: …").
absl::Status MapRecords(const Records& records, const Vocabulary& vocabulary, KnownEntities& known,
                        const std::function<absl::Status(Quad&)>& emit, MappingReport* report);

}  // namespace relata::engine::kg

#endif  // RELATA_ENGINE_KG_KG_MAPPING_H_
