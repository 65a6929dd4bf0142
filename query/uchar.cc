#include "query/uchar.h"

namespace relata::query {

UcharEscape DecodeUcharEscape(std::string_view text) {
  UcharEscape escape;
  const std::size_t digits = text[1] == 'u' ? 4 : 8;
  escape.length = digits + 2;
  for (std::size_t k = 0; k < digits; ++k) {
    const char h = text[2 + k];
    escape.code_point = escape.code_point * 16 +
                        static_cast<char32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
  }
  if (escape.code_point >= 0xD800 && escape.code_point <= 0xDFFF) {
    escape.error = "\\u escapes cannot encode UTF-16 surrogates";
  } else if (escape.code_point > 0x10FFFF) {
    escape.error = "\\U escape beyond the last Unicode code point U+10FFFF";
  }
  return escape;
}

}  // namespace relata::query
