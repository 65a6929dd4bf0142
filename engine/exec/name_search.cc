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

struct Best {
  double score = 0;
  bool label = false;
  std::size_t name_size = 0;
};

bool Better(const Best& a, const Best& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.label != b.label) return a.label;
  return a.name_size < b.name_size;
}

}  // namespace

absl::StatusOr<std::vector<NameMatch>> SearchNames(
    const storage::QuadStore& store, std::string_view text,
    const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot) {
  const std::string normalized = NormalizeName(text);
  std::vector<std::string_view> typed = NameTokens(normalized);
  if (typed.empty()) return std::vector<NameMatch>{};
  // The longest word has the fewest index entries beginning with it, as a
  // rule; every candidate then has to match the other words too.
  std::sort(typed.begin(), typed.end(),
            [](std::string_view a, std::string_view b) { return a.size() > b.size(); });
  absl::flat_hash_map<storage::TermId, Best> best;
  RETURN_IF_ERROR(store.ScanNames(
      typed.front(),
      [&](const storage::NameEntry& entry) {
        const double score = Coverage(typed, entry.normalized_name);
        if (score == 0) return true;
        const Best candidate{score, entry.kind == storage::NameKind::kLabel,
                             entry.normalized_name.size()};
        auto [it, inserted] = best.try_emplace(entry.subject, candidate);
        if (!inserted && Better(candidate, it->second)) it->second = candidate;
        return true;
      },
      snapshot));
  std::vector<std::pair<storage::TermId, Best>> ranked(best.begin(), best.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (Better(a.second, b.second)) return true;
    if (Better(b.second, a.second)) return false;
    return a.first < b.first;
  });
  std::vector<NameMatch> matches;
  matches.reserve(ranked.size());
  for (const auto& [entity, found] : ranked) matches.push_back({entity, found.score});
  return matches;
}

}  // namespace relata::engine
