// RDF quads in RocksDB: a term dictionary, four permutations and statistics,
// each in its own column family, written together in one atomic batch.
#ifndef RELATA_STORAGE_QUAD_STORE_H_
#define RELATA_STORAGE_QUAD_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "relata/term.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"
#include "storage/text_index.h"

namespace rocksdb {
class DB;
class WriteBatchWithIndex;
class ColumnFamilyHandle;
class Iterator;
class Snapshot;
}  // namespace rocksdb

namespace relata::storage {

// A decoded term shared between the store's cache and the results that use it.
using SharedTerm = std::shared_ptr<const Term>;

// The id of the stored blank node a label given by QuadStore::Resolve
// ("b<number>") names; nullopt for any other label.
std::optional<TermId> StoredBlankId(std::string_view label);

struct PredicateStats {
  std::uint64_t quads = 0, distinct_subjects = 0, distinct_objects = 0;
  friend bool operator==(const PredicateStats&, const PredicateStats&) = default;
};

using GraphCounts = std::map<TermId, std::uint64_t>;

struct StoreStats {
  std::uint64_t quads = 0;
  // Terms ever given an id (ids are never reused): IRIs, literals not inlined,
  // triple terms, blank nodes.
  std::uint64_t iris = 0, literals = 0, triple_terms = 0, blank_nodes = 0;
  std::map<TermId, PredicateStats> predicates;
  // Quads per graph; kNoTerm is the default graph. Stats() counts them,
  // CachedStats() does not: the planner needs no graph's count, and a
  // store of many documents has hundreds of thousands of graphs, whose
  // reading was most of a first query's time (CachedGraphCounts).
  GraphCounts graphs;
};

// One store directory. Reads may run from any thread; writes are serialised
// by an internal mutex.
class QuadStore {
 public:
  // The on-disk format this build reads and writes.
  static constexpr std::string_view kFormatVersion = "relata-quads-3";

  // Opens the store at `path`, creating it when missing and `create` is set.
  // A directory that is not a store, a damaged store or another format
  // version is an error naming the path.
  // A store another process holds is an error (kUnavailable) naming that
  // process.
  static absl::StatusOr<std::unique_ptr<QuadStore>> Open(const std::string& path,
                                                         bool create = true);
  // Opens an existing store for reading only, beside the one process that
  // may be writing it: each snapshot taken while no read is in progress
  // first catches up with what that writer has committed. Takes no lock;
  // every write fails.
  static absl::StatusOr<std::unique_ptr<QuadStore>> OpenReadOnly(const std::string& path);
  bool read_only() const { return !reader_dir_.empty(); }
  ~QuadStore();

  // Adds `quads` in one atomic write. Terms new to the store get ids; blank
  // node labels are scoped to this call (equal labels are one node). Returns
  // how many quads were not present before.
  absl::StatusOr<std::uint64_t> Insert(std::span<const Quad> quads);

  class Snapshot;
  // Dictionary reads. With a snapshot that belongs to a transaction, terms
  // the transaction created are found too.
  // The id of `term` if the store knows it. Blank nodes are never looked up.
  absl::StatusOr<std::optional<TermId>> Lookup(const Term& term, const Snapshot* view = nullptr) const;
  // The term for `id`; blank nodes come back labelled "b<number>"
  // (StoredBlankId reads such a label back).
  absl::StatusOr<Term> Resolve(TermId id, const Snapshot* view = nullptr) const;
  // Many terms at once, faster than one by one: one batched dictionary read.
  // Shared: a term found in the store's cache of decoded terms is not copied.
  absl::StatusOr<std::vector<SharedTerm>> ResolveMany(std::span<const TermId> ids,
                                                      const Snapshot* view = nullptr) const;
  // The id of the triple term of (s, p, o), from its parts' ids, if the store knows it.
  absl::StatusOr<std::optional<TermId>> LookupTriple(TermId s, TermId p, TermId o,
                                                     const Snapshot* view = nullptr) const;
  // The ids of the subject, predicate and object of triple term `id`.
  // REQUIRES: TagOf(id) == TermTag::kTriple.
  absl::StatusOr<QuadIds> TripleParts(TermId id, const Snapshot* view = nullptr) const;

  // Calls `visit` for every quad matching `pattern` until it returns false.
  // In `ids`, kNoTerm leaves s, p, o unbound; the graph is bound only with
  // `graph_bound` (then kNoTerm means the default graph). With
  // `distinct_triples` and the graph unbound, a triple asserted in several
  // graphs is visited once (the union default graph).
  struct Pattern {
    QuadIds ids;
    bool graph_bound = false;  // ids.g is a graph id, or kNoTerm for the default graph
  };
  absl::Status Scan(const Pattern& pattern, bool distinct_triples,
                    const std::function<bool(const QuadIds&)>& visit) const;

  // A consistent view of the quads as of its creation; scans given it see
  // nothing written later. Shared by the scans of one query; must not outlive
  // the store. A transaction's view (Transaction::View) also sees the
  // transaction's own writes, and must not outlive the transaction.
  class Snapshot {
   public:
    ~Snapshot();

   private:
    friend class QuadStore;
    Snapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
             rocksdb::WriteBatchWithIndex* pending = nullptr)
        : db_(db), snapshot_(snapshot), pending_(pending) {}
    rocksdb::DB* db_;
    const rocksdb::Snapshot* snapshot_;
    // Reading it needs a non-const batch; reads do not change it.
    rocksdb::WriteBatchWithIndex* pending_;
  };
  // Reads between two writes share one snapshot: taking a RocksDB snapshot
  // locks the database, and a short query would spend much of its time there.
  std::shared_ptr<const Snapshot> GetSnapshot() const;

  // Scan as a cursor that the caller advances: the quads matching a pattern,
  // in the order of the permutation the bound components choose, or in the
  // reverse of that order.
  enum class Direction { kAscending, kDescending };
  class Cursor {
   public:
    ~Cursor();
    bool Valid() const { return valid_; }
    // REQUIRES: Valid().
    const QuadIds& quad() const { return quad_; }
    // The key order the quads come in (reversed when descending).
    Permutation permutation() const { return permutation_; }
    void Next();
    // Not OK when reading failed; Valid() is false then.
    absl::Status status() const;

   private:
    friend class QuadStore;
    Cursor() = default;
    void Step();
    void Settle();
    std::unique_ptr<rocksdb::Iterator> it_;
    std::shared_ptr<const Snapshot> snapshot_;
    Permutation permutation_ = Permutation::kSpog;
    QuadIds want_;
    BoundMask bound_;
    std::string prefix_;
    bool dedupe_ = false, valid_ = false, have_previous_ = false, by_prefix_ = false, descending_ = false;
    QuadIds quad_;
  };
  // With the shared snapshot, reuses an iterator a finished query handed back
  // (Recycle): creating one is much of the cost of a point query.
  std::unique_ptr<Cursor> OpenCursor(const Pattern& pattern, bool distinct_triples,
                                     std::shared_ptr<const Snapshot> snapshot = nullptr,
                                     Direction direction = Direction::kAscending) const;
  // Keeps `cursor` for a later OpenCursor while its snapshot is the shared
  // one; drops it otherwise.
  void Recycle(std::unique_ptr<Cursor> cursor) const;
  // Points `cursor` at another pattern, keeping its snapshot and reusing its
  // RocksDB iterator when the same permutation serves: nested loops re-seek
  // one cursor per level instead of creating an iterator per probe.
  void Reseek(Cursor& cursor, const Pattern& pattern, bool distinct_triples,
              Direction direction = Direction::kAscending) const;

  // Calls `visit` for each name index entry whose word starts with
  // `token_prefix` (see name_index.h), in word order, until it returns false.
  absl::Status ScanNames(std::string_view token_prefix,
                         const std::function<bool(const NameEntry&)>& visit,
                         const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;

  // The full-text index (text_index.h). Its settings are fixed by the first
  // write that indexes text; predicates can be added by a bulk load.
  std::shared_ptr<const TextSettings> text_settings() const;
  std::shared_ptr<const TextAnalyzer> text_analyzer() const;
  // Sets how text is analysed. kFailedPrecondition once the index holds text.
  absl::Status ConfigureText(const TextOptions& options);
  absl::StatusOr<TextTotals> ReadTextTotals(const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;
  // Calls `visit` for each posting of `term` (of every term starting with it,
  // with `prefix`), in key order, until it returns false.
  // How many postings `term` has, from its blocks' counts (no posting is
  // decoded).
  absl::StatusOr<std::uint64_t> CountTextPostings(std::string_view term,
                                                  const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;
  // One term's postings in literal order, read a block at a time; SeekTo
  // skips to the block that may hold a literal, so that probing a few
  // literals reads a few blocks.
  class TextCursor {
   public:
    ~TextCursor();
    bool Valid() const { return valid_; }
    // REQUIRES: Valid().
    const TextPosting& posting() const { return posting_; }
    void Next();
    // To the first posting with a literal at least `literal` (forward only).
    void SeekTo(TermId literal);
    absl::Status status() const;

   private:
    friend class QuadStore;
    TextCursor() = default;
    void LoadBlock();
    std::unique_ptr<rocksdb::Iterator> it_;
    std::string prefix_, key_, value_;
    std::optional<TextBlockReader> block_;
    TextPosting posting_;
    bool valid_ = false;
  };
  std::unique_ptr<TextCursor> OpenTextCursor(std::string_view term,
                                             const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;
  absl::Status ScanText(std::string_view term, bool prefix, const std::function<bool(const TextPosting&)>& visit,
                        const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;
  // The text index's size: its files and what is not yet in files.
  std::uint64_t TextIndexBytes() const;
  // The ids of the predicates in the store that give text.
  absl::StatusOr<std::vector<TermId>> TextPredicateIds(const std::shared_ptr<const Snapshot>& snapshot = nullptr) const;

  absl::StatusOr<StoreStats> Stats() const;
  // The same statistics without the graphs' counts, read once and kept
  // until the next write: for the planner, which consults them on every
  // query.
  absl::StatusOr<std::shared_ptr<const StoreStats>> CachedStats() const;
  // The graphs' counts, read once and kept until the next write.
  absl::StatusOr<std::shared_ptr<const GraphCounts>> CachedGraphCounts() const;

  // Reads the whole store and reports every inconsistency found: the four
  // permutations must hold the same quads, the statistics must match them,
  // the dictionary must resolve every id in use, both ways, the name and
  // text indexes must hold what the name and text quads give, and every block of every file must
  // match its checksum. An empty `problems` means consistent; an error
  // status means it could not read.
  struct CheckReport {
    std::uint64_t quads = 0, terms = 0;
    std::vector<std::string> problems;
  };
  absl::StatusOr<CheckReport> Check() const;

  // Loads many quads at once. Quads are encoded as they come and sorted per
  // permutation in runs that fit `memory_bytes` (spilled to files in the
  // store directory and merged when there are several), written as one SST
  // file per column family and ingested in one atomic step with the new
  // dictionary entries and statistics. The dictionary of terms new to the
  // store stays in memory for the whole load. Holds the write lock from
  // creation to Finish (or destruction); nothing is visible before Finish
  // returns OK.
  struct BulkLoadOptions {
    std::size_t memory_bytes = std::size_t{1} << 30;
    // Predicates to add to the text index's: their literals already in the
    // store are indexed by the same load.
    std::vector<std::string> text_predicates;
  };
  class BulkLoad {
   public:
    ~BulkLoad();
    // Blank node labels are scoped like Insert's: equal labels are one node
    // until NewBlankNodeScope (one scope per input file).
    absl::Status Add(const Quad& quad);
    // Many quads at once, which encodes them faster than one by one.
    absl::Status Add(std::span<const Quad> quads);
    void NewBlankNodeScope();
    // Returns how many quads were new. Releases the write lock, whatever the
    // outcome; the load takes no more quads after it.
    absl::StatusOr<std::uint64_t> Finish();
    // Sorted runs written to disk so far (0 when everything fit in memory).
    int spilled_runs() const;

   private:
    friend class QuadStore;
    BulkLoad(QuadStore& store, const BulkLoadOptions& options);
    absl::Status SpillRun();
    absl::StatusOr<std::uint64_t> FinishLocked();
    struct State;
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<BulkLoad> StartBulkLoad(const BulkLoadOptions& options);

  // Writes that commit together or not at all: quads added and removed one
  // by one, each visible at once to reads through View(), none to anyone
  // else before Commit. Statistics and the name and text indexes are brought up to date
  // at Commit. Holds the write lock from creation to Commit or destruction
  // (which rolls back), so a thread must not start a second one, or a bulk
  // load, while it holds one.
  class Transaction {
   public:
    ~Transaction();
    // The id of `term`, given a new one when the store does not know it.
    // Blank node labels are scoped like Insert's until NewBlankNodeScope.
    absl::StatusOr<TermId> Encode(const Term& term);
    // The ids of a quad's terms, each encoded as above.
    absl::StatusOr<QuadIds> Encode(const Quad& quad);
    void NewBlankNodeScope();
    // Whether the quad was missing (Insert) or present (Delete) before.
    absl::StatusOr<bool> Insert(const QuadIds& quad);
    absl::StatusOr<bool> Delete(const QuadIds& quad);
    // Insert of Encode(quad).
    absl::StatusOr<bool> Insert(const Quad& quad);
    // The store as of the transaction's start plus its writes so far. Reads
    // through it must not be in progress while the transaction writes.
    std::shared_ptr<const Snapshot> View();
    // The statistics as of the start (as CachedStats: without the graphs'
    // counts), with this transaction's quads counted per predicate (distinct
    // subject and object counts are only brought up to date by Commit).
    absl::StatusOr<std::shared_ptr<const StoreStats>> Stats();
    // The graphs' counts as of the start, with this transaction's quads.
    absl::StatusOr<std::shared_ptr<const GraphCounts>> CountsPerGraph();
    struct Changes {
      std::uint64_t inserted = 0, deleted = 0;
    };
    // What the writes so far changed (each quad counted once per change).
    const Changes& changes() const;
    // Writes everything in one atomic batch and releases the write lock. The
    // transaction takes no more writes after it, whatever the outcome.
    absl::StatusOr<Changes> Commit();

   private:
    friend class QuadStore;
    explicit Transaction(QuadStore& store);
    absl::StatusOr<Changes> CommitLocked();
    absl::StatusOr<bool> Has(const QuadIds& quad);
    absl::StatusOr<bool> IsNameQuad(const QuadIds& quad);
    absl::Status SyncText(const QuadIds& quad);
    absl::Status UpdateTextBlock(const std::string& term, const TextEntry& entry, bool add);
    absl::Status UpdateNames();
    absl::Status UpdateDistinctCounts();
    struct State;
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<Transaction> BeginTransaction();

 private:
  QuadStore();
  enum class Access { kCreate, kReadWrite, kReadOnly };
  static absl::StatusOr<std::unique_ptr<QuadStore>> OpenWith(const std::string& path, Access access);
  // Read-only: brings the view up to the writer's commits, unless a read of
  // the current view is in progress.
  void CatchUpWithWriter() const;
  // The statistics, with or without the graphs' counts.
  absl::StatusOr<StoreStats> ReadStats(bool with_graphs) const;
  // `cache` when it is set; else what `read` gives, kept in `cache` unless
  // a write finished meanwhile (under stats_mutex_).
  template <typename T, typename Read>
  absl::StatusOr<std::shared_ptr<const T>> KeptUntilWrite(std::shared_ptr<const T>& cache, Read read) const;
  // The dictionary's id counters per tag as of `view` (next_sequence_ is
  // a writer's, moved while it encodes, and a reader's is as of its open).
  absl::StatusOr<std::array<std::uint64_t, 5>> CommittedCounters(const Snapshot& view) const;
  absl::Status CheckNames(const StoreStats& counted, CheckReport* report) const;
  absl::Status CheckText(CheckReport* report) const;
  absl::Status LoadTextSettings();
  // Whether `literal` is the object of a quad whose predicate is one of
  // `text_predicates` (sorted), by a scan of ospg.
  absl::StatusOr<bool> HoldsText(TermId literal, const std::vector<TermId>& text_predicates,
                                 const Snapshot* view) const;
  absl::StatusOr<Term> TermFromEntry(TermId id, std::string_view entry, const Snapshot* view) const;
  // A point read of `family`, through `view`'s snapshot and pending writes
  // when given.
  // The id a dictionary key (a term's, or TripleKey) maps to, if any.
  absl::StatusOr<std::optional<TermId>> LookupKey(const std::string& key, const Snapshot* view) const;
  absl::Status Get(int family, std::string_view key, std::string* value, const Snapshot* view,
                   const std::string& context) const;
  absl::Status DeleteEmptyOldWals();
  class Encoder;
  class SequenceRollback;
  // Dictionary entries read before, both ways, shared by every reader:
  // committed ids and their terms never change.
  class DictionaryCache;
  std::unique_ptr<DictionaryCache> dictionary_cache_;
  std::string path_;
  // Read-only: the secondary instance's own directory (its info log).
  std::string reader_dir_;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  std::mutex write_mutex_;
  // Called after every write, committed or not, and when a read-only store
  // caught up: later reads must not see the statistics, snapshot or
  // iterators of before. `only_if`, when given, runs first under the same
  // lock (no snapshot is handed out meanwhile); false forgets nothing.
  void ForgetReadCaches(const std::function<bool()>& only_if = nullptr) const;
  mutable std::mutex text_mutex_;
  std::shared_ptr<const TextSettings> text_settings_;
  std::shared_ptr<const TextAnalyzer> text_analyzer_;
  mutable std::mutex stats_mutex_;
  mutable std::shared_ptr<const StoreStats> stats_cache_;
  mutable std::shared_ptr<const GraphCounts> graph_counts_cache_;
  mutable std::uint64_t writes_ = 0;  // ForgetReadCaches and catch-up calls, under stats_mutex_
  mutable std::mutex read_cache_mutex_;
  mutable std::shared_ptr<const Snapshot> shared_snapshot_;
  mutable std::vector<std::unique_ptr<Cursor>> idle_cursors_;
  std::uint64_t next_sequence_[5] = {};  // per dictionary tag: IRI, blank, literal, triple
};

}  // namespace relata::storage

#endif  // RELATA_STORAGE_QUAD_STORE_H_
