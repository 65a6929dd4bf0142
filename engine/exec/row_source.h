// The operator interface: a source of rows pulled one at a time, and the
// few helpers every operator uses.
#ifndef RELATA_ENGINE_EXEC_ROW_SOURCE_H_
#define RELATA_ENGINE_EXEC_ROW_SOURCE_H_

#include <chrono>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/status_macros.h"
#include "engine/exec/context.h"

namespace relata::engine::exec {

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills *row with the next solution; false at the end.
  virtual absl::StatusOr<bool> Next(Row* row) = 0;
};
using Source = std::unique_ptr<RowSource>;

class VectorSource : public RowSource {
 public:
  explicit VectorSource(std::vector<Row> rows) : rows_(std::move(rows)) {}
  absl::StatusOr<bool> Next(Row* row) override {
    if (next_ >= rows_.size()) return false;
    *row = std::move(rows_[next_++]);
    return true;
  }

 private:
  std::vector<Row> rows_;
  std::size_t next_ = 0;
};

// Counts what an operator yields and the time spent in it (its inputs
// included).
class ProfileSource : public RowSource {
 public:
  ProfileSource(Source input, plan::OpStats* stats) : input_(std::move(input)), stats_(stats) {
    ++stats_->opens;
  }
  absl::StatusOr<bool> Next(Row* row) override {
    const auto start = std::chrono::steady_clock::now();
    auto more = input_->Next(row);
    stats_->seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (more.ok() && *more) ++stats_->rows;
    return more;
  }

 private:
  Source input_;
  plan::OpStats* stats_;
};

inline bool Compatible(const Row& a, const Row& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != kNoTerm && b[i] != kNoTerm && a[i] != b[i]) return false;
  }
  return true;
}
inline void Merge(const Row& from, Row* into) {
  for (std::size_t i = 0; i < from.size(); ++i) {
    if ((*into)[i] == kNoTerm) (*into)[i] = from[i];
  }
}

inline absl::StatusOr<std::vector<Row>> Drain(RowSource& source, Context& ctx) {
  std::vector<Row> rows;
  Row row;
  while (true) {
    ASSIGN_OR_RETURN(const bool more, source.Next(&row));
    if (!more) break;
    rows.push_back(row);
    if ((rows.size() & 1023) == 0) RETURN_IF_ERROR(ctx.Hold(1024));
  }
  return rows;
}

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_ROW_SOURCE_H_
