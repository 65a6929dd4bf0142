// Database::Load: RDF files through the bulk loader, extractor output
// (KG-JSONL, neo4j CSV, OpenIE TSV) through entity resolution and the KG
// mapping, all files of one call in one atomic step.
#include "relata/database.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/base/status_macros.h"
#include "engine/database/database_impl.h"
#include "engine/base/names.h"
#include "engine/base/strings.h"
#include "engine/kg/kg_mapping.h"
#include "engine/kg/kg_reader.h"
#include "engine/kg/table_reader.h"
#include "engine/database/quad_pipe.h"

namespace relata {

using internal::SecondsSince;

namespace {

constexpr std::string_view kRdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
constexpr std::string_view kRdfsLabel = "http://www.w3.org/2000/01/rdf-schema#label";

// The inputs that go through entity resolution and the KG mapping rather
// than straight into the store.
enum class KgInput { kJsonl, kNeo4jCsv, kOpenIeTsv };

std::optional<KgInput> KgInputOfFormat(std::string_view format) {
  if (format == "kg" || format == "jsonl" || format == "kg-jsonl") return KgInput::kJsonl;
  if (format == "csv" || format == "neo4j-csv") return KgInput::kNeo4jCsv;
  if (format == "openie" || format == "tsv") return KgInput::kOpenIeTsv;
  return std::nullopt;
}

std::optional<KgInput> KgInputOfPath(std::string_view path) {
  if (path.ends_with(".gz")) path.remove_suffix(3);
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson")) return KgInput::kJsonl;
  if (path.ends_with(".csv")) return KgInput::kNeo4jCsv;
  if (path.ends_with(".tsv")) return KgInput::kOpenIeTsv;
  return std::nullopt;
}

// What the store knows, for the extractor loader's entity resolution; with
// a transaction's view, what it will know once the transaction's deletions
// are committed.
class StoredEntities : public engine::kg::KnownEntities {
 public:
  explicit StoredEntities(const storage::QuadStore& store,
                          std::shared_ptr<const storage::QuadStore::Snapshot> view = nullptr)
      : store_(store), view_(std::move(view)) {}

  absl::StatusOr<std::vector<Known>> WithName(std::string_view normalized) override {
    std::vector<Known> found;
    const std::size_t space = normalized.find(' ');
    const std::string_view first = normalized.substr(0, space);
    if (first.empty()) return found;
    std::vector<std::pair<storage::TermId, bool>> subjects;
    RETURN_IF_ERROR(store_.ScanNames(first, [&](const storage::NameEntry& entry) {
      if (entry.token != first) return false;
      if (entry.normalized_name == normalized) {
        subjects.emplace_back(entry.subject, entry.kind == storage::NameKind::kLabel);
      }
      return true;
    }));
    ASSIGN_OR_RETURN(const auto type, store_.Lookup(Term::Iri(kRdfType), view_.get()));
    for (const auto& [subject, label] : subjects) {
      // The name index is brought up to date at commit: through a view,
      // the name must still be stated.
      if (view_ != nullptr) {
        ASSIGN_OR_RETURN(const bool named, StillNamed(subject, normalized));
        if (!named) continue;
      }
      ASSIGN_OR_RETURN(Term iri, store_.Resolve(subject, view_.get()));
      if (!iri.IsIri()) continue;
      Known known{std::move(iri.value), {}, label};
      if (type.has_value()) {
        RETURN_IF_ERROR(ForEach({subject, *type, storage::kNoTerm, storage::kNoTerm}, [&](const storage::QuadIds& ids) -> absl::Status {
          ASSIGN_OR_RETURN(Term t, store_.Resolve(ids.o, view_.get()));
          known.types.push_back(std::move(t.value));
          return absl::OkStatus();
        }));
      }
      found.push_back(std::move(known));
    }
    return found;
  }

  absl::StatusOr<bool> IsSubject(std::string_view iri) override {
    ASSIGN_OR_RETURN(const auto id, store_.Lookup(Term::Iri(iri), view_.get()));
    if (!id.has_value()) return false;
    const auto cursor = store_.OpenCursor({.ids = {.s = *id}, .graph_bound = false}, false, view_);
    RETURN_IF_ERROR(cursor->status());
    return cursor->Valid();
  }

  absl::StatusOr<std::vector<Quad>> QuadsOfGraph(std::string_view iri) override {
    std::vector<Quad> quads;
    ASSIGN_OR_RETURN(const auto graph, store_.Lookup(Term::Iri(iri), view_.get()));
    if (!graph.has_value()) return quads;
    const Term graph_term = Term::Iri(iri);
    const auto cursor = store_.OpenCursor({.ids = {.g = *graph}, .graph_bound = true}, false, view_);
    for (; cursor->Valid(); cursor->Next()) {
      const storage::QuadIds& ids = cursor->quad();
      Quad quad;
      ASSIGN_OR_RETURN(quad.subject, store_.Resolve(ids.s, view_.get()));
      ASSIGN_OR_RETURN(quad.predicate, store_.Resolve(ids.p, view_.get()));
      ASSIGN_OR_RETURN(quad.object, store_.Resolve(ids.o, view_.get()));
      quad.graph = graph_term;
      quads.push_back(std::move(quad));
    }
    RETURN_IF_ERROR(cursor->status());
    return quads;
  }

  absl::StatusOr<Described> Describe(std::string_view iri) override {
    Described described;
    ASSIGN_OR_RETURN(const auto id, store_.Lookup(Term::Iri(iri), view_.get()));
    if (!id.has_value()) return described;
    ASSIGN_OR_RETURN(const auto type, store_.Lookup(Term::Iri(kRdfType), view_.get()));
    ASSIGN_OR_RETURN(const auto label, store_.Lookup(Term::Iri(kRdfsLabel), view_.get()));
    if (type.has_value()) {
      RETURN_IF_ERROR(ForEach({*id, *type, storage::kNoTerm, storage::kNoTerm}, [&](const storage::QuadIds& ids) -> absl::Status {
        ASSIGN_OR_RETURN(Term t, store_.Resolve(ids.o, view_.get()));
        described.types.push_back(std::move(t.value));
        return absl::OkStatus();
      }));
    }
    if (label.has_value()) {
      RETURN_IF_ERROR(ForEach({*id, *label, storage::kNoTerm, storage::kNoTerm}, [&](const storage::QuadIds& ids) -> absl::Status {
        if (described.label.has_value()) return absl::OkStatus();
        ASSIGN_OR_RETURN(Term name, store_.Resolve(ids.o, view_.get()));
        if (name.IsLiteral()) described.label = std::move(name.value);
        return absl::OkStatus();
      }));
    }
    described.named = described.label.has_value();
    if (!described.named) {
      // Unlabelled: any other name (an alias) still says what it is.
      RETURN_IF_ERROR(ForEach({.s = *id}, [&](const storage::QuadIds& ids) -> absl::Status {
        if (described.named) return absl::OkStatus();
        ASSIGN_OR_RETURN(const Term predicate, store_.Resolve(ids.p, view_.get()));
        described.named = storage::NamePredicateKind(predicate.value).has_value();
        return absl::OkStatus();
      }));
    }
    return described;
  }

 private:
  // Calls `visit` with every quad matching `ids` (any graph), through the view.
  absl::Status ForEach(const storage::QuadIds& ids,
                       const std::function<absl::Status(const storage::QuadIds&)>& visit) {
    const auto cursor = store_.OpenCursor({.ids = ids, .graph_bound = false}, true, view_);
    for (; cursor->Valid(); cursor->Next()) RETURN_IF_ERROR(visit(cursor->quad()));
    return cursor->status();
  }

  absl::StatusOr<bool> StillNamed(storage::TermId subject, std::string_view normalized) {
    bool named = false;
    RETURN_IF_ERROR(ForEach({.s = subject}, [&](const storage::QuadIds& ids) -> absl::Status {
      if (named || storage::IsInline(ids.o) || storage::TagOf(ids.o) != storage::TermTag::kLiteral) {
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(const Term predicate, store_.Resolve(ids.p, view_.get()));
      if (!storage::NamePredicateKind(predicate.value)) return absl::OkStatus();
      ASSIGN_OR_RETURN(const Term name, store_.Resolve(ids.o, view_.get()));
      named = NormalizeName(name.value) == normalized;
      return absl::OkStatus();
    }));
    return named;
  }

  const storage::QuadStore& store_;
  std::shared_ptr<const storage::QuadStore::Snapshot> view_;
};

using KgInputs = std::vector<std::pair<KgInput, std::unique_ptr<query::InputSource>>>;

// An input that ends as soon as the load is cancelled: the readers stop at
// once (what they read is thrown away), not at the end of a large file.
class CancellableSource : public query::InputSource {
 public:
  CancellableSource(std::unique_ptr<query::InputSource> source, const std::atomic<bool>& cancel)
      : InputSource(source->name()), source_(std::move(source)), cancel_(cancel) {}
  std::size_t Read(char* buffer, std::size_t length) override {
    if (cancel_.load(std::memory_order_relaxed)) return 0;
    const std::size_t n = source_->Read(buffer, length);
    error_ = source_->error();
    return n;
  }
  std::uint64_t RawBytesRead() const override { return source_->RawBytesRead(); }
  std::uint64_t RawSize() const override { return source_->RawSize(); }
  std::uint64_t KnownLength() const override { return source_->KnownLength(); }

 private:
  std::unique_ptr<query::InputSource> source_;
  const std::atomic<bool>& cancel_;
};

bool Cancelled(const LoadOptions& options) {
  return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}
absl::Status CancelledError() { return absl::CancelledError("the load was cancelled"); }

// `path` opened, cancellable when the load is.
absl::StatusOr<std::unique_ptr<query::InputSource>> OpenInput(const std::string& path, const LoadOptions& options) {
  ASSIGN_OR_RETURN(auto source, query::InputSource::Open(path));
  if (options.cancel == nullptr) return source;
  return std::unique_ptr<query::InputSource>(std::make_unique<CancellableSource>(std::move(source), *options.cancel));
}

// Reads the extractor-output inputs into one set of records.
absl::StatusOr<engine::kg::Records> ReadKg(const KgInputs& inputs, const LoadOptions& options,
                                           LoadReport* report) {
  engine::kg::Records records;
  const std::size_t errors_before = report->errors.size();
  std::vector<query::InputSource*> csv_files;  // read together: relationships name nodes of any file
  for (const auto& [kind, input] : inputs) {
    switch (kind) {
      case KgInput::kJsonl:
        RETURN_IF_ERROR(engine::kg::ReadKgJsonl(*input, options.lenient, &records, &report->errors));
        break;
      case KgInput::kOpenIeTsv:
        RETURN_IF_ERROR(engine::kg::ReadOpenIeTsv(*input, options.lenient, &records, &report->errors));
        break;
      case KgInput::kNeo4jCsv:
        csv_files.push_back(input.get());
        break;
    }
  }
  if (!csv_files.empty()) {
    RETURN_IF_ERROR(engine::kg::ReadNeo4jCsv(csv_files, options.lenient, &records, &report->errors));
  }
  report->skipped += report->errors.size() - errors_before;
  report->records += records.documents.size() + records.entities.size() + records.relations.size() +
                     records.mentions.size() + records.same_as.size() + records.predicates.size();
  return records;
}

// Resolves the records' entities against each other and the store, and
// calls `emit` with every quad they become.
absl::Status MapKg(const engine::kg::Records& records, const LoadOptions& options, StoredEntities& known,
                   const std::function<absl::Status(Quad&)>& emit, LoadReport* report) {
  engine::kg::MappingReport mapping;
  RETURN_IF_ERROR(engine::kg::MapRecords(records, engine::kg::Vocabulary(options.kg_base_iri), known, emit,
                                         &mapping));
  report->entities = mapping.entities;
  report->relations = mapping.relations;
  report->merges = mapping.merges;
  report->candidates = mapping.candidates;
  report->warnings = std::move(mapping.warnings);
  return absl::OkStatus();
}

// Adds the quads of extractor-output inputs to `load`. Mapping and encoding
// take about the same time: the mapping runs on its own thread, handing
// quads over as the RDF reader does.
absl::Status LoadKg(const KgInputs& inputs, const LoadOptions& options, const storage::QuadStore& store,
                    storage::QuadStore::BulkLoad& load, LoadReport* report, std::function<void()> progress) {
  ASSIGN_OR_RETURN(const engine::kg::Records records, ReadKg(inputs, options, report));
  if (Cancelled(options)) return CancelledError();
  load.NewBlankNodeScope();
  QuadPipe pipe(std::nullopt, *report, std::move(progress));
  absl::Status map_status;
  std::thread mapper([&] {
    StoredEntities known(store);
    map_status = MapKg(records, options, known, [&](Quad& quad) {
      pipe.OnQuad(quad);
      return absl::OkStatus();
    }, report);
    pipe.Close();
  });
  absl::Status encode_status;
  while (auto batch = pipe.Pop()) {
    if (encode_status.ok() && !Cancelled(options)) {
      encode_status = load.Add(std::span<const Quad>(batch->quads.data(), batch->size));
    }
    pipe.Recycle(std::move(batch));
  }
  mapper.join();
  RETURN_IF_ERROR(map_status);
  return encode_status;
}

// --replace: in one transaction, the graphs of the input's documents (and
// the resolution records that name them) are emptied, and the input is
// resolved against what remains and added. Readers see the old version or
// the new one.
absl::Status ReplaceKg(const KgInputs& inputs, const LoadOptions& options, storage::QuadStore& store,
                       LoadReport* report) {
  ASSIGN_OR_RETURN(const engine::kg::Records records, ReadKg(inputs, options, report));
  const std::unique_ptr<storage::QuadStore::Transaction> transaction = store.BeginTransaction();
  const std::shared_ptr<const storage::QuadStore::Snapshot> view = transaction->View();
  const engine::kg::Vocabulary vocabulary(options.kg_base_iri);
  absl::flat_hash_set<std::array<storage::TermId, 4>> replaced;  // (s, p, o, g)
  const auto collect = [&](const storage::QuadIds& pattern) {
    return store.Scan({.ids = pattern, .graph_bound = true}, false, [&](const storage::QuadIds& q) {
      replaced.insert({q.s, q.p, q.o, q.g});
      return true;
    });
  };
  const auto id_of = [&](const Term& term) { return store.Lookup(term, view.get()); };
  ASSIGN_OR_RETURN(const auto resolution, id_of(Term::Iri(vocabulary.resolution_graph)));
  ASSIGN_OR_RETURN(const auto about_document, id_of(Term::Iri(vocabulary.kg + "document")));
  for (const engine::kg::Document& document : records.documents) {
    ASSIGN_OR_RETURN(const auto graph, id_of(Term::Iri(vocabulary.DocumentIri(document.id))));
    if (!graph) continue;
    RETURN_IF_ERROR(collect({.g = *graph}));
    if (!resolution || !about_document) continue;
    std::vector<storage::TermId> merges;
    RETURN_IF_ERROR(store.Scan({.ids = {.p = *about_document, .o = *graph, .g = *resolution}, .graph_bound = true},
                               false, [&](const storage::QuadIds& q) {
                                 merges.push_back(q.s);
                                 return true;
                               }));
    for (const storage::TermId merge : merges) RETURN_IF_ERROR(collect({.s = merge, .g = *resolution}));
  }
  for (const auto& q : replaced) {
    RETURN_IF_ERROR(transaction->Delete({.s = q[0], .p = q[1], .o = q[2], .g = q[3]}).status());
  }
  // What the new version states again is not counted as removed or added.
  std::uint64_t restated = 0;
  StoredEntities known(store, view);
  RETURN_IF_ERROR(MapKg(records, options, known, [&](Quad& quad) -> absl::Status {
    ++report->quads;
    ASSIGN_OR_RETURN(const storage::QuadIds ids, transaction->Encode(quad));
    ASSIGN_OR_RETURN(const bool added, transaction->Insert(ids));
    if (added && replaced.contains({ids.s, ids.p, ids.o, ids.g})) ++restated;
    return absl::OkStatus();
  }, report));
  if (Cancelled(options)) return CancelledError();  // the transaction rolls back
  ASSIGN_OR_RETURN(const auto changes, transaction->Commit());
  report->added = changes.inserted - restated;
  report->removed = changes.deleted - restated;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LoadReport> Database::Load(const std::string& path, const LoadOptions& options) {
  return Load(std::vector<std::string>{path}, options);
}

absl::StatusOr<LoadReport> Database::Load(const std::vector<std::string>& paths,
                                          const LoadOptions& options) {
  RETURN_IF_ERROR(impl_->MayWrite("Load"));
  const auto start = std::chrono::steady_clock::now();
  // Every file's format and every file itself before anything is read, so
  // that a misnamed or missing file costs nothing.
  struct Input {
    std::unique_ptr<query::InputSource> source;
    query::ReadOptions read;
  };
  std::vector<Input> inputs;
  KgInputs kg_inputs;
  std::uint64_t bytes_total = 0;
  bool sizes_known = true;
  for (const std::string& path : paths) {
    Input input;
    if (const auto kind = options.format.empty() ? KgInputOfPath(path) : KgInputOfFormat(options.format)) {
      ASSIGN_OR_RETURN(auto source, OpenInput(path, options));
      kg_inputs.emplace_back(*kind, std::move(source));
      continue;
    }
    if (!options.format.empty()) {
      ASSIGN_OR_RETURN(input.read.format, query::ParseFormatName(options.format));
    } else if (const auto guessed = query::FormatFromPath(path)) {
      input.read.format = *guessed;
    } else {
      return absl::InvalidArgumentError(
          path + ": cannot tell the format from the file name; give one (ntriples, nquads, "
                 "turtle, trig, kg, csv, openie)");
    }
    input.read.lenient = options.lenient;
    if (!options.base_iri.empty()) {
      input.read.base_iri = options.base_iri;
    } else if (path != "-") {
      input.read.base_iri = "file://" + std::filesystem::absolute(path).lexically_normal().string();
    }
    ASSIGN_OR_RETURN(input.source, OpenInput(path, options));
    bytes_total += input.source->RawSize();
    sizes_known = sizes_known && input.source->RawSize() > 0;
    inputs.push_back(std::move(input));
  }
  LoadReport report;
  if (options.replace) {
    if (!options.text_predicates.empty()) {
      return absl::InvalidArgumentError(
          "--text-index adds predicates in a bulk load: load with it once without --replace, then replace");
    }
    if (!inputs.empty()) {
      return absl::InvalidArgumentError(Cat(
          inputs.front().source->name(),
          ": --replace replaces the graphs of extractor-output documents; load RDF files without it"));
    }
    const absl::Status replaced = ReplaceKg(kg_inputs, options, *impl_->store, &report);
    // A cancelled input ends early: the error it may give is the cancel.
    if (Cancelled(options)) return CancelledError();
    RETURN_IF_ERROR(replaced);
    report.duplicates = report.quads - report.added;
    report.seconds = SecondsSince(start);
    return report;
  }
  std::optional<Term> graph;
  if (!options.graph.empty()) graph = Term::Iri(options.graph);
  storage::QuadStore::BulkLoadOptions bulk;
  bulk.memory_bytes = options.memory_bytes;
  bulk.text_predicates = options.text_predicates;
  const auto load = impl_->store->StartBulkLoad(bulk);
  // Bytes of the files already read, and the one being read; both belong to
  // the reader thread, which is where progress is reported from.
  std::uint64_t bytes_done = 0;
  const query::InputSource* reading = nullptr;
  const auto progress = [&](bool indexing) {
    if (!options.progress) return;
    const std::uint64_t read = bytes_done + (reading != nullptr ? reading->RawBytesRead() : 0);
    options.progress({.bytes_read = read, .bytes_total = sizes_known ? bytes_total : 0,
                      .statements = report.quads, .seconds = SecondsSince(start), .indexing = indexing});
  };
  // The reader parses on its own thread while this one encodes; nothing is
  // visible in the store before Finish, so a failure on either side leaves
  // it untouched.
  QuadPipe pipe(graph, report, [&] { progress(false); });
  absl::Status read_status;
  std::thread reader([&] {
    for (Input& input : inputs) {
      pipe.StartFile();
      reading = input.source.get();
      read_status = query::ReadRdf(*input.source, input.read, pipe);
      bytes_done += input.source->RawSize();
      reading = nullptr;
      if (!read_status.ok()) break;
    }
    pipe.Close();
  });
  absl::Status encode_status;
  while (auto batch = pipe.Pop()) {
    if (batch->new_file) load->NewBlankNodeScope();
    if (encode_status.ok() && !Cancelled(options)) {
      encode_status = load->Add(std::span<const Quad>(batch->quads.data(), batch->size));
    }
    pipe.Recycle(std::move(batch));
  }
  reader.join();
  // A cancelled reader saw its input end early: its error, if any, is that.
  if (Cancelled(options)) return CancelledError();
  RETURN_IF_ERROR(read_status);
  report.statements = report.quads;  // one quad per RDF statement (extractor output comes next)
  RETURN_IF_ERROR(encode_status);
  if (!kg_inputs.empty()) {
    const absl::Status loaded = LoadKg(kg_inputs, options, *impl_->store, *load, &report, [&] { progress(false); });
    if (Cancelled(options)) return CancelledError();  // as for the RDF reader above
    RETURN_IF_ERROR(loaded);
  }
  if (Cancelled(options)) return CancelledError();
  progress(true);
  ASSIGN_OR_RETURN(report.added, load->Finish());
  report.spilled_runs = load->spilled_runs();
  report.duplicates = report.quads - report.added;
  report.seconds = SecondsSince(start);
  return report;
}


}  // namespace relata
