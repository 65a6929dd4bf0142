// Names as people type them: the normal form that entity resolution keys on
// and name search matches, so that "Vladimir Putin", "VLADIMIR PUTIN",
// "Vladimír Putin" and "Владимир Путин" are the same name.
#ifndef RELATA_ENGINE_BASE_NAMES_H_
#define RELATA_ENGINE_BASE_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

namespace relata {

// Unicode NFKC, case folded, other scripts transliterated to Latin (Russian
// by BGN/PCGN: "Путин" -> "putin"), diacritics stripped, apostrophes dropped
// and every other non-alphanumeric run made one space: lowercase ASCII
// letters and digits in words separated by single spaces, no space at either
// end. Thread-safe. Invalid UTF-8 is read as Latin-1.
std::string NormalizeName(std::string_view name);

// The words of a normalised name.
std::vector<std::string_view> NameTokens(std::string_view normalized);

// `normalized` with words joined by '-': an IRI-safe local name.
std::string SlugOf(std::string_view normalized);

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_NAMES_H_
