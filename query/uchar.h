// \uXXXX and \UXXXXXXXX escapes and string escapes, as RDF and SPARQL both
// write them.
#ifndef RELATA_QUERY_UCHAR_H_
#define RELATA_QUERY_UCHAR_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace relata::query {

struct UcharEscape {
  char32_t code_point = 0;
  std::size_t length = 0;       // of the escape, backslash included
  const char* error = nullptr;  // set when it names no Unicode scalar value
};

// Decodes the escape `text` starts with (at its backslash); the grammar has
// already matched the hex digits.
UcharEscape DecodeUcharEscape(std::string_view text);

void AppendUtf8(char32_t c, std::string* out);

// Replaces `out` with `body` with its \t \b \n \r \f \" \' \\ and \u escapes
// decoded (the grammar has matched them). Returns an error message for an
// escape naming no Unicode scalar value, else nullptr.
const char* Unescape(std::string_view body, std::string* out);

}  // namespace relata::query

#endif  // RELATA_QUERY_UCHAR_H_
