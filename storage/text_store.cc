// QuadStore's full-text index: its settings, its reads and its check. The
// writes are with the other writes, in bulk_load.cc and transaction.cc.
#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "engine/base/status_macros.h"
#include "storage/store_internal.h"

namespace relata::storage {

absl::Status QuadStore::LoadTextSettings() {
  auto settings = std::make_shared<TextSettings>();
  std::string value;
  const rocksdb::Status options = db_->Get(rocksdb::ReadOptions(), kTextOptionsKey, &value);
  if (options.ok()) {
    ASSIGN_OR_RETURN(settings->options, TextOptions::Parse(value));
  } else if (!options.IsNotFound()) {
    return ToStatus(options, path_ + ": text index settings");
  }
  const rocksdb::Status predicates = db_->Get(rocksdb::ReadOptions(), kTextPredicatesKey, &value);
  if (predicates.ok()) {
    settings->added_predicates = ParsePredicates(value);
  } else if (!predicates.IsNotFound()) {
    return ToStatus(predicates, path_ + ": text index settings");
  }
  auto analyzer = std::make_shared<const TextAnalyzer>(settings->options);
  std::lock_guard<std::mutex> lock(text_mutex_);
  text_settings_ = std::move(settings);
  text_analyzer_ = std::move(analyzer);
  return absl::OkStatus();
}

std::shared_ptr<const TextSettings> QuadStore::text_settings() const {
  std::lock_guard<std::mutex> lock(text_mutex_);
  return text_settings_;
}

std::shared_ptr<const TextAnalyzer> QuadStore::text_analyzer() const {
  std::lock_guard<std::mutex> lock(text_mutex_);
  return text_analyzer_;
}

absl::Status QuadStore::ConfigureText(const TextOptions& options) {
  std::lock_guard<std::mutex> write(write_mutex_);
  if (options == text_settings()->options) return absl::OkStatus();
  // Whether the store holds text at all, indexed or not: the settings say
  // how all of it is (or is not) indexed.
  ASSIGN_OR_RETURN(const std::vector<TermId> text_predicates, TextPredicateIds());
  if (!text_predicates.empty()) {
    return absl::FailedPreconditionError(
        path_ + ": the store already holds text, indexed with other settings; load the data into a new store "
                "to change them");
  }
  RETURN_IF_ERROR(ToStatus(db_->Put(rocksdb::WriteOptions(), kTextOptionsKey, options.Serialize()),
                           path_ + ": text index settings"));
  return LoadTextSettings();
}

absl::StatusOr<TextTotals> QuadStore::ReadTextTotals(const std::shared_ptr<const Snapshot>& snapshot) const {
  std::string value;
  const absl::Status read = Get(kText, kTextTotalsKey, &value, snapshot.get(), "text index totals");
  if (absl::IsNotFound(read)) return TextTotals{};
  RETURN_IF_ERROR(read);
  return DecodeTextTotals(value);
}

absl::Status QuadStore::ScanText(std::string_view term, bool prefix,
                                 const std::function<bool(const TextPosting&)>& visit,
                                 const std::shared_ptr<const Snapshot>& snapshot) const {
  if (term.empty()) return absl::OkStatus();
  rocksdb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->snapshot_;
  // Terms are [a-z0-9]: the first key past them is the term (or the prefix)
  // with its last byte one higher, or term + '\1'.
  std::string limit(term);
  if (prefix) {
    limit.back() = static_cast<char>(limit.back() + 1);
  } else {
    limit.push_back('\x01');
  }
  const rocksdb::Slice upper_bound(limit);
  options.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(
      snapshot != nullptr && snapshot->pending_ != nullptr
          ? snapshot->pending_->NewIteratorWithBase(families_[kText], db_->NewIterator(options, families_[kText]),
                                                    &options)
          : db_->NewIterator(options, families_[kText]));
  const std::string start = prefix ? std::string(term) : TextTermPrefix(term);
  TextPosting posting;
  for (it->Seek(Slice(start)); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!IsTextBlockKey(key)) continue;
    TextBlockReader block(key, std::string_view(it->value().data(), it->value().size()));
    while (block.Next(&posting)) {
      if (!visit(posting)) return ToStatus(it->status(), "text index");
    }
  }
  return ToStatus(it->status(), "text index");
}

namespace {

// An iterator over the text family through `snapshot` (and its pending
// writes, for a transaction's view).
std::unique_ptr<rocksdb::Iterator> TextIterator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family,
                                                const rocksdb::Snapshot* snapshot,
                                                rocksdb::WriteBatchWithIndex* pending) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot;
  if (pending != nullptr) {
    return std::unique_ptr<rocksdb::Iterator>(
        pending->NewIteratorWithBase(family, db->NewIterator(options, family), &options));
  }
  return std::unique_ptr<rocksdb::Iterator>(db->NewIterator(options, family));
}

}  // namespace

absl::StatusOr<std::uint64_t> QuadStore::CountTextPostings(std::string_view term,
                                                         const std::shared_ptr<const Snapshot>& snapshot) const {
  const std::string prefix = TextTermPrefix(term);
  auto it = TextIterator(db_.get(), families_[kText], snapshot ? snapshot->snapshot_ : nullptr,
                         snapshot ? snapshot->pending_ : nullptr);
  std::uint64_t count = 0;
  for (it->Seek(Slice(prefix)); it->Valid() && it->key().starts_with(Slice(prefix)); it->Next()) {
    if (it->key().size() != prefix.size() + 8) continue;
    std::size_t offset = 0;
    count += ReadVarint(std::string_view(it->value().data(), it->value().size()), &offset);
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "text index"));
  return count;
}

QuadStore::TextCursor::~TextCursor() = default;

std::unique_ptr<QuadStore::TextCursor> QuadStore::OpenTextCursor(std::string_view term,
                                                                 const std::shared_ptr<const Snapshot>& snapshot) const {
  auto cursor = std::unique_ptr<TextCursor>(new TextCursor());
  cursor->prefix_ = TextTermPrefix(term);
  cursor->it_ = TextIterator(db_.get(), families_[kText], snapshot ? snapshot->snapshot_ : nullptr,
                             snapshot ? snapshot->pending_ : nullptr);
  cursor->it_->Seek(Slice(cursor->prefix_));
  cursor->LoadBlock();
  return cursor;
}

// The block the iterator is at, and its first posting; not valid past the
// term's last block.
void QuadStore::TextCursor::LoadBlock() {
  for (;;) {
    valid_ = false;
    block_.reset();
    if (!it_->Valid() || !it_->key().starts_with(Slice(prefix_))) return;
    if (it_->key().size() != prefix_.size() + 8) {
      it_->Next();
      continue;
    }
    // Copied: the iterator's slices change when it moves.
    key_.assign(it_->key().data(), it_->key().size());
    value_.assign(it_->value().data(), it_->value().size());
    block_.emplace(key_, value_);
    if (block_->Next(&posting_)) {
      valid_ = true;
      return;
    }
    it_->Next();
  }
}

void QuadStore::TextCursor::Next() {
  if (!valid_) return;
  if (block_->Next(&posting_)) return;
  it_->Next();
  LoadBlock();
}

void QuadStore::TextCursor::SeekTo(TermId literal) {
  // Along this block first; past its end, to the block whose key is the
  // last at most `literal` (that block again means the next one).
  while (valid_ && posting_.literal < literal) {
    if (block_->Next(&posting_)) continue;
    const std::string wanted = TextBlockKey(std::string_view(prefix_.data(), prefix_.size() - 1), literal);
    it_->SeekForPrev(Slice(wanted));
    if (it_->Valid() && it_->key() == Slice(key_)) it_->Next();
    LoadBlock();
  }
}

absl::Status QuadStore::TextCursor::status() const { return ToStatus(it_->status(), "text index"); }

std::uint64_t QuadStore::TextIndexBytes() const {
  std::uint64_t files = 0, memory = 0;
  db_->GetIntProperty(families_[kText], "rocksdb.total-sst-files-size", &files);
  db_->GetIntProperty(families_[kText], "rocksdb.cur-size-all-mem-tables", &memory);
  return files + memory;
}

absl::StatusOr<std::vector<TermId>> QuadStore::TextPredicateIds(
    const std::shared_ptr<const Snapshot>& snapshot) const {
  ASSIGN_OR_RETURN(const auto stats, CachedStats());
  const std::shared_ptr<const TextSettings> settings = text_settings();
  std::vector<TermId> ids;
  for (const auto& [predicate, counts] : stats->predicates) {
    if (TagOf(predicate) != TermTag::kIri) continue;
    ASSIGN_OR_RETURN(const Term iri, Resolve(predicate, snapshot.get()));
    if (IsTextPredicate(iri.value, settings->added_predicates)) ids.push_back(predicate);
  }
  return ids;
}

absl::StatusOr<bool> QuadStore::HoldsText(TermId literal, const std::vector<TermId>& text_predicates,
                                          const Snapshot* view) const {
  Pattern pattern;
  pattern.ids.o = literal;
  std::shared_ptr<const Snapshot> shared;
  if (view != nullptr) shared = std::shared_ptr<const Snapshot>(std::shared_ptr<const Snapshot>(), view);
  for (auto cursor = OpenCursor(pattern, false, shared); cursor->Valid(); cursor->Next()) {
    if (std::binary_search(text_predicates.begin(), text_predicates.end(), cursor->quad().p)) return true;
  }
  return false;
}

// The text index holds exactly the entries a rebuild from the quads would
// write, and totals that add up. Entries are compared by hash, like names.
absl::Status QuadStore::CheckText(CheckReport* report) const {
  const bool enabled = text_settings()->options.enabled;
  const auto entry_hash = [](std::string_view key, std::string_view value) -> std::uint64_t {
    return absl::HashOf(absl::string_view(key.data(), key.size()), absl::string_view(value.data(), value.size()));
  };
  ASSIGN_OR_RETURN(std::vector<TermId> predicates, TextPredicateIds());
  if (!enabled) predicates.clear();  // nothing should be indexed
  const std::shared_ptr<const TextAnalyzer> analyzer = text_analyzer();
  absl::flat_hash_set<TermId> literals;
  for (const TermId predicate : predicates) {
    Pattern pattern;
    pattern.ids.p = predicate;
    for (auto cursor = OpenCursor(pattern, true); cursor->Valid(); cursor->Next()) {
      if (TagOf(cursor->quad().o) == TermTag::kLiteral) literals.insert(cursor->quad().o);
    }
  }
  // Entries are postings (term, literal, encoded posting) and units,
  // whatever blocks hold the postings.
  const auto posting_hash = [&](std::string_view term, const TextEntry& entry) {
    return entry_hash(TextBlockKey(term, entry.literal), EncodeTextBlock(entry.literal, {entry}));
  };
  absl::flat_hash_map<std::uint64_t, int> expected;
  TextTotals totals;
  for (const TermId literal : literals) {
    ASSIGN_OR_RETURN(const Term text, Resolve(literal));
    std::uint32_t length = 0;
    for (auto& [term, positions] : TextTerms(*analyzer, text.value, &length)) {
      ++expected[posting_hash(term, TextEntry{literal, length, std::move(positions)})];
    }
    std::string unit;
    AppendVarint(length, &unit);
    ++expected[entry_hash(TextUnitKey(literal), unit)];
    ++totals.literals;
    totals.length += length;
  }
  std::uint64_t unexpected = 0, misplaced = 0;
  std::optional<TextTotals> stored;
  std::string last_term;
  TermId last_literal = kNoTerm;
  const auto found = [&](std::uint64_t hash) {
    const auto it = expected.find(hash);
    if (it == expected.end() || it->second == 0) {
      ++unexpected;
    } else {
      --it->second;
    }
  };
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), families_[kText]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    const std::string_view value(it->value().data(), it->value().size());
    if (key == kTextTotalsKey) {
      stored = DecodeTextTotals(value);
      continue;
    }
    if (!IsTextBlockKey(key)) {
      found(entry_hash(key, value));
      continue;
    }
    // A term's literals ascend across its blocks, each block's from its key.
    const std::string_view term = key.substr(0, key.size() - 9);
    if (term != last_term) {
      last_term = std::string(term);
      last_literal = kNoTerm;
    }
    const TermId base = ReadBigEndian(key, key.size() - 8);
    const std::vector<TextEntry> entries = DecodeTextBlock(key, value);
    if (entries.empty() || entries.front().literal < base || (last_literal != kNoTerm && base <= last_literal)) {
      ++misplaced;
    }
    for (const TextEntry& entry : entries) {
      if (last_literal != kNoTerm && entry.literal <= last_literal) ++misplaced;
      last_literal = entry.literal;
      found(posting_hash(term, entry));
    }
  }
  RETURN_IF_ERROR(ToStatus(it->status(), "text index"));
  if (misplaced > 0) {
    report->problems.push_back("text index: " + std::to_string(misplaced) +
                               " postings out of order or blocks overlapping");
  }
  std::uint64_t missing = 0;
  for (const auto& [hash, left] : expected) missing += static_cast<std::uint64_t>(left);
  if (unexpected > 0 || missing > 0) {
    report->problems.push_back("text index: " + std::to_string(missing) + " entries missing, " +
                               std::to_string(unexpected) + " that no text quad gives");
  }
  const TextTotals have = stored.value_or(TextTotals{});
  if (have.literals != totals.literals || have.length != totals.length) {
    report->problems.push_back("text index: totals say " + std::to_string(have.literals) + " texts of " +
                               std::to_string(have.length) + " terms, the quads give " +
                               std::to_string(totals.literals) + " of " + std::to_string(totals.length));
  }
  return absl::OkStatus();
}

}  // namespace relata::storage
