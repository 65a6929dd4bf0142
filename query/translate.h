// From the parse tree of a SPARQL query to its algebra (spec section 18.2),
// with the scope rules the grammar cannot say (spec section 18.2.1).
#ifndef RELATA_QUERY_TRANSLATE_H_
#define RELATA_QUERY_TRANSLATE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "query/algebra.h"
#include "query/sparql_parser.h"
#include "tao/pegtl/contrib/parse_tree.hpp"

namespace relata::query {

// Errors are kInvalidArgument with a "line:column: " prefix: the first
// scope rule broken, or a query nested too deeply to translate.
// REQUIRES: `root` is the tree of grammar::sparql::QueryUnit over `text`.
absl::StatusOr<Query> Translate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                const ParseOptions& options);
// REQUIRES: `root` is the tree of grammar::sparql::UpdateUnit over `text`.
absl::StatusOr<Update> TranslateUpdate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                       const ParseOptions& options);

}  // namespace relata::query

#endif  // RELATA_QUERY_TRANSLATE_H_
