// Database: the public face over storage::QuadStore, the RDF readers and
// writers and the query engine: open, insert, match, dump, statistics,
// queries (EXPLAIN too), prepared queries and updates. Loads are in
// load.cc, transactions in transaction.cc.
#include "relata/database.h"

#include <unistd.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/database/database_impl.h"
#include "engine/exec/name_search.h"
#include "query/rdf_writer.h"

namespace relata {

using internal::CursorKindOf;
using internal::ExecutionOptionsOf;
using internal::Parse;
using internal::ParseOptionsOf;

namespace {

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

bool Database::read_only() const { return impl_->store->read_only(); }

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const Options& options) {
  ASSIGN_OR_RETURN(auto store, options.read_only ? storage::QuadStore::OpenReadOnly(path)
                                                 : storage::QuadStore::Open(path, options.create_if_missing));
  if (options.text_index.has_value()) {
    TextOptions text;
    text.enabled = options.text_index->enabled;
    text.stemming = options.text_index->stemming;
    text.stop_words = options.text_index->stop_words.value_or(TextOptions::Default().stop_words);
    if (text != store->text_settings()->options) {
      if (options.read_only) {
        return absl::FailedPreconditionError(path + ": its text index analyses text otherwise (opened read-only, it cannot change)");
      }
      RETURN_IF_ERROR(store->ConfigureText(text));
    }
  }
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


absl::StatusOr<std::uint64_t> Database::Insert(std::span<const Quad> quads) {
  RETURN_IF_ERROR(impl_->MayWrite("Insert"));
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
  // Turtle and TriG are for people: the predeclared prefixes shorten them.
  const bool pretty = format == query::RdfFormat::kTurtle || format == query::RdfFormat::kTrig;
  auto writer = query::RdfWriter::Create(
      format, out, pretty ? query::PrefixList(DefaultPrefixes().begin(), DefaultPrefixes().end()) : query::PrefixList());
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

absl::Status WriteTriples(Cursor& cursor, std::string_view format, std::ostream& out,
                          const std::map<std::string, std::string>& prefixes) {
  const bool turtle = format == "turtle";
  if (!turtle && format != "ntriples") {
    return absl::InvalidArgumentError(absl::StrCat("triples are written as turtle or ntriples, not ", ToAbsl(format)));
  }
  auto writer = turtle ? query::RdfWriter::Create(query::RdfFormat::kTurtle, out,
                                                  query::PrefixList(prefixes.begin(), prefixes.end()))
                       : query::RdfWriter::Create(query::RdfFormat::kNTriples, out);
  while (true) {
    ASSIGN_OR_RETURN(const bool more, cursor.Next());
    if (!more) break;
    const auto& row = cursor.row();
    writer->Write(Quad{*row[0], *row[1], *row[2], {}});
  }
  writer->Finish();
  if (!out) return absl::UnavailableError("writing the triples failed");
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
  ASSIGN_OR_RETURN(const storage::TextTotals text, impl_->store->ReadTextTotals());
  stats.text_index_texts = text.literals;
  stats.text_index_words = text.length;
  stats.text_index_bytes = impl_->store->TextIndexBytes();
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

std::string_view ConflictsQuery() {
  return R"(SELECT ?subject ?predicate ?value ?document ?published ?confidence WHERE {
  {
    SELECT ?subject ?predicate WHERE {
      GRAPH ?stated { ?subject ?predicate ?some }
      FILTER(STRSTARTS(STR(?stated), STR(doc:)))
    } GROUP BY ?subject ?predicate HAVING (COUNT(DISTINCT ?some) > 1)
  }
  FILTER(EXISTS { GRAPH <https://relata.dev/vocabulary> { ?predicate a owl:FunctionalProperty } } ||
         (?predicate NOT IN (rdf:type, rdfs:label, kg:alias, kg:description, owl:sameAs) &&
          NOT EXISTS { ?anything ?predicate ?entity FILTER(!isLiteral(?entity)) } &&
          NOT EXISTS { GRAPH ?one { ?someone ?predicate ?v1 , ?v2 } FILTER(!sameTerm(?v1, ?v2)) }))
  GRAPH ?document { ?subject ?predicate ?value }
  OPTIONAL { GRAPH ?document { ?document kg:published ?published } }
  OPTIONAL { GRAPH ?document { ?reifier rdf:reifies <<( ?subject ?predicate ?value )>> ; kg:confidence ?confidence } }
}
ORDER BY ?subject ?predicate DESC(?published) ?value ?document
)";
}

void KeepFreedMemoryForQueries() {
#if defined(__GLIBC__)
  // Fixed thresholds also stop glibc from adapting them: blocks up to 32 MiB
  // come from the heap, and its top is trimmed only past 256 MiB free.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

bool IsExplain(std::string_view text) { return query::FindExplainPrefix(text).has_value(); }

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

namespace internal {

query::ParseOptions ParseOptionsOf(const QueryOptions& options) {
  query::ParseOptions parse_options;
  parse_options.base_iri = options.base_iri;
  parse_options.prefixes = DefaultPrefixes();
  for (const auto& [name, iri] : options.prefixes) parse_options.prefixes[name] = iri;
  return parse_options;
}

namespace {

bool HasDataset(const QueryOptions& options) {
  return !options.default_graphs.empty() || !options.named_graphs.empty();
}

// The options' dataset in place of the query's own, when they give one.
void ApplyDataset(const QueryOptions& options, query::Query* query) {
  if (!HasDataset(options)) return;
  query->from.clear();
  query->from_named.clear();
  for (const std::string& iri : options.default_graphs) query->from.push_back(Term::Iri(iri));
  for (const std::string& iri : options.named_graphs) query->from_named.push_back(Term::Iri(iri));
  query->every_named_graph = false;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const query::Query>> Parse(std::string_view sparql, const QueryOptions& options) {
  ASSIGN_OR_RETURN(query::Query parsed, query::ParseQuery(sparql, ParseOptionsOf(options)));
  ApplyDataset(options, &parsed);
  return std::make_shared<const query::Query>(std::move(parsed));
}

absl::StatusOr<query::Update> ParseUpdate(std::string_view sparql, const QueryOptions& options) {
  ASSIGN_OR_RETURN(query::Update parsed, query::ParseUpdate(sparql, ParseOptionsOf(options)));
  if (!HasDataset(options)) return parsed;
  for (query::UpdateOperation& operation : parsed.operations) {
    if (operation.where == nullptr) continue;
    if (!operation.where->from.empty() || !operation.where->from_named.empty() || operation.with.has_value()) {
      return absl::InvalidArgumentError(
          "the request gives a dataset (using-graph-uri, using-named-graph-uri) and the update one of its own "
          "(USING, USING NAMED or WITH): give one of them");
    }
    auto where = std::make_shared<query::Query>(*operation.where);
    ApplyDataset(options, where.get());
    operation.where = std::move(where);
  }
  return parsed;
}

Cursor::Kind CursorKindOf(query::Query::Form form) {
  switch (form) {
    case query::Query::Form::kSelect: return Cursor::Kind::kSolutions;
    case query::Query::Form::kAsk: return Cursor::Kind::kBoolean;
    default: return Cursor::Kind::kTriples;
  }
}

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

}  // namespace internal

engine::ExecutionOptions Database::Impl::Limits(const QueryOptions& options) const {
  engine::ExecutionOptions limits = ExecutionOptionsOf(options, interrupts);
  limits.adjacencies = &adjacencies;
  return limits;
}

void Database::Interrupt() { impl_->interrupts.fetch_add(1); }

absl::StatusOr<std::string> Database::Explain(std::string_view sparql, bool analyze, const QueryOptions& options) {
  ASSIGN_OR_RETURN(auto parsed, Parse(sparql, options));
  engine::ExecutionOptions limits = impl_->Limits(options);
  // The query's own prefixes and the predeclared ones; longest namespace
  // first: where two fit, the shorter name wins.
  limits.explain_prefixes.assign(parsed->prefixes.begin(), parsed->prefixes.end());
  std::stable_sort(limits.explain_prefixes.begin(), limits.explain_prefixes.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  return engine::Execution::Explain(*impl_->store, std::move(parsed), limits, analyze);
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
  // A dataset from the options is not part of the cache's key.
  const bool dataset = internal::HasDataset(options);
  std::string key = ParseCache::KeyOf(sparql, options.base_iri, options.prefixes);
  std::shared_ptr<const query::Query> parsed = dataset ? nullptr : impl_->parse_cache.Find(key);
  if (parsed == nullptr) {
    ASSIGN_OR_RETURN(parsed, Parse(sparql, options));
    if (!dataset) impl_->parse_cache.Put(std::move(key), parsed);
  }
  const auto form = parsed->form;
  ASSIGN_OR_RETURN(auto execution,
                   engine::Execution::Start(*impl_->store, std::move(parsed), impl_->Limits(options)));
  const Cursor::Kind kind = CursorKindOf(form);
  return Cursor(kind, std::move(execution));
}

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

}  // namespace relata
