// Inline encodings. Every encoder is checked by decoding: a literal is inlined
// only when DecodeInline gives back its exact lexical form, so ids never
// change what a user wrote ("01", "1.50", "+00:00" stay in the dictionary).
#include "storage/term_codec.h"

#include "storage/key_codec.h"

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace relata::storage {
namespace {

constexpr std::int64_t kIntegerBias = std::int64_t{1} << 59;
constexpr std::int64_t kMantissaBias = std::int64_t{1} << 55;
constexpr int kTzNone = 0, kTzUtc = 57;  // codes 1..113: offsets -14:00..+14:00 by 15 min
constexpr std::int64_t kMsPerDay = 86'400'000;

std::string Xsd(std::string_view local) {
  std::string iri(kXsd);
  iri.append(local);
  return iri;
}

bool ParseInt(std::string_view text, std::int64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Days since 0001-01-01 (proleptic Gregorian), after H. Hinnant's days_from_civil.
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = y / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 306;  // 0001-01-01 is day 0
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 306;
  const std::int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, std::size_t pos, std::size_t n, unsigned* out) {
  if (pos + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

// "YYYY-MM-DD" at the start of `s`, as days since 0001-01-01.
bool ParseDate(std::string_view s, std::int64_t* days) {
  unsigned y, m, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &m) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || y == 0 || m < 1 || m > 12 || d < 1) {
    return false;
  }
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

bool ParseTimeZone(std::string_view s, int* code) {
  if (s.empty()) {
    *code = kTzNone;
    return true;
  }
  if (s == "Z") {
    *code = kTzUtc;
    return true;
  }
  unsigned h, mi;
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !Digits(s, 1, 2, &h) || s[3] != ':' ||
      !Digits(s, 4, 2, &mi) || mi % 15 != 0 || h * 60 + mi > 840) {
    return false;
  }
  const int quarters = static_cast<int>((h * 60 + mi) / 15);
  *code = kTzUtc + (s[0] == '-' ? -quarters : quarters);
  return true;
}

void AppendTimeZone(int code, std::string* out) {
  if (code == kTzNone) return;
  if (code == kTzUtc) {
    out->push_back('Z');
    return;
  }
  const int minutes = (code - kTzUtc) * 15;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes < 0 ? '-' : '+', std::abs(minutes) / 60,
                std::abs(minutes) % 60);
  out->append(buf);
}

std::string FormatDate(std::int64_t days) {
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::optional<std::uint64_t> EncodeInteger(std::string_view lex) {
  std::int64_t v;
  if (!ParseInt(lex, &v) || v < -kIntegerBias || v >= kIntegerBias) return std::nullopt;
  return static_cast<std::uint64_t>(v + kIntegerBias);
}

std::optional<std::uint64_t> EncodeDecimal(std::string_view lex) {
  const auto dot = lex.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::size_t scale = lex.size() - dot - 1;
  if (scale == 0 || scale > 15) return std::nullopt;
  std::string digits(lex.substr(0, dot));
  digits.append(lex.substr(dot + 1));
  std::int64_t mantissa;
  if (!ParseInt(digits, &mantissa) || mantissa <= -kMantissaBias || mantissa >= kMantissaBias) {
    return std::nullopt;
  }
  return (static_cast<std::uint64_t>(scale) << 56) |
         static_cast<std::uint64_t>(mantissa + kMantissaBias);
}

std::optional<std::uint64_t> EncodeDouble(std::string_view lex) {
  double value;
  const auto [end, ec] = std::from_chars(lex.data(), lex.data() + lex.size(), value);
  if (ec != std::errc() || end != lex.data() + lex.size()) return std::nullopt;
  std::uint64_t bits = std::bit_cast<std::uint64_t>(value);
  if ((bits & 0xF) != 0 || (bits & 0x7FF0000000000000) == 0x7FF0000000000000) return std::nullopt;
  // Flip so that unsigned order is numeric order.
  bits = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
  return bits >> 4;
}

std::optional<std::uint64_t> EncodeDate(std::string_view lex) {
  std::int64_t days;
  int tz;
  if (!ParseDate(lex, &days) || !ParseTimeZone(lex.substr(10), &tz)) return std::nullopt;
  return (static_cast<std::uint64_t>(days) << 8) | static_cast<std::uint64_t>(tz);
}

std::optional<std::uint64_t> EncodeDateTime(std::string_view lex) {
  std::int64_t days;
  unsigned h, mi, s;
  if (!ParseDate(lex, &days) || lex.size() < 19 || lex[10] != 'T' || !Digits(lex, 11, 2, &h) ||
      lex[13] != ':' || !Digits(lex, 14, 2, &mi) || lex[16] != ':' || !Digits(lex, 17, 2, &s) ||
      h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  unsigned ms = 0;
  if (pos < lex.size() && lex[pos] == '.') {
    std::size_t n = 0;
    while (pos + 1 + n < lex.size() && lex[pos + 1 + n] >= '0' && lex[pos + 1 + n] <= '9') ++n;
    if (n == 0 || n > 3 || !Digits(lex, pos + 1, n, &ms)) return std::nullopt;
    for (std::size_t k = n; k < 3; ++k) ms *= 10;
    pos += 1 + n;
  }
  int tz;
  if (!ParseTimeZone(lex.substr(pos), &tz)) return std::nullopt;
  const std::int64_t millis = days * kMsPerDay + ((h * 60 + mi) * 60 + s) * 1000LL + ms;
  return (static_cast<std::uint64_t>(millis) << 8) | static_cast<std::uint64_t>(tz);
}

std::string DecodeDouble(std::uint64_t payload) {
  std::uint64_t bits = payload << 4;
  // Negative values were complemented, so their dropped low bits were ones.
  bits = (bits >> 63) ? bits & ~(std::uint64_t{1} << 63) : ~(bits | 0xF);
  const double value = std::bit_cast<double>(bits);
  char buf[40];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  const auto e = text.find('e');
  std::string out(text.substr(0, e));
  if (out.find('.') == std::string::npos) out.append(".0");
  out.push_back('E');
  std::string_view exponent = text.substr(e + 1);
  if (exponent[0] == '-') out.push_back('-');
  exponent.remove_prefix(1);
  while (exponent.size() > 1 && exponent[0] == '0') exponent.remove_prefix(1);
  out.append(exponent);
  return out;
}

DecimalParts DecimalPayload(std::uint64_t payload) {
  return {static_cast<std::int64_t>(payload & ((std::uint64_t{1} << 56) - 1)) - kMantissaBias,
          static_cast<int>(payload >> 56)};
}

std::string DecodeDecimal(std::uint64_t payload) {
  const auto [mantissa, decimals] = DecimalPayload(payload);
  const auto scale = static_cast<std::size_t>(decimals);
  std::string digits = std::to_string(mantissa < 0 ? -mantissa : mantissa);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  digits.insert(digits.size() - scale, 1, '.');
  return mantissa < 0 ? "-" + digits : digits;
}

std::string DecodeDateTime(std::uint64_t payload) {
  const auto millis = static_cast<std::int64_t>(payload >> 8);
  const std::int64_t days = millis / kMsPerDay;
  std::int64_t rest = millis % kMsPerDay;
  const auto ms = static_cast<unsigned>(rest % 1000);
  rest /= 1000;
  char buf[80];
  std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lld", static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = FormatDate(days) + buf;
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03u", ms);
    std::string fraction = buf;
    while (fraction.back() == '0') fraction.pop_back();
    out.append(fraction);
  }
  AppendTimeZone(static_cast<int>(payload & 0xFF), &out);
  return out;
}

}  // namespace

std::optional<TermId> InlineId(const Term& term) {
  if (!term.IsLiteral() || !term.language.empty() || term.datatype.size() <= kXsd.size() ||
      term.datatype.compare(0, kXsd.size(), kXsd) != 0) {
    return std::nullopt;
  }
  const std::string_view type = std::string_view(term.datatype).substr(kXsd.size());
  const std::string_view lex = term.value;
  std::optional<std::uint64_t> payload;
  TermTag tag;
  if (type == "integer") {
    tag = TermTag::kInteger;
    payload = EncodeInteger(lex);
  } else if (type == "decimal") {
    tag = TermTag::kDecimal;
    payload = EncodeDecimal(lex);
  } else if (type == "double") {
    tag = TermTag::kDouble;
    payload = EncodeDouble(lex);
  } else if (type == "boolean") {
    tag = TermTag::kBoolean;
    if (lex == "true" || lex == "false") payload = lex == "true" ? 1 : 0;
  } else if (type == "date") {
    tag = TermTag::kDate;
    payload = EncodeDate(lex);
  } else if (type == "dateTime") {
    tag = TermTag::kDateTime;
    payload = EncodeDateTime(lex);
  } else {
    return std::nullopt;
  }
  if (!payload.has_value()) return std::nullopt;
  const TermId id = MakeId(tag, *payload);
  if (DecodeInline(id).value != lex) return std::nullopt;
  return id;
}

DecimalParts DecimalOf(TermId id) { return DecimalPayload(id & kPayloadMask); }

Term DecodeInline(TermId id) {
  const std::uint64_t payload = id & kPayloadMask;
  switch (TagOf(id)) {
    case TermTag::kInteger:
      return Term::Literal(std::to_string(static_cast<std::int64_t>(payload) - kIntegerBias),
                           Xsd("integer"));
    case TermTag::kDecimal:
      return Term::Literal(DecodeDecimal(payload), Xsd("decimal"));
    case TermTag::kDouble:
      return Term::Literal(DecodeDouble(payload), Xsd("double"));
    case TermTag::kBoolean:
      return Term::Literal(payload != 0 ? "true" : "false", Xsd("boolean"));
    case TermTag::kDate: {
      std::string text = FormatDate(static_cast<std::int64_t>(payload >> 8));
      AppendTimeZone(static_cast<int>(payload & 0xFF), &text);
      return Term::Literal(text, Xsd("date"));
    }
    case TermTag::kDateTime:
      return Term::Literal(DecodeDateTime(payload), Xsd("dateTime"));
    default:
      return Term{};
  }
}

std::string DictionaryKey(const Term& term) {
  std::string key;
  AppendDictionaryKey(term, &key);
  return key;
}

void AppendDictionaryKey(const Term& term, std::string* out) {
  std::string& key = *out;
  switch (term.kind) {
    case TermKind::kIri:
      key.push_back('I');
      key.append(term.value);
      break;
    case TermKind::kBlank:
      key.push_back('B');
      key.append(term.value);
      break;
    case TermKind::kLiteral:
      if (!term.language.empty()) {
        key.push_back('L');
        key.append(term.language);
        key.push_back('\0');
        key.append(term.direction);
        key.push_back('\0');
      } else if (term.datatype == kXsdString) {
        key.push_back('S');
      } else {
        key.push_back('T');
        key.append(term.datatype);
        key.push_back('\0');
      }
      key.append(term.value);
      break;
    case TermKind::kTriple:
      break;  // triple terms are keyed by their components' ids: TripleKey
  }
}

std::string TripleKey(TermId subject, TermId predicate, TermId object) {
  std::string key = "R";
  AppendBigEndian(subject, &key);
  AppendBigEndian(predicate, &key);
  AppendBigEndian(object, &key);
  return key;
}

}  // namespace relata::storage
