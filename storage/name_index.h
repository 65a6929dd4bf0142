// The name index: every word of every name of every subject, so that an
// entity can be found by any of its names as people type them. A name is the
// literal object of a label predicate (rdfs:label, skos:prefLabel, foaf:name,
// schema:name) or an alias predicate (skos:altLabel, or any predicate whose
// local name is "alias", as kg:alias). Kept in its own column family, written
// in the same atomic step as the quads it comes from.
#ifndef RELATA_STORAGE_NAME_INDEX_H_
#define RELATA_STORAGE_NAME_INDEX_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/term_codec.h"

namespace relata::storage {

enum class NameKind : char { kLabel = 'L', kAlias = 'A' };

// Whether quads with this predicate give names, and which kind.
std::optional<NameKind> NamePredicateKind(std::string_view predicate_iri);

// One index entry: key word + '\0' + subject id (8 bytes, big-endian) + the
// whole normalised name; the value is the NameKind.
struct NameEntry {
  std::string_view token;
  TermId subject = kNoTerm;
  std::string_view normalized_name;
  NameKind kind = NameKind::kLabel;
};

// The keys of the entries for `name` (as written) of `subject`: one per
// distinct word of its normal form; none when it has no letters or digits.
std::vector<std::string> NameIndexKeys(std::string_view name, TermId subject);
// REQUIRES: `key` was made by NameIndexKeys.
NameEntry DecodeNameEntry(std::string_view key, std::string_view value);

}  // namespace relata::storage

#endif  // RELATA_STORAGE_NAME_INDEX_H_
