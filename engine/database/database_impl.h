// What the Database, Transaction and PreparedQuery implementations share
// (database.cc, load.cc, transaction.cc): the database's state and the
// small steps from options to parsed queries and limits.
#ifndef RELATA_ENGINE_DATABASE_DATABASE_IMPL_H_
#define RELATA_ENGINE_DATABASE_DATABASE_IMPL_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/base/strings.h"
#include "engine/database/parse_cache.h"
#include "engine/exec/adjacency.h"
#include "engine/exec/execution.h"
#include "engine/exec/term_cache.h"
#include "query/sparql_parser.h"
#include "relata/database.h"
#include "storage/quad_store.h"

namespace relata {

class Database::Impl {
 public:
  Impl(std::unique_ptr<storage::QuadStore> quad_store, std::string store_path, bool scratch = false)
      : store(std::move(quad_store)), path(std::move(store_path)), remove_on_close(scratch) {}
  ~Impl() {
    store.reset();
    if (remove_on_close) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  }
  std::unique_ptr<storage::QuadStore> store;
  std::string path;
  bool remove_on_close;
  std::atomic<std::uint64_t> interrupts{0};  // Interrupt() calls so far
  ParseCache parse_cache;
  mutable engine::AdjacencyCache adjacencies;
  // The thread that began this database's open transaction, if one is
  // open: a write that thread starts itself would wait for it forever.
  std::atomic<std::thread::id> transaction_thread{};

  // Why `what` (a write) cannot run now, if it cannot: the store is open
  // read-only, or the calling thread holds the open transaction (the write
  // would wait for it forever).
  absl::Status MayWrite(std::string_view what) const {
    if (store->read_only()) {
      return absl::FailedPreconditionError(absl::StrCat(
          ToAbsl(what), ": ", path, " is open read-only (beside the process that writes it); ",
          "close that process and open the store again to write"));
    }
    if (transaction_thread.load() != std::this_thread::get_id()) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        ToAbsl(what), ": this thread holds an open transaction of the store; commit it or roll it back first "
              "(the store takes one writer at a time, so this would wait for it forever)"));
  }

  engine::ExecutionOptions Limits(const QueryOptions& options) const;

  // Fills the subject, predicate and object of `quad` from `ids`; on failure
  // keeps the error in `failure` and returns false (to stop a scan). With a
  // cache, terms met before are not read again.
  bool ResolveQuad(const storage::QuadIds& ids, Quad* quad, absl::Status* failure,
                   TermCache* cache = nullptr) const {
    for (auto [id, term] : {std::pair{ids.s, &quad->subject}, std::pair{ids.p, &quad->predicate},
                            std::pair{ids.o, &quad->object}}) {
      if (cache != nullptr) {
        if (const Term* cached = cache->Find(id)) {
          *term = *cached;
          continue;
        }
      }
      auto resolved = store->Resolve(id);
      if (!resolved.ok()) {
        *failure = resolved.status();
        return false;
      }
      if (cache != nullptr) cache->Put(id, *resolved);
      *term = std::move(*resolved);
    }
    return true;
  }
};

namespace internal {

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

query::ParseOptions ParseOptionsOf(const QueryOptions& options);
absl::StatusOr<std::shared_ptr<const query::Query>> Parse(std::string_view sparql, const QueryOptions& options);
absl::StatusOr<query::Update> ParseUpdate(std::string_view sparql, const QueryOptions& options);
Cursor::Kind CursorKindOf(query::Query::Form form);
// A query's limits; it also stops at the next Database::Interrupt.
engine::ExecutionOptions ExecutionOptionsOf(const QueryOptions& options,
                                            const std::atomic<std::uint64_t>& interrupts);

}  // namespace internal
}  // namespace relata

#endif  // RELATA_ENGINE_DATABASE_DATABASE_IMPL_H_
