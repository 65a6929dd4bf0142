// \uXXXX and \UXXXXXXXX escapes, as RDF and SPARQL both write them.
#ifndef RELATA_QUERY_UCHAR_H_
#define RELATA_QUERY_UCHAR_H_

#include <cstddef>
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

}  // namespace relata::query

#endif  // RELATA_QUERY_UCHAR_H_
