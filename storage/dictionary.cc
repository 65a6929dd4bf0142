// The term dictionary: ids for terms (inline or from the counters), terms
// for ids, one at a time or a batch with one MultiGet, through the cache.
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
#include "storage/dictionary_cache.h"

namespace relata::storage {

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

absl::StatusOr<std::optional<TermId>> QuadStore::Lookup(const Term& term, const Snapshot* view) const {
  if (term.IsBlank()) return std::optional<TermId>();
  if (const auto inline_id = InlineId(term)) return inline_id;
  if (!term.IsTriple()) return LookupKey(DictionaryKey(term), view);
  TermId parts[3];
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(const auto part, Lookup(term.triple[static_cast<std::size_t>(i)], view));
    if (!part.has_value()) return std::optional<TermId>();
    parts[i] = *part;
  }
  return LookupKey(TripleKey(parts[0], parts[1], parts[2]), view);
}

absl::StatusOr<std::optional<TermId>> QuadStore::LookupTriple(TermId s, TermId p, TermId o,
                                                              const Snapshot* view) const {
  return LookupKey(TripleKey(s, p, o), view);
}

absl::StatusOr<std::optional<TermId>> QuadStore::LookupKey(const std::string& key, const Snapshot* view) const {
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

absl::StatusOr<std::vector<SharedTerm>> QuadStore::ResolveMany(std::span<const TermId> ids,
                                                               const Snapshot* view) const {
  std::vector<SharedTerm> terms(ids.size());
  // Dictionary reads in id order through one batched MultiGet.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (IsInline(ids[i])) {
      terms[i] = std::make_shared<const Term>(DecodeInline(ids[i]));
    } else if (TagOf(ids[i]) == TermTag::kBlank) {
      terms[i] = std::make_shared<const Term>(Term::Blank("b" + std::to_string(ids[i] & kPayloadMask)));
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
    ASSIGN_OR_RETURN(Term term, TermFromEntry(id, std::string_view(values[k].data(), values[k].size()), view));
    terms[order[k]] = std::make_shared<const Term>(std::move(term));
  }
  if (cacheable) dictionary_cache_->PutBatch(ids, order, terms);
  return terms;
}

}  // namespace relata::storage
