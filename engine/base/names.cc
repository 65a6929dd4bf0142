// ASCII names, by far the most common, never reach ICU: its transliterator
// costs microseconds per call, a loop over bytes nanoseconds.
#include "engine/base/names.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <memory>

#include "engine/base/strings.h"

namespace relata {
namespace {

// Folds ASCII text the way NormalizeName does once ICU is done with it.
std::string FoldAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (const char raw : s) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(c);
    } else if (c != '\'') {
      pending_space = true;
    }
  }
  return out;
}

// One per thread: a Transliterator is not safe to share, and building one
// costs milliseconds.
icu::Transliterator* ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "NFKC; Russian-Latin/BGN; Any-Latin; Latin-ASCII; Any-Lower", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  return transliterator.get();
}

}  // namespace

std::string NormalizeName(std::string_view name) {
  if (IsAscii(name)) return FoldAscii(name);
  icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  if (icu::Transliterator* transliterator = ThreadTransliterator()) {
    transliterator->transliterate(text);
  }
  std::string utf8;
  text.toUTF8String(utf8);
  // Whatever the transliterator could not turn into ASCII (a script without
  // rules) is dropped like punctuation.
  return FoldAscii(utf8);
}

std::vector<std::string_view> NameTokens(std::string_view normalized) {
  std::vector<std::string_view> tokens;
  std::size_t start = 0;
  while (start < normalized.size()) {
    std::size_t end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) tokens.push_back(normalized.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

std::string SlugOf(std::string_view normalized) {
  std::string slug(normalized);
  for (char& c : slug) {
    if (c == ' ') c = '-';
  }
  return slug;
}

}  // namespace relata
