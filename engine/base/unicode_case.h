// Upper- and lower-casing by the Unicode case mappings, as SPARQL's UCASE and
// LCASE (XPath fn:upper-case, fn:lower-case) require: "путин" -> "ПУТИН",
// "straße" -> "STRASSE".
#ifndef RELATA_ENGINE_BASE_UNICODE_CASE_H_
#define RELATA_ENGINE_BASE_UNICODE_CASE_H_

#include <string>
#include <string_view>

namespace relata {

// `utf8` with every character in upper (or lower) case, locale-independent.
// Invalid UTF-8 sequences become U+FFFD.
std::string ChangeCase(std::string_view utf8, bool upper);

}  // namespace relata

#endif  // RELATA_ENGINE_BASE_UNICODE_CASE_H_
