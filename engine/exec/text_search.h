// Full-text search over the store's text index: the literals a text query
// (query/text_query.h) matches, ranked by BM25, and snippets of them with the
// matched words marked. Behind relata:text and the shell's .grep.
#ifndef RELATA_ENGINE_EXEC_TEXT_SEARCH_H_
#define RELATA_ENGINE_EXEC_TEXT_SEARCH_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/text_query.h"
#include "storage/quad_store.h"

namespace relata::engine {

// BM25 as Robertson and Lucene define it: a term's weight in a text is
// idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average length)),
// idf = ln(1 + (N - df + 0.5) / (df + 0.5)) over the N indexed texts of
// which df hold the term. A phrase counts as one term (tf: its
// occurrences), a prefix as one term matching each word it begins; a
// query's score is the sum over the terms it matched.
inline constexpr double kBm25K1 = 1.2;
inline constexpr double kBm25B = 0.75;

struct TextHit {
  storage::TermId literal = storage::kNoTerm;
  double score = 0;
};

// A parsed query with the terms of its words, analysed as the index was.
class TextSearch {
 public:
  // Parses `text` (errors as ParseTextQuery's) and analyses its words; a
  // query of stop words only is kInvalidArgument.
  static absl::StatusOr<TextSearch> Prepare(std::string_view text, std::shared_ptr<const TextAnalyzer> analyzer);

  // Every indexed literal the query matches, best first (ties by id).
  // `check` is called now and then; its error stops the search.
  absl::StatusOr<std::vector<TextHit>> Run(const storage::QuadStore& store,
                                           const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot,
                                           const std::function<absl::Status()>& check) const;

  // The part of `text` (at most `words` words) where the query's words are
  // densest, each matched word between « and », "…" where text is left out.
  std::string Snippet(std::string_view text, std::size_t words = 24) const;

  const query::TextQuery& query() const { return query_; }

  // The query's words as analysed terms (text_search.cc).
  struct Node;

 private:
  TextSearch() = default;
  query::TextQuery query_;
  std::shared_ptr<const Node> root_;
  std::shared_ptr<const TextAnalyzer> analyzer_;
};

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_TEXT_SEARCH_H_
