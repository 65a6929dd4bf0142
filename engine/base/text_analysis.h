// How text becomes the terms of the full-text index and of text queries:
// Unicode word breaks, case folding, diacritics and other scripts made Latin
// the way names are (names.h: "Путина" finds "Putin"), stop words left out,
// and Snowball stemming (English for Latin words, Russian for Cyrillic ones,
// before they are transliterated), so "currencies" finds "currency".
#ifndef RELATA_ENGINE_BASE_TEXT_ANALYSIS_H_
#define RELATA_ENGINE_BASE_TEXT_ANALYSIS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace relata {

// Fixed when a store's text index is first written: the index and the
// queries over it must analyse text the same way.
struct TextOptions {
  bool enabled = true;  // false: the store keeps no text index
  bool stemming = true;
  // Normal forms (NormalizeName) of the words left out; the default is
  // English and Russian function words ("the", "of", "и", "в", ...).
  std::vector<std::string> stop_words;

  static TextOptions Default();
  // One line per setting: "index off" when disabled, "stemming on|off",
  // then "stop WORD" per word.
  std::string Serialize() const;
  static absl::StatusOr<TextOptions> Parse(std::string_view serialized);
  bool operator==(const TextOptions&) const = default;
};

struct TextToken {
  std::string term;          // what the index keys on
  std::uint32_t position;    // the word's number in the text, stop words counted
  std::uint32_t begin, end;  // its bytes in the text
};

// Thread-safe; cheap to copy.
class TextAnalyzer {
 public:
  explicit TextAnalyzer(TextOptions options);
  const TextOptions& options() const { return options_; }

  // The terms of `text` in order, without stop words (whose positions stay
  // counted, so a phrase does not match across one). Invalid UTF-8 is read
  // as Latin-1.
  std::vector<TextToken> Analyze(std::string_view text) const;
  // The normal form of a word before stemming: how a prefix query ("pipel*")
  // is matched against the terms.
  static std::string Fold(std::string_view word);

 private:
  bool IsStopWord(std::string_view folded) const;
  TextOptions options_;
  std::shared_ptr<const absl::flat_hash_set<std::string>> stop_words_;
};

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_TEXT_ANALYSIS_H_
