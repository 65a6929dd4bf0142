// The syntax of full-text queries (relata:text, the shell's .grep): words,
// "quoted phrases", prefixes (pipel*), AND (also implied between terms), OR,
// NOT or a leading '-', and parentheses. AND binds tighter than OR:
// `gas pipeline OR oil` is `(gas AND pipeline) OR oil`. Words are kept as
// typed; the engine analyses them as it analyses the indexed text.
#ifndef RELATA_QUERY_TEXT_QUERY_H_
#define RELATA_QUERY_TEXT_QUERY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace relata::query {

struct TextQuery {
  enum class Kind { kWord, kPrefix, kPhrase, kAnd, kOr, kNot };
  Kind kind = Kind::kWord;
  std::string text;                  // kWord, kPrefix (without '*'), kPhrase (without quotes)
  std::vector<TextQuery> children;   // kAnd, kOr: two or more; kNot: one
  std::size_t column = 1;            // where it starts in the query, from 1 (in characters)
};

// kInvalidArgument with "column N: " before the message for text that is not
// a query, and for a query that matches only by what it excludes ("NOT gas").
absl::StatusOr<TextQuery> ParseTextQuery(std::string_view text);

// The query written back, fully parenthesised: for EXPLAIN and tests.
std::string TextQueryString(const TextQuery& query);

}  // namespace relata::query

#endif  // RELATA_QUERY_TEXT_QUERY_H_
