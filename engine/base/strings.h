// Bridges std::string_view to abseil 20220623, whose absl::string_view is a
// distinct type, and the few string helpers we need.
#ifndef RELATA_ENGINE_BASE_STRINGS_H_
#define RELATA_ENGINE_BASE_STRINGS_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace relata {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_STRINGS_H_
