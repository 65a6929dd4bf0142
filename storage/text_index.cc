#include "storage/text_index.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_split.h"
#include "engine/base/strings.h"
#include "storage/key_codec.h"

namespace relata::storage {

bool IsTextPredicate(std::string_view iri, const std::vector<std::string>& added) {
  if (std::find(added.begin(), added.end(), iri) != added.end()) return true;
  const std::size_t separator = iri.find_last_of("/#");
  if (separator == std::string_view::npos) return false;
  static constexpr std::string_view kLocalNames[] = {"evidence", "sentence", "title",
                                                     "content",  "description", "comment"};
  const std::string_view local = iri.substr(separator + 1);
  return std::find(std::begin(kLocalNames), std::end(kLocalNames), local) != std::end(kLocalNames);
}

std::string SerializePredicates(const std::vector<std::string>& iris) {
  std::string out;
  for (const std::string& iri : iris) out += iri + "\n";
  return out;
}

std::vector<std::string> ParsePredicates(std::string_view serialized) {
  std::vector<std::string> iris = absl::StrSplit(ToAbsl(serialized), '\n', absl::SkipEmpty());
  return iris;
}

std::string EncodeTextTotals(const TextTotals& totals) {
  std::string out;
  AppendBigEndian(totals.literals, &out);
  AppendBigEndian(totals.length, &out);
  return out;
}

TextTotals DecodeTextTotals(std::string_view value) {
  if (value.size() < 16) return {};
  return TextTotals{ReadBigEndian(value, 0), ReadBigEndian(value, 8)};
}

std::string TextUnitKey(TermId literal) {
  std::string key(1, '\x01');
  AppendBigEndian(literal, &key);
  return key;
}

std::string TextPostingPrefix(std::string_view term) {
  std::string key(term);
  key.push_back('\0');
  return key;
}

bool IsTextPostingKey(std::string_view key) {
  return key.size() > 9 && key[0] > '\x02' && key[key.size() - 9] == '\0';
}

void AppendVarint(std::uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

std::uint64_t ReadVarint(std::string_view in, std::size_t* offset) {
  std::uint64_t value = 0;
  for (int shift = 0; *offset < in.size() && shift < 64; shift += 7) {
    const auto byte = static_cast<unsigned char>(in[(*offset)++]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  return value;
}

TextPosting::TextPosting(std::string_view key, std::string_view value)
    : term_(key.substr(0, key.size() - 9)), value_(value), literal_(ReadBigEndian(key, key.size() - 8)) {
  std::size_t offset = 0;
  length_ = static_cast<std::uint32_t>(ReadVarint(value, &offset));
  count_ = static_cast<std::uint32_t>(ReadVarint(value, &offset));
  positions_offset_ = offset;
}

std::vector<std::uint32_t> TextPosting::Positions() const {
  std::vector<std::uint32_t> positions;
  positions.reserve(count_);
  std::size_t offset = positions_offset_;
  std::uint32_t position = 0;
  for (std::uint32_t i = 0; i < count_ && offset < value_.size(); ++i) {
    position += static_cast<std::uint32_t>(ReadVarint(value_, &offset));
    positions.push_back(position);
  }
  return positions;
}

std::vector<std::pair<std::string, std::string>> TextIndexEntries(const TextAnalyzer& analyzer,
                                                                  std::string_view text, TermId literal,
                                                                  std::uint32_t* length) {
  const std::vector<TextToken> tokens = analyzer.Analyze(text);
  *length = static_cast<std::uint32_t>(tokens.size());
  std::map<std::string_view, std::vector<std::uint32_t>> positions;
  for (const TextToken& token : tokens) positions[token.term].push_back(token.position);
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(positions.size() + 1);
  for (const auto& [term, at] : positions) {
    std::string key = TextPostingPrefix(term);
    AppendBigEndian(literal, &key);
    std::string value;
    AppendVarint(*length, &value);
    AppendVarint(at.size(), &value);
    std::uint32_t previous = 0;
    for (const std::uint32_t position : at) {
      AppendVarint(position - previous, &value);
      previous = position;
    }
    entries.emplace_back(std::move(key), std::move(value));
  }
  std::string unit;
  AppendVarint(*length, &unit);
  entries.emplace_back(TextUnitKey(literal), std::move(unit));
  return entries;
}

}  // namespace relata::storage
