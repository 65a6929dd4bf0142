// The rows of a right side run once (a hash join's, MINUS's, an OPTIONAL's,
// an EXISTS pattern's), for the rows on the left to find the ones they may
// be compatible with.
#ifndef RELATA_ENGINE_EXEC_RIGHT_ROWS_H_
#define RELATA_ENGINE_EXEC_RIGHT_ROWS_H_

#include <algorithm>
#include <cstdint>
#include <deque>
#include <span>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "engine/exec/row.h"

namespace relata::engine::exec {

// Hashed on the variables that every right row binds and the left row
// binds too (the left rows of one operator mostly bind the same ones: one
// table per such set, made when first needed). With no such variable, every
// right row is a candidate.
class RightRows {
 public:
  explicit RightRows(std::vector<Row> rows) : rows_(std::move(rows)) {
    if (rows_.empty()) return;
    for (std::size_t v = 0; v < rows_[0].size() && always_bound_.size() < 64; ++v) {
      if (std::all_of(rows_.begin(), rows_.end(), [&](const Row& r) { return r[v] != kNoTerm; })) {
        always_bound_.push_back(v);
      }
    }
  }
  const Row& operator[](std::size_t i) const { return rows_[i]; }
  std::size_t size() const { return rows_.size(); }
  std::span<const std::size_t> Candidates(const Row& left) const {
    std::uint64_t shared = 0;
    for (std::size_t k = 0; k < always_bound_.size(); ++k) {
      if (left[always_bound_[k]] != kNoTerm) shared |= std::uint64_t{1} << k;
    }
    if (shared == 0) {
      if (every_.size() != rows_.size()) {
        every_.resize(rows_.size());
        for (std::size_t i = 0; i < every_.size(); ++i) every_[i] = i;
      }
      return every_;
    }
    return TableOn(shared).Find(KeyOf(left, shared));
  }

 private:
  // Keys of up to two variables, the usual, are held inline.
  using Key = absl::InlinedVector<TermId, 2>;
  // The rows' indices ordered by key, and where each key's run of them is.
  struct Table {
    std::vector<std::size_t> order;
    absl::flat_hash_map<Key, std::pair<std::uint32_t, std::uint32_t>> runs;
    std::span<const std::size_t> Find(const Key& key) const {
      const auto it = runs.find(key);
      if (it == runs.end()) return {};
      return std::span<const std::size_t>(order).subspan(it->second.first, it->second.second - it->second.first);
    }
  };
  Key KeyOf(const Row& r, std::uint64_t vars) const {
    Key key;
    for (std::size_t k = 0; k < always_bound_.size(); ++k) {
      if ((vars >> k) & 1) key.push_back(r[always_bound_[k]]);
    }
    return key;
  }
  const Table& TableOn(std::uint64_t vars) const {
    for (const auto& [on, table] : tables_) {
      if (on == vars) return table;
    }
    Table& table = tables_.emplace_back(vars, Table()).second;
    std::vector<Key> keys(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) keys[i] = KeyOf(rows_[i], vars);
    table.order.resize(rows_.size());
    for (std::size_t i = 0; i < rows_.size(); ++i) table.order[i] = i;
    std::sort(table.order.begin(), table.order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    for (std::size_t at = 0; at < table.order.size();) {
      std::size_t end = at + 1;
      while (end < table.order.size() && keys[table.order[end]] == keys[table.order[at]]) ++end;
      table.runs.emplace(keys[table.order[at]], std::pair{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(end)});
      at = end;
    }
    return table;
  }
  std::vector<Row> rows_;
  std::vector<std::size_t> always_bound_;
  // By the variables they hash on; spans into them stay valid as more come.
  mutable std::deque<std::pair<std::uint64_t, Table>> tables_;
  mutable std::vector<std::size_t> every_;
};

}  // namespace relata::engine::exec

#endif  // RELATA_ENGINE_EXEC_RIGHT_ROWS_H_
