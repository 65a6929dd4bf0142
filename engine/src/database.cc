// Database: the public face over storage::QuadStore and the RDF readers.
#include "relata/database.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "engine/base/status_macros.h"
#include "engine/base/names.h"
#include "engine/base/strings.h"
#include "engine/exec/adjacency.h"
#include "engine/exec/execution.h"
#include "engine/exec/name_search.h"
#include "engine/exec/term_cache.h"
#include "engine/exec/update.h"
#include "engine/kg/kg_mapping.h"
#include "engine/kg/kg_reader.h"
#include "engine/kg/table_reader.h"
#include "engine/src/parse_cache.h"
#include "engine/src/quad_pipe.h"
#include "query/rdf_reader.h"
#include "query/rdf_writer.h"
#include "query/sparql_parser.h"
#include "storage/name_index.h"
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

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

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
    ASSIGN_OR_RETURN(const auto type, store_.Lookup(Term::Iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                                    view_.get()));
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
                    storage::QuadStore::BulkLoad& load, LoadReport* report) {
  ASSIGN_OR_RETURN(const engine::kg::Records records, ReadKg(inputs, options, report));
  load.NewBlankNodeScope();
  QuadPipe pipe(std::nullopt, *report, {});
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
    if (encode_status.ok()) encode_status = load.Add(std::span<const Quad>(batch->quads.data(), batch->size));
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
    ++report->statements;
    ASSIGN_OR_RETURN(const storage::QuadIds ids, transaction->Encode(quad));
    ASSIGN_OR_RETURN(const bool added, transaction->Insert(ids));
    if (added && replaced.contains({ids.s, ids.p, ids.o, ids.g})) ++restated;
    return absl::OkStatus();
  }, report));
  ASSIGN_OR_RETURN(const auto changes, transaction->Commit());
  report->added = changes.inserted - restated;
  report->removed = changes.deleted - restated;
  return absl::OkStatus();
}

std::uint64_t DirectorySize(const std::string& path) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  return bytes;
}

}  // namespace

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const Options& options) {
  ASSIGN_OR_RETURN(auto store, storage::QuadStore::Open(path, options.create_if_missing));
  return std::unique_ptr<Database>(
      new Database(std::make_unique<Impl>(std::move(store), path)));
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenInMemory() {
  std::error_code ec;
  std::filesystem::path parent = "/dev/shm";
  if (!std::filesystem::is_directory(parent, ec) || ::access(parent.c_str(), W_OK) != 0) {
    parent = std::filesystem::temp_directory_path(ec);
  }
  std::string pattern = (parent / "relata-scratch-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::UnavailableError("cannot make a scratch directory in " + parent.string());
  }
  auto store = storage::QuadStore::Open(pattern, /*create=*/true);
  if (!store.ok()) {
    std::filesystem::remove_all(pattern, ec);
    return store.status();
  }
  return std::unique_ptr<Database>(new Database(std::make_unique<Impl>(std::move(*store), pattern, true)));
}

absl::StatusOr<LoadReport> Database::Load(const std::string& path, const LoadOptions& options) {
  return Load(std::vector<std::string>{path}, options);
}

absl::StatusOr<LoadReport> Database::Load(const std::vector<std::string>& paths,
                                          const LoadOptions& options) {
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
      ASSIGN_OR_RETURN(auto source, query::InputSource::Open(path));
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
    ASSIGN_OR_RETURN(input.source, query::InputSource::Open(path));
    bytes_total += input.source->RawSize();
    sizes_known = sizes_known && input.source->RawSize() > 0;
    inputs.push_back(std::move(input));
  }
  LoadReport report;
  if (options.replace) {
    if (!inputs.empty()) {
      return absl::InvalidArgumentError(Cat(
          inputs.front().source->name(),
          ": --replace replaces the graphs of extractor-output documents; load RDF files without it"));
    }
    RETURN_IF_ERROR(ReplaceKg(kg_inputs, options, *impl_->store, &report));
    report.duplicates = report.statements - report.added;
    report.seconds = SecondsSince(start);
    return report;
  }
  std::optional<Term> graph;
  if (!options.graph.empty()) graph = Term::Iri(options.graph);
  storage::QuadStore::BulkLoadOptions bulk;
  bulk.memory_bytes = options.memory_bytes;
  const auto load = impl_->store->StartBulkLoad(bulk);
  // Bytes of the files already read, and the one being read; both belong to
  // the reader thread, which is where progress is reported from.
  std::uint64_t bytes_done = 0;
  const query::InputSource* reading = nullptr;
  const auto progress = [&](bool indexing) {
    if (!options.progress) return;
    const std::uint64_t read = bytes_done + (reading != nullptr ? reading->RawBytesRead() : 0);
    options.progress({.bytes_read = read, .bytes_total = sizes_known ? bytes_total : 0,
                      .statements = report.statements, .seconds = SecondsSince(start), .indexing = indexing});
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
    if (encode_status.ok()) {
      encode_status = load->Add(std::span<const Quad>(batch->quads.data(), batch->size));
    }
    pipe.Recycle(std::move(batch));
  }
  reader.join();
  RETURN_IF_ERROR(read_status);
  RETURN_IF_ERROR(encode_status);
  if (!kg_inputs.empty()) RETURN_IF_ERROR(LoadKg(kg_inputs, options, *impl_->store, *load, &report));
  progress(true);
  ASSIGN_OR_RETURN(report.added, load->Finish());
  report.spilled_runs = load->spilled_runs();
  report.duplicates = report.statements - report.added;
  report.seconds = SecondsSince(start);
  return report;
}

absl::StatusOr<std::uint64_t> Database::Insert(std::span<const Quad> quads) {
  return impl_->store->Insert(quads);
}

absl::Status Database::Match(const std::optional<Term>& subject,
                             const std::optional<Term>& predicate,
                             const std::optional<Term>& object, const std::optional<Term>& graph,
                             const std::function<bool(const Quad&)>& visit) {
  storage::QuadStore::Pattern pattern;
  storage::TermId* slots[] = {&pattern.ids.s, &pattern.ids.p, &pattern.ids.o, &pattern.ids.g};
  const std::optional<Term>* terms[] = {&subject, &predicate, &object, &graph};
  for (int i = 0; i < 4; ++i) {
    if (!terms[i]->has_value()) continue;
    ASSIGN_OR_RETURN(const auto id, impl_->store->Lookup(**terms[i]));
    if (!id.has_value()) return absl::OkStatus();  // an unknown term matches nothing
    *slots[i] = *id;
  }
  pattern.graph_bound = graph.has_value();
  Term graph_term;
  if (graph.has_value()) graph_term = *graph;
  absl::Status failure;
  RETURN_IF_ERROR(impl_->store->Scan(pattern, /*distinct_triples=*/true,
                                     [&](const storage::QuadIds& ids) {
    Quad quad;
    quad.graph = graph_term;
    return impl_->ResolveQuad(ids, &quad, &failure) && visit(quad);
  }));
  return failure;
}

absl::Status Database::Dump(std::ostream& out, const std::string& format_name) {
  ASSIGN_OR_RETURN(const auto format, query::ParseFormatName(format_name));
  ASSIGN_OR_RETURN(const auto stats, impl_->store->Stats());
  auto writer = query::RdfWriter::Create(format, out);
  absl::Status failure;
  TermCache cache;
  // Graph by graph, so that TriG writes one block per graph.
  for (const auto& [graph_id, count] : stats.graphs) {
    Term graph;
    if (graph_id != storage::kNoTerm) {
      ASSIGN_OR_RETURN(graph, impl_->store->Resolve(graph_id));
    }
    storage::QuadStore::Pattern pattern;
    pattern.ids.g = graph_id;
    pattern.graph_bound = true;
    RETURN_IF_ERROR(impl_->store->Scan(pattern, false, [&](const storage::QuadIds& ids) {
      Quad quad;
      quad.graph = graph;
      if (!impl_->ResolveQuad(ids, &quad, &failure, &cache)) return false;
      writer->Write(quad);
      return true;
    }));
    RETURN_IF_ERROR(failure);
  }
  writer->Finish();
  if (!out) return absl::UnavailableError("dump: write failed");
  return absl::OkStatus();
}

absl::StatusOr<Statistics> Database::Stats() {
  ASSIGN_OR_RETURN(const auto raw, impl_->store->Stats());
  Statistics stats;
  stats.quads = raw.quads;
  stats.iris = raw.iris;
  stats.literals = raw.literals;
  stats.triple_terms = raw.triple_terms;
  stats.blank_nodes = raw.blank_nodes;
  for (const auto& [id, p] : raw.predicates) {
    ASSIGN_OR_RETURN(Term predicate, impl_->store->Resolve(id));
    stats.predicates.push_back({std::move(predicate), p.quads, p.distinct_subjects,
                                p.distinct_objects});
  }
  for (const auto& [id, count] : raw.graphs) {
    std::optional<Term> graph;
    if (id != storage::kNoTerm) {
      ASSIGN_OR_RETURN(graph, impl_->store->Resolve(id));
    }
    stats.graphs.push_back({std::move(graph), count});
  }
  std::sort(stats.predicates.begin(), stats.predicates.end(),
            [](const auto& a, const auto& b) { return a.quads > b.quads; });
  std::sort(stats.graphs.begin(), stats.graphs.end(),
            [](const auto& a, const auto& b) { return a.quads > b.quads; });
  stats.bytes_on_disk = DirectorySize(impl_->path);
  return stats;
}

absl::StatusOr<Database::CheckReport> Database::Check() {
  ASSIGN_OR_RETURN(auto raw, impl_->store->Check());
  CheckReport report;
  report.quads = raw.quads;
  report.terms = raw.terms;
  report.problems = std::move(raw.problems);
  return report;
}

Cursor::Cursor(Kind kind, std::unique_ptr<engine::Execution> execution)
    : kind_(kind), execution_(std::move(execution)) {}
Cursor::Cursor(std::vector<std::string> columns, std::vector<std::vector<std::optional<Term>>> rows)
    : kind_(Kind::kSolutions), columns_(std::move(columns)), rows_(std::move(rows)) {}
Cursor::Cursor(Cursor&&) noexcept = default;
Cursor& Cursor::operator=(Cursor&&) noexcept = default;
Cursor::~Cursor() = default;
const std::vector<std::string>& Cursor::columns() const {
  return execution_ != nullptr ? execution_->columns() : columns_;
}
absl::StatusOr<bool> Cursor::Next() {
  if (execution_ != nullptr) return execution_->Next(&row_);
  if (next_row_ >= rows_.size()) return false;
  row_ = std::move(rows_[next_row_++]);
  return true;
}
bool Cursor::boolean() const { return execution_ != nullptr && execution_->boolean(); }

bool IsUpdate(std::string_view text) { return query::IsUpdateRequest(text); }

const std::map<std::string, std::string>& DefaultPrefixes() {
  static const auto* prefixes = [] {
    const std::string base(kDefaultKgBase);
    return new std::map<std::string, std::string>{
        {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
        {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
        {"xsd", "http://www.w3.org/2001/XMLSchema#"},
        {"owl", "http://www.w3.org/2002/07/owl#"},
        {"skos", "http://www.w3.org/2004/02/skos/core#"},
        {"relata", std::string(engine::kRelataNamespace)},
        {"kg", base + "kg/"},
        {"e", base + "e/"},
        {"doc", base + "doc/"},
        {"r", base + "r/"},
    };
  }();
  return *prefixes;
}

namespace {

query::ParseOptions ParseOptionsOf(const QueryOptions& options) {
  query::ParseOptions parse_options;
  parse_options.base_iri = options.base_iri;
  parse_options.prefixes = DefaultPrefixes();
  for (const auto& [name, iri] : options.prefixes) parse_options.prefixes[name] = iri;
  return parse_options;
}

absl::StatusOr<std::shared_ptr<const query::Query>> Parse(std::string_view sparql, const QueryOptions& options) {
  ASSIGN_OR_RETURN(query::Query parsed, query::ParseQuery(sparql, ParseOptionsOf(options)));
  return std::make_shared<const query::Query>(std::move(parsed));
}

Cursor::Kind CursorKindOf(query::Query::Form form) {
  switch (form) {
    case query::Query::Form::kSelect: return Cursor::Kind::kSolutions;
    case query::Query::Form::kAsk: return Cursor::Kind::kBoolean;
    default: return Cursor::Kind::kTriples;
  }
}

// A query's limits; it also stops at the next Database::Interrupt.
engine::ExecutionOptions ExecutionOptionsOf(const QueryOptions& options,
                                            const std::atomic<std::uint64_t>& interrupts) {
  engine::ExecutionOptions limits;
  limits.deadline = std::chrono::steady_clock::now() + options.timeout;
  limits.memory_bytes = options.memory_bytes;
  limits.cancelled = options.cancel;
  limits.union_default_graph = options.union_default_graph;
  limits.interrupts = &interrupts;
  limits.interrupts_seen = interrupts.load();
  return limits;
}

}  // namespace

engine::ExecutionOptions Database::Impl::Limits(const QueryOptions& options) const {
  engine::ExecutionOptions limits = ExecutionOptionsOf(options, interrupts);
  limits.adjacencies = &adjacencies;
  return limits;
}

void Database::Interrupt() { impl_->interrupts.fetch_add(1); }

absl::StatusOr<std::string> Database::Explain(std::string_view sparql, bool analyze, const QueryOptions& options) {
  ASSIGN_OR_RETURN(auto parsed, Parse(sparql, options));
  return engine::Execution::Explain(*impl_->store, std::move(parsed), impl_->Limits(options), analyze);
}

absl::StatusOr<Cursor> Database::Query(std::string_view sparql, const QueryOptions& options) {
  if (const std::optional<query::ExplainPrefix> explain = query::FindExplainPrefix(sparql)) {
    // Blanked, not cut (line breaks kept), so that error positions still
    // point into the text.
    std::string text(sparql);
    for (std::size_t i = 0; i < explain->length; ++i) {
      if (text[i] != '\n') text[i] = ' ';
    }
    ASSIGN_OR_RETURN(const std::string plan, Explain(text, explain->analyze, options));
    std::vector<std::vector<std::optional<Term>>> rows;
    for (std::string_view rest = plan; !rest.empty();) {
      const auto newline = rest.find('\n');
      rows.push_back({Term::Literal(rest.substr(0, newline))});
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    return Cursor({"plan"}, std::move(rows));
  }
  std::string key = ParseCache::KeyOf(sparql, options.base_iri, options.prefixes);
  std::shared_ptr<const query::Query> parsed = impl_->parse_cache.Find(key);
  if (parsed == nullptr) {
    ASSIGN_OR_RETURN(parsed, Parse(sparql, options));
    impl_->parse_cache.Put(std::move(key), parsed);
  }
  const auto form = parsed->form;
  ASSIGN_OR_RETURN(auto execution,
                   engine::Execution::Start(*impl_->store, std::move(parsed), impl_->Limits(options)));
  const Cursor::Kind kind = CursorKindOf(form);
  return Cursor(kind, std::move(execution));
}

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
       const std::atomic<std::uint64_t>& interrupt_count)
      : store(s), txn(std::move(t)), started(std::chrono::steady_clock::now()), interrupts(interrupt_count) {}

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
  absl::Status failure;
};

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::~Transaction() = default;

absl::StatusOr<std::unique_ptr<Transaction>> Database::Begin() {
  return std::unique_ptr<Transaction>(
      new Transaction(std::make_unique<Transaction::Impl>(*impl_->store, impl_->store->BeginTransaction(),
                                                          impl_->interrupts)));
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
  ASSIGN_OR_RETURN(const query::Update update, query::ParseUpdate(sparql, ParseOptionsOf(options)));
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
  ASSIGN_OR_RETURN(auto execution, engine::Execution::Start(impl_->store, std::move(parsed), limits));
  const Cursor::Kind kind = CursorKindOf(form);
  return Cursor(kind, std::move(execution));
}

absl::StatusOr<UpdateReport> Transaction::Commit() {
  RETURN_IF_ERROR(impl_->Usable());
  const auto txn = std::move(impl_->txn);
  ASSIGN_OR_RETURN(const auto changes, txn->Commit());
  return UpdateReport{changes.inserted, changes.deleted, SecondsSince(impl_->started)};
}

void Transaction::Rollback() { impl_->txn.reset(); }

absl::StatusOr<PreparedQuery> Database::Prepare(std::string_view sparql, const QueryOptions& options) {
  ASSIGN_OR_RETURN(auto parsed, Parse(sparql, options));
  return PreparedQuery(this, std::move(parsed));
}

absl::Status PreparedQuery::Bind(std::string_view variable, const Term& value) {
  if (variable.starts_with('?') || variable.starts_with('$')) variable.remove_prefix(1);
  const auto& names = *query_->variable_names;
  const auto it = std::find(names.begin(), names.end(), variable);
  if (it == names.end()) return absl::NotFoundError("the query has no variable ?" + std::string(variable));
  const int var = static_cast<int>(it - names.begin());
  for (auto& [bound, term] : bindings_) {
    if (bound == var) {
      term = value;
      return absl::OkStatus();
    }
  }
  bindings_.emplace_back(var, value);
  return absl::OkStatus();
}

absl::StatusOr<Cursor> PreparedQuery::Execute(const QueryOptions& options) const {
  engine::ExecutionOptions limits = database_->impl_->Limits(options);
  limits.bindings.assign(bindings_.begin(), bindings_.end());
  ASSIGN_OR_RETURN(auto execution, engine::Execution::Start(*database_->impl_->store, query_, limits));
  const auto form = query_->form;
  const Cursor::Kind kind = CursorKindOf(form);
  return Cursor(kind, std::move(execution));
}

absl::StatusOr<UpdateReport> Database::Update(std::string_view sparql, const QueryOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  // Parsed first: a request that does not parse waits for no writer.
  ASSIGN_OR_RETURN(const query::Update parsed, query::ParseUpdate(sparql, ParseOptionsOf(options)));
  ASSIGN_OR_RETURN(const auto transaction, Begin());
  RETURN_IF_ERROR(transaction->impl_->Run(parsed, sparql, options).status());
  ASSIGN_OR_RETURN(UpdateReport report, transaction->Commit());
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace relata
