// RocksDB layout: column families "default" (format version, id counters),
// "str2id", "id2str", "spog", "posg", "ospg", "gspo" (32-byte keys, empty
// values), "stats" and "names" (name_index.h). An ordinary write is one WriteBatch across them; a
// bulk load (bulk_load.cc) is one ingestion of SST files across them.
#include "storage/quad_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "storage/store_internal.h"

namespace relata::storage {
namespace {
constexpr char kFormatKey[] = "format";
}  // namespace

std::optional<TermId> StoredBlankId(std::string_view label) {
  if (label.size() < 2 || label.size() > 20 || label[0] != 'b') return std::nullopt;
  std::uint64_t n = 0;
  for (const char c : label.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n == 0 || n > kPayloadMask) return std::nullopt;
  return MakeId(TermTag::kBlank, n);
}

absl::Status ToStatus(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = context + ": " + s.ToString();
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsIOError()) return absl::UnavailableError(message);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

std::string EncodeU64(std::uint64_t v) {
  std::string out;
  AppendBigEndian(v, &out);
  return out;
}

rocksdb::ColumnFamilyOptions FamilyOptions(int family, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions options;
  options.compression = rocksdb::kLZ4Compression;
  options.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions table;
  // Quad keys are scanned in ranges, so big blocks compress best and cost
  // little; dictionary entries are read one at a time.
  const bool dictionary = family == kStr2Id || family == kId2Str;
  table.block_size = dictionary ? 16 << 10 : 64 << 10;
  // Blocks are ZSTD-compressed on disk: without a cache big enough for the
  // working set, every probe of a join would decompress a block again.
  if (cache != nullptr) table.block_cache = cache;
  // Lookups by string often miss (a term new to the store); by id they never do.
  if (family == kStr2Id) table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Joins probe whether a triple (s, p, o) exists in any graph, and most such
  // probes miss: a bloom filter on the 24-byte (s, p, o) prefix of spog keys
  // answers those without reading a block.
  if (family == kSpog) {
    options.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kTriplePrefixBytes));
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = false;
  }
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

QuadStore::Encoder::Encoder(QuadStore& store)
    : store_(store),
      store_has_terms_(std::any_of(std::begin(store.next_sequence_), std::end(store.next_sequence_),
                                   [](std::uint64_t n) { return n != 0; })) {}

absl::StatusOr<TermId> QuadStore::Encoder::Encode(const Term& term) {
  if (term.IsBlank()) {
    const auto [it, inserted] = blanks_.try_emplace(ToAbsl(term.value), 0);
    if (inserted) it->second = MakeId(TermTag::kBlank, ++store_.next_sequence_[CounterSlot(TermTag::kBlank)]);
    return it->second;
  }
  if (const auto inline_id = InlineId(term)) return *inline_id;
  if (term.IsTriple()) {
    TermId parts[3];
    for (int i = 0; i < 3; ++i) {
      ASSIGN_OR_RETURN(parts[i], Encode(term.triple[static_cast<std::size_t>(i)]));
    }
    const std::string key = TripleKey(parts[0], parts[1], parts[2]);
    return EncodeKey(key, TermTable::Hash(key), TermTag::kTriple);
  }
  key_.clear();
  AppendDictionaryKey(term, &key_);
  return EncodeKey(key_, TermTable::Hash(key_), term.IsIri() ? TermTag::kIri : TermTag::kLiteral);
}

absl::Status QuadStore::Encoder::EncodeQuads(std::span<const Quad> quads,
                                             std::span<std::array<TermId, 4>> out) {
  // First every dictionary key of the batch and its hash, then the lookups,
  // each starting the memory loads of the ones a little further ahead: the
  // table outgrows the caches, and overlapping its misses is most of the
  // speed of a load.
  batch_keys_.clear();
  pending_.clear();
  for (std::size_t i = 0; i < quads.size(); ++i) {
    const Quad& quad = quads[i];
    const Term* terms[4] = {&quad.subject, &quad.predicate, &quad.object,
                            quad.InDefaultGraph() ? nullptr : &quad.graph};
    for (std::size_t c = 0; c < 4; ++c) {
      TermId& id = out[i][c];
      const Term* term = terms[c];
      if (term == nullptr) {
        id = kNoTerm;
      } else if (term->IsBlank() || term->IsTriple()) {
        ASSIGN_OR_RETURN(id, Encode(*term));
      } else if (const auto inline_id = InlineId(*term)) {
        id = *inline_id;
      } else {
        const std::size_t offset = batch_keys_.size();
        AppendDictionaryKey(*term, &batch_keys_);
        const std::size_t size = batch_keys_.size() - offset;
        pending_.push_back({offset, size, TermTable::Hash(std::string_view(batch_keys_).substr(offset, size)),
                            term->IsIri() ? TermTag::kIri : TermTag::kLiteral, &id});
      }
    }
  }
  constexpr std::size_t kSlotAhead = 16, kKeyAhead = 8;
  const std::size_t n = pending_.size();
  for (std::size_t k = 0; k < n; ++k) {
    if (k + kSlotAhead < n) terms_.PrefetchSlot(pending_[k + kSlotAhead].hash);
    if (k + kKeyAhead < n) terms_.PrefetchKey(pending_[k + kKeyAhead].hash);
    const PendingKey& pending = pending_[k];
    ASSIGN_OR_RETURN(*pending.id,
                     EncodeKey(std::string_view(batch_keys_).substr(pending.offset, pending.size),
                               pending.hash, pending.tag));
  }
  return absl::OkStatus();
}

absl::StatusOr<TermId> QuadStore::Encoder::EncodeKey(std::string_view key, std::uint64_t hash,
                                                     TermTag tag) {
  if (const TermId id = terms_.Find(key, hash); id != kNoTerm) return id;
  if (store_has_terms_) {
    std::string value;
    const rocksdb::Status s =
        store_.db_->Get(rocksdb::ReadOptions(), store_.families_[kStr2Id], Slice(key), &value);
    if (s.ok()) {
      const TermId id = DecodeU64(value);
      terms_.Insert(key, hash, id, /*fresh=*/false);
      return id;
    }
    if (!s.IsNotFound()) return ToStatus(s, "dictionary lookup");
  }
  const TermId id = MakeId(tag, ++store_.next_sequence_[CounterSlot(tag)]);
  terms_.Insert(key, hash, id, /*fresh=*/true);
  if (on_fresh_) on_fresh_(key, id);
  return id;
}

class QuadStore::DictionaryCache {
 public:
  // Reads through a transaction's view may see ids the transaction gives
  // back on rollback: only reads of committed data are kept.
  static bool Cacheable(const Snapshot* view) { return view == nullptr || view->pending_ == nullptr; }

  std::optional<Term> FindTerm(TermId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = terms_.find(id);
    if (it == terms_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<TermId> FindId(std::string_view key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = ids_.find(ToAbsl(key));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  // Looks up many ids under one lock; fills the terms found and returns the
  // positions of the others.
  std::vector<std::size_t> FindTerms(std::span<const TermId> ids, std::span<const std::size_t> positions,
                                     std::vector<Term>& terms) {
    std::vector<std::size_t> missing;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const std::size_t i : positions) {
      const auto it = terms_.find(ids[i]);
      if (it == terms_.end()) {
        missing.push_back(i);
      } else {
        terms[i] = it->second;
      }
    }
    return missing;
  }
  void Put(TermId id, const Term& term) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (terms_.size() >= kMostEntries) terms_.clear();
    terms_.try_emplace(id, term);
  }
  // The terms one batch read from the store, under one lock, while they fit.
  // Emptying a full cache for every batch would let one result bigger than
  // the cache empty and refill it at every run, costing more than the cache
  // saves; once a whole cache's worth of terms was turned away, though, what
  // it holds is no longer what queries read, and it starts over.
  void PutBatch(std::span<const TermId> ids, std::span<const std::size_t> positions,
                const std::vector<Term>& terms) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (terms_.size() + positions.size() > kMostEntries) {
      turned_away_ += positions.size();
      if (turned_away_ < kMostEntries) return;
      terms_.clear();
      turned_away_ = 0;
    }
    for (const std::size_t i : positions) terms_.try_emplace(ids[i], terms[i]);
  }
  void Put(std::string_view key, TermId id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ids_.size() >= kMostEntries) ids_.clear();
    ids_.try_emplace(std::string(key), id);
  }

 private:
  static constexpr std::size_t kMostEntries = std::size_t{1} << 16;  // each way; then start over
  std::mutex mutex_;
  absl::flat_hash_map<TermId, Term> terms_;
  std::size_t turned_away_ = 0;  // terms PutBatch had no room for since the cache last started over
  absl::flat_hash_map<std::string, TermId> ids_;
};

QuadStore::QuadStore() : dictionary_cache_(std::make_unique<DictionaryCache>()) {}

QuadStore::~QuadStore() {
  ForgetReadCaches();  // their snapshot and iterators must go before the database
  for (auto* handle : families_) db_->DestroyColumnFamilyHandle(handle);
  families_.clear();
}

// RocksDB before 8.3 starts a write-ahead log at every open and keeps the
// previous one while no memtable was flushed since, even when it is empty
// (facebook/rocksdb#11313): each open of a store only read left one more
// file behind. An empty log older than the current one holds nothing to
// recover; the open holds the store's lock, so no other process writes it.
absl::Status QuadStore::DeleteEmptyOldWals() {
  std::unique_ptr<rocksdb::LogFile> current;
  RETURN_IF_ERROR(ToStatus(db_->GetCurrentWalFile(&current), path_ + ": write-ahead logs"));
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(path_, error)) {
    const std::string name = entry.path().filename().string();
    std::uint64_t number = 0;
    const auto [end, parsed] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (parsed != std::errc() || std::string_view(end) != ".log" || number >= current->LogNumber()) continue;
    std::error_code ignored;  // a log that is not empty, or already gone, stays as it is
    if (entry.file_size(ignored) == 0) std::filesystem::remove(entry.path(), ignored);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<QuadStore>> QuadStore::Open(const std::string& path, bool create) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (!exists && !create) return absl::NotFoundError(path + ": no such store");
  if (exists) {
    if (!fs::is_directory(path, ec)) return absl::FailedPreconditionError(path + ": not a directory");
    const bool empty = fs::is_empty(path, ec);
    if (!empty && !fs::exists(fs::path(path) / "CURRENT", ec)) {
      return absl::FailedPreconditionError(path + ": not a relata store (no RocksDB files)");
    }
  }
  if (exists) {
    // A load killed before its ingestion leaves only its temporary files.
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.path().filename().string().rfind("bulk-load-", 0) == 0) fs::remove_all(entry.path(), ec);
    }
  }
  const bool fresh = !exists || fs::is_empty(path, ec);
  if (!fresh) {
    std::vector<std::string> names;
    RETURN_IF_ERROR(ToStatus(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names),
                             path + ": cannot read the store (damaged?)"));
    const auto has = [&](std::string_view name) { return std::find(names.begin(), names.end(), name) != names.end(); };
    for (const char* name : kFamilyNames) {
      if (has(name)) continue;
      // Quads without a family this build added since: an older store.
      if (has(kFamilyNames[kSpog])) {
        return absl::FailedPreconditionError(path + ": written by an older relata (no column family '" + name +
                                             "'; this build reads " + std::string(kFormatVersion) +
                                             "): load its data into a new store");
      }
      return absl::FailedPreconditionError(path + ": not a relata store (no column family '" + name + "')");
    }
  }
  rocksdb::DBOptions options;
  options.create_if_missing = fresh;
  options.create_missing_column_families = fresh;
  options.paranoid_checks = true;
  // Every open starts an info log and moves the last one aside: a shell
  // opened a thousand times would keep a thousand of them.
  options.keep_log_file_num = 4;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  // One cache for all column families: a cache, not a reservation, so it
  // only grows with what queries read.
  const auto cache = rocksdb::NewLRUCache(std::size_t{1} << 30);
  for (int i = 0; i < kFamilyCount; ++i) descriptors.emplace_back(kFamilyNames[i], FamilyOptions(i, cache));
  auto store = std::unique_ptr<QuadStore>(new QuadStore());
  store->path_ = path;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, path, descriptors, &store->families_, &raw);
  store->db_.reset(raw);
  RETURN_IF_ERROR(ToStatus(s, path + ": cannot open the store"));
  RETURN_IF_ERROR(store->DeleteEmptyOldWals());

  std::string version;
  const rocksdb::Status v = store->db_->Get(rocksdb::ReadOptions(), kFormatKey, &version);
  if (v.IsNotFound() && fresh) {
    RETURN_IF_ERROR(ToStatus(store->db_->Put(rocksdb::WriteOptions(), kFormatKey,
                                             std::string(kFormatVersion)),
                             path));
  } else if (v.IsNotFound()) {
    return absl::FailedPreconditionError(path + ": not a relata store (no format version)");
  } else {
    RETURN_IF_ERROR(ToStatus(v, path));
    if (version != kFormatVersion) {
      const auto number = [](std::string_view format) {
        const std::size_t dash = format.rfind('-');
        return dash == std::string_view::npos ? 0 : std::atoi(std::string(format.substr(dash + 1)).c_str());
      };
      if (version.starts_with("relata-quads-") && number(version) > number(kFormatVersion)) {
        return absl::FailedPreconditionError(path + ": written by a newer relata (store format " + version +
                                             "; this build reads " + std::string(kFormatVersion) +
                                             "): open it with that version");
      }
      return absl::FailedPreconditionError(path + ": unknown store format '" + version +
                                           "' (this build reads " + std::string(kFormatVersion) +
                                           ")");
    }
  }
  for (int tag = 1; tag <= 4; ++tag) {
    std::string value;
    const rocksdb::Status c =
        store->db_->Get(rocksdb::ReadOptions(), "next/" + std::to_string(tag), &value);
    if (c.ok()) store->next_sequence_[tag] = DecodeU64(value);
  }
  return store;
}

absl::StatusOr<std::uint64_t> QuadStore::Insert(std::span<const Quad> quads) {
  const std::unique_ptr<Transaction> transaction = BeginTransaction();
  std::uint64_t added = 0;
  for (const Quad& quad : quads) {
    ASSIGN_OR_RETURN(const bool inserted, transaction->Insert(quad));
    added += inserted ? 1 : 0;
  }
  RETURN_IF_ERROR(transaction->Commit().status());
  return added;
}

absl::Status QuadStore::Get(int family, std::string_view key, std::string* value, const Snapshot* view,
                            const std::string& context) const {
  rocksdb::ReadOptions options;
  if (view != nullptr) options.snapshot = view->snapshot_;
  const rocksdb::Status s =
      view != nullptr && view->pending_ != nullptr
          ? view->pending_
                ->GetFromBatchAndDB(db_.get(), options, families_[family], Slice(key), value)
          : db_->Get(options, families_[family], Slice(key), value);
  return ToStatus(s, context);
}

absl::StatusOr<std::optional<TermId>> QuadStore::Lookup(const Term& term, const Snapshot* view) const {
  if (term.IsBlank()) return std::optional<TermId>();
  if (const auto inline_id = InlineId(term)) return inline_id;
  std::string key;
  if (term.IsTriple()) {
    TermId parts[3];
    for (int i = 0; i < 3; ++i) {
      ASSIGN_OR_RETURN(const auto part, Lookup(term.triple[static_cast<std::size_t>(i)], view));
      if (!part.has_value()) return std::optional<TermId>();
      parts[i] = *part;
    }
    key = TripleKey(parts[0], parts[1], parts[2]);
  } else {
    key = DictionaryKey(term);
  }
  const bool cacheable = DictionaryCache::Cacheable(view);
  if (cacheable) {
    if (const auto cached = dictionary_cache_->FindId(key)) return cached;
  }
  std::string value;
  const absl::Status s = Get(kStr2Id, key, &value, view, "dictionary lookup");
  if (absl::IsNotFound(s)) return std::optional<TermId>();  // may come later: not kept
  RETURN_IF_ERROR(s);
  const TermId id = DecodeU64(value);
  if (cacheable) dictionary_cache_->Put(key, id);
  return std::optional<TermId>(id);
}

absl::StatusOr<QuadIds> QuadStore::TripleParts(TermId id, const Snapshot* view) const {
  std::string key;
  RETURN_IF_ERROR(Get(kId2Str, EncodeU64(id), &key, view, "term " + std::to_string(id)));
  if (key.size() != 25 || key[0] != 'R') {
    return absl::DataLossError("term " + std::to_string(id) + " is not a triple term");
  }
  return QuadIds{.s = DecodeU64(key, 1), .p = DecodeU64(key, 9), .o = DecodeU64(key, 17)};
}

absl::StatusOr<Term> QuadStore::Resolve(TermId id, const Snapshot* view) const {
  if (IsInline(id)) return DecodeInline(id);
  if (TagOf(id) == TermTag::kBlank) return Term::Blank("b" + std::to_string(id & kPayloadMask));
  const bool cacheable = DictionaryCache::Cacheable(view);
  if (cacheable) {
    if (auto cached = dictionary_cache_->FindTerm(id)) return *std::move(cached);
  }
  std::string entry;
  RETURN_IF_ERROR(Get(kId2Str, EncodeU64(id), &entry, view, "term " + std::to_string(id)));
  ASSIGN_OR_RETURN(Term term, TermFromEntry(id, entry, view));
  if (cacheable) dictionary_cache_->Put(id, term);
  return term;
}

absl::StatusOr<Term> QuadStore::TermFromEntry(TermId id, std::string_view entry, const Snapshot* view) const {
  const std::string_view body = entry.substr(1);
  switch (entry[0]) {
    case 'I': return Term::Iri(body);
    case 'S': return Term::Literal(body);
    case 'T': {
      const auto nul = body.find('\0');
      return Term::Literal(body.substr(nul + 1), body.substr(0, nul));
    }
    case 'L': {
      const auto first = body.find('\0');
      const auto second = body.find('\0', first + 1);
      return Term::LangLiteral(body.substr(second + 1), body.substr(0, first),
                               body.substr(first + 1, second - first - 1));
    }
    case 'R': {
      Term parts[3];
      for (int i = 0; i < 3; ++i) {
        ASSIGN_OR_RETURN(parts[i], Resolve(DecodeU64(body, 8 * static_cast<std::size_t>(i)), view));
      }
      return Term::Triple(std::move(parts[0]), std::move(parts[1]), std::move(parts[2]));
    }
  }
  return absl::DataLossError("term " + std::to_string(id) + ": unknown dictionary entry");
}

absl::StatusOr<std::vector<Term>> QuadStore::ResolveMany(std::span<const TermId> ids,
                                                         const Snapshot* view) const {
  std::vector<Term> terms(ids.size());
  // Dictionary reads in id order through one batched MultiGet.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (IsInline(ids[i])) {
      terms[i] = DecodeInline(ids[i]);
    } else if (TagOf(ids[i]) == TermTag::kBlank) {
      terms[i] = Term::Blank("b" + std::to_string(ids[i] & kPayloadMask));
    } else {
      order.push_back(i);
    }
  }
  const bool cacheable = DictionaryCache::Cacheable(view);
  if (cacheable) order = dictionary_cache_->FindTerms(ids, order, terms);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  std::vector<std::string> keys(order.size());
  std::vector<rocksdb::Slice> slices(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    keys[k] = EncodeU64(ids[order[k]]);
    slices[k] = keys[k];
  }
  std::vector<rocksdb::PinnableSlice> values(order.size());
  std::vector<rocksdb::Status> statuses(order.size());
  rocksdb::ReadOptions options;
  if (view != nullptr) options.snapshot = view->snapshot_;
  if (view != nullptr && view->pending_ != nullptr) {
    view->pending_
        ->MultiGetFromBatchAndDB(db_.get(), options, families_[kId2Str], order.size(), slices.data(),
                                 values.data(), statuses.data(), /*sorted_input=*/true);
  } else {
    db_->MultiGet(options, families_[kId2Str], order.size(), slices.data(), values.data(), statuses.data(),
                  /*sorted_input=*/true);
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    const TermId id = ids[order[k]];
    RETURN_IF_ERROR(ToStatus(statuses[k], "term " + std::to_string(id)));
    ASSIGN_OR_RETURN(terms[order[k]],
                     TermFromEntry(id, std::string_view(values[k].data(), values[k].size()), view));
  }
  if (cacheable) dictionary_cache_->PutBatch(ids, order, terms);
  return terms;
}

namespace {

BoundMask BoundOf(const QuadStore::Pattern& pattern) {
  return {.s = pattern.ids.s != kNoTerm, .p = pattern.ids.p != kNoTerm, .o = pattern.ids.o != kNoTerm,
          .g = pattern.graph_bound};
}

}  // namespace

absl::Status QuadStore::Scan(const Pattern& pattern, bool distinct_triples,
                             const std::function<bool(const QuadIds&)>& visit) const {
  const QuadIds& want = pattern.ids;
  const BoundMask bound = BoundOf(pattern);
  int prefix_components = 0;
  const Permutation permutation = ChoosePermutation(bound, &prefix_components);
  const QuadKey start = EncodeQuadKey(permutation, want);
  const rocksdb::Slice prefix(start.data(), static_cast<std::size_t>(prefix_components) * 8);
  const bool dedupe = distinct_triples && !pattern.graph_bound;

  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(TotalOrder(), families_[kSpog + static_cast<int>(permutation)]));
  bool have_previous = false;
  QuadIds previous;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const QuadIds q = DecodeQuadKey(permutation, std::string_view(it->key().data(), it->key().size()));
    if ((bound.s && q.s != want.s) || (bound.p && q.p != want.p) || (bound.o && q.o != want.o) ||
        (bound.g && q.g != want.g)) {
      continue;
    }
    if (dedupe && have_previous && q.s == previous.s && q.p == previous.p && q.o == previous.o) {
      continue;
    }
    previous = q;
    have_previous = true;
    if (!visit(q)) break;
  }
  return ToStatus(it->status(), "scan");
}

void NameCollector::Add(const Quad& quad, const QuadIds& ids) {
  if (!quad.object.IsLiteral()) return;
  auto [it, inserted] = kind_of_predicate_.try_emplace(ids.p, 0);
  if (inserted) {
    if (const auto kind = NamePredicateKind(quad.predicate.value)) it->second = static_cast<char>(*kind);
  }
  if (it->second == 0) return;
  for (std::string& key : NameIndexKeys(quad.object.value, ids.s)) {
    entries_.emplace_back(std::move(key), it->second);
  }
}

std::vector<std::pair<std::string, char>> NameCollector::Take() {
  std::sort(entries_.begin(), entries_.end());
  // The same name as a label and as an alias: the label wins, as 'A' < 'L'
  // sorts it last.
  std::vector<std::pair<std::string, char>> unique;
  for (auto& entry : entries_) {
    if (!unique.empty() && unique.back().first == entry.first) {
      unique.back().second = entry.second;
    } else {
      unique.push_back(std::move(entry));
    }
  }
  entries_.clear();
  return unique;
}

absl::Status QuadStore::ScanNames(std::string_view token_prefix,
                                  const std::function<bool(const NameEntry&)>& visit,
                                  const std::shared_ptr<const Snapshot>& snapshot) const {
  rocksdb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->snapshot_;
  // The first key past the prefix (none when it is all 0xFF bytes): RocksDB
  // stops at it without reading the next block.
  std::string limit(token_prefix);
  while (!limit.empty() && static_cast<unsigned char>(limit.back()) == 0xFF) limit.pop_back();
  rocksdb::Slice upper_bound;
  if (!limit.empty()) {
    limit.back() = static_cast<char>(static_cast<unsigned char>(limit.back()) + 1);
    upper_bound = Slice(limit);
    options.iterate_upper_bound = &upper_bound;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, families_[kNames]));
  for (it->Seek(Slice(token_prefix)); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!key.starts_with(token_prefix)) break;
    if (!visit(DecodeNameEntry(key, std::string_view(it->value().data(), it->value().size())))) {
      break;
    }
  }
  return ToStatus(it->status(), "name index");
}

QuadStore::Snapshot::~Snapshot() { db_->ReleaseSnapshot(snapshot_); }

std::shared_ptr<const QuadStore::Snapshot> QuadStore::GetSnapshot() const {
  std::lock_guard<std::mutex> lock(read_cache_mutex_);
  if (shared_snapshot_ == nullptr) {
    shared_snapshot_ = std::shared_ptr<const Snapshot>(new Snapshot(db_.get(), db_->GetSnapshot()));
  }
  return shared_snapshot_;
}

void QuadStore::ForgetReadCaches() {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<std::unique_ptr<Cursor>> cursors;
  {
    std::lock_guard<std::mutex> lock(read_cache_mutex_);
    snapshot = std::move(shared_snapshot_);
    cursors = std::move(idle_cursors_);
    idle_cursors_.clear();
  }
  std::lock_guard<std::mutex> lock(stats_mutex_);
  stats_cache_.reset();
  ++writes_;
}

QuadStore::Cursor::~Cursor() = default;

std::unique_ptr<QuadStore::Cursor> QuadStore::OpenCursor(const Pattern& pattern, bool distinct_triples,
                                                         std::shared_ptr<const Snapshot> snapshot,
                                                         Direction direction) const {
  std::unique_ptr<Cursor> cursor;
  if (snapshot != nullptr && snapshot->pending_ == nullptr) {
    int prefix_components = 0;
    const Permutation permutation = ChoosePermutation(BoundOf(pattern), &prefix_components);
    std::lock_guard<std::mutex> lock(read_cache_mutex_);
    if (!idle_cursors_.empty() && idle_cursors_.front()->snapshot_ == snapshot) {
      auto same = std::find_if(idle_cursors_.begin(), idle_cursors_.end(),
                               [&](const auto& idle) { return idle->permutation_ == permutation; });
      if (same == idle_cursors_.end()) same = idle_cursors_.end() - 1;
      cursor = std::move(*same);
      idle_cursors_.erase(same);
    }
  }
  if (cursor == nullptr) {
    cursor.reset(new Cursor());
    cursor->snapshot_ = std::move(snapshot);
  }
  Reseek(*cursor, pattern, distinct_triples, direction);
  return cursor;
}

void QuadStore::Recycle(std::unique_ptr<Cursor> cursor) const {
  constexpr std::size_t kMaxIdleCursors = 32;
  std::lock_guard<std::mutex> lock(read_cache_mutex_);
  if (cursor->snapshot_ == nullptr || cursor->snapshot_ != shared_snapshot_ || !cursor->it_->status().ok() ||
      idle_cursors_.size() >= kMaxIdleCursors) {
    return;
  }
  idle_cursors_.push_back(std::move(cursor));
}

void QuadStore::Reseek(Cursor& cursor, const Pattern& pattern, bool distinct_triples, Direction direction) const {
  const QuadIds& want = pattern.ids;
  cursor.want_ = want;
  cursor.bound_ = BoundOf(pattern);
  int prefix_components = 0;
  const Permutation permutation = ChoosePermutation(cursor.bound_, &prefix_components);
  const QuadKey start = EncodeQuadKey(permutation, want);
  cursor.prefix_.assign(start.data(), static_cast<std::size_t>(prefix_components) * 8);
  cursor.dedupe_ = distinct_triples && !pattern.graph_bound;
  cursor.have_previous_ = false;
  cursor.descending_ = direction == Direction::kDescending;
  // A whole (s, p, o) prefix of spog may use its prefix bloom filter; any
  // other seek must ignore it (total order).
  const bool by_prefix = permutation == Permutation::kSpog && cursor.prefix_.size() == kTriplePrefixBytes &&
                         !cursor.descending_;
  if (cursor.it_ == nullptr || cursor.permutation_ != permutation || cursor.by_prefix_ != by_prefix) {
    rocksdb::ReadOptions options;
    if (cursor.snapshot_ != nullptr) options.snapshot = cursor.snapshot_->snapshot_;
    auto* pending = cursor.snapshot_ != nullptr ? cursor.snapshot_->pending_ : nullptr;
    // The pending writes are merged in key order, which a prefix seek of the
    // stored keys would not keep.
    options.prefix_same_as_start = by_prefix && pending == nullptr;
    options.total_order_seek = !options.prefix_same_as_start;
    rocksdb::ColumnFamilyHandle* family = families_[FamilyOf(permutation)];
    rocksdb::Iterator* stored = db_->NewIterator(options, family);
    cursor.it_.reset(pending == nullptr ? stored
                                        : pending->NewIteratorWithBase(family, stored, &options));
  }
  cursor.permutation_ = permutation;
  cursor.by_prefix_ = by_prefix;
  if (cursor.descending_) {
    // The last key with the prefix: every key is kQuadKeySize bytes.
    std::string last = cursor.prefix_;
    last.resize(kQuadKeySize, '\xff');
    cursor.it_->SeekForPrev(last);
  } else {
    cursor.it_->Seek(cursor.prefix_);
  }
  cursor.Settle();
}

void QuadStore::Cursor::Next() {
  Step();
  Settle();
}

void QuadStore::Cursor::Step() {
  if (descending_) {
    it_->Prev();
  } else {
    it_->Next();
  }
}

// Moves to the first quad at or after the iterator (in the cursor's
// direction) that matches.
void QuadStore::Cursor::Settle() {
  for (; it_->Valid() && it_->key().starts_with(prefix_); Step()) {
    const QuadIds q = DecodeQuadKey(permutation_, std::string_view(it_->key().data(), it_->key().size()));
    if ((bound_.s && q.s != want_.s) || (bound_.p && q.p != want_.p) || (bound_.o && q.o != want_.o) ||
        (bound_.g && q.g != want_.g)) {
      continue;
    }
    if (dedupe_ && have_previous_ && q.s == quad_.s && q.p == quad_.p && q.o == quad_.o) continue;
    quad_ = q;
    have_previous_ = valid_ = true;
    return;
  }
  valid_ = false;
}

absl::Status QuadStore::Cursor::status() const { return ToStatus(it_->status(), "scan"); }

absl::StatusOr<std::shared_ptr<const StoreStats>> QuadStore::CachedStats() const {
  std::uint64_t writes_before = 0;
  {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    if (stats_cache_ != nullptr) return stats_cache_;
    writes_before = writes_;
  }
  ASSIGN_OR_RETURN(StoreStats stats, Stats());
  auto shared = std::make_shared<const StoreStats>(std::move(stats));
  std::lock_guard<std::mutex> lock(stats_mutex_);
  // A write that finished meanwhile may not be in these counts: they serve
  // this caller, but later ones must count again.
  if (writes_ == writes_before) stats_cache_ = shared;
  return shared;
}

absl::StatusOr<StoreStats> QuadStore::Stats() const {
  StoreStats stats;
  // The committed term counters, not next_sequence_, which a writer moves
  // while it encodes; read in the same snapshot as the counts.
  const std::shared_ptr<const Snapshot> view = GetSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = view->snapshot_;
  std::uint64_t counters[5] = {};
  for (int tag = 1; tag <= 4; ++tag) {
    std::string value;
    const rocksdb::Status s = db_->Get(options, families_[kMeta], "next/" + std::to_string(tag), &value);
    if (s.ok()) {
      counters[tag] = DecodeU64(value);
    } else if (!s.IsNotFound()) {
      return ToStatus(s, "statistics");
    }
  }
  stats.iris = counters[CounterSlot(TermTag::kIri)];
  stats.literals = counters[CounterSlot(TermTag::kLiteral)];
  stats.triple_terms = counters[CounterSlot(TermTag::kTriple)];
  stats.blank_nodes = counters[CounterSlot(TermTag::kBlank)];
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, families_[kStats]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (key == "T") {
      stats.quads = DecodeU64(value);
    } else if (key[0] == 'P') {
      stats.predicates[DecodeU64(key, 1)] = {DecodeU64(value, 0), DecodeU64(value, 8),
                                             DecodeU64(value, 16)};
    } else if (key[0] == 'G') {
      stats.graphs[DecodeU64(key, 1)] = DecodeU64(value);
    }
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "statistics"));
  return stats;
}

namespace {

std::uint64_t Mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// An order-independent digest of a set of quads: equal sets give equal
// digests, and unequal ones almost never do.
struct QuadSetDigest {
  std::uint64_t count = 0, sum = 0, xored = 0;
  void Add(const QuadIds& q) {
    const std::uint64_t h = Mix(q.s ^ Mix(q.p ^ Mix(q.o ^ Mix(q.g + 1))));
    ++count;
    sum += h;
    xored ^= Mix(h);
  }
  bool operator==(const QuadSetDigest&) const = default;
};

}  // namespace

// The name index holds exactly the entries the name quads give, each of the
// kind of its best name (a label beats an alias). Entries are compared by
// hash: a store of millions of names is checked in little memory.
absl::Status QuadStore::CheckNames(const StoreStats& counted, CheckReport* report) const {
  const auto key_hash = [](std::string_view key) {
    return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
  };
  absl::flat_hash_map<std::uint64_t, char> expected;
  for (const auto& [id, unused] : counted.predicates) {
    // An id without a term is the dictionary check's to report.
    const absl::StatusOr<Term> predicate = Resolve(id);
    if (!predicate.ok()) continue;
    const std::optional<NameKind> kind = predicate->IsIri() ? NamePredicateKind(predicate->value) : std::nullopt;
    if (!kind.has_value()) continue;
    Pattern pattern;
    pattern.ids.p = id;
    const std::unique_ptr<Cursor> cursor = OpenCursor(pattern, false);
    for (; cursor->Valid(); cursor->Next()) {
      const QuadIds quad = cursor->quad();
      const absl::StatusOr<Term> name = Resolve(quad.o);
      if (!name.ok() || !name->IsLiteral()) continue;
      for (const std::string& key : NameIndexKeys(name->value, quad.s)) {
        char& slot = expected[key_hash(key)];
        slot = std::max(slot, static_cast<char>(*kind));
      }
    }
    RETURN_IF_ERROR(cursor->status());
  }
  std::uint64_t stray = 0, wrong_kind = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), families_[kNames]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const auto found = expected.find(key_hash(std::string_view(it->key().data(), it->key().size())));
    if (found == expected.end()) {
      ++stray;
      continue;
    }
    if (it->value().size() != 1 || it->value()[0] != found->second) ++wrong_kind;
    expected.erase(found);
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "check: reading the name index"));
  if (stray > 0) {
    report->problems.push_back("name index: " + std::to_string(stray) + " entries no name quad gives");
  }
  if (!expected.empty()) {
    report->problems.push_back("name index: " + std::to_string(expected.size()) +
                               " entries missing for names the quads give");
  }
  if (wrong_kind > 0) {
    report->problems.push_back("name index: " + std::to_string(wrong_kind) +
                               " entries marked label where the name is an alias, or the other way");
  }
  return absl::OkStatus();
}

absl::StatusOr<QuadStore::CheckReport> QuadStore::Check() const {
  CheckReport report;
  const auto problem = [&](std::string text) { report.problems.push_back(std::move(text)); };
  // Reads every block of every file: a damaged block may hold nothing the
  // scans below would miss, or be one they skip (an old version of a key).
  if (const rocksdb::Status verified = db_->VerifyChecksum(); !verified.ok()) {
    problem("files: " + verified.ToString());
  }

  // The permutations, and from spog and posg the statistics they imply.
  StoreStats counted;
  absl::flat_hash_set<TermId> ids_in_use;
  std::array<QuadSetDigest, 4> digests;
  for (const Permutation permutation : kAllPermutations) {
    const int family = FamilyOf(permutation);
    QuadSetDigest& digest = digests[static_cast<std::size_t>(permutation)];
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(TotalOrder(), families_[family]));
    QuadIds previous;
    bool first = true;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->key().size() != kQuadKeySize) {
        problem(std::string(kFamilyNames[family]) + ": a key of " + std::to_string(it->key().size()) +
                " bytes, not " + std::to_string(kQuadKeySize));
        continue;
      }
      const QuadIds q = DecodeQuadKey(permutation, std::string_view(it->key().data(), it->key().size()));
      digest.Add(q);
      if (permutation == Permutation::kSpog) {
        PredicateStats& predicate = counted.predicates[q.p];
        ++predicate.quads;
        if (first || q.s != previous.s || q.p != previous.p) ++predicate.distinct_subjects;
        ++counted.graphs[q.g];
        for (const TermId id : {q.s, q.p, q.o, q.g}) {
          if (id != kNoTerm && !IsInline(id)) ids_in_use.insert(id);
        }
      } else if (permutation == Permutation::kPosg) {
        if (first || q.p != previous.p || q.o != previous.o) ++counted.predicates[q.p].distinct_objects;
      }
      previous = q;
      first = false;
    }
    RETURN_IF_ERROR(ToStatus(it->status(), std::string("check: reading ") + kFamilyNames[family]));
  }
  const QuadSetDigest& spog = digests[0];
  report.quads = spog.count;
  counted.quads = spog.count;
  for (const Permutation permutation : {Permutation::kPosg, Permutation::kOspg, Permutation::kGspo}) {
    const QuadSetDigest& other = digests[static_cast<std::size_t>(permutation)];
    const std::string name = kFamilyNames[FamilyOf(permutation)];
    if (other.count != spog.count) {
      problem(name + " holds " + std::to_string(other.count) + " quads, spog " + std::to_string(spog.count));
    } else if (!(other == spog)) {
      problem(name + " and spog hold the same number of quads but not the same quads");
    }
  }

  // Statistics.
  ASSIGN_OR_RETURN(const StoreStats stored, Stats());
  if (stored.quads != counted.quads) {
    problem("statistics: " + std::to_string(stored.quads) + " quads in total, the indexes hold " +
            std::to_string(counted.quads));
  }
  const auto describe = [this](TermId id) {
    const auto term = Resolve(id);
    return term.ok() ? term->ToNTriples() : "term " + std::to_string(id);
  };
  for (const auto& [id, want] : counted.predicates) {
    const auto it = stored.predicates.find(id);
    const PredicateStats have = it == stored.predicates.end() ? PredicateStats{} : it->second;
    if (!(have == want)) {
      problem("statistics of predicate " + describe(id) + ": " + std::to_string(have.quads) + "/" +
              std::to_string(have.distinct_subjects) + "/" + std::to_string(have.distinct_objects) +
              " (quads/subjects/objects), the indexes give " + std::to_string(want.quads) + "/" +
              std::to_string(want.distinct_subjects) + "/" + std::to_string(want.distinct_objects));
    }
  }
  for (const auto& [id, have] : stored.predicates) {
    if (have.quads != 0 && !counted.predicates.count(id)) {
      problem("statistics count " + std::to_string(have.quads) + " quads of predicate " + describe(id) +
              ", the indexes none");
    }
  }
  for (const auto& [id, want] : counted.graphs) {
    const auto it = stored.graphs.find(id);
    const std::uint64_t have = it == stored.graphs.end() ? 0 : it->second;
    if (have != want) {
      problem("statistics of graph " + (id == kNoTerm ? std::string("(default)") : describe(id)) + ": " +
              std::to_string(have) + " quads, the indexes hold " + std::to_string(want));
    }
  }

  RETURN_IF_ERROR(CheckNames(counted, &report));

  // Dictionary: str2id and id2str hold the same (term, id) pairs, and every
  // id in use has a term. Both are read in order, never looked up: a lookup
  // per term would cost a block read each on a big store.
  const auto pair_hash = [](std::string_view key, TermId id) {
    return Mix(absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size())) ^ Mix(id));
  };
  std::uint64_t forward_count = 0, forward_sum = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), families_[kStr2Id]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++forward_count;
    forward_sum += pair_hash(std::string_view(it->key().data(), it->key().size()),
                             DecodeU64(std::string_view(it->value().data(), it->value().size())));
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "check: reading str2id"));
  std::vector<TermId> used(ids_in_use.begin(), ids_in_use.end());
  std::sort(used.begin(), used.end());
  auto next_used = used.begin();
  std::uint64_t backward_count = 0, backward_sum = 0, unresolved = 0, beyond_counter = 0;
  it.reset(db_->NewIterator(rocksdb::ReadOptions(), families_[kId2Str]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const TermId id = DecodeU64(std::string_view(it->key().data(), it->key().size()));
    ++backward_count;
    backward_sum += pair_hash(std::string_view(it->value().data(), it->value().size()), id);
    if ((id & kPayloadMask) > next_sequence_[static_cast<std::size_t>(TagOf(id))]) ++beyond_counter;
    for (; next_used != used.end() && *next_used < id; ++next_used) {
      if (TagOf(*next_used) != TermTag::kBlank) ++unresolved;
    }
    if (next_used != used.end() && *next_used == id) ++next_used;
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "check: reading id2str"));
  for (; next_used != used.end(); ++next_used) {
    if (TagOf(*next_used) != TermTag::kBlank) ++unresolved;
  }
  report.terms = forward_count;
  if (forward_count != backward_count) {
    problem("dictionary: str2id has " + std::to_string(forward_count) + " terms, id2str " +
            std::to_string(backward_count));
  } else if (forward_sum != backward_sum) {
    problem("dictionary: str2id and id2str do not map the same terms to the same ids");
  }
  if (beyond_counter > 0) {
    problem("dictionary: " + std::to_string(beyond_counter) + " ids are beyond their kind's counter");
  }
  const auto blank_beyond = std::find_if(used.begin(), used.end(), [this](TermId id) {
    return TagOf(id) == TermTag::kBlank &&
           (id & kPayloadMask) > next_sequence_[static_cast<std::size_t>(TermTag::kBlank)];
  });
  if (blank_beyond != used.end()) problem("dictionary: blank node ids beyond the blank node counter");
  if (unresolved > 0) {
    problem("dictionary: " + std::to_string(unresolved) + " ids used in quads have no term");
  }
  return report;
}

}  // namespace relata::storage
