// Bridges std::string_view to abseil 20220623, whose absl::string_view is a
// distinct type, and the few string helpers we need.
#ifndef RELATA_ENGINE_BASE_STRINGS_H_
#define RELATA_ENGINE_BASE_STRINGS_H_

#include <concepts>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace relata {

inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

inline bool IsAscii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace strings_internal {
inline void AppendPart(std::string* out, std::string_view part) { out->append(part); }
template <std::integral Number>
  requires(!std::same_as<Number, char> && !std::same_as<Number, bool>)
void AppendPart(std::string* out, Number n) {
  out->append(std::to_string(n));
}
}  // namespace strings_internal

// absl::StrCat for std::string_view (which abseil 20220623 does not take)
// and integers.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (strings_internal::AppendPart(&out, parts), ...);
  return out;
}

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_STRINGS_H_
