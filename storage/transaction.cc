// QuadStore::Transaction: one WriteBatchWithIndex holds every write, so the
// transaction reads its own writes through it (View) and commits them in one
// atomic step. Statistics and the name index are derived at Commit from what
// the writes touched; the text index follows each write, comparing the store before with the store after.
#include <rocksdb/utilities/write_batch_with_index.h>

#include <map>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/base/status_macros.h"
#include "storage/store_internal.h"

namespace relata::storage {

struct QuadStore::Transaction::State {
  explicit State(QuadStore& s)
      : store(s), lock(s.write_mutex_), rollback(s), encoder(s),
        batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true),
        base(s.GetSnapshot()) {
    // New dictionary entries go into the batch as their ids are given, so
    // that reads through the view find them.
    encoder.OnFreshTerm([this](std::string_view key, TermId id) {
      rocksdb::Status put = batch.Put(store.families_[kStr2Id], Slice(key), EncodeU64(id));
      if (put.ok()) put = batch.Put(store.families_[kId2Str], EncodeU64(id), Slice(key));
      if (!put.ok() && write_failure.ok()) write_failure = put;
    });
  }
  QuadStore& store;
  std::unique_lock<std::mutex> lock;
  SequenceRollback rollback;
  Encoder encoder;
  rocksdb::WriteBatchWithIndex batch;
  std::shared_ptr<const Snapshot> base;  // the store when the transaction began
  std::shared_ptr<const Snapshot> view;
  bool done = false;

  // The first failure to add to the batch; every later write and Commit
  // reports it.
  rocksdb::Status write_failure;
  Changes changes;
  // Quads per predicate and per graph, added minus removed.
  std::map<TermId, std::int64_t> predicate_quads, graph_quads;
  // The (s, p) and (p, o) pairs whose quads changed: their distinct counts
  // are recomputed at Commit.
  std::set<std::string> subject_pairs, object_pairs;
  // Subjects whose names changed, with the names removed.
  std::map<TermId, std::vector<std::string>> renamed;
  absl::flat_hash_map<TermId, std::optional<NameKind>> name_kind_of_predicate;
  // Whether each predicate written gives text; the store's text predicates
  // with those written, sorted; the text index's totals after the writes
  // (read at the first write of text).
  absl::flat_hash_map<TermId, bool> text_predicate;
  std::vector<TermId> text_predicates;
  std::optional<TextTotals> text_totals;
};

QuadStore::Transaction::Transaction(QuadStore& store) : state_(std::make_unique<State>(store)) {}
QuadStore::Transaction::~Transaction() = default;

std::unique_ptr<QuadStore::Transaction> QuadStore::BeginTransaction() {
  return std::unique_ptr<Transaction>(new Transaction(*this));
}

absl::StatusOr<TermId> QuadStore::Transaction::Encode(const Term& term) {
  return state_->encoder.Encode(term);
}

const QuadStore::Transaction::Changes& QuadStore::Transaction::changes() const { return state_->changes; }

void QuadStore::Transaction::NewBlankNodeScope() { state_->encoder.NewBlankNodeScope(); }

std::shared_ptr<const QuadStore::Snapshot> QuadStore::Transaction::View() {
  State& st = *state_;
  if (st.view == nullptr) {
    st.view = std::shared_ptr<const Snapshot>(new Snapshot(st.store.db_.get(), nullptr, &st.batch));
  }
  return st.view;
}

absl::StatusOr<bool> QuadStore::Transaction::IsNameQuad(const QuadIds& quad) {
  State& st = *state_;
  auto [it, inserted] = st.name_kind_of_predicate.try_emplace(quad.p);
  if (inserted) {
    ASSIGN_OR_RETURN(const Term predicate, st.store.Resolve(quad.p, View().get()));
    it->second = NamePredicateKind(predicate.value);
  }
  return it->second.has_value();
}

// After a write of `quad`: when a text predicate states its literal object,
// the literal is indexed exactly when some quad still states it so. Done at
// once, so that the transaction's own text searches find its writes.
absl::Status QuadStore::Transaction::SyncText(const QuadIds& quad) {
  State& st = *state_;
  if (TagOf(quad.o) != TermTag::kLiteral) return absl::OkStatus();
  auto [it, inserted] = st.text_predicate.try_emplace(quad.p, false);
  if (inserted) {
    ASSIGN_OR_RETURN(const Term predicate, st.store.Resolve(quad.p, View().get()));
    const std::shared_ptr<const TextSettings> settings = st.store.text_settings();
    it->second = settings->options.enabled && predicate.IsIri() &&
                 IsTextPredicate(predicate.value, settings->added_predicates);
  }
  if (!it->second) return absl::OkStatus();
  if (!st.text_totals.has_value()) {
    ASSIGN_OR_RETURN(st.text_predicates, st.store.TextPredicateIds(st.base));
    std::sort(st.text_predicates.begin(), st.text_predicates.end());
    ASSIGN_OR_RETURN(st.text_totals, st.store.ReadTextTotals(st.base));
  }
  const auto at = std::lower_bound(st.text_predicates.begin(), st.text_predicates.end(), quad.p);
  if (at == st.text_predicates.end() || *at != quad.p) st.text_predicates.insert(at, quad.p);
  const std::shared_ptr<const Snapshot> view = View();
  std::string ignored;
  const absl::Status unit = st.store.Get(kText, TextUnitKey(quad.o), &ignored, view.get(), "text index");
  if (!unit.ok() && !absl::IsNotFound(unit)) return unit;
  const bool indexed = unit.ok();
  ASSIGN_OR_RETURN(const bool stated, st.store.HoldsText(quad.o, st.text_predicates, view.get()));
  if (indexed == stated) return absl::OkStatus();
  ASSIGN_OR_RETURN(const Term text, st.store.Resolve(quad.o, view.get()));
  std::uint32_t length = 0;
  for (auto& [term, positions] : TextTerms(*st.store.text_analyzer(), text.value, &length)) {
    RETURN_IF_ERROR(UpdateTextBlock(term, TextEntry{quad.o, length, std::move(positions)}, stated));
  }
  std::string unit_length;
  AppendVarint(length, &unit_length);
  RETURN_IF_ERROR(ToStatus(stated ? st.batch.Put(st.store.families_[kText], TextUnitKey(quad.o), unit_length)
                                  : st.batch.Delete(st.store.families_[kText], TextUnitKey(quad.o)),
                           "text index"));
  TextTotals& totals = *st.text_totals;
  totals.literals = stated ? totals.literals + 1 : totals.literals - 1;
  totals.length = stated ? totals.length + length : totals.length - length;
  return ToStatus(st.batch.Put(st.store.families_[kText], kTextTotalsKey, EncodeTextTotals(totals)), "text index");
}

// Whether the store with this transaction's writes has `quad`; an error once
// the transaction ended.
absl::StatusOr<bool> QuadStore::Transaction::Has(const QuadIds& quad) {
  State& st = *state_;
  if (st.done) return absl::FailedPreconditionError("the transaction has ended");
  RETURN_IF_ERROR(ToStatus(st.write_failure, "transaction"));
  const QuadKey key = EncodeQuadKey(Permutation::kSpog, quad);
  std::string ignored;
  const absl::Status found = st.store.Get(kSpog, std::string_view(key.data(), key.size()), &ignored,
                                          View().get(), "quad lookup");
  if (absl::IsNotFound(found)) return false;
  RETURN_IF_ERROR(found);
  return true;
}

absl::StatusOr<bool> QuadStore::Transaction::Insert(const QuadIds& quad) {
  State& st = *state_;
  ASSIGN_OR_RETURN(const bool present, Has(quad));
  if (present) return false;
  const QuadKey key = EncodeQuadKey(Permutation::kSpog, quad);
  for (const Permutation permutation : kAllPermutations) {
    RETURN_IF_ERROR(ToStatus(st.batch.Put(st.store.families_[FamilyOf(permutation)],
                                          Slice(EncodeQuadKey(permutation, quad)), rocksdb::Slice()),
                             "transaction"));
  }
  ++st.changes.inserted;
  ++st.predicate_quads[quad.p];
  ++st.graph_quads[quad.g];
  st.subject_pairs.emplace(key.data(), 16);
  st.object_pairs.emplace(EncodeQuadKey(Permutation::kPosg, quad).data(), 16);
  ASSIGN_OR_RETURN(const bool names, IsNameQuad(quad));
  if (names) st.renamed.try_emplace(quad.s);
  RETURN_IF_ERROR(SyncText(quad));
  return true;
}

absl::StatusOr<QuadIds> QuadStore::Transaction::Encode(const Quad& quad) {
  QuadIds ids;
  ASSIGN_OR_RETURN(ids.s, Encode(quad.subject));
  ASSIGN_OR_RETURN(ids.p, Encode(quad.predicate));
  ASSIGN_OR_RETURN(ids.o, Encode(quad.object));
  if (!quad.InDefaultGraph()) {
    ASSIGN_OR_RETURN(ids.g, Encode(quad.graph));
  }
  return ids;
}

absl::StatusOr<bool> QuadStore::Transaction::Insert(const Quad& quad) {
  ASSIGN_OR_RETURN(const QuadIds ids, Encode(quad));
  return Insert(ids);
}

absl::StatusOr<bool> QuadStore::Transaction::Delete(const QuadIds& quad) {
  State& st = *state_;
  ASSIGN_OR_RETURN(const bool present, Has(quad));
  if (!present) return false;
  const QuadKey key = EncodeQuadKey(Permutation::kSpog, quad);
  ASSIGN_OR_RETURN(const bool names, IsNameQuad(quad));
  if (names) {
    ASSIGN_OR_RETURN(const Term name, st.store.Resolve(quad.o, View().get()));
    if (name.IsLiteral()) st.renamed[quad.s].push_back(name.value);
  }
  for (const Permutation permutation : kAllPermutations) {
    RETURN_IF_ERROR(ToStatus(st.batch.Delete(st.store.families_[FamilyOf(permutation)],
                                             Slice(EncodeQuadKey(permutation, quad))),
                             "transaction"));
  }
  RETURN_IF_ERROR(SyncText(quad));
  ++st.changes.deleted;
  --st.predicate_quads[quad.p];
  --st.graph_quads[quad.g];
  st.subject_pairs.emplace(key.data(), 16);
  st.object_pairs.emplace(EncodeQuadKey(Permutation::kPosg, quad).data(), 16);
  return true;
}

namespace {

std::uint64_t Apply(std::uint64_t count, std::int64_t delta) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(count) + delta);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const StoreStats>> QuadStore::Transaction::Stats() {
  State& st = *state_;
  ASSIGN_OR_RETURN(const auto stored, st.store.CachedStats());
  if (st.predicate_quads.empty()) return stored;
  auto stats = std::make_shared<StoreStats>(*stored);
  for (const auto& [predicate, delta] : st.predicate_quads) {
    stats->quads = Apply(stats->quads, delta);
    PredicateStats& p = stats->predicates[predicate];
    p.quads = Apply(p.quads, delta);
  }
  return std::shared_ptr<const StoreStats>(std::move(stats));
}

absl::StatusOr<std::shared_ptr<const GraphCounts>> QuadStore::Transaction::CountsPerGraph() {
  State& st = *state_;
  ASSIGN_OR_RETURN(const auto stored, st.store.CachedGraphCounts());
  if (st.graph_quads.empty()) return stored;
  auto counts = std::make_shared<storage::GraphCounts>(*stored);
  for (const auto& [graph, delta] : st.graph_quads) {
    std::uint64_t& count = (*counts)[graph];
    count = Apply(count, delta);
  }
  return std::shared_ptr<const storage::GraphCounts>(std::move(counts));
}

// For each (s, p) and (p, o) pair a write touched, whether it had quads
// before and has after: the change of the predicate's distinct subjects and
// objects.
absl::Status QuadStore::Transaction::UpdateDistinctCounts() {
  State& st = *state_;
  rocksdb::ReadOptions before = TotalOrder();
  before.snapshot = st.base->snapshot_;
  const auto differences = [&](Family family, const std::set<std::string>& pairs,
                               std::size_t predicate_offset,
                               std::map<TermId, std::int64_t>* out) -> absl::Status {
    std::unique_ptr<rocksdb::Iterator> old(st.store.db_->NewIterator(before, st.store.families_[family]));
    rocksdb::ReadOptions after_options = TotalOrder();
    std::unique_ptr<rocksdb::Iterator> now(st.batch.NewIteratorWithBase(
        st.store.families_[family], st.store.db_->NewIterator(after_options, st.store.families_[family]),
        &after_options));
    const auto has = [](rocksdb::Iterator* it, const std::string& prefix) {
      it->Seek(Slice(prefix));
      return it->Valid() && it->key().starts_with(Slice(prefix));
    };
    for (const std::string& pair : pairs) {
      const int change = (has(now.get(), pair) ? 1 : 0) - (has(old.get(), pair) ? 1 : 0);
      if (change != 0) (*out)[DecodeU64(pair, predicate_offset)] += change;
    }
    RETURN_IF_ERROR(ToStatus(old->status(), "statistics"));
    return ToStatus(now->status(), "statistics");
  };
  std::map<TermId, std::int64_t> subjects, objects;
  RETURN_IF_ERROR(differences(kSpog, st.subject_pairs, 8, &subjects));
  RETURN_IF_ERROR(differences(kPosg, st.object_pairs, 0, &objects));

  std::set<TermId> predicates;
  for (const auto& [p, delta] : st.predicate_quads) predicates.insert(p);
  const rocksdb::ReadOptions read;
  for (const TermId p : predicates) {
    const std::string key = "P" + EncodeU64(p);
    std::string value;
    std::uint64_t old[3] = {};
    const rocksdb::Status s = st.store.db_->Get(read, st.store.families_[kStats], key, &value);
    if (s.ok()) {
      for (std::size_t i = 0; i < 3; ++i) old[i] = DecodeU64(value, 8 * i);
    } else if (!s.IsNotFound()) {
      return ToStatus(s, "statistics");
    }
    const std::uint64_t quads = Apply(old[0], st.predicate_quads[p]);
    rocksdb::Status w;
    if (quads == 0) {
      w = st.batch.Delete(st.store.families_[kStats], key);
    } else {
      w = st.batch.Put(st.store.families_[kStats], key,
                       EncodeU64(quads) + EncodeU64(Apply(old[1], subjects[p])) +
                           EncodeU64(Apply(old[2], objects[p])));
    }
    RETURN_IF_ERROR(ToStatus(w, "statistics"));
  }
  std::int64_t total_delta = 0;
  for (const auto& [g, delta] : st.graph_quads) {
    total_delta += delta;
    const std::string key = "G" + EncodeU64(g);
    std::string value;
    std::uint64_t old = 0;
    const rocksdb::Status s = st.store.db_->Get(read, st.store.families_[kStats], key, &value);
    if (s.ok()) {
      old = DecodeU64(value);
    } else if (!s.IsNotFound()) {
      return ToStatus(s, "statistics");
    }
    const std::uint64_t count = Apply(old, delta);
    RETURN_IF_ERROR(ToStatus(count == 0 ? st.batch.Delete(st.store.families_[kStats], key)
                                        : st.batch.Put(st.store.families_[kStats], key, EncodeU64(count)),
                             "statistics"));
  }
  std::string value;
  std::uint64_t total = 0;
  const rocksdb::Status s = st.store.db_->Get(read, st.store.families_[kStats], "T", &value);
  if (s.ok()) {
    total = DecodeU64(value);
  } else if (!s.IsNotFound()) {
    return ToStatus(s, "statistics");
  }
  return ToStatus(st.batch.Put(st.store.families_[kStats], "T", EncodeU64(Apply(total, total_delta))),
                  "statistics");
}

// A subject's name entries after the writes: those of the names removed go,
// then those of every name it still has are written again (two literals
// may share a normal form, and a label outranks an alias).
absl::Status QuadStore::Transaction::UpdateNames() {
  State& st = *state_;
  if (st.renamed.empty()) return absl::OkStatus();
  const std::shared_ptr<const Snapshot> view = View();
  for (const auto& [subject, removed] : st.renamed) {
    for (const std::string& name : removed) {
      for (const std::string& key : NameIndexKeys(name, subject)) {
        RETURN_IF_ERROR(ToStatus(st.batch.Delete(st.store.families_[kNames], Slice(key)), "name index"));
      }
    }
    std::map<std::string, char> entries;
    Pattern pattern;
    pattern.ids.s = subject;
    std::vector<QuadIds> names;
    for (auto cursor = st.store.OpenCursor(pattern, false, view); cursor->Valid(); cursor->Next()) {
      ASSIGN_OR_RETURN(const bool is_name, IsNameQuad(cursor->quad()));
      if (is_name) names.push_back(cursor->quad());
    }
    for (const QuadIds& quad : names) {
      ASSIGN_OR_RETURN(const Term name, st.store.Resolve(quad.o, view.get()));
      if (!name.IsLiteral()) continue;
      const char kind = static_cast<char>(*st.name_kind_of_predicate[quad.p]);
      for (std::string& key : NameIndexKeys(name.value, subject)) {
        char& slot = entries[std::move(key)];
        slot = std::max(slot, kind);  // 'L' > 'A': the label wins
      }
    }
    for (const auto& [key, kind] : entries) {
      RETURN_IF_ERROR(ToStatus(st.batch.Put(st.store.families_[kNames], Slice(key), rocksdb::Slice(&kind, 1)),
                               "name index"));
    }
  }
  return absl::OkStatus();
}

// Adds `entry` to the block of `term` whose range holds its literal (a new
// block when none does; a block grown to twice kTextBlock is split), or
// removes it from there (a block left empty goes).
absl::Status QuadStore::Transaction::UpdateTextBlock(const std::string& term, const TextEntry& entry, bool add) {
  State& st = *state_;
  rocksdb::ColumnFamilyHandle* family = st.store.families_[kText];
  rocksdb::ReadOptions options = TotalOrder();
  // A new iterator each time: writing the batch invalidates the last one.
  std::unique_ptr<rocksdb::Iterator> it(
      st.batch.NewIteratorWithBase(family, st.store.db_->NewIterator(options, family), &options));
  const std::string wanted = TextBlockKey(term, entry.literal);
  it->SeekForPrev(Slice(wanted));
  RETURN_IF_ERROR(ToStatus(it->status(), "text index"));
  const std::string prefix = TextTermPrefix(term);
  const bool in_block = it->Valid() && IsTextBlockKey(std::string_view(it->key().data(), it->key().size())) &&
                        it->key().starts_with(Slice(prefix)) && it->key().size() == wanted.size();
  if (!in_block) {
    if (!add) return absl::DataLossError("text index: no block holds the posting of '" + term + "' to remove");
    return ToStatus(st.batch.Put(family, Slice(wanted), EncodeTextBlock(entry.literal, {entry})), "text index");
  }
  const std::string key = it->key().ToString();
  const TermId base = ReadBigEndian(key, key.size() - 8);
  std::vector<TextEntry> entries = DecodeTextBlock(key, std::string_view(it->value().data(), it->value().size()));
  it.reset();
  const auto at = std::lower_bound(entries.begin(), entries.end(), entry.literal,
                                   [](const TextEntry& e, TermId literal) { return e.literal < literal; });
  const bool present = at != entries.end() && at->literal == entry.literal;
  if (add) {
    if (present) return absl::OkStatus();
    entries.insert(at, entry);
  } else {
    if (!present) return absl::DataLossError("text index: the block of '" + term + "' lacks the posting to remove");
    entries.erase(at);
  }
  if (entries.empty()) return ToStatus(st.batch.Delete(family, Slice(key)), "text index");
  if (entries.size() <= 2 * kTextBlock) {
    return ToStatus(st.batch.Put(family, Slice(key), EncodeTextBlock(base, entries)), "text index");
  }
  const std::vector<TextEntry> upper(entries.begin() + static_cast<std::ptrdiff_t>(kTextBlock), entries.end());
  entries.resize(kTextBlock);
  RETURN_IF_ERROR(ToStatus(st.batch.Put(family, Slice(key), EncodeTextBlock(base, entries)), "text index"));
  return ToStatus(st.batch.Put(family, Slice(TextBlockKey(term, upper.front().literal)),
                               EncodeTextBlock(upper.front().literal, upper)),
                  "text index");
}

absl::StatusOr<QuadStore::Transaction::Changes> QuadStore::Transaction::Commit() {
  State& st = *state_;
  if (st.done) return absl::FailedPreconditionError("the transaction has ended");
  st.done = true;
  absl::StatusOr<Changes> changes = CommitLocked();
  // Gives back the ids of a failed commit, then lets the next writer in.
  st.rollback.Release();
  st.view.reset();
  st.lock.unlock();
  return changes;
}

absl::StatusOr<QuadStore::Transaction::Changes> QuadStore::Transaction::CommitLocked() {
  State& st = *state_;
  RETURN_IF_ERROR(ToStatus(st.write_failure, "transaction"));
  if (st.changes.inserted + st.changes.deleted == 0) return st.changes;
  RETURN_IF_ERROR(UpdateNames());
  RETURN_IF_ERROR(UpdateDistinctCounts());
  for (int tag = 1; tag <= 4; ++tag) {
    RETURN_IF_ERROR(ToStatus(st.batch.Put("next/" + std::to_string(tag), EncodeU64(st.store.next_sequence_[tag])),
                             "transaction"));
  }
  const rocksdb::Status written = st.store.db_->Write(rocksdb::WriteOptions(), st.batch.GetWriteBatch());
  st.store.ForgetReadCaches();
  RETURN_IF_ERROR(ToStatus(written, "commit"));
  st.rollback.Commit();
  return st.changes;
}

}  // namespace relata::storage
