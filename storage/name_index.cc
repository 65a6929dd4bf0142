#include "storage/name_index.h"

#include <algorithm>

#include "engine/base/names.h"
#include "storage/key_codec.h"

namespace relata::storage {

std::optional<NameKind> NamePredicateKind(std::string_view iri) {
  static constexpr std::string_view kLabels[] = {
      "http://www.w3.org/2000/01/rdf-schema#label",
      "http://www.w3.org/2004/02/skos/core#prefLabel",
      "http://xmlns.com/foaf/0.1/name",
      "http://schema.org/name",
      "https://schema.org/name",
  };
  if (std::find(std::begin(kLabels), std::end(kLabels), iri) != std::end(kLabels)) {
    return NameKind::kLabel;
  }
  if (iri == "http://www.w3.org/2004/02/skos/core#altLabel") return NameKind::kAlias;
  // Any vocabulary's "alias": the extractor loader's kg: namespace moves with
  // its base IRI.
  constexpr std::string_view kAlias = "alias";
  if (iri.size() > kAlias.size() && iri.ends_with(kAlias)) {
    const char separator = iri[iri.size() - kAlias.size() - 1];
    if (separator == '/' || separator == '#') return NameKind::kAlias;
  }
  return std::nullopt;
}

std::vector<std::string> NameIndexKeys(std::string_view name, TermId subject) {
  const std::string normalized = NormalizeName(name);
  std::vector<std::string_view> tokens = NameTokens(normalized);
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  std::vector<std::string> keys;
  keys.reserve(tokens.size());
  for (const std::string_view token : tokens) {
    std::string key(token);
    key.push_back('\0');
    AppendBigEndian(subject, &key);
    key.append(normalized);
    keys.push_back(std::move(key));
  }
  return keys;
}

NameEntry DecodeNameEntry(std::string_view key, std::string_view value) {
  NameEntry entry;
  const std::size_t zero = key.find('\0');
  entry.token = key.substr(0, zero);
  entry.subject = ReadBigEndian(key, zero + 1);
  entry.normalized_name = key.substr(zero + 9);
  entry.kind = !value.empty() && value[0] == 'A' ? NameKind::kAlias : NameKind::kLabel;
  return entry;
}

}  // namespace relata::storage
