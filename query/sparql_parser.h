// SPARQL text in, the algebra out, or an error whose position a caret can
// point at.
#ifndef RELATA_QUERY_SPARQL_PARSER_H_
#define RELATA_QUERY_SPARQL_PARSER_H_

#include <cstddef>
#include <string_view>

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "query/algebra.h"

namespace relata::query {

// OK when `text` is a SPARQL 1.1 query (with the SPARQL 1.2 additions).
// Otherwise kInvalidArgument with the message "line:column: expected ...",
// pointing at the furthest place the grammar could not go on from, the
// position a caret goes under.
absl::Status CheckQuerySyntax(std::string_view text);

// "line:column" (1-based, columns in characters) of byte `offset` in `text`.
std::string TextPosition(std::string_view text, std::size_t offset);

struct ParseOptions {
  std::string base_iri;  // relative IRIs resolve against it; a BASE overrides it
  std::map<std::string, std::string> prefixes;  // known without a PREFIX ("kg" -> "http://...")
};

// Parses and translates a query. Errors are kInvalidArgument with a
// "line:column: " prefix, as CheckQuerySyntax's, also for what the grammar
// allows but the spec does not (undefined prefixes, scope rules).
absl::StatusOr<Query> ParseQuery(std::string_view text, const ParseOptions& options = {});

// The same for a SPARQL 1.1 Update request.
absl::StatusOr<Update> ParseUpdate(std::string_view text, const ParseOptions& options = {});
absl::Status CheckUpdateSyntax(std::string_view text);

// Whether `text` is an update request rather than a query, as the grammar
// reads it: after the prologue an update keyword, or nothing at all (a
// request of only a prologue and comments is an empty update).
bool IsUpdateRequest(std::string_view text);

// A leading EXPLAIN or EXPLAIN ANALYZE (any case, after blanks and
// comments): how many bytes it takes, and whether it analyses.
struct ExplainPrefix {
  std::size_t length = 0;
  bool analyze = false;
};
std::optional<ExplainPrefix> FindExplainPrefix(std::string_view text);

}  // namespace relata::query

#endif  // RELATA_QUERY_SPARQL_PARSER_H_
