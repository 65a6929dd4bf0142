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

std::string TextTermPrefix(std::string_view term) {
  std::string key(term);
  key.push_back('\0');
  return key;
}

std::string TextBlockKey(std::string_view term, TermId literal) {
  std::string key = TextTermPrefix(term);
  AppendBigEndian(literal, &key);
  return key;
}

bool IsTextBlockKey(std::string_view key) {
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

std::vector<std::uint32_t> TextPosting::Positions() const {
  std::vector<std::uint32_t> out;
  out.reserve(count);
  std::size_t offset = 0;
  std::uint32_t position = 0;
  for (std::uint32_t i = 0; i < count && offset < positions.size(); ++i) {
    position += static_cast<std::uint32_t>(ReadVarint(positions, &offset));
    out.push_back(position);
  }
  return out;
}

TextBlockReader::TextBlockReader(std::string_view key, std::string_view value)
    : term_(key.substr(0, key.size() - 9)), value_(value), previous_(ReadBigEndian(key, key.size() - 8)) {
  count_ = ReadVarint(value_, &offset_);
}

bool TextBlockReader::Next(TextPosting* posting) {
  if (read_ == count_ || offset_ >= value_.size()) return false;
  ++read_;
  previous_ += ReadVarint(value_, &offset_);
  posting->term = term_;
  posting->literal = previous_;
  posting->length = static_cast<std::uint32_t>(ReadVarint(value_, &offset_));
  posting->count = static_cast<std::uint32_t>(ReadVarint(value_, &offset_));
  const std::size_t start = offset_;
  for (std::uint32_t i = 0; i < posting->count && offset_ < value_.size(); ++i) {
    while (offset_ < value_.size() && (static_cast<unsigned char>(value_[offset_]) & 0x80) != 0) ++offset_;
    ++offset_;
  }
  posting->positions = value_.substr(start, offset_ - start);
  return true;
}

std::string EncodeTextBlock(TermId base, const std::vector<TextEntry>& entries) {
  std::string value;
  AppendVarint(entries.size(), &value);
  TermId previous = base;
  for (const TextEntry& entry : entries) {
    AppendVarint(entry.literal - previous, &value);
    previous = entry.literal;
    AppendVarint(entry.length, &value);
    AppendVarint(entry.positions.size(), &value);
    std::uint32_t last = 0;
    for (const std::uint32_t position : entry.positions) {
      AppendVarint(position - last, &value);
      last = position;
    }
  }
  return value;
}

std::vector<TextEntry> DecodeTextBlock(std::string_view key, std::string_view value) {
  std::vector<TextEntry> entries;
  TextBlockReader reader(key, value);
  entries.reserve(reader.size());
  for (TextPosting posting; reader.Next(&posting);) {
    entries.push_back(TextEntry{posting.literal, posting.length, posting.Positions()});
  }
  return entries;
}

std::vector<std::pair<std::string, std::vector<std::uint32_t>>> TextTerms(const TextAnalyzer& analyzer,
                                                                           std::string_view text,
                                                                           std::uint32_t* length) {
  const std::vector<TextToken> tokens = analyzer.Analyze(text);
  *length = static_cast<std::uint32_t>(tokens.size());
  std::map<std::string_view, std::vector<std::uint32_t>> positions;
  for (const TextToken& token : tokens) positions[token.term].push_back(token.position);
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> terms;
  terms.reserve(positions.size());
  for (auto& [term, at] : positions) terms.emplace_back(std::string(term), std::move(at));
  return terms;
}

}  // namespace relata::storage
