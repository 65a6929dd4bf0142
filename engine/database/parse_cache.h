// Parsed queries by their text: programs send the same text again and again
// (a dashboard's queries, a loop that writes the entity into the text), and
// for a short query parsing takes as long as running it. Parsed queries are
// immutable, so executions share them as prepared queries do.
#ifndef RELATA_ENGINE_SRC_PARSE_CACHE_H_
#define RELATA_ENGINE_SRC_PARSE_CACHE_H_

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "query/algebra.h"

namespace relata {

class ParseCache {
 public:
  static constexpr std::size_t kEntries = 256;
  static constexpr std::size_t kLongestText = 16 << 10;  // longer texts are parsed each time

  // What a parse depends on besides the text: the base IRI and the
  // predeclared prefixes.
  static std::string KeyOf(std::string_view text, const std::string& base_iri,
                           const std::map<std::string, std::string>& prefixes) {
    std::string key(text);
    key += '\0';
    key += base_iri;
    for (const auto& [name, iri] : prefixes) {
      key += '\0';
      key += name;
      key += '\0';
      key += iri;
    }
    return key;
  }

  std::shared_ptr<const query::Query> Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    recent_.splice(recent_.begin(), recent_, it->second);
    return it->second->second;
  }

  void Put(std::string key, std::shared_ptr<const query::Query> parsed) {
    if (key.size() > kLongestText) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (index_.contains(key)) return;
    if (recent_.size() == kEntries) {
      index_.erase(recent_.back().first);
      recent_.pop_back();
    }
    recent_.emplace_front(std::move(key), std::move(parsed));
    index_.emplace(recent_.front().first, recent_.begin());
  }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const query::Query>>;
  std::mutex mutex_;
  std::list<Entry> recent_;  // most recently used first
  absl::flat_hash_map<std::string_view, std::list<Entry>::iterator> index_;  // keys live in recent_
};

}  // namespace relata

#endif  // RELATA_ENGINE_SRC_PARSE_CACHE_H_
