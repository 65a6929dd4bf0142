// SPARQL text in, and for now only a verdict on its syntax: the algebra the
// engine runs comes with the query engine (issue 3).
#ifndef RELATA_QUERY_SPARQL_PARSER_H_
#define RELATA_QUERY_SPARQL_PARSER_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace relata::query {

// OK when `text` is a SPARQL 1.1 query (with the SPARQL 1.2 additions).
// Otherwise kInvalidArgument with the message "line:column: expected ...",
// pointing at the furthest place the grammar could not go on from, the
// position a caret goes under.
absl::Status CheckQuerySyntax(std::string_view text);

}  // namespace relata::query

#endif  // RELATA_QUERY_SPARQL_PARSER_H_
