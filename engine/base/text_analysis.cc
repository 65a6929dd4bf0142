// ASCII text, most of what extractors give, is split and folded byte by byte;
// ICU's word breaks and transliteration are for the rest, as in names.cc.
#include "engine/base/text_analysis.h"

#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_split.h"
#include "engine/base/strings.h"
#include "engine/base/names.h"

namespace relata {
namespace {

// Lucene's English stop words, and the commonest Russian function words in
// their Latin normal form ("и" -> "i", "что" -> "chto").
constexpr const char* kDefaultStopWords[] = {
    "a",  "an",  "and",  "are",  "as",  "at",   "be",  "but",  "by",    "for",   "if",  "in",   "into",
    "is", "it",  "no",   "not",  "of",  "on",   "or",  "such", "that",  "the",   "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
    "i",  "v",   "na",   "s",    "ne",  "chto", "k",   "po",   "iz",    "u",     "o",   "ob",   "za",
    "ot", "dlya", "kak", "eto",  "no",  "zhe",  "ili", "do",   "pri"};

struct StemmerDeleter {
  void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};

// One per thread and language: a Snowball stemmer keeps state between calls.
// Words repeat (a load's millions of sentences use a few thousand words
// most of the time), so stems are remembered, up to a bound.
std::string Stem(const char* language, std::string_view word) {
  struct Stemmer {
    explicit Stemmer(const char* name) : stemmer(sb_stemmer_new(name, "UTF_8")) {}
    std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer;
    absl::flat_hash_map<std::string, std::string> stems;
  };
  thread_local Stemmer english("english"), russian("russian");
  Stemmer& s = language[0] == 'e' ? english : russian;
  const absl::string_view key(word.data(), word.size());
  if (const auto it = s.stems.find(key); it != s.stems.end()) return it->second;
  if (s.stemmer == nullptr) return std::string(word);
  const sb_symbol* stem =
      sb_stemmer_stem(s.stemmer.get(), reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (stem == nullptr) return std::string(word);  // out of memory: the word unstemmed still matches itself
  std::string stemmed(reinterpret_cast<const char*>(stem), static_cast<std::size_t>(sb_stemmer_length(s.stemmer.get())));
  constexpr std::size_t kMostStems = 1 << 17;
  if (s.stems.size() >= kMostStems) s.stems.clear();
  s.stems.emplace(key, stemmed);
  return stemmed;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}


bool IsValidUtf8(std::string_view s) {
  std::int32_t i = 0;
  const auto length = static_cast<std::int32_t>(s.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(s.data());
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

// Calls `word(begin, end)` for each word of `text` in bytes, with its
// ICU break iterator; `text` is UTF-8 unless `latin1`.
template <typename OnWord>
void IcuWords(std::string_view text, bool latin1, OnWord word) {
  icu::UnicodeString unicode;
  if (latin1) {
    for (const char c : text) unicode.append(static_cast<UChar>(static_cast<unsigned char>(c)));
  } else {
    unicode = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  }
  UErrorCode status = U_ZERO_ERROR;
  thread_local std::unique_ptr<icu::BreakIterator> words(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (words == nullptr) return;
  words->setText(unicode);
  // UTF-16 boundaries come in ascending order: their byte offsets are
  // counted forward from the last one.
  std::int32_t unit = 0, byte = 0;
  const auto to_byte = [&](std::int32_t target) {
    while (unit < target) {
      UChar32 c;
      U16_NEXT(unicode.getBuffer(), unit, unicode.length(), c);
      byte += latin1 ? 1 : U8_LENGTH(c);
    }
    return byte;
  };
  std::int32_t start = words->first();
  for (std::int32_t end = words->next(); end != icu::BreakIterator::DONE; start = end, end = words->next()) {
    if (words->getRuleStatus() == UBRK_WORD_NONE) continue;
    const std::int32_t begin_byte = to_byte(start);
    const std::int32_t end_byte = to_byte(end);
    word(unicode.tempSubStringBetween(start, end), static_cast<std::uint32_t>(begin_byte),
         static_cast<std::uint32_t>(end_byte));
  }
}

bool IsCyrillic(const icu::UnicodeString& word) {
  UErrorCode status = U_ZERO_ERROR;
  return word.length() > 0 && uscript_getScript(word.char32At(0), &status) == USCRIPT_CYRILLIC;
}

}  // namespace

TextOptions TextOptions::Default() {
  TextOptions options;
  options.stop_words.assign(std::begin(kDefaultStopWords), std::end(kDefaultStopWords));
  return options;
}

std::string TextOptions::Serialize() const {
  std::string out = enabled ? "" : "index off\n";
  out += stemming ? "stemming on\n" : "stemming off\n";
  for (const std::string& word : stop_words) out += "stop " + word + "\n";
  return out;
}

absl::StatusOr<TextOptions> TextOptions::Parse(std::string_view serialized) {
  TextOptions options;
  for (const absl::string_view piece : absl::StrSplit(ToAbsl(serialized), '\n', absl::SkipEmpty())) {
    const std::string_view line(piece.data(), piece.size());
    if (line == "index off") {
      options.enabled = false;
    } else if (line == "stemming on" || line == "stemming off") {
      options.stemming = line == "stemming on";
    } else if (line.starts_with("stop ")) {
      options.stop_words.emplace_back(line.substr(5));
    } else {
      return absl::DataLossError("text index settings: unknown line '" + std::string(line) + "'");
    }
  }
  return options;
}

TextAnalyzer::TextAnalyzer(TextOptions options) : options_(std::move(options)) {
  auto stop_words = std::make_shared<absl::flat_hash_set<std::string>>();
  for (const std::string& word : options_.stop_words) stop_words->insert(NormalizeName(word));
  stop_words_ = std::move(stop_words);
}

bool TextAnalyzer::IsStopWord(std::string_view folded) const {
  return stop_words_->contains(absl::string_view(folded.data(), folded.size()));
}

std::string TextAnalyzer::Fold(std::string_view word) { return NormalizeName(word); }

std::vector<TextToken> TextAnalyzer::Analyze(std::string_view text) const {
  std::vector<TextToken> tokens;
  std::uint32_t position = 0;
  // A folded word (a run of [a-z0-9]) at `begin`..`end` of the text; its
  // stem, unless `stemmed` already.
  const auto add = [&](std::string_view folded, std::uint32_t begin, std::uint32_t end, bool stemmed) {
    const std::uint32_t at = position++;
    if (IsStopWord(folded)) return;
    const bool stem = options_.stemming && !stemmed && !std::isdigit(static_cast<unsigned char>(folded[0]));
    tokens.push_back(TextToken{stem ? Stem("english", folded) : std::string(folded), at, begin, end});
  };
  if (IsAscii(text)) {
    std::string folded;
    for (std::size_t i = 0; i < text.size();) {
      if (!IsAsciiAlnum(text[i])) {
        ++i;
        continue;
      }
      const std::size_t begin = i;
      folded.clear();
      // An apostrophe between letters stays in the word and is dropped
      // ("Russia's" -> "russias"), as in names.
      while (i < text.size() && (IsAsciiAlnum(text[i]) ||
                                 (text[i] == '\'' && i + 1 < text.size() && IsAsciiAlnum(text[i + 1]) &&
                                  !folded.empty()))) {
        const char c = text[i++];
        if (c != '\'') folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      }
      add(folded, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(i), false);
    }
    return tokens;
  }
  IcuWords(text, !IsValidUtf8(text), [&](const icu::UnicodeString& word, std::uint32_t begin, std::uint32_t end) {
    std::string utf8;
    word.toUTF8String(utf8);
    const std::string folded = NormalizeName(utf8);
    // Russian words are stemmed in Cyrillic, then made Latin like names.
    if (options_.stemming && IsCyrillic(word) && !IsStopWord(folded)) {
      icu::UnicodeString lower(word);
      lower.foldCase();
      std::string lower_utf8;
      lower.toUTF8String(lower_utf8);
      const std::string stem = NormalizeName(Stem("russian", lower_utf8));
      for (const std::string_view part : NameTokens(stem)) add(part, begin, end, true);
      return;
    }
    for (const std::string_view part : NameTokens(folded)) add(part, begin, end, false);
  });
  return tokens;
}

}  // namespace relata
