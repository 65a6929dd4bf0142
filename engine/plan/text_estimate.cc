#include "engine/plan/text_estimate.h"

#include <algorithm>
#include <limits>

#include "engine/base/status_macros.h"

namespace relata::engine::plan {
namespace {

class Estimator {
 public:
  Estimator(const storage::QuadStore& store, const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot)
      : store_(store), snapshot_(snapshot), analyzer_(store.text_analyzer()) {}

  // nullopt: the node constrains nothing (stop words, NOT).
  absl::StatusOr<std::optional<double>> Hits(const query::TextQuery& q) {
    using K = query::TextQuery::Kind;
    switch (q.kind) {
      case K::kWord:
      case K::kPhrase: {
        std::optional<double> fewest;
        for (const TextToken& token : analyzer_->Analyze(q.text)) {
          ASSIGN_OR_RETURN(const double n, Count(token.term, false));
          fewest = std::min(fewest.value_or(n), n);
        }
        return fewest;
      }
      case K::kPrefix: {
        const std::string folded = TextAnalyzer::Fold(q.text);
        if (folded.empty()) return std::optional<double>();
        const std::size_t space = folded.rfind(' ');
        ASSIGN_OR_RETURN(const double n, Count(space == std::string::npos ? folded : folded.substr(space + 1), true));
        return std::optional<double>(n);
      }
      case K::kNot: return std::optional<double>();
      case K::kAnd:
      case K::kOr: {
        std::optional<double> total;
        for (const query::TextQuery& child : q.children) {
          ASSIGN_OR_RETURN(const std::optional<double> n, Hits(child));
          if (!n) continue;
          total = !total ? *n : q.kind == K::kAnd ? std::min(*total, *n) : *total + *n;
        }
        return total;
      }
    }
    return std::optional<double>();
  }

 private:
  absl::StatusOr<double> Count(const std::string& term, bool prefix) {
    if (!prefix) {
      // A word's count is in its blocks' headers.
      ASSIGN_OR_RETURN(const std::uint64_t count, store_.CountTextPostings(term, snapshot_));
      return static_cast<double>(count);
    }
    double n = 0;
    RETURN_IF_ERROR(store_.ScanText(term, prefix, [&](const storage::TextPosting&) { return ++n < kTextCountCap; },
                                    snapshot_));
    return n;
  }

  const storage::QuadStore& store_;
  const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot_;
  std::shared_ptr<const TextAnalyzer> analyzer_;
};

}  // namespace

absl::StatusOr<double> EstimateTextHits(const query::TextQuery& query, const storage::QuadStore& store,
                                        const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot) {
  Estimator estimator(store, snapshot);
  ASSIGN_OR_RETURN(const std::optional<double> hits, estimator.Hits(query));
  return hits.value_or(kTextCountCap);
}

}  // namespace relata::engine::plan
