// The full-text index: the words of the literals that text predicates give
// (evidence sentences, titles, descriptions, a document's content, and the
// predicates a store adds), kept in the "text" column family and written in
// the same atomic step as the quads they come from. A literal is indexed
// once however many quads state it; the quads say what holds the text.
//
// A term's postings are kept in blocks of up to kTextBlock literals, in
// literal order, so that a search reads a few values per thousand postings
// rather than a key per posting. Keys (terms are [a-z0-9]+, so the other
// keys sort before every term):
//   term '\0' literal id (8 bytes)  -> a block: varint count, then per
//       posting varint literal - previous (the key's literal before the
//       first), varint length, varint count of occurrences, varint position
//       deltas. The key's literal is at most the block's first, and the
//       blocks of a term hold disjoint, ascending ranges of literals.
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
// The first key of `term`'s blocks; a block's key is this and its literal.
std::string TextTermPrefix(std::string_view term);
std::string TextBlockKey(std::string_view term, TermId literal);
// Whether `key` is a block's (not a unit's or the totals').
bool IsTextBlockKey(std::string_view key);

inline constexpr std::size_t kTextBlock = 128;

// One posting, as read from a block: its positions are decoded on demand
// (a search needs the counts, a phrase the positions too). Views into the
// block, valid while it is.
struct TextPosting {
  std::string_view term;
  TermId literal = kNoTerm;
  std::uint32_t length = 0;  // of the literal, in terms
  std::uint32_t count = 0;   // occurrences of the term in it
  std::string_view positions;  // `count` varint deltas
  std::vector<std::uint32_t> Positions() const;
};

// Reads a block's postings in order.
class TextBlockReader {
 public:
  // REQUIRES: IsTextBlockKey(key). Both must outlive the reader.
  TextBlockReader(std::string_view key, std::string_view value);
  std::size_t size() const { return count_; }
  // The next posting, false after the last.
  bool Next(TextPosting* posting);

 private:
  std::string_view term_, value_;
  TermId previous_;
  std::size_t count_, read_ = 0, offset_ = 0;
};

// A posting held whole, for writing blocks.
struct TextEntry {
  TermId literal = kNoTerm;
  std::uint32_t length = 0;
  std::vector<std::uint32_t> positions;
  bool operator==(const TextEntry&) const = default;
};
// The block value of `entries` (ascending literals) under key literal `base`.
std::string EncodeTextBlock(TermId base, const std::vector<TextEntry>& entries);
std::vector<TextEntry> DecodeTextBlock(std::string_view key, std::string_view value);

// The terms of `text`, in byte order, each with its positions; `*length`
// is set to the text's length.
std::vector<std::pair<std::string, std::vector<std::uint32_t>>> TextTerms(const TextAnalyzer& analyzer,
                                                                           std::string_view text,
                                                                           std::uint32_t* length);

void AppendVarint(std::uint64_t value, std::string* out);
// Reads a varint at `*offset`, moving it past; 0 past the end.
std::uint64_t ReadVarint(std::string_view in, std::size_t* offset);

}  // namespace relata::storage

#endif  // RELATA_STORAGE_TEXT_INDEX_H_
