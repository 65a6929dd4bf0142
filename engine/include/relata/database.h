// The embedding API: open a store, load RDF, match quads, dump, statistics.
#ifndef RELATA_DATABASE_H_
#define RELATA_DATABASE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "relata/term.h"

namespace relata {

// How the full-text index (relata:text) analyses text. Fixed once the store
// holds text: the index and every query over it must agree.
struct TextIndexOptions {
  // false: the store keeps no text index (relata:text fails), which saves the
  // index's time at load and its space.
  bool enabled = true;
  // Snowball stemming: English for Latin words, Russian for Cyrillic ones
  // ("currencies" finds "currency").
  bool stemming = true;
  // Words left out of the index and of queries; nullopt: English and Russian
  // function words ("the", "of", "и", "в", ...), empty: none.
  std::optional<std::vector<std::string>> stop_words;
};

struct Options {
  bool create_if_missing = true;
  // When set, the store's text index analyses text this way: applied to a
  // store that holds no text yet, an error (kFailedPrecondition) for one
  // whose text was indexed otherwise.
  std::optional<TextIndexOptions> text_index;
  // Reading only, beside the process that may be writing the store (which
  // holds its lock): each query sees what that process had committed when
  // the query started. Takes no lock and creates nothing; Load, Insert,
  // Update and Begin fail with kFailedPrecondition.
  bool read_only = false;
};

struct LoadProgress {
  std::uint64_t bytes_read = 0;   // of the file as stored (compressed bytes for .gz)
  std::uint64_t bytes_total = 0;  // 0 when unknown (stdin, pipes)
  std::uint64_t statements = 0;
  double seconds = 0;
  bool indexing = false;  // reading is done; the indexes are being sorted and written
};

// Where the extractor loader's IRIs live: entities <base>e/, vocabulary
// <base>kg/, documents <base>doc/, generated nodes <base>r/.
inline constexpr std::string_view kDefaultKgBase = "https://relata.dev/";

struct LoadOptions {
  // "ntriples", "nquads", "turtle", "trig", or extractor output
  // (docs/extractor-format.md): "kg" (KG-JSONL), "csv" (neo4j-admin import
  // CSV), "openie" (Stanford OpenIE TSV); empty: from the file extension
  // (.nt .nq .ttl .trig .jsonl .csv .tsv, each also .gz).
  std::string format;
  // Puts the triples of a triples format into this graph (an IRI).
  std::string graph;
  // Relative IRIs in Turtle and TriG resolve against it; empty: the file's
  // own file:// IRI.
  std::string base_iri;
  // The base of the IRIs KG-JSONL input is mapped to.
  std::string kg_base_iri = std::string(kDefaultKgBase);
  // Skip bad statements (KG-JSONL: bad lines) and report them instead of
  // failing the load.
  bool lenient = false;
  // Extractor output only: the graphs of the documents the input holds are
  // replaced by what the input says of them (quads the new version no longer
  // states are removed, with the resolution records that name the document),
  // in one transaction instead of a bulk load.
  bool replace = false;
  // Memory for sorting quads; beyond it, sorted runs spill to files in the
  // store directory and are merged. Terms new to the store are held in memory
  // on top of this.
  std::size_t memory_bytes = std::size_t{1} << 30;
  // Predicates (IRIs) whose literal objects the full-text index holds from
  // now on, besides any vocabulary's evidence, sentence, title, content,
  // description and comment; their literals already in the store are
  // indexed by this load. Not with `replace`.
  std::vector<std::string> text_predicates;
  // Called every 65,536 statements from the thread that reads the input, and
  // once from the calling thread when indexing starts (after the reader ended).
  std::function<void(const LoadProgress&)> progress;
  // Set from any thread (a Ctrl-C handler) to stop the load: it then returns
  // kCancelled and the store is as before, whatever was read.
  const std::atomic<bool>* cancel = nullptr;
};

struct LoadReport {
  std::uint64_t statements = 0;  // RDF statements read from the input
  std::uint64_t records = 0;     // extractor-output records read (documents, entities, relations, ...)
  std::uint64_t quads = 0;       // what the input makes: a quad per statement, the records' mapping
  std::uint64_t duplicates = 0;  // of those, already in the store or repeated in the input
  std::uint64_t added = 0;
  std::uint64_t removed = 0;     // replace: quads the new version of a document no longer states
  std::uint64_t skipped = 0;     // lenient mode: bad statements
  std::vector<std::string> errors;  // lenient mode: "file:line:column: reason"
  // KG-JSONL input: entities new to the store, relations read, records and
  // references joined to an entity met before, kg:possibleSameAs pairs, and
  // names that could mean several entities (kept apart).
  std::uint64_t entities = 0, relations = 0, merges = 0, candidates = 0;
  std::vector<std::string> warnings;
  double seconds = 0;
  // Sorted runs spilled to disk because the input outgrew memory_bytes (0:
  // sorted in memory).
  int spilled_runs = 0;
};

struct Statistics {
  struct PredicateCount {
    Term predicate;
    std::uint64_t quads, distinct_subjects, distinct_objects;
  };
  struct GraphCount {
    std::optional<Term> graph;  // nullopt: the default graph
    std::uint64_t quads;
  };
  std::uint64_t quads = 0;
  // Terms in the dictionary; inline numbers, booleans and dates are not counted.
  std::uint64_t iris = 0, literals = 0, triple_terms = 0, blank_nodes = 0;
  std::vector<PredicateCount> predicates;  // most used first
  std::vector<GraphCount> graphs;          // largest first
  std::uint64_t bytes_on_disk = 0;
  // The full-text index: the texts it holds, their words (stop words not
  // counted), and its files' bytes (part of bytes_on_disk).
  std::uint64_t text_index_texts = 0, text_index_words = 0, text_index_bytes = 0;
};

namespace engine {
class Execution;
}  // namespace engine
namespace query {
struct Query;
}  // namespace query
class Cursor;
class Transaction;
class PreparedQuery;


// The prefixes every query may use undeclared: rdf, rdfs, xsd, owl, skos,
// relata (relata:search) and those of the extractor loader's default base:
// kg, e, doc, r. A query's own PREFIX overrides them.
const std::map<std::string, std::string>& DefaultPrefixes();

// Writes a CONSTRUCT or DESCRIBE cursor's triples to `out`, reading it to
// its end: "turtle" with a PREFIX line for each of `prefixes`, IRIs
// shortened by them and consecutive triples of one subject grouped with ';'
// and ','; or "ntriples".
absl::Status WriteTriples(Cursor& cursor, std::string_view format, std::ostream& out,
                          const std::map<std::string, std::string>& prefixes = DefaultPrefixes());

// Whether `sparql` is an update request (its first keyword after the
// prologue is INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY or
// WITH, or it holds only a prologue and comments: the empty update) rather
// than a query: for tools that take either.
bool IsUpdate(std::string_view sparql);

// The query behind `relata conflicts` (for the default IRI base): where
// documents disagree. For each subject and functional predicate with more
// than one value across the documents, one row per value and document that
// states it — ?subject ?predicate ?value ?document ?published ?confidence —
// newest document first. A predicate is functional when the vocabulary
// declares it (owl:FunctionalProperty in <https://relata.dev/vocabulary>),
// or when all its values are literals and no document gives one subject two
// of them (a count, a date, an amount: names, descriptions and types aside).
std::string_view ConflictsQuery();

// Makes this process's allocator keep up to 256 MiB of the memory it frees
// for the next allocations, instead of handing it back to the system at
// once: queries build and drop large arrays (a search's frontier, its
// steps, decoded blocks), and every page the system hands out again costs
// a page fault. On these virtual machines that was half the time of a
// repeated path search. It sets the whole process's allocator, so the
// library never calls it by itself: the relata tools do, and a program
// that runs many queries may call it once at start-up. Does nothing with a
// C library other than glibc.
void KeepFreedMemoryForQueries();

// Whether `sparql` starts, after comments, with EXPLAIN (or EXPLAIN ANALYZE):
// Query then answers with the plan, one line per row of a column "plan".
bool IsExplain(std::string_view sparql);

struct QueryOptions {
  // A query still running after this long stops with kDeadlineExceeded.
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  // Rows a query may hold at once (sorting, grouping, hash joins, DISTINCT);
  // beyond it the query stops with kResourceExhausted.
  std::size_t memory_bytes = std::size_t{1} << 30;
  // Relative IRIs in the query resolve against it (a BASE overrides it).
  std::string base_iri;
  // Prefixes the query may use without declaring them ("kg" -> IRI), on
  // top of DefaultPrefixes().
  std::map<std::string, std::string> prefixes;
  // Setting it from another thread stops the query with kCancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Without FROM, the default graph is the union of all graphs (true), or
  // only the quads outside any named graph (false, as the SPARQL spec's
  // tests assume).
  bool union_default_graph = true;
  // The dataset from outside the query, as the SPARQL Protocol's
  // default-graph-uri and named-graph-uri (for an update, using-graph-uri
  // and using-named-graph-uri) give it: when either holds an IRI, they
  // replace a query's FROM and FROM NAMED, and the USING and USING NAMED of
  // each DELETE/INSERT ... WHERE of an update.
  std::vector<std::string> default_graphs, named_graphs;
};

// The answer to a query, produced as it is read: SELECT solutions, the
// triples of CONSTRUCT/DESCRIBE (columns subject, predicate, object), or
// ASK's boolean. Move-only; must not outlive its Database.
class Cursor {
 public:
  enum class Kind { kSolutions, kTriples, kBoolean };
  Cursor(Cursor&&) noexcept;
  Cursor& operator=(Cursor&&) noexcept;
  ~Cursor();

  Kind kind() const { return kind_; }
  const std::vector<std::string>& columns() const;
  // Moves to the next row; false at the end (and always for ASK). Errors:
  // kDeadlineExceeded, kResourceExhausted, kCancelled, or a read failure.
  absl::StatusOr<bool> Next();
  // The current row, one entry per column; nullopt is unbound.
  const std::vector<std::optional<Term>>& row() const { return row_; }
  // ASK's answer.
  bool boolean() const;

 private:
  friend class Database;
  friend class Transaction;
  friend class PreparedQuery;
  Cursor(Kind kind, std::unique_ptr<engine::Execution> execution);
  // A cursor over rows already made (EXPLAIN's plan lines).
  Cursor(std::vector<std::string> columns, std::vector<std::vector<std::optional<Term>>> rows);
  Kind kind_;
  std::unique_ptr<engine::Execution> execution_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::optional<Term>>> rows_;
  std::size_t next_row_ = 0;
  std::vector<std::optional<Term>> row_;
};

// What an update or a transaction changed.
struct UpdateReport {
  std::uint64_t inserted = 0, deleted = 0;  // quads
  double seconds = 0;
};

// A handle to one on-disk store. Safe to use from several threads at once;
// writes are serialised.
class Database {
 public:
  // Opens the store at `path`. Errors name the path: not a store, damaged,
  // or written by an unknown format version; kUnavailable "PATH is in use
  // by another relata process (pid N)" when one has it open for writing (it
  // can still be opened with Options::read_only).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const Options& options = {});
  // A scratch store that lives as long as the Database: in a private
  // directory on the RAM-backed /dev/shm (the system's temporary directory
  // where there is none), removed when the Database is destroyed.
  static absl::StatusOr<std::unique_ptr<Database>> OpenInMemory();
  ~Database();

  // Opened with Options::read_only.
  bool read_only() const;

  // Loads `path` ("-" is stdin, ".gz" is inflated) all or nothing: on any
  // error the store is exactly as before and the error reads
  // "file:line:column: reason".
  absl::StatusOr<LoadReport> Load(const std::string& path, const LoadOptions& options = {});
  // Loads several files as one: all of them or nothing, sorted and written
  // once. Blank node labels are scoped to their file.
  absl::StatusOr<LoadReport> Load(const std::vector<std::string>& paths,
                                  const LoadOptions& options = {});

  // Adds quads in one atomic write; returns how many were new.
  absl::StatusOr<std::uint64_t> Insert(std::span<const Quad> quads);

  // Runs a SPARQL 1.1 Update request (operations separated by ';') all or
  // nothing: each operation sees the changes of those before it, readers see
  // none of them until all are committed, and on any error the store is as
  // before. Errors are kInvalidArgument "line:column: ..." for syntax, and
  // name the failing operation's position otherwise. With the union default
  // graph (QueryOptions::union_default_graph), a triple deleted without GRAPH
  // or WITH is deleted from every graph that holds it; an inserted one goes
  // to the unnamed graph. LOAD reads local files (file: IRIs or paths).
  absl::StatusOr<UpdateReport> Update(std::string_view sparql, const QueryOptions& options = {});

  // Starts a transaction: writes from C++ and SPARQL that commit together.
  // One writer at a time: it waits for a running load, update or other
  // transaction to end. The thread that began a transaction gets
  // kFailedPrecondition from Begin, Load, Insert and Update until it commits
  // or rolls it back (they would wait for it forever). Must not outlive the
  // Database.
  absl::StatusOr<std::unique_ptr<Transaction>> Begin();

  // Calls `visit` for each quad matching the pattern (nullopt = any) until it
  // returns false. Without a graph, the default graph is the union of all
  // graphs and each triple comes once (its graph is the default graph).
  absl::Status Match(const std::optional<Term>& subject, const std::optional<Term>& predicate,
                     const std::optional<Term>& object, const std::optional<Term>& graph,
                     const std::function<bool(const Quad&)>& visit);

  // Writes every quad in `format` (as LoadOptions::format; default nquads).
  absl::Status Dump(std::ostream& out, const std::string& format = "nquads");

  absl::StatusOr<Statistics> Stats();

  // Runs a SPARQL 1.1 query (with SPARQL 1.2 triple terms) over a snapshot
  // of the store taken now. The default graph is the union of all graphs;
  // GRAPH ?g ranges over the named graphs. Syntax errors are
  // kInvalidArgument with a "line:column: " prefix. A query that starts with
  // EXPLAIN or EXPLAIN ANALYZE gives Explain's lines as rows of one column,
  // "plan".
  absl::StatusOr<Cursor> Query(std::string_view sparql, const QueryOptions& options = {});

  // Stops every query and update of this Database running now, from any
  // thread: each ends with kCancelled (an update changes nothing). Queries
  // started later run as usual.
  void Interrupt();

  // Parses `sparql` once for many executions; see PreparedQuery. The options'
  // base IRI and prefixes apply here, the rest at each Execute.
  absl::StatusOr<PreparedQuery> Prepare(std::string_view sparql, const QueryOptions& options = {});

  // The plan of `sparql`: its operators with estimated rows. With `analyze`
  // the query runs to its end and each operator also shows the rows it gave,
  // how often it ran and its time (inputs included).
  absl::StatusOr<std::string> Explain(std::string_view sparql, bool analyze,
                                      const QueryOptions& options = {});

  // Reads the whole store and lists every inconsistency: the four indexes
  // must hold the same quads, the statistics must match them, and the
  // dictionary must resolve every term id in use, both ways.
  struct CheckReport {
    std::uint64_t quads = 0, terms = 0;
    std::vector<std::string> problems;  // empty: consistent
  };
  absl::StatusOr<CheckReport> Check();

 private:
  friend class PreparedQuery;
  class Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A query parsed once and run many times, with variables bound to terms
// before each run (as if the pattern had the term where the variable is).
// Copyable; must not outlive its Database.
class PreparedQuery {
 public:
  // Binds ?`variable` ("x" or "?x") for the following runs, replacing an
  // earlier binding. kNotFound when the query has no such variable.
  absl::Status Bind(std::string_view variable, const Term& value);
  void ClearBindings() { bindings_.clear(); }
  absl::StatusOr<Cursor> Execute(const QueryOptions& options = {}) const;

 private:
  friend class Database;
  PreparedQuery(const Database* database, std::shared_ptr<const query::Query> query)
      : database_(database), query_(std::move(query)) {}
  const Database* database_;
  std::shared_ptr<const query::Query> query_;
  std::vector<std::pair<int, Term>> bindings_;
};

// Quads added and removed, and updates run, that become visible together at
// Commit, or not at all (Rollback or destruction). Reads through Query see
// the store as of Begin plus this transaction's own writes.
class Transaction {
 public:
  ~Transaction();
  // Blank nodes given to Add are new nodes, one per label per transaction. A
  // blank node Remove is given must come from a query result (it names a
  // stored node).
  absl::StatusOr<bool> Add(const Quad& quad);     // false: it was already there
  absl::StatusOr<bool> Remove(const Quad& quad);  // false: it was not there
  absl::StatusOr<UpdateReport> Update(std::string_view sparql, const QueryOptions& options = {});
  // The cursor must be read to its end or dropped before the next write.
  absl::StatusOr<Cursor> Query(std::string_view sparql, const QueryOptions& options = {});
  // Makes every change visible at once. The transaction takes no more
  // changes after Commit or Rollback.
  absl::StatusOr<UpdateReport> Commit();
  void Rollback();

 private:
  friend class Database;
  class Impl;
  explicit Transaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace relata

#endif  // RELATA_DATABASE_H_
