// How many texts a relata:text query may match, read from the text index
// without running the query: the planner starts from the text hits when
// they are fewer than the rows of the rest of the pattern, and probes them
// per row otherwise.
#ifndef RELATA_ENGINE_PLAN_TEXT_ESTIMATE_H_
#define RELATA_ENGINE_PLAN_TEXT_ESTIMATE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "query/text_query.h"
#include "storage/quad_store.h"

namespace relata::engine::plan {

// A prefix's postings are counted up to this: the estimate says "at least".
inline constexpr double kTextCountCap = 10000;

// An upper bound of the texts `query` matches (AND: its rarest word; OR: the
// sum): a word's postings counted from its blocks' headers, a prefix's up to
// kTextCountCap.
absl::StatusOr<double> EstimateTextHits(const query::TextQuery& query, const storage::QuadStore& store,
                                        const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot);

}  // namespace relata::engine::plan

#endif  // RELATA_ENGINE_PLAN_TEXT_ESTIMATE_H_
