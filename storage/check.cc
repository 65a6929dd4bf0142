// relata check: the permutations, statistics, dictionary, name and text
// indexes and file checksums read in full and compared.
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
  // Held to the end: a read-only store does not catch up with its writer
  // while the check reads.
  const std::shared_ptr<const Snapshot> view = GetSnapshot();
  ASSIGN_OR_RETURN(const auto counters, CommittedCounters(*view));
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
  RETURN_IF_ERROR(CheckText(&report));

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
    if ((id & kPayloadMask) > counters[static_cast<std::size_t>(TagOf(id))]) ++beyond_counter;
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
  const auto blank_beyond = std::find_if(used.begin(), used.end(), [&counters](TermId id) {
    return TagOf(id) == TermTag::kBlank &&
           (id & kPayloadMask) > counters[static_cast<std::size_t>(TermTag::kBlank)];
  });
  if (blank_beyond != used.end()) problem("dictionary: blank node ids beyond the blank node counter");
  if (unresolved > 0) {
    problem("dictionary: " + std::to_string(unresolved) + " ids used in quads have no term");
  }
  return report;
}

}  // namespace relata::storage
