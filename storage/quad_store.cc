// RocksDB layout: column families "default" (format version, id counters),
// "str2id", "id2str", "spog", "posg", "ospg", "gspo" (32-byte keys, empty
// values), "stats", "names" (name_index.h) and "text" (text_index.h). An ordinary write is one WriteBatch across them; a
// bulk load (bulk_load.cc) is one ingestion of SST files across them. This
// file opens the store and writes it; dictionary.cc reads and assigns term
// ids, cursor.cc scans, statistics.cc counts and check.cc verifies.
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

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "storage/store_internal.h"
#include "storage/dictionary_cache.h"
#include "storage/huge_page_allocator.h"

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
  // A seek into a block not yet in the cache decompresses the whole block:
  // path searches and joins seek much, and with 16 KiB blocks their first
  // runs took half the time of 64 KiB ones, while scans and the size on disk
  // stayed the same (bench/compare_paths.sh, compare_queries.sh).
  table.block_size = 16 << 10;
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

QuadStore::QuadStore() : dictionary_cache_(std::make_unique<DictionaryCache>()) {}

QuadStore::~QuadStore() {
  ForgetReadCaches();  // their snapshot and iterators must go before the database
  for (auto* handle : families_) db_->DestroyColumnFamilyHandle(handle);
  families_.clear();
  db_.reset();
  if (!reader_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(reader_dir_, ignored);
  }
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

namespace {

// The process holding the RocksDB lock of the store at `path` (RocksDB takes
// it with fcntl, which tells who holds it); 0 when unknown or this process.
pid_t LockHolder(const std::string& path) {
  const int fd = ::open((std::filesystem::path(path) / "LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool asked = ::fcntl(fd, F_GETLK, &lock) == 0;
  ::close(fd);
  return asked && lock.l_type != F_UNLCK ? lock.l_pid : 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<QuadStore>> QuadStore::Open(const std::string& path, bool create) {
  return OpenWith(path, create ? Access::kCreate : Access::kReadWrite);
}

absl::StatusOr<std::unique_ptr<QuadStore>> QuadStore::OpenReadOnly(const std::string& path) {
  return OpenWith(path, Access::kReadOnly);
}

absl::StatusOr<std::unique_ptr<QuadStore>> QuadStore::OpenWith(const std::string& path, Access access) {
  namespace fs = std::filesystem;
  const bool read_only = access == Access::kReadOnly;
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  if (!exists && access != Access::kCreate) return absl::NotFoundError(path + ": no such store");
  if (exists) {
    if (!fs::is_directory(path, ec)) return absl::FailedPreconditionError(path + ": not a directory");
    const bool empty = fs::is_empty(path, ec);
    if (!empty && !fs::exists(fs::path(path) / "CURRENT", ec)) {
      return absl::FailedPreconditionError(path + ": not a relata store (no RocksDB files)");
    }
    if (empty && read_only) return absl::FailedPreconditionError(path + ": not a relata store (empty directory)");
  }
  if (exists && !read_only) {
    // A load killed before its ingestion leaves only its temporary files.
    // (Not when reading beside a writer: they may be its load's.)
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
  options.paranoid_checks = true;
  // Every open starts an info log and moves the last one aside: a shell
  // opened a thousand times would keep a thousand of them.
  options.keep_log_file_num = 4;
  // At the default level every open writes each family's options and a
  // summary of its files into the info log: a tenth of the time of opening
  // a small store, for pages nobody reads. Warnings and errors still go in.
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  // A reader beside a writer must keep every table file open from the
  // start: the writer deletes the files its compactions replace.
  options.max_open_files = -1;
  // RocksDB opens a family's table files with this many threads, started
  // afresh for each family at every open and for each ingestion: at its
  // default of 16 a one-line query started ~390 threads, a fifth of its time.
  options.max_file_opening_threads = 1;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  // One cache for all column families: a cache, not a reservation, so it
  // only grows with what queries read; its blocks on huge pages.
  rocksdb::LRUCacheOptions cache_options;
  cache_options.capacity = std::size_t{1} << 30;
  cache_options.memory_allocator = HugePageAllocator::Shared();
  const auto cache = rocksdb::NewLRUCache(cache_options);
  for (int i = 0; i < kFamilyCount; ++i) descriptors.emplace_back(kFamilyNames[i], FamilyOptions(i, cache));
  auto store = std::unique_ptr<QuadStore>(new QuadStore());
  store->path_ = path;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (read_only) {
    // A secondary instance: it takes no lock, so it opens while another
    // process writes, and catches up with that writer's commits on demand
    // (GetSnapshot). It keeps its own info log, in a private directory.
    std::string reader_dir = (fs::temp_directory_path(ec) / "relata-reader-XXXXXX").string();
    if (::mkdtemp(reader_dir.data()) == nullptr) {
      return absl::UnavailableError(path + ": cannot make a directory for a reader in " +
                                    fs::temp_directory_path(ec).string());
    }
    store->reader_dir_ = reader_dir;
    s = rocksdb::DB::OpenAsSecondary(options, path, reader_dir, descriptors, &store->families_, &raw);
  } else if (fresh) {
    // The families are made together after the open: made by the open, each
    // would write and read back RocksDB's OPTIONS file, a fifth of the time
    // of opening and filling a small store.
    s = rocksdb::DB::Open(options, path, {descriptors.front()}, &store->families_, &raw);
    if (s.ok()) {
      std::vector<rocksdb::ColumnFamilyHandle*> made;
      s = raw->CreateColumnFamilies({descriptors.begin() + 1, descriptors.end()}, &made);
      store->families_.insert(store->families_.end(), made.begin(), made.end());
    }
  } else {
    s = rocksdb::DB::Open(options, path, descriptors, &store->families_, &raw);
  }
  store->db_.reset(raw);
  if (s.IsIOError() && !read_only && s.ToString().find("lock") != std::string::npos) {
    const pid_t holder = LockHolder(path);
    return absl::UnavailableError(holder != 0 ? path + " is in use by another relata process (pid " +
                                                    std::to_string(holder) + ")"
                                              : path + " is already open in this process");
  }
  RETURN_IF_ERROR(ToStatus(s, path + ": cannot open the store"));
  if (!read_only) RETURN_IF_ERROR(store->DeleteEmptyOldWals());

  std::string version;
  const rocksdb::Status v = store->db_->Get(rocksdb::ReadOptions(), kFormatKey, &version);
  if (v.IsNotFound() && fresh) {
    rocksdb::WriteBatch created;
    rocksdb::Status put = created.Put(kFormatKey, std::string(kFormatVersion));
    // Written now, so that a later build with other defaults reads this
    // store's index as it was written.
    if (put.ok()) put = created.Put(kTextOptionsKey, TextOptions::Default().Serialize());
    if (put.ok()) put = store->db_->Write(rocksdb::WriteOptions(), &created);
    RETURN_IF_ERROR(ToStatus(put, path));
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
  RETURN_IF_ERROR(store->LoadTextSettings());
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

QuadStore::Snapshot::~Snapshot() {
  if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
}

std::shared_ptr<const QuadStore::Snapshot> QuadStore::GetSnapshot() const {
  if (read_only()) CatchUpWithWriter();
  std::lock_guard<std::mutex> lock(read_cache_mutex_);
  if (shared_snapshot_ == nullptr) {
    // A secondary instance has no snapshots: what it reads changes only
    // when it catches up, which waits for the readers of the last state.
    shared_snapshot_ = std::shared_ptr<const Snapshot>(
        new Snapshot(db_.get(), read_only() ? nullptr : db_->GetSnapshot()));
  }
  return shared_snapshot_;
}

void QuadStore::CatchUpWithWriter() const {
  ForgetReadCaches([this] {
    // Held by someone besides this store and its idle cursors: a query is
    // reading it, and must see one state to its end; the next one catches up.
    const auto holders = static_cast<long>(1 + idle_cursors_.size());
    if (shared_snapshot_ != nullptr && shared_snapshot_.use_count() > holders) return false;
    const rocksdb::SequenceNumber before = db_->GetLatestSequenceNumber();
    // A failed catch-up leaves the last state readable: reads go on there.
    return db_->TryCatchUpWithPrimary().ok() && db_->GetLatestSequenceNumber() != before;
  });
}

void QuadStore::ForgetReadCaches(const std::function<bool()>& only_if) const {
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<std::unique_ptr<Cursor>> cursors;
  {
    std::lock_guard<std::mutex> lock(read_cache_mutex_);
    if (only_if != nullptr && !only_if()) return;
    snapshot = std::move(shared_snapshot_);
    cursors = std::move(idle_cursors_);
    idle_cursors_.clear();
  }
  std::lock_guard<std::mutex> lock(stats_mutex_);
  stats_cache_.reset();
  graph_counts_cache_.reset();
  ++writes_;
}

}  // namespace relata::storage
