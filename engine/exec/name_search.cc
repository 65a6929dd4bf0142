#include "engine/exec/name_search.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "engine/base/names.h"
#include "engine/base/status_macros.h"

namespace relata::engine {
namespace {

// How much of `name` the typed words cover, or 0 when one of them begins no
// word of it. Each typed word claims a different name word, longest first,
// so "putin putin" does not match "Vladimir Putin".
double Coverage(const std::vector<std::string_view>& typed, std::string_view name) {
  // One typed word begins the word the index entry was found under, so only
  // the name's letters are left to count. The common case as people type.
  if (typed.size() == 1) {
    const auto letters = name.size() - static_cast<std::size_t>(std::count(name.begin(), name.end(), ' '));
    return letters == 0 ? 0 : static_cast<double>(typed.front().size()) / static_cast<double>(letters);
  }
  // Called for every index entry a search reads: the words stay on the stack.
  absl::InlinedVector<std::string_view, 8> words;
  for (std::size_t start = 0; start < name.size();) {
    const std::size_t end = std::min(name.find(' ', start), name.size());
    if (end > start) words.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  absl::InlinedVector<bool, 8> used(words.size(), false);
  std::size_t covered = 0, letters = 0;
  for (const std::string_view word : words) letters += word.size();
  for (const std::string_view want : typed) {
    bool found = false;
    // An exact word beats a longer word it begins.
    for (int pass = 0; pass < 2 && !found; ++pass) {
      for (std::size_t i = 0; i < words.size(); ++i) {
        if (used[i] || !words[i].starts_with(want)) continue;
        if (pass == 0 && words[i].size() != want.size()) continue;
        used[i] = true;
        found = true;
        break;
      }
    }
    if (!found) return 0;
    covered += want.size();
  }
  return letters == 0 ? 0 : static_cast<double>(covered) / static_cast<double>(letters);
}

using Candidate = NameMatches::Candidate;

// Whether `a` is a better match for the same entity than `b`.
bool Better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.label != b.label) return a.label;
  return a.name_size < b.name_size;
}

// The heap's order: true when `a` comes after `b` in the results.
bool After(const Candidate& a, const Candidate& b) {
  if (Better(a, b)) return false;
  if (Better(b, a)) return true;
  return a.entity > b.entity;
}

}  // namespace

NameMatches::NameMatches(std::vector<Candidate> candidates) : heap_(std::move(candidates)) {
  std::make_heap(heap_.begin(), heap_.end(), After);
}

std::optional<NameMatch> NameMatches::Next() {
  if (heap_.empty()) return std::nullopt;
  std::pop_heap(heap_.begin(), heap_.end(), After);
  const Candidate best = heap_.back();
  heap_.pop_back();
  return NameMatch{best.entity, best.score};
}

absl::StatusOr<NameMatches> SearchNames(
    const storage::QuadStore& store, std::string_view text,
    const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot) {
  const std::string normalized = NormalizeName(text);
  std::vector<std::string_view> typed = NameTokens(normalized);
  if (typed.empty()) return NameMatches();
  // The longest word has the fewest index entries beginning with it, as a
  // rule; every candidate then has to match the other words too.
  std::sort(typed.begin(), typed.end(),
            [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  // An entity's names are found one index entry at a time: its best name counts.
  absl::flat_hash_map<storage::TermId, Candidate> best;
  RETURN_IF_ERROR(store.ScanNames(
      typed.front(),
      [&](const storage::NameEntry& entry) {
        const double score = Coverage(typed, entry.normalized_name);
        if (score == 0) return true;
        const Candidate candidate{entry.subject, score, entry.kind == storage::NameKind::kLabel,
                                  entry.normalized_name.size()};
        auto [it, inserted] = best.try_emplace(entry.subject, candidate);
        if (!inserted && Better(candidate, it->second)) it->second = candidate;
        return true;
      },
      snapshot));
  std::vector<Candidate> candidates;
  candidates.reserve(best.size());
  for (const auto& [entity, candidate] : best) candidates.push_back(candidate);
  return NameMatches(std::move(candidates));
}

}  // namespace relata::engine
