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

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

const char* Unescape(std::string_view body, std::string* out) {
  if (body.find('\\') == std::string_view::npos) {
    out->assign(body);
    return nullptr;
  }
  out->clear();
  out->reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    const char e = body[i + 1];
    if (e == 'u' || e == 'U') {
      const UcharEscape escape = DecodeUcharEscape(body.substr(i));
      if (escape.error != nullptr) return escape.error;
      AppendUtf8(escape.code_point, out);
      i += escape.length - 1;
      continue;
    }
    switch (e) {
      case 't': out->push_back('\t'); break;
      case 'b': out->push_back('\b'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 'f': out->push_back('\f'); break;
      default: out->push_back(e);  // " ' and backslash
    }
    ++i;
  }
  return nullptr;
}

}  // namespace relata::query
