// Bulk loading: quads are encoded as they arrive, sorted per permutation in
// runs bounded by a memory budget, merged into one SST file per column family
// and ingested together with the dictionary, statistics and id counters in a
// single IngestExternalFiles call, which is what makes a load all or nothing.
#include <rocksdb/sst_file_writer.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/base/status_macros.h"
#include "storage/quad_store.h"
#include "storage/store_internal.h"

namespace relata::storage {
namespace {

// Ids in one permutation's order.
using Row = std::array<TermId, 4>;

// Quads are buffered in (s, p, o, g) order.
constexpr Permutation kBufferOrder = Permutation::kSpog;

// Rewrites rows in place from `from`'s component order to `to`'s.
void Reorder(std::span<Row> rows, Permutation from, Permutation to) {
  if (from == to) return;
  std::array<int, 4> index_in_from{};
  for (int i = 0; i < 4; ++i) index_in_from[ComponentOrder(from)[i]] = i;
  std::array<int, 4> pick{};
  for (int i = 0; i < 4; ++i) pick[i] = index_in_from[ComponentOrder(to)[i]];
  for (Row& row : rows) {
    const Row old = row;
    for (int i = 0; i < 4; ++i) row[i] = old[pick[i]];
  }
}

// Runs `tasks` on two threads (this one and another), each taking the next
// task when it is done with one: listed longest first, they end at about the
// same time whatever their sizes. The first error is returned.
absl::Status RunOnTwoThreads(const std::vector<std::function<absl::Status()>>& tasks) {
  std::atomic<std::size_t> next{0};
  std::vector<absl::Status> statuses(tasks.size());
  const auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) statuses[i] = tasks[i]();
  };
  std::thread other(work);
  work();
  other.join();
  for (const absl::Status& status : statuses) RETURN_IF_ERROR(status);
  return absl::OkStatus();
}

// spog and posg count the most for the statistics, so they go to different
// threads.
constexpr Permutation kFirstHalf[] = {Permutation::kSpog, Permutation::kOspg};
constexpr Permutation kSecondHalf[] = {Permutation::kPosg, Permutation::kGspo};

using ConsumeSorted = std::function<absl::Status(Permutation, std::span<const Row>)>;

// Sorts `rows` (in buffer order) into each of `permutations` in turn and
// hands each sorted state to `consume`.
absl::Status SortEach(std::vector<Row>& rows, std::span<const Permutation> permutations,
                      const ConsumeSorted& consume) {
  Permutation current = kBufferOrder;
  for (const Permutation permutation : permutations) {
    Reorder(rows, current, permutation);
    current = permutation;
    std::sort(rows.begin(), rows.end());
    RETURN_IF_ERROR(consume(permutation, rows));
  }
  return absl::OkStatus();
}

// Rows in ascending order, possibly repeated.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The next row, or nullptr at the end or on error (see status()).
  virtual const Row* Next() = 0;
  virtual absl::Status status() const { return absl::OkStatus(); }
};

class SpanSource : public RowSource {
 public:
  explicit SpanSource(std::span<const Row> rows) : rows_(rows) {}
  const Row* Next() override { return next_ < rows_.size() ? &rows_[next_++] : nullptr; }

 private:
  std::span<const Row> rows_;
  std::size_t next_ = 0;
};

absl::Status WriteRun(const std::string& path, std::span<const Row> rows) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return absl::UnavailableError(path + ": cannot create a sort run");
  const bool written = std::fwrite(rows.data(), sizeof(Row), rows.size(), file) == rows.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    return absl::UnavailableError(path + ": cannot write a sort run (disk full?)");
  }
  return absl::OkStatus();
}

// One sorted run on disk, read a buffer at a time.
class RunReader {
 public:
  RunReader(std::string path, std::size_t buffer_rows)
      : path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb")), buffer_(buffer_rows) {
    if (file_ == nullptr) status_ = absl::UnavailableError(path_ + ": cannot read a sort run");
  }
  ~RunReader() {
    if (file_ != nullptr) std::fclose(file_);
  }
  RunReader(const RunReader&) = delete;
  RunReader& operator=(const RunReader&) = delete;

  const Row* Next() {
    if (next_ == filled_) {
      if (file_ == nullptr) return nullptr;
      filled_ = std::fread(buffer_.data(), sizeof(Row), buffer_.size(), file_);
      next_ = 0;
      if (filled_ == 0) {
        if (std::ferror(file_)) status_ = absl::UnavailableError(path_ + ": cannot read a sort run");
        return nullptr;
      }
    }
    return &buffer_[next_++];
  }
  const absl::Status& status() const { return status_; }

 private:
  std::string path_;
  std::FILE* file_;
  std::vector<Row> buffer_;
  std::size_t filled_ = 0, next_ = 0;
  absl::Status status_;
};

// The k-way merge of sorted runs.
class MergeSource : public RowSource {
 public:
  MergeSource(const std::vector<std::string>& paths, std::size_t buffer_rows) {
    for (const std::string& path : paths) {
      readers_.push_back(std::make_unique<RunReader>(path, buffer_rows));
      Refill(readers_.size() - 1);
    }
  }
  const Row* Next() override {
    if (heap_.empty()) return nullptr;
    const auto [row, reader] = heap_.top();
    heap_.pop();
    current_ = row;
    Refill(reader);
    return &current_;
  }
  absl::Status status() const override {
    for (const auto& reader : readers_) RETURN_IF_ERROR(reader->status());
    return absl::OkStatus();
  }

 private:
  void Refill(std::size_t reader) {
    if (const Row* row = readers_[reader]->Next()) heap_.emplace(*row, reader);
  }
  using Entry = std::pair<Row, std::size_t>;
  std::vector<std::unique_ptr<RunReader>> readers_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
  Row current_{};
};

// Writes sorted (key, value) pairs of one family to `path`.
class SstFile {
 public:
  SstFile(int family, rocksdb::ColumnFamilyHandle* handle, std::string path)
      : handle_(handle),
        writer_(rocksdb::EnvOptions(), rocksdb::Options(rocksdb::DBOptions(), FamilyOptions(family, nullptr)),
                handle),
        path_(std::move(path)) {}
  absl::Status Put(const rocksdb::Slice& key, const rocksdb::Slice& value) {
    if (entries_++ == 0) RETURN_IF_ERROR(ToStatus(writer_.Open(path_), path_));
    return ToStatus(writer_.Put(key, value), path_);
  }
  // A key the ingestion removes from the store.
  absl::Status Delete(const rocksdb::Slice& key) {
    if (entries_++ == 0) RETURN_IF_ERROR(ToStatus(writer_.Open(path_), path_));
    return ToStatus(writer_.Delete(key), path_);
  }
  // Adds the file to `args` when it holds anything.
  absl::Status Finish(std::vector<rocksdb::IngestExternalFileArg>* args) {
    if (entries_ == 0) return absl::OkStatus();
    RETURN_IF_ERROR(ToStatus(writer_.Finish(), path_));
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = handle_;
    arg.external_files = {path_};
    arg.options.move_files = true;
    args->push_back(std::move(arg));
    return absl::OkStatus();
  }

 private:
  rocksdb::ColumnFamilyHandle* handle_;
  rocksdb::SstFileWriter writer_;
  std::string path_;
  std::uint64_t entries_ = 0;
};

// Answers "does the store hold a key starting with this prefix?" for
// prefixes asked in ascending order, moving one iterator forward: a few
// Next() calls are much cheaper than a Seek when the keys are close.
class ForwardProbe {
 public:
  ForwardProbe(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family)
      : it_(db->NewIterator(TotalOrder(), family)) {}
  bool HasPrefix(const rocksdb::Slice& prefix) {
    if (!positioned_) {
      it_->Seek(prefix);
      positioned_ = true;
    } else {
      for (int step = 0; step < 8 && it_->Valid() && it_->key().compare(prefix) < 0; ++step) {
        it_->Next();
      }
      if (it_->Valid() && it_->key().compare(prefix) < 0) it_->Seek(prefix);
    }
    return it_->Valid() && it_->key().starts_with(prefix);
  }
  absl::Status status() const { return ToStatus(it_->status(), "bulk load: reading the store"); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  bool positioned_ = false;
};

// What one permutation's pass counts for the statistics; the passes count
// different fields, and their sum is the statistics of the load.
struct IndexCounts {
  std::uint64_t added = 0;  // quads new to the store (spog pass)
  absl::flat_hash_map<TermId, PredicateStats> predicates;
  absl::flat_hash_map<TermId, std::uint64_t> graphs;
};

// Collects the text index entries of a load: the literals text predicates
// state, each analysed once, their words kept compactly (term and text
// numbers, a position) until they are written in key order, in blocks.
class TextCollector {
 public:
  // A term's blocks in the store, as (key, value).
  using StoredBlocks =
      std::function<absl::StatusOr<std::vector<std::pair<std::string, std::string>>>(std::string_view term)>;

  TextCollector(std::shared_ptr<const TextSettings> settings, std::shared_ptr<const TextAnalyzer> analyzer,
                const std::vector<std::string>& added_predicates)
      : analyzer_(std::move(analyzer)), enabled_(settings->options.enabled), predicates_(settings->added_predicates) {
    for (const std::string& iri : added_predicates) {
      if (std::find(predicates_.begin(), predicates_.end(), iri) == predicates_.end()) predicates_.push_back(iri);
    }
  }
  ~TextCollector() { Drain(); }
  TextCollector(const TextCollector&) = delete;
  TextCollector& operator=(const TextCollector&) = delete;
  const std::vector<std::string>& predicates() const { return predicates_; }

  // `quad` was encoded as `ids`; `fresh` says whether the load gave its
  // object its id (then it cannot be indexed yet).
  void Add(const Quad& quad, const QuadIds& ids, bool fresh) {
    if (!enabled_ || TagOf(ids.o) != TermTag::kLiteral) return;
    auto [it, inserted] = gives_text_.try_emplace(ids.p, false);
    if (inserted) it->second = IsTextPredicate(quad.predicate.value, predicates_);
    if (!it->second || !seen_.insert(ids.o).second) return;
    if (fresh) {
      pending_.emplace_back(ids.o, quad.object.value);
      if (pending_.size() == kBatch) Hand();
    } else {
      known_.emplace_back(ids.o, quad.object.value);
    }
  }
  // A literal the store held before the load, stated by a text predicate.
  void AddKnown(TermId literal, std::string text) {
    if (enabled_ && seen_.insert(literal).second) known_.emplace_back(literal, std::move(text));
  }
  // The known literals not indexed yet, by `indexed`. Ends the reading: no
  // Add after it.
  absl::Status IndexKnown(const std::function<absl::StatusOr<bool>(TermId)>& indexed) {
    Drain();
    for (auto& [literal, text] : known_) {
      ASSIGN_OR_RETURN(const bool already, indexed(literal));
      if (!already) Index(literal, text, true);
    }
    known_.clear();
    return absl::OkStatus();
  }
  bool empty() const { return units_.empty(); }

  // Every entry in key order: units, the totals (`old` plus this load's),
  // blocks. A term's new texts have ids above all the store's, so their
  // blocks follow the store's; a term with a text the store knew has its
  // blocks in the store merged with the load's and written again.
  absl::Status Write(const TextTotals& old, const StoredBlocks& stored,
                     const std::function<absl::Status(std::string_view, std::string_view)>& put,
                     const std::function<absl::Status(std::string_view)>& remove) {
    // The texts in literal order, remembering where each was.
    std::vector<std::uint32_t> unit_order(units_.size());
    for (std::uint32_t i = 0; i < unit_order.size(); ++i) unit_order[i] = i;
    std::sort(unit_order.begin(), unit_order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return units_[a].literal < units_[b].literal; });
    {
      std::vector<Unit> sorted(units_.size());
      for (std::uint32_t i = 0; i < unit_order.size(); ++i) sorted[i] = units_[unit_order[i]];
      units_.swap(sorted);
    }
    std::string value;
    for (const Unit& unit : units_) {
      value.clear();
      AppendVarint(unit.length, &value);
      RETURN_IF_ERROR(put(TextUnitKey(unit.literal), value));
    }
    RETURN_IF_ERROR(put(kTextTotalsKey, EncodeTextTotals({old.literals + added_.literals, old.length + added_.length})));
    // Occurrences sorted by term (in byte order), text, position: each run
    // of one term and text is a posting. Terms and texts are renumbered in
    // key order first, so that the sort compares integers.
    std::vector<std::uint32_t> order(terms_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return terms_[a] < terms_[b]; });
    std::vector<std::uint32_t> term_rank(terms_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) term_rank[order[i]] = i;
    std::vector<std::uint32_t> unit_rank(unit_order.size());
    for (std::uint32_t i = 0; i < unit_order.size(); ++i) unit_rank[unit_order[i]] = i;
    for (Occurrence& o : occurrences_) {
      o.term = term_rank[o.term];
      o.unit = unit_rank[o.unit];
    }
    SortOccurrences();
    std::vector<TextEntry> postings;
    for (std::size_t i = 0; i < occurrences_.size();) {
      const std::uint32_t term = occurrences_[i].term;
      postings.clear();
      bool known = false;
      for (; i < occurrences_.size() && occurrences_[i].term == term;) {
        const std::uint32_t unit = occurrences_[i].unit;
        TextEntry entry{units_[unit].literal, units_[unit].length, {}};
        for (; i < occurrences_.size() && occurrences_[i].term == term && occurrences_[i].unit == unit; ++i) {
          entry.positions.push_back(occurrences_[i].position);
        }
        known = known || units_[unit].known;
        postings.push_back(std::move(entry));
      }
      const std::string& text = terms_[order[term]];
      if (known) {
        RETURN_IF_ERROR(Merge(text, std::move(postings), stored, put, remove));
      } else {
        RETURN_IF_ERROR(PutBlocks(text, postings, put));
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Unit {
    TermId literal;
    std::uint32_t length;
    bool known;  // the store had the literal
  };
  // One word of one text: `term` and `unit` number terms and texts (units_)
  // in order of appearance until Write renumbers them in key order.
  struct Occurrence {
    std::uint32_t term, unit, position;
    bool operator<(const Occurrence& o) const {
      return term != o.term ? term < o.term : unit != o.unit ? unit < o.unit : position < o.position;
    }
  };

  // Texts new to the store are analysed on a thread of their own while the
  // load reads on: the reading leaves a core partly idle. They go in
  // batches; at most kQueued batches wait, then Add waits too.
  static constexpr std::size_t kBatch = 4096, kQueued = 16;
  using Batch = std::vector<std::pair<TermId, std::string>>;
  void Hand() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
    room_.wait(lock, [this] { return queue_.size() < kQueued; });
    queue_.push_back(std::move(pending_));
    pending_.clear();
    ready_.notify_one();
  }
  void Work() {
    for (;;) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !queue_.empty() || done_; });
        if (queue_.empty()) return;
        batch = std::move(queue_.front());
        queue_.pop_front();
        room_.notify_one();
      }
      for (const auto& [literal, text] : batch) Index(literal, text, false);
    }
  }
  // Waits until every text handed over is analysed.
  void Drain() {
    if (!pending_.empty()) Hand();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    ready_.notify_one();
    if (worker_.joinable()) worker_.join();
  }

  void Index(TermId literal, std::string_view text, bool known) {
    const std::vector<TextToken> tokens = analyzer_->Analyze(text);
    for (const TextToken& token : tokens) {
      const absl::string_view term(token.term.data(), token.term.size());
      auto it = vocabulary_.find(term);
      if (it == vocabulary_.end()) {
        it = vocabulary_.emplace(term, static_cast<std::uint32_t>(terms_.size())).first;
        terms_.push_back(token.term);
      }
      occurrences_.push_back(Occurrence{it->second, static_cast<std::uint32_t>(units_.size()), token.position});
    }
    const auto length = static_cast<std::uint32_t>(tokens.size());
    units_.push_back(Unit{literal, length, known});
    ++added_.literals;
    added_.length += length;
  }

  // Into (term, unit, position) order: a counting sort by term, which keeps
  // the order of texts as they were analysed, most often already theirs by
  // id; a term whose texts are not is sorted on its own.
  void SortOccurrences() {
    std::vector<std::size_t> start(terms_.size() + 1, 0);
    for (const Occurrence& o : occurrences_) ++start[o.term + 1];
    for (std::size_t t = 1; t < start.size(); ++t) start[t] += start[t - 1];
    std::vector<Occurrence> sorted(occurrences_.size());
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (const Occurrence& o : occurrences_) sorted[next[o.term]++] = o;
    std::vector<Occurrence>().swap(occurrences_);
    for (std::size_t t = 0; t + 1 < start.size(); ++t) {
      const auto first = sorted.begin() + static_cast<std::ptrdiff_t>(start[t]);
      const auto last = sorted.begin() + static_cast<std::ptrdiff_t>(start[t + 1]);
      if (!std::is_sorted(first, last)) std::sort(first, last);
    }
    occurrences_.swap(sorted);
  }

  // `postings` (ascending) in blocks of kTextBlock, each keyed by its first.
  static absl::Status PutBlocks(const std::string& term, const std::vector<TextEntry>& postings,
                                const std::function<absl::Status(std::string_view, std::string_view)>& put) {
    std::vector<TextEntry> block;
    for (std::size_t start = 0; start < postings.size(); start += kTextBlock) {
      const std::size_t end = std::min(postings.size(), start + kTextBlock);
      block.assign(postings.begin() + static_cast<std::ptrdiff_t>(start),
                   postings.begin() + static_cast<std::ptrdiff_t>(end));
      RETURN_IF_ERROR(put(TextBlockKey(term, block.front().literal), EncodeTextBlock(block.front().literal, block)));
    }
    return absl::OkStatus();
  }

  // The term's stored postings and `postings` in blocks again: the stored
  // keys no block takes go.
  static absl::Status Merge(const std::string& term, std::vector<TextEntry> postings, const StoredBlocks& stored,
                            const std::function<absl::Status(std::string_view, std::string_view)>& put,
                            const std::function<absl::Status(std::string_view)>& remove) {
    ASSIGN_OR_RETURN(const auto blocks, stored(term));
    std::set<std::string> old_keys;
    for (const auto& [key, value] : blocks) {
      old_keys.insert(key);
      for (TextEntry& entry : DecodeTextBlock(key, value)) postings.push_back(std::move(entry));
    }
    std::sort(postings.begin(), postings.end(),
              [](const TextEntry& a, const TextEntry& b) { return a.literal < b.literal; });
    std::map<std::string, std::string> written;
    RETURN_IF_ERROR(PutBlocks(term, postings, [&](std::string_view key, std::string_view value) {
      written.emplace(std::string(key), std::string(value));
      return absl::OkStatus();
    }));
    for (const std::string& key : old_keys) written.try_emplace(key);  // empty: removed
    for (const auto& [key, value] : written) {
      RETURN_IF_ERROR(value.empty() ? remove(key) : put(key, value));
    }
    return absl::OkStatus();
  }

  Batch pending_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Batch> queue_;
  bool done_ = false;
  std::thread worker_;
  std::shared_ptr<const TextAnalyzer> analyzer_;
  const bool enabled_;
  std::vector<std::string> predicates_;  // added to the defaults: the store's and this load's
  absl::flat_hash_map<TermId, bool> gives_text_;
  absl::flat_hash_set<TermId> seen_;
  std::vector<std::pair<TermId, std::string>> known_;
  absl::flat_hash_map<std::string, std::uint32_t> vocabulary_;
  std::vector<std::string> terms_;
  std::vector<Occurrence> occurrences_;
  std::vector<Unit> units_;
  TextTotals added_;
};

}  // namespace

struct QuadStore::BulkLoad::State {
  State(QuadStore& s, const BulkLoadOptions& o)
      : store(s), options(o), lock(s.write_mutex_), rollback(s), encoder(s),
        dir(s.path_ + "/bulk-load-" + std::to_string(getpid())),
        text(s.text_settings(), s.text_analyzer(), o.text_predicates) {}
  ~State() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  // Writes one permutation's SST file from its sorted rows, skipping repeats
  // (and, in spog, quads the store already has), counting for statistics.
  absl::Status BuildIndex(Permutation permutation, RowSource& rows, IndexCounts* counts,
                          std::vector<rocksdb::IngestExternalFileArg>* args);
  absl::Status CreateTemporaryDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec) return absl::UnavailableError(dir + ": " + ec.message());
    return absl::OkStatus();
  }
  // The new dictionary entries, by string and by id.
  absl::Status WriteStr2Id(std::vector<rocksdb::IngestExternalFileArg>* args);
  absl::Status WriteId2Str(std::vector<rocksdb::IngestExternalFileArg>* args);
  absl::Status WriteNames(std::vector<rocksdb::IngestExternalFileArg>* args) {
    SstFile file(kNames, store.families_[kNames], dir + "/names.sst");
    for (const auto& [key, kind] : names.Take()) RETURN_IF_ERROR(file.Put(key, rocksdb::Slice(&kind, 1)));
    return file.Finish(args);
  }
  // The text index's new entries, and the predicates added to it.
  absl::Status WriteText(std::vector<rocksdb::IngestExternalFileArg>* args) {
    if (text.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(const TextTotals old, store.ReadTextTotals());
    SstFile file(kText, store.families_[kText], dir + "/text.sst");
    const auto stored = [&](std::string_view term) -> absl::StatusOr<std::vector<std::pair<std::string, std::string>>> {
      std::vector<std::pair<std::string, std::string>> blocks;
      const std::string prefix = TextTermPrefix(term);
      std::unique_ptr<rocksdb::Iterator> it(store.db_->NewIterator(TotalOrder(), store.families_[kText]));
      for (it->Seek(Slice(prefix)); it->Valid() && it->key().starts_with(Slice(prefix)); it->Next()) {
        if (it->key().size() == prefix.size() + 8) blocks.emplace_back(it->key().ToString(), it->value().ToString());
      }
      RETURN_IF_ERROR(ToStatus(it->status(), "text index"));
      return blocks;
    };
    RETURN_IF_ERROR(text.Write(
        old, stored, [&](std::string_view key, std::string_view value) { return file.Put(Slice(key), Slice(value)); },
        [&](std::string_view key) { return file.Delete(Slice(key)); }));
    return file.Finish(args);
  }
  // Indexes what the store held before the load that the load makes text:
  // literals stated again, and those of predicates added to the index.
  absl::Status IndexKnownText() {
    const std::vector<std::string>& before = store.text_settings()->added_predicates;
    for (const std::string& iri : text.predicates()) {
      if (std::find(before.begin(), before.end(), iri) != before.end()) continue;
      ASSIGN_OR_RETURN(const std::optional<TermId> predicate, store.Lookup(Term::Iri(iri)));
      if (!predicate.has_value() || (*predicate & kPayloadMask) > rollback.before(TermTag::kIri)) continue;
      Pattern pattern;
      pattern.ids.p = *predicate;
      for (auto cursor = store.OpenCursor(pattern, true); cursor->Valid(); cursor->Next()) {
        if (TagOf(cursor->quad().o) != TermTag::kLiteral) continue;
        ASSIGN_OR_RETURN(Term literal, store.Resolve(cursor->quad().o));
        text.AddKnown(cursor->quad().o, std::move(literal.value));
      }
    }
    return text.IndexKnown([&](TermId literal) -> absl::StatusOr<bool> {
      std::string ignored;
      const absl::Status unit = store.Get(kText, TextUnitKey(literal), &ignored, nullptr, "text index");
      if (absl::IsNotFound(unit)) return false;
      RETURN_IF_ERROR(unit);
      return true;
    });
  }
  bool AddsTextPredicates() const { return text.predicates() != store.text_settings()->added_predicates; }
  std::string RunPath(int run, Permutation permutation) const {
    return dir + "/run-" + std::to_string(run) + "." + kFamilyNames[FamilyOf(permutation)];
  }

  QuadStore& store;
  BulkLoadOptions options;
  std::unique_lock<std::mutex> lock;
  SequenceRollback rollback;
  Encoder encoder;
  std::string dir;  // temporary: runs and SST files before ingestion
  std::vector<Row> quads;  // the current run, in buffer order
  NameCollector names;     // held in memory for the whole load, like new terms
  TextCollector text;      // the same
  int runs = 0;
  bool store_has_quads = false;
  bool finished = false;
};

absl::Status QuadStore::BulkLoad::State::BuildIndex(
    Permutation permutation, RowSource& rows, IndexCounts* counts,
    std::vector<rocksdb::IngestExternalFileArg>* args) {
  const int family = FamilyOf(permutation);
  SstFile file(family, store.families_[family], dir + "/" + kFamilyNames[family] + ".sst");
  const bool spog = permutation == Permutation::kSpog;
  const bool posg = permutation == Permutation::kPosg;
  const bool gspo = permutation == Permutation::kGspo;
  // Into an empty store every quad is new, so quads per predicate and per
  // graph are counted where that id leads the key (posg, gspo) and changes
  // seldom; otherwise only spog, which sees which quads are new, can count.
  const bool count_in_spog = store_has_quads;
  // (s, p) pairs in spog and (p, o) pairs in posg are the first two ids, so
  // a new pair is a change in them; the store is asked whether it had it.
  ForwardProbe quad_probe(store.db_.get(), store.families_[family]);
  ForwardProbe pair_probe(store.db_.get(), store.families_[family]);
  bool first = true;
  Row last{};
  // Looked up again only when the id changes.
  PredicateStats* predicate = nullptr;
  TermId predicate_id = kNoTerm;
  const auto predicate_stats = [&](TermId id) -> PredicateStats& {
    if (predicate == nullptr || predicate_id != id) {
      predicate = &counts->predicates[id];
      predicate_id = id;
    }
    return *predicate;
  };
  std::uint64_t* graph = nullptr;
  TermId graph_id = kNoTerm;
  while (const Row* row = rows.Next()) {
    const Row r = *row;
    if (!first && r == last) continue;
    const bool new_pair = first || r[0] != last[0] || r[1] != last[1];
    first = false;
    last = r;
    const QuadKey key = EncodeOrderedKey(r);
    if (spog) {
      if (store_has_quads && quad_probe.HasPrefix(Slice(key))) continue;
      ++counts->added;
      if (count_in_spog) {
        ++predicate_stats(r[1]).quads;
        ++counts->graphs[r[3]];
      }
      if (new_pair && !(store_has_quads && pair_probe.HasPrefix({key.data(), 16}))) {
        ++predicate_stats(r[1]).distinct_subjects;
      }
    } else if (posg) {
      if (!count_in_spog) ++predicate_stats(r[0]).quads;
      if (new_pair && !(store_has_quads && pair_probe.HasPrefix({key.data(), 16}))) {
        ++predicate_stats(r[0]).distinct_objects;
      }
    } else if (gspo && !count_in_spog) {
      if (graph == nullptr || graph_id != r[0]) {
        graph = &counts->graphs[r[0]];
        graph_id = r[0];
      }
      ++*graph;
    }
    RETURN_IF_ERROR(file.Put(Slice(key), rocksdb::Slice()));
  }
  RETURN_IF_ERROR(rows.status());
  RETURN_IF_ERROR(quad_probe.status());
  RETURN_IF_ERROR(pair_probe.status());
  return file.Finish(args);
}

absl::Status QuadStore::BulkLoad::State::WriteStr2Id(
    std::vector<rocksdb::IngestExternalFileArg>* args) {
  // Keys share long prefixes (a namespace, a datatype), so comparing them
  // means reading each string from wherever it lives. Most comparisons are
  // settled by the first 24 bytes, kept in the entry as integers whose order
  // is byte order.
  struct Entry {
    std::array<std::uint64_t, 3> head;
    std::string_view key;
    TermId id;
  };
  std::vector<Entry> entries;
  entries.reserve(encoder.terms().fresh_count());
  encoder.terms().ForEachFresh([&](std::string_view key, TermId id) {
    Entry entry{{}, key, id};
    for (std::size_t word = 0; word < 3; ++word) {
      for (std::size_t b = 0; b < 8; ++b) {
        const std::size_t i = word * 8 + b;
        entry.head[word] = (entry.head[word] << 8) |
                           (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
      }
    }
    entries.push_back(entry);
  });
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.head != b.head) return a.head < b.head;
    return a.key < b.key;
  });
  SstFile file(kStr2Id, store.families_[kStr2Id], dir + "/str2id.sst");
  for (const Entry& entry : entries) RETURN_IF_ERROR(file.Put(Slice(entry.key), EncodeU64(entry.id)));
  return file.Finish(args);
}

absl::Status QuadStore::BulkLoad::State::WriteId2Str(
    std::vector<rocksdb::IngestExternalFileArg>* args) {
  // New ids of one tag are consecutive, so each entry's place in id order is
  // known without sorting.
  std::array<std::size_t, 5> first_slot{};
  std::size_t total = 0;
  for (int tag = 0; tag < 5; ++tag) {
    first_slot[static_cast<std::size_t>(tag)] = total;
    total += store.next_sequence_[tag] - rollback.before(static_cast<TermTag>(tag));
  }
  std::vector<std::string_view> by_id(total);
  std::vector<bool> present(total, false);
  encoder.terms().ForEachFresh([&](std::string_view key, TermId id) {
    const auto tag = static_cast<std::size_t>(TagOf(id));
    const std::size_t slot = first_slot[tag] + (id & kPayloadMask) - rollback.before(TagOf(id)) - 1;
    by_id[slot] = key;
    present[slot] = true;
  });
  SstFile file(kId2Str, store.families_[kId2Str], dir + "/id2str.sst");
  std::size_t slot = 0;
  for (int tag = 0; tag < 5; ++tag) {
    for (std::uint64_t sequence = rollback.before(static_cast<TermTag>(tag)) + 1;
         sequence <= store.next_sequence_[tag]; ++sequence, ++slot) {
      // Blank nodes have ids but no dictionary entry.
      if (!present[slot]) continue;
      const TermId id = MakeId(static_cast<TermTag>(tag), sequence);
      RETURN_IF_ERROR(file.Put(EncodeU64(id), Slice(by_id[slot])));
    }
  }
  return file.Finish(args);
}

QuadStore::BulkLoad::BulkLoad(QuadStore& store, const BulkLoadOptions& options)
    : state_(std::make_unique<State>(store, options)) {}

QuadStore::BulkLoad::~BulkLoad() = default;

std::unique_ptr<QuadStore::BulkLoad> QuadStore::StartBulkLoad(const BulkLoadOptions& options) {
  return std::unique_ptr<BulkLoad>(new BulkLoad(*this, options));
}

int QuadStore::BulkLoad::spilled_runs() const { return state_->runs; }

void QuadStore::BulkLoad::NewBlankNodeScope() { state_->encoder.NewBlankNodeScope(); }

absl::Status QuadStore::BulkLoad::Add(const Quad& quad) { return Add(std::span<const Quad>(&quad, 1)); }

absl::Status QuadStore::BulkLoad::Add(std::span<const Quad> quads) {
  State& st = *state_;
  if (st.finished) return absl::FailedPreconditionError("bulk load: Add after Finish");
  const std::size_t start = st.quads.size();
  st.quads.resize(start + quads.size());
  const absl::Status encoded =
      st.encoder.EncodeQuads(quads, std::span<Row>(st.quads).subspan(start));
  if (!encoded.ok()) {
    st.quads.resize(start);
    return encoded;
  }
  for (std::size_t i = 0; i < quads.size(); ++i) {
    const Row& row = st.quads[start + i];
    const QuadIds ids{row[0], row[1], row[2], row[3]};
    st.names.Add(quads[i], ids);
    st.text.Add(quads[i], ids, (ids.o & kPayloadMask) > st.rollback.before(TermTag::kLiteral));
  }
  // Sorting needs a second copy of the run; the dictionary of new terms
  // shares the budget but cannot be spilled, so runs never get tiny.
  constexpr std::size_t kMinRunRows = 1 << 16;
  if (st.quads.size() >= kMinRunRows &&
      st.quads.size() * 2 * sizeof(Row) + st.encoder.bytes() >= st.options.memory_bytes) {
    return SpillRun();
  }
  return absl::OkStatus();
}

absl::Status QuadStore::BulkLoad::SpillRun() {
  State& st = *state_;
  if (st.runs == 0) RETURN_IF_ERROR(st.CreateTemporaryDirectory());
  const int run = st.runs++;
  const ConsumeSorted write = [&](Permutation permutation, std::span<const Row> rows) {
    return WriteRun(st.RunPath(run, permutation), rows);
  };
  std::vector<Row> copy = st.quads;
  // The sort and write work of a load splits into two halves of about the same size.
  RETURN_IF_ERROR(RunOnTwoThreads({[&] { return SortEach(st.quads, kFirstHalf, write); },
                                   [&] { return SortEach(copy, kSecondHalf, write); }}));
  st.quads.clear();
  return absl::OkStatus();
}

absl::StatusOr<std::uint64_t> QuadStore::BulkLoad::Finish() {
  State& st = *state_;
  if (st.finished) return absl::FailedPreconditionError("bulk load: Finish called twice");
  absl::StatusOr<std::uint64_t> added = FinishLocked();
  // Give the write lock back now, not when the object goes: the caller may
  // write again right away. Unused ids go back first.
  st.rollback.Release();
  st.lock.unlock();
  st.finished = true;
  return added;
}

absl::StatusOr<std::uint64_t> QuadStore::BulkLoad::FinishLocked() {
  State& st = *state_;
  QuadStore& store = st.store;
  if (st.quads.empty() && st.runs == 0) return 0;
  const rocksdb::ReadOptions read;
  std::uint64_t total = 0;
  {
    std::string value;
    const rocksdb::Status s = store.db_->Get(read, store.families_[kStats], "T", &value);
    if (s.ok()) total = DecodeU64(value);
    else if (!s.IsNotFound()) return ToStatus(s, "statistics");
  }
  st.store_has_quads = total > 0;

  std::array<IndexCounts, 4> counts;
  std::array<std::vector<rocksdb::IngestExternalFileArg>, 4> index_files;
  const ConsumeSorted build_sorted = [&](Permutation permutation, std::span<const Row> rows) {
    SpanSource source(rows);
    return st.BuildIndex(permutation, source, &counts[static_cast<std::size_t>(permutation)],
                         &index_files[static_cast<std::size_t>(permutation)]);
  };
  const auto build_merged = [&](std::span<const Permutation> permutations) {
    // Two merges at a time, each reading every run through its own buffer.
    const std::size_t buffer_rows = std::clamp<std::size_t>(
        st.options.memory_bytes / (2 * static_cast<std::size_t>(st.runs) * sizeof(Row)), 1024,
        1 << 16);
    for (const Permutation permutation : permutations) {
      std::vector<std::string> paths;
      for (int run = 0; run < st.runs; ++run) paths.push_back(st.RunPath(run, permutation));
      MergeSource source(paths, buffer_rows);
      const auto i = static_cast<std::size_t>(permutation);
      RETURN_IF_ERROR(st.BuildIndex(permutation, source, &counts[i], &index_files[i]));
    }
    return absl::OkStatus();
  };
  // Two threads share the work: the permutations in two halves, the two
  // sides of the dictionary, the name and text indexes.
  std::vector<rocksdb::IngestExternalFileArg> str2id_file, id2str_file, names_file, text_file;
  RETURN_IF_ERROR(st.IndexKnownText());
  std::vector<Row> copy;
  if (st.runs == 0) {
    RETURN_IF_ERROR(st.CreateTemporaryDirectory());
    copy = st.quads;
  } else {
    if (!st.quads.empty()) RETURN_IF_ERROR(SpillRun());
    std::vector<Row>().swap(st.quads);
  }
  const bool merge = st.runs > 0;
  RETURN_IF_ERROR(RunOnTwoThreads({
      [&] { return merge ? build_merged(kFirstHalf) : SortEach(st.quads, kFirstHalf, build_sorted); },
      [&] { return merge ? build_merged(kSecondHalf) : SortEach(copy, kSecondHalf, build_sorted); },
      [&] { return st.WriteText(&text_file); },
      [&] { return st.WriteStr2Id(&str2id_file); },
      [&] { return st.WriteId2Str(&id2str_file); },
      [&] { return st.WriteNames(&names_file); },
  }));
  const IndexCounts& spog = counts[static_cast<std::size_t>(Permutation::kSpog)];
  const bool adds_text_predicates = st.AddsTextPredicates();
  if (spog.added == 0 && text_file.empty() && !adds_text_predicates) return 0;

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto* files : {&index_files[0], &index_files[1], &index_files[2], &index_files[3],
                      &str2id_file, &id2str_file, &names_file, &text_file}) {
    for (auto& file : *files) args.push_back(std::move(file));
  }

  // Statistics and id counters go in the same ingestion, so the load is one step.
  std::map<std::string, std::string> stats;
  const auto old_counts = [&](const std::string& key, std::size_t n) -> absl::StatusOr<std::vector<std::uint64_t>> {
    std::vector<std::uint64_t> values(n, 0);
    std::string value;
    const rocksdb::Status s = store.db_->Get(read, store.families_[kStats], key, &value);
    if (s.ok()) {
      for (std::size_t i = 0; i < n; ++i) values[i] = DecodeU64(value, 8 * i);
    } else if (!s.IsNotFound()) {
      return ToStatus(s, "statistics");
    }
    return values;
  };
  stats["T"] = EncodeU64(total + spog.added);
  std::map<TermId, PredicateStats> predicates;
  // Each pass counted its own fields; together they are the statistics.
  std::map<TermId, std::uint64_t> graphs;
  for (const IndexCounts& pass : counts) {
    for (const auto& [id, delta] : pass.predicates) {
      PredicateStats& sum = predicates[id];
      sum.quads += delta.quads;
      sum.distinct_subjects += delta.distinct_subjects;
      sum.distinct_objects += delta.distinct_objects;
    }
    for (const auto& [id, delta] : pass.graphs) graphs[id] += delta;
  }
  for (const auto& [predicate, delta] : predicates) {
    const std::string key = "P" + EncodeU64(predicate);
    ASSIGN_OR_RETURN(const auto old, old_counts(key, 3));
    stats[key] = EncodeU64(old[0] + delta.quads) + EncodeU64(old[1] + delta.distinct_subjects) +
                 EncodeU64(old[2] + delta.distinct_objects);
  }
  for (const auto& [graph, delta] : graphs) {
    const std::string key = "G" + EncodeU64(graph);
    ASSIGN_OR_RETURN(const auto old, old_counts(key, 1));
    stats[key] = EncodeU64(old[0] + delta);
  }
  SstFile stats_file(kStats, store.families_[kStats], st.dir + "/stats.sst");
  for (const auto& [key, value] : stats) RETURN_IF_ERROR(stats_file.Put(key, value));
  RETURN_IF_ERROR(stats_file.Finish(&args));
  SstFile meta(kMeta, store.families_[kMeta], st.dir + "/meta.sst");
  for (int tag = 1; tag <= 4; ++tag) {
    RETURN_IF_ERROR(meta.Put("next/" + std::to_string(tag), EncodeU64(store.next_sequence_[tag])));
  }
  if (adds_text_predicates) RETURN_IF_ERROR(meta.Put(kTextPredicatesKey, SerializePredicates(st.text.predicates())));
  RETURN_IF_ERROR(meta.Finish(&args));

  const rocksdb::Status ingested = store.db_->IngestExternalFiles(args);
  store.ForgetReadCaches();
  RETURN_IF_ERROR(ToStatus(ingested, "bulk load"));
  st.rollback.Commit();
  if (adds_text_predicates) RETURN_IF_ERROR(store.LoadTextSettings());
  return spog.added;
}

}  // namespace relata::storage
