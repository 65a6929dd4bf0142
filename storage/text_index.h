// The full-text index: the words of the literals that text predicates give
// (evidence sentences, titles, descriptions, a document's content, and the
// predicates a store adds), kept in the "text" column family and written in
// the same atomic step as the quads they come from. A literal is indexed
// once however many quads state it; the quads say what holds the text.
//
// Keys (terms are [a-z0-9]+, so the other keys sort before every term):
//   term '\0' literal id (8 bytes)  -> varint length, varint count, varint
//                                      position deltas: one posting
//   '\x01' literal id               -> varint length: the literal is indexed
//   '\x02' "totals"                 -> literals (8 bytes), their lengths' sum (8)
// A literal's length is the number of its terms (stop words not counted).
#ifndef RELATA_STORAGE_TEXT_INDEX_H_
#define RELATA_STORAGE_TEXT_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/text_analysis.h"
#include "storage/term_codec.h"

namespace relata::storage {

// Whether quads with this predicate give text: any vocabulary's "evidence",
// "sentence", "title", "content", "description" or "comment" (the extractor
// loader's kg: namespace moves with its base IRI), or one of `added`.
bool IsTextPredicate(std::string_view predicate_iri, const std::vector<std::string>& added);

// What a store's text index was built with; in the meta family.
struct TextSettings {
  TextOptions options = TextOptions::Default();
  std::vector<std::string> added_predicates;
};
inline constexpr char kTextOptionsKey[] = "text/options";
inline constexpr char kTextPredicatesKey[] = "text/predicates";
std::string SerializePredicates(const std::vector<std::string>& iris);
std::vector<std::string> ParsePredicates(std::string_view serialized);

struct TextTotals {
  std::uint64_t literals = 0, length = 0;
};
inline constexpr char kTextTotalsKey[] = "\x02totals";
std::string EncodeTextTotals(const TextTotals& totals);
TextTotals DecodeTextTotals(std::string_view value);

std::string TextUnitKey(TermId literal);
std::string TextPostingPrefix(std::string_view term);

// One posting as stored, decoded on demand: most searches need only the
// counts, phrases the positions too.
class TextPosting {
 public:
  // REQUIRES: `key` is a posting key (IsTextPostingKey); both outlive *this.
  TextPosting(std::string_view key, std::string_view value);
  std::string_view term() const { return term_; }
  TermId literal() const { return literal_; }
  // The literal's length in terms, and how often this term occurs in it.
  std::uint32_t length() const { return length_; }
  std::uint32_t count() const { return count_; }
  // Ascending.
  std::vector<std::uint32_t> Positions() const;

 private:
  std::string_view term_, value_;
  TermId literal_;
  std::uint32_t length_, count_;
  std::size_t positions_offset_;
};
bool IsTextPostingKey(std::string_view key);

// The entries indexing `text` as `literal`: its postings and its unit entry;
// `*length` is set to the literal's length.
std::vector<std::pair<std::string, std::string>> TextIndexEntries(const TextAnalyzer& analyzer,
                                                                  std::string_view text, TermId literal,
                                                                  std::uint32_t* length);

void AppendVarint(std::uint64_t value, std::string* out);
// Reads a varint at `*offset`, moving it past; 0 past the end.
std::uint64_t ReadVarint(std::string_view in, std::size_t* offset);

}  // namespace relata::storage

#endif  // RELATA_STORAGE_TEXT_INDEX_H_
