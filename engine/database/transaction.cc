// Transaction: reads that see its own writes, SPARQL updates (LOAD reads
// local files), all committed at once or rolled back; Database::Update is
// one such transaction.
#include "relata/database.h"

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "engine/base/status_macros.h"
#include "engine/database/database_impl.h"
#include "engine/exec/update.h"
#include "query/input_source.h"
#include "query/rdf_reader.h"

namespace relata {

using internal::CursorKindOf;
using internal::ExecutionOptionsOf;
using internal::Parse;
using internal::ParseOptionsOf;
using internal::ParseUpdate;
using internal::SecondsSince;

namespace {

// LOAD's reader: a local RDF file (a file: IRI or a path), all of it or an
// error, its triples put in `graph` when given.
absl::StatusOr<std::vector<Quad>> ReadForLoad(const std::string& iri, const std::optional<Term>& graph) {
  std::string path = iri;
  if (path.starts_with("file://")) {
    path = path.substr(7);
  } else if (const auto colon = path.find(':'); colon != std::string::npos && colon > 1 &&
                                                 path.find('/') > colon) {
    return absl::UnimplementedError("LOAD <" + iri + ">: relata loads local files only (file: IRIs or paths)");
  }
  const auto format = query::FormatFromPath(path);
  if (!format) {
    return absl::InvalidArgumentError("LOAD <" + iri + ">: unknown format (.nt .nq .ttl .trig, each also .gz)");
  }
  ASSIGN_OR_RETURN(auto input, query::InputSource::Open(path));
  struct Collect : query::RdfSink {
    std::vector<Quad> quads;
    const std::optional<Term>* graph;
    void OnQuad(Quad& quad) override {
      if (graph->has_value()) quad.graph = **graph;
      quads.push_back(std::move(quad));
    }
  } sink;
  sink.graph = &graph;
  query::ReadOptions options;
  options.format = *format;
  options.base_iri = "file://" + std::filesystem::absolute(path).lexically_normal().string();
  RETURN_IF_ERROR(query::ReadRdf(*input, options, sink));
  return std::move(sink.quads);
}

}  // namespace

class Transaction::Impl {
 public:
  Impl(storage::QuadStore& s, std::unique_ptr<storage::QuadStore::Transaction> t,
       const std::atomic<std::uint64_t>& interrupt_count, std::atomic<std::thread::id>& holder_thread)
      : store(s), txn(std::move(t)), started(std::chrono::steady_clock::now()), interrupts(interrupt_count),
        holder(holder_thread) {
    holder.store(std::this_thread::get_id());
  }
  ~Impl() { Release(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The transaction ended (committed, rolled back or dropped): its thread
  // may write again.
  void Release() {
    std::thread::id mine = std::this_thread::get_id();
    holder.compare_exchange_strong(mine, std::thread::id());
  }

  engine::ExecutionOptions Limits(const QueryOptions& options) const {
    return ExecutionOptionsOf(options, interrupts);
  }

  // Fails once the transaction ended, or after a failed write: a half-done
  // update cannot be taken back alone, so the transaction can then only be
  // rolled back.
  absl::Status Usable() const {
    if (txn == nullptr) return absl::FailedPreconditionError("the transaction has ended");
    if (!failure.ok()) {
      return absl::FailedPreconditionError("an earlier write of this transaction failed (" +
                                           std::string(failure.message()) + "); roll it back");
    }
    return absl::OkStatus();
  }
  absl::Status Fail(absl::Status status) {
    if (!status.ok() && failure.ok()) failure = status;
    return status;
  }
  // Runs a parsed update request in this transaction.
  absl::StatusOr<UpdateReport> Run(const query::Update& update, std::string_view sparql,
                                   const QueryOptions& options);

  storage::QuadStore& store;
  std::unique_ptr<storage::QuadStore::Transaction> txn;
  std::chrono::steady_clock::time_point started;
  const std::atomic<std::uint64_t>& interrupts;  // the Database's Interrupt() count
  std::atomic<std::thread::id>& holder;          // the Database's transaction_thread
  absl::Status failure;
};

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::~Transaction() = default;

absl::StatusOr<std::unique_ptr<Transaction>> Database::Begin() {
  RETURN_IF_ERROR(impl_->MayWrite("Begin"));
  return std::unique_ptr<Transaction>(
      new Transaction(std::make_unique<Transaction::Impl>(*impl_->store, impl_->store->BeginTransaction(),
                                                          impl_->interrupts, impl_->transaction_thread)));
}

absl::StatusOr<bool> Transaction::Add(const Quad& quad) {
  RETURN_IF_ERROR(impl_->Usable());
  const absl::StatusOr<bool> added = impl_->txn->Insert(quad);
  if (!added.ok()) return impl_->Fail(added.status());
  return added;
}

absl::StatusOr<bool> Transaction::Remove(const Quad& quad) {
  RETURN_IF_ERROR(impl_->Usable());
  storage::QuadStore::Transaction& txn = *impl_->txn;
  storage::QuadIds ids;
  const auto view = txn.View();
  for (auto [term, slot] : {std::pair{&quad.subject, &ids.s}, std::pair{&quad.predicate, &ids.p},
                            std::pair{&quad.object, &ids.o}, std::pair{&quad.graph, &ids.g}}) {
    if (slot == &ids.g && quad.InDefaultGraph()) break;
    std::optional<storage::TermId> id;
    if (term->IsBlank()) {
      id = storage::StoredBlankId(term->value);
    } else {
      ASSIGN_OR_RETURN(id, impl_->store.Lookup(*term, view.get()));
    }
    if (!id) return false;  // a term the store does not have is in no quad
    *slot = *id;
  }
  const auto removed = txn.Delete(ids);
  if (!removed.ok()) return impl_->Fail(removed.status());
  return removed;
}

absl::StatusOr<UpdateReport> Transaction::Update(std::string_view sparql, const QueryOptions& options) {
  RETURN_IF_ERROR(impl_->Usable());
  ASSIGN_OR_RETURN(const query::Update update, ParseUpdate(sparql, options));
  return impl_->Run(update, sparql, options);
}

absl::StatusOr<UpdateReport> Transaction::Impl::Run(const query::Update& update, std::string_view sparql,
                                                    const QueryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  engine::UpdateOptions update_options;
  update_options.limits = Limits(options);
  update_options.union_default_graph = options.union_default_graph;
  update_options.load = ReadForLoad;
  const storage::QuadStore::Transaction::Changes before = txn->changes();
  RETURN_IF_ERROR(Fail(engine::RunUpdate(update, sparql, store, *txn, update_options)));
  const storage::QuadStore::Transaction::Changes& after = txn->changes();
  return UpdateReport{after.inserted - before.inserted, after.deleted - before.deleted, SecondsSince(start)};
}

absl::StatusOr<Cursor> Transaction::Query(std::string_view sparql, const QueryOptions& options) {
  RETURN_IF_ERROR(impl_->Usable());
  ASSIGN_OR_RETURN(auto parsed, Parse(sparql, options));
  const auto form = parsed->form;
  engine::ExecutionOptions limits = impl_->Limits(options);
  limits.view = impl_->txn->View();
  ASSIGN_OR_RETURN(limits.stats, impl_->txn->Stats());
  limits.transaction = impl_->txn.get();
  ASSIGN_OR_RETURN(auto execution, engine::Execution::Start(impl_->store, std::move(parsed), limits));
  const Cursor::Kind kind = CursorKindOf(form);
  return Cursor(kind, std::move(execution));
}

absl::StatusOr<UpdateReport> Transaction::Commit() {
  RETURN_IF_ERROR(impl_->Usable());
  const auto txn = std::move(impl_->txn);
  impl_->Release();
  ASSIGN_OR_RETURN(const auto changes, txn->Commit());
  return UpdateReport{changes.inserted, changes.deleted, SecondsSince(impl_->started)};
}

void Transaction::Rollback() {
  impl_->txn.reset();
  impl_->Release();
}

absl::StatusOr<UpdateReport> Database::Update(std::string_view sparql, const QueryOptions& options) {
  RETURN_IF_ERROR(impl_->MayWrite("Update"));
  const auto start = std::chrono::steady_clock::now();
  // Parsed first: a request that does not parse waits for no writer.
  ASSIGN_OR_RETURN(const query::Update parsed, ParseUpdate(sparql, options));
  ASSIGN_OR_RETURN(const auto transaction, Begin());
  RETURN_IF_ERROR(transaction->impl_->Run(parsed, sparql, options).status());
  ASSIGN_OR_RETURN(UpdateReport report, transaction->Commit());
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace relata
