// Numbers are held as int64 (xsd:integer and its subtypes), long double
// (xsd:decimal: 18 significant digits, enough for the values news graphs
// carry) or double; an integer result that would overflow becomes a decimal.
#include "engine/exec/values.h"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/strings.h"
#include "engine/base/unicode_case.h"

namespace relata::engine {
namespace {

bool IsXsd(const Term& t, std::string_view local) {
  return t.datatype.size() == kXsdNs.size() + local.size() && t.datatype.starts_with(kXsdNs) &&
         std::string_view(t.datatype).substr(kXsdNs.size()) == local;
}
std::string_view XsdLocal(const Term& t) {
  if (!t.IsLiteral() || !std::string_view(t.datatype).starts_with(kXsdNs)) return {};
  return std::string_view(t.datatype).substr(kXsdNs.size());
}

bool IsIntegerType(std::string_view local) {
  static constexpr std::string_view kTypes[] = {
      "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
      "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
      "unsignedByte"};
  for (auto t : kTypes) {
    if (local == t) return true;
  }
  return false;
}

struct Number {
  enum Kind { kInteger, kDecimal, kFloat, kDouble };  // promotion order
  Kind kind = kInteger;
  std::int64_t integer = 0;
  long double real = 0;
  long double AsReal() const { return kind == kInteger ? static_cast<long double>(integer) : real; }
};

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseIntegerText(std::string_view s, std::int64_t* out) {
  s = TrimSpace(s);
  if (s.empty()) return false;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  std::int64_t v = 0;  // accumulated negative: -2^63 fits, 2^63 does not
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, c - '0', &v)) return false;
  }
  if (!negative && v == INT64_MIN) return false;
  *out = negative ? v : -v;
  return true;
}

bool ParseDecimalText(std::string_view s, long double* out) {
  s = TrimSpace(s);
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  if (!digits) return false;
  *out = std::strtold(std::string(s).c_str(), nullptr);
  return true;
}

bool ParseDoubleText(std::string_view s, long double* out) {
  s = TrimSpace(s);
  if (s == "INF" || s == "+INF") {
    *out = HUGE_VALL;
    return true;
  }
  if (s == "-INF") {
    *out = -HUGE_VALL;
    return true;
  }
  if (s == "NaN") {
    *out = NAN;
    return true;
  }
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false, dot = false, exp = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits && !exp) {
      exp = true;
      digits = false;
      if (i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) ++i;
    } else {
      return false;
    }
  }
  if (!digits) return false;
  *out = std::strtold(std::string(s).c_str(), nullptr);
  return true;
}

std::optional<Number> ToNumber(const Term& t) {
  const std::string_view local = XsdLocal(t);
  if (local.empty()) return std::nullopt;
  Number n;
  if (IsIntegerType(local)) {
    if (!ParseIntegerText(t.value, &n.integer)) return std::nullopt;
    return n;
  }
  if (local == "decimal") {
    n.kind = Number::kDecimal;
    if (!ParseDecimalText(t.value, &n.real)) return std::nullopt;
    return n;
  }
  if (local == "double" || local == "float") {
    n.kind = local == "double" ? Number::kDouble : Number::kFloat;
    if (!ParseDoubleText(t.value, &n.real)) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

Term FromNumber(const Number& n) {
  switch (n.kind) {
    case Number::kInteger: return Integer(n.integer);
    case Number::kDecimal: return Term::Literal(FormatDecimal(n.real), XsdIri("decimal"));
    case Number::kFloat: return Term::Literal(FormatFloat(static_cast<float>(n.real)), XsdIri("float"));
    case Number::kDouble: return Term::Literal(FormatDouble(static_cast<double>(n.real)), XsdIri("double"));
  }
  return {};
}

bool IsStringLiteral(const Term& t) { return t.IsLiteral() && t.datatype == kXsdString; }
bool IsLangLiteral(const Term& t) { return t.IsLiteral() && !t.language.empty(); }
// A simple literal, an xsd:string or a language-tagged string.
bool IsStringLike(const Term& t) { return IsStringLiteral(t) || IsLangLiteral(t); }

// Arguments of CONTAINS, STRSTARTS, ...: compatible when the second has no
// tag or the same tag as the first (spec 17.4.3.1.4).
bool Compatible(const Term& a, const Term& b) {
  if (!IsStringLike(a) || !IsStringLike(b)) return false;
  return b.language.empty() || a.language == b.language;
}
// A string result that keeps the language of `like`.
Term StringLike(const Term& like, std::string value) {
  if (like.language.empty()) return Term::Literal(value);
  return Term::LangLiteral(value, like.language, like.direction);
}

// UTF-8 code points: offsets of each character start.
std::vector<std::size_t> CharStarts(std::string_view s) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

int Sign(long double d) { return d < 0 ? -1 : d > 0 ? 1 : 0; }

// xsd:dateTime / xsd:date as (seconds since an epoch, has zone) for
// comparison; the lexical parts for the accessor functions.
struct DateTime {
  std::int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0;
  long double second = 0;
  bool has_zone = false;
  int zone_minutes = 0;
};

bool ParseDateTime(std::string_view s, bool date_only, DateTime* dt) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && s[i] == '-') {
    negative = true;
    ++i;
  }
  std::size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i - start < 4 || i >= s.size() || s[i] != '-') return false;
  dt->year = std::stoll(std::string(s.substr(start, i - start))) * (negative ? -1 : 1);
  const auto two = [&](std::size_t at, int* out) {
    if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
        !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
      return false;
    }
    *out = (s[at] - '0') * 10 + (s[at + 1] - '0');
    return true;
  };
  if (!two(i + 1, &dt->month) || i + 3 >= s.size() || s[i + 3] != '-' || !two(i + 4, &dt->day)) return false;
  i += 6;
  if (dt->month < 1 || dt->month > 12 || dt->day < 1 || dt->day > 31) return false;
  if (!date_only) {
    if (i >= s.size() || s[i] != 'T' || !two(i + 1, &dt->hour) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !two(i + 4, &dt->minute) || i + 6 >= s.size() || s[i + 6] != ':') {
      return false;
    }
    i += 7;
    const std::size_t sec_start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i - sec_start < 2) return false;
    dt->second = std::strtold(std::string(s.substr(sec_start, i - sec_start)).c_str(), nullptr);
    if (dt->hour > 24 || dt->minute > 59 || dt->second >= 61) return false;
  }
  if (i == s.size()) return true;
  dt->has_zone = true;
  if (s.substr(i) == "Z") return true;
  int zh = 0, zm = 0;
  if ((s[i] != '+' && s[i] != '-') || !two(i + 1, &zh) || i + 3 >= s.size() || s[i + 3] != ':' ||
      !two(i + 4, &zm) || i + 6 != s.size()) {
    return false;
  }
  dt->zone_minutes = (zh * 60 + zm) * (s[i] == '-' ? -1 : 1);
  return true;
}

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe);
}

// Seconds in UTC (local time when there is no zone).
long double Instant(const DateTime& dt) {
  const long double days = static_cast<long double>(
      DaysFromCivil(dt.year, static_cast<unsigned>(dt.month), static_cast<unsigned>(dt.day)));
  return days * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second - dt.zone_minutes * 60;
}

std::optional<DateTime> ToDateTime(const Term& t, bool* date_only) {
  const std::string_view local = XsdLocal(t);
  if (local != "dateTime" && local != "date" && local != "dateTimeStamp") return std::nullopt;
  *date_only = local == "date";
  DateTime dt;
  if (!ParseDateTime(t.value, *date_only, &dt)) return std::nullopt;
  return dt;
}

std::optional<int> CompareLiterals(const Term& a, const Term& b) {
  const auto na = ToNumber(a), nb = ToNumber(b);
  if (na && nb) {
    if (na->kind == Number::kInteger && nb->kind == Number::kInteger) {
      return na->integer < nb->integer ? -1 : na->integer > nb->integer ? 1 : 0;
    }
    const long double x = na->AsReal(), y = nb->AsReal();
    if (std::isnan(x) || std::isnan(y)) return std::nullopt;
    return Sign(x - y);
  }
  if ((IsStringLiteral(a) && IsStringLiteral(b)) ||
      (IsLangLiteral(a) && IsLangLiteral(b) && a.language == b.language)) {
    const int c = a.value.compare(b.value);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (IsXsd(a, "boolean") && IsXsd(b, "boolean")) {
    const auto x = EffectiveBooleanValue(a), y = EffectiveBooleanValue(b);
    if (!x || !y) return std::nullopt;
    return static_cast<int>(*x) - static_cast<int>(*y);
  }
  bool a_date = false, b_date = false;
  const auto da = ToDateTime(a, &a_date), db = ToDateTime(b, &b_date);
  if (da && db && a_date == b_date) {
    if (da->has_zone != db->has_zone) {
      // Comparable only when 14 hours of zone cannot change the answer.
      const long double d = Instant(*da) - Instant(*db);
      if (std::fabs(d) <= 14 * 3600) return std::nullopt;
      return Sign(d);
    }
    return Sign(Instant(*da) - Instant(*db));
  }
  return std::nullopt;
}

int KindRank(const Term& t) {
  switch (t.kind) {
    case TermKind::kBlank: return 1;
    case TermKind::kIri: return 2;
    case TermKind::kTriple: return 4;
    case TermKind::kLiteral: return 3;
  }
  return 0;
}

std::string Hash(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) absl::StrAppend(&hex, absl::StrFormat("%02x", digest[i]));
  return hex;
}

// Compiled with the flags of REGEX/REPLACE (s m i x q); nullptr when invalid.
struct Regex {
  pcre2_code* code = nullptr;
  ~Regex() { pcre2_code_free(code); }
};
bool CompileRegex(std::string_view pattern, std::string_view flags, Regex* regex) {
  std::uint32_t options = PCRE2_UTF;
  for (char f : flags) {
    switch (f) {
      case 'i': options |= PCRE2_CASELESS; break;
      case 's': options |= PCRE2_DOTALL; break;
      case 'm': options |= PCRE2_MULTILINE; break;
      case 'x': options |= PCRE2_EXTENDED; break;
      case 'q': options |= PCRE2_LITERAL; break;
      default: return false;
    }
  }
  int error = 0;
  PCRE2_SIZE offset = 0;
  regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                              &error, &offset, nullptr);
  return regex->code != nullptr;
}
// A FILTER runs the same REGEX on every row: compiled patterns are kept per
// thread (a few dozen at most).
const Regex* CachedRegex(std::string_view pattern, std::string_view flags) {
  thread_local std::map<std::string, std::unique_ptr<Regex>, std::less<>> cache;
  std::string key = absl::StrCat(ToAbsl(flags), "/", ToAbsl(pattern));
  if (const auto it = cache.find(key); it != cache.end()) return it->second.get();
  auto regex = std::make_unique<Regex>();
  if (!CompileRegex(pattern, flags, regex.get())) return nullptr;
  if (cache.size() >= 64) cache.clear();
  return cache.emplace(std::move(key), std::move(regex)).first->second.get();
}

// A pattern that backtracks catastrophically ("(a+)+$") stops after this
// many steps, or this much backtracking memory, instead of running for
// hours on one value: a few milliseconds' work.
constexpr std::uint32_t kRegexMatchLimit = 1'000'000;
constexpr std::uint32_t kRegexHeapLimitKib = 16 * 1024;

pcre2_match_context* LimitedMatchContext() {
  thread_local const std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context = [] {
    std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> made(
        pcre2_match_context_create(nullptr), &pcre2_match_context_free);
    pcre2_set_match_limit(made.get(), kRegexMatchLimit);
    pcre2_set_heap_limit(made.get(), kRegexHeapLimitKib);
    return made;
  }();
  return context.get();
}

bool IsLimitError(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT;
}

absl::Status TooCostly(std::string_view function, std::string_view pattern, std::size_t text_size) {
  return absl::ResourceExhaustedError(absl::StrCat(
      ToAbsl(function), ": the pattern \"", ToAbsl(pattern.substr(0, 80)), pattern.size() > 80 ? "…" : "",
      "\" backtracks too much on a value of ", text_size, " bytes (more than ", kRegexMatchLimit,
      " steps); simplify the pattern"));
}

std::optional<bool> RegexMatch(std::string_view text, std::string_view pattern, std::string_view flags,
                               absl::Status* failure) {
  const Regex* regex = CachedRegex(pattern, flags);
  if (regex == nullptr) return std::nullopt;
  pcre2_match_data* match = pcre2_match_data_create_from_pattern(regex->code, nullptr);
  const int rc = pcre2_match(regex->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                             match, LimitedMatchContext());
  pcre2_match_data_free(match);
  if (IsLimitError(rc)) *failure = TooCostly("REGEX", pattern, text.size());
  if (rc < -1) return std::nullopt;
  return rc >= 0;
}
std::optional<std::string> RegexReplace(std::string_view text, std::string_view pattern,
                                        std::string_view replacement, std::string_view flags,
                                        absl::Status* failure) {
  Regex regex;
  if (!CompileRegex(pattern, flags, &regex)) return std::nullopt;
  std::string out(text.size() * 2 + replacement.size() + 16, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    PCRE2_SIZE length = out.size();
    const int rc = pcre2_substitute(
        regex.code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
        PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_SUBSTITUTE_UNSET_EMPTY, nullptr,
        LimitedMatchContext(), reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
        reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
    if (rc >= 0) {
      out.resize(length);
      return out;
    }
    if (IsLimitError(rc)) {
      *failure = TooCostly("REPLACE", pattern, text.size());
      return std::nullopt;
    }
    if (rc != PCRE2_ERROR_NOMEMORY) return std::nullopt;
    out.resize(length);
  }
  return std::nullopt;
}

std::string ZoneText(const DateTime& dt) {
  if (!dt.has_zone) return "";
  if (dt.zone_minutes == 0) return "Z";
  const int m = std::abs(dt.zone_minutes);
  return absl::StrFormat("%c%02d:%02d", dt.zone_minutes < 0 ? '-' : '+', m / 60, m % 60);
}

std::optional<Term> Cast(std::string_view local, const Term& arg) {
  if (arg.IsBlank() || arg.IsTriple()) return std::nullopt;
  if (local == "string") return Term::Literal(CanonicalString(arg));
  if (arg.IsIri()) return std::nullopt;
  const bool from_string = IsStringLiteral(arg);
  const auto number = ToNumber(arg);
  if (local == "boolean") {
    if (from_string || IsXsd(arg, "boolean")) {
      const std::string_view v = TrimSpace(arg.value);
      if (v == "true" || v == "1") return Boolean(true);
      if (v == "false" || v == "0") return Boolean(false);
      return std::nullopt;
    }
    if (number) return Boolean(number->AsReal() != 0 && !std::isnan(number->AsReal()));
    return std::nullopt;
  }
  if (local == "integer" || local == "decimal" || local == "float" || local == "double") {
    Number n;
    if (IsXsd(arg, "boolean")) {
      const auto b = EffectiveBooleanValue(arg);
      if (!b) return std::nullopt;
      n.integer = *b ? 1 : 0;
      n.real = n.integer;
    } else if (from_string) {
      if (local == "integer") {
        if (!ParseIntegerText(arg.value, &n.integer)) return std::nullopt;
      } else if (local == "decimal") {
        if (!ParseDecimalText(arg.value, &n.real)) return std::nullopt;
      } else if (!ParseDoubleText(arg.value, &n.real)) {
        return std::nullopt;
      }
      if (local == "integer") n.real = static_cast<long double>(n.integer);
    } else if (number) {
      n = *number;
      n.real = number->AsReal();
    } else {
      return std::nullopt;
    }
    if (local == "integer") {
      if (number && number->kind != Number::kInteger) {
        if (std::isnan(n.real) || std::isinf(n.real)) return std::nullopt;
        n.integer = static_cast<std::int64_t>(std::trunc(n.real));
      }
      n.kind = Number::kInteger;
    } else if (local == "decimal") {
      if (std::isnan(n.real) || std::isinf(n.real)) return std::nullopt;
      n.kind = Number::kDecimal;
    } else {
      n.kind = local == "float" ? Number::kFloat : Number::kDouble;
    }
    return FromNumber(n);
  }
  if (local == "dateTime" || local == "date") {
    if (!from_string && !IsXsd(arg, "dateTime") && !IsXsd(arg, "date")) return std::nullopt;
    DateTime dt;
    const std::string_view v = TrimSpace(arg.value);
    if (local == "date" && IsXsd(arg, "dateTime")) {
      if (!ParseDateTime(v, false, &dt)) return std::nullopt;
      return Term::Literal(absl::StrCat(ToAbsl(v.substr(0, v.find('T'))), ZoneText(dt)), XsdIri("date"));
    }
    if (!ParseDateTime(v, local == "date", &dt)) return std::nullopt;
    return Term::Literal(v, XsdIri(local));
  }
  return std::nullopt;
}

}  // namespace

std::string XsdIri(std::string_view local) { return absl::StrCat(ToAbsl(kXsdNs), ToAbsl(local)); }

Term Boolean(bool b) { return Term::Literal(b ? "true" : "false", XsdIri("boolean")); }
Term Integer(std::int64_t i) { return Term::Literal(std::to_string(i), XsdIri("integer")); }

bool IsNumeric(const Term& t) { return ToNumber(t).has_value(); }

std::string FormatDecimal(long double v) {
  std::string s = absl::StrFormat("%.18Lf", v);
  // At most 18 significant digits: beyond them long double is noise.
  const std::size_t first = s.find_first_of("123456789");
  const std::size_t dot = s.find('.');
  if (first != std::string::npos) {
    std::size_t significant = 0;
    for (std::size_t i = first; i < s.size(); ++i) {
      if (s[i] == '.') continue;
      if (++significant > 18 && i > dot) s[i] = '0';
    }
  }
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.push_back('0');
  if (s == "-0.0") s = "0.0";
  return s;
}

namespace {

// The shortest digits that read back as `v` (as a float when `single`):
// `digits` without a point, v = 0.digits × 10^(exponent + 1).
// REQUIRES: v is finite and not zero.
void ShortestDigits(double v, bool single, std::string* digits, int* exponent) {
  for (int precision = 1; precision <= 17; ++precision) {
    const std::string s = absl::StrFormat("%.*E", precision - 1, v);
    const bool same = single ? std::strtof(s.c_str(), nullptr) == static_cast<float>(v)
                             : std::strtod(s.c_str(), nullptr) == v;
    if (!same && precision < 17) continue;
    const auto e = s.find('E');
    digits->clear();
    for (char c : s.substr(0, e)) {
      if (c >= '0' && c <= '9') digits->push_back(c);
    }
    while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
    *exponent = std::stoi(s.substr(e + 1));
    return;
  }
}

// The canonical lexical form of an xsd:double or xsd:float: one digit before
// the point, at least one after, an exponent ("1.0E7", "-7.875E0").
std::string FormatFloating(double v, bool single) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "INF" : "-INF";
  if (v == 0) return std::signbit(v) ? "-0.0E0" : "0.0E0";
  std::string digits;
  int exponent = 0;
  ShortestDigits(v, single, &digits, &exponent);
  const std::string fraction = digits.size() > 1 ? digits.substr(1) : "0";
  return absl::StrCat(v < 0 ? "-" : "", digits.substr(0, 1), ".", fraction, "E", exponent);
}

// XPath's string of a double or float (what xsd:string() and STR give in
// XPath 2.0): plain decimal digits from 1e-6 up to 1e6, the canonical
// form outside, "0" for zero.
std::string FloatingString(double v, bool single) {
  if (std::isnan(v) || std::isinf(v)) return FormatFloating(v, single);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  const double magnitude = std::fabs(v);
  if (magnitude < 1e-6 || magnitude >= 1e6) return FormatFloating(v, single);
  std::string digits;
  int exponent = 0;
  ShortestDigits(v, single, &digits, &exponent);
  std::string text = v < 0 ? "-" : "";
  if (exponent < 0) {
    absl::StrAppend(&text, "0.", std::string(static_cast<std::size_t>(-exponent - 1), '0'), digits);
    return text;
  }
  const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) {
    absl::StrAppend(&text, digits, std::string(integer_digits - digits.size(), '0'));
  } else {
    absl::StrAppend(&text, digits.substr(0, integer_digits), ".", digits.substr(integer_digits));
  }
  return text;
}

}  // namespace

std::string FormatDouble(double v) { return FormatFloating(v, false); }
std::string FormatFloat(float v) { return FormatFloating(v, true); }

std::string CanonicalString(const Term& t) {
  if (!t.IsLiteral()) return t.value;
  if (IsXsd(t, "boolean")) {
    if (const auto b = EffectiveBooleanValue(t)) return *b ? "true" : "false";
    return t.value;
  }
  const auto n = ToNumber(t);
  if (!n) return t.value;
  switch (n->kind) {
    case Number::kInteger: return std::to_string(n->integer);
    case Number::kDecimal: {
      std::string text = FormatDecimal(n->real);
      if (text.ends_with(".0")) text.resize(text.size() - 2);
      return text;
    }
    case Number::kFloat: return FloatingString(static_cast<double>(n->real), true);
    case Number::kDouble: return FloatingString(static_cast<double>(n->real), false);
  }
  return t.value;
}

std::optional<bool> EffectiveBooleanValue(const Term& t) {
  if (!t.IsLiteral()) return std::nullopt;
  if (IsXsd(t, "boolean")) {
    if (t.value == "true" || t.value == "1") return true;
    if (t.value == "false" || t.value == "0") return false;
    return std::nullopt;  // an ill-typed boolean has no value
  }
  if (IsStringLiteral(t)) return !t.value.empty();
  const std::string_view local = XsdLocal(t);
  if (IsIntegerType(local) || local == "decimal" || local == "double" || local == "float") {
    const auto n = ToNumber(t);
    if (!n) return false;  // an ill-typed number is false
    const long double v = n->AsReal();
    return !(v == 0 || std::isnan(v));
  }
  return std::nullopt;
}

std::optional<bool> ValueEqual(const Term& a, const Term& b) {
  if (a.IsLiteral() && b.IsLiteral()) {
    if (const auto c = CompareLiterals(a, b)) return *c == 0;
    if (a == b) return true;
    // Different literals of types we know are simply unequal; of types we do
    // not know, SPARQL cannot say.
    const auto known = [](const Term& t) {
      return IsStringLike(t) || IsNumeric(t) || IsXsd(t, "boolean") || IsXsd(t, "dateTime") ||
             IsXsd(t, "date");
    };
    if (known(a) && known(b)) {
      // Same type family but ill-formed, or a value comparison that failed.
      if ((IsNumeric(a) && IsNumeric(b)) || (a.datatype == b.datatype && !IsStringLike(a))) {
        return std::nullopt;
      }
      return false;
    }
    return std::nullopt;
  }
  if (a.IsTriple() && b.IsTriple()) {
    for (std::size_t i = 0; i < 3; ++i) {
      const auto e = ValueEqual(a.triple[i], b.triple[i]);
      if (!e) return std::nullopt;
      if (!*e) return false;
    }
    return true;
  }
  return a == b;
}

std::optional<int> ValueCompare(const Term& a, const Term& b) {
  if (!a.IsLiteral() || !b.IsLiteral()) return std::nullopt;
  return CompareLiterals(a, b);
}

int OrderCompare(const std::optional<Term>& a, const std::optional<Term>& b) {
  if (!a || !b) return static_cast<int>(a.has_value()) - static_cast<int>(b.has_value());
  const int ra = KindRank(*a), rb = KindRank(*b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (a->IsLiteral()) {
    if (const auto c = CompareLiterals(*a, *b); c && *c != 0) return *c;
    // Simple literals before others, then by datatype and lexical form.
    const bool sa = IsStringLiteral(*a), sb = IsStringLiteral(*b);
    if (sa != sb) return sa ? -1 : 1;
  }
  if (a->IsTriple()) {
    for (std::size_t i = 0; i < 3; ++i) {
      if (const int c = OrderCompare(a->triple[i], b->triple[i])) return c;
    }
    return 0;
  }
  if (const int c = a->value.compare(b->value)) return c < 0 ? -1 : 1;
  if (const int c = a->datatype.compare(b->datatype)) return c < 0 ? -1 : 1;
  if (const int c = a->language.compare(b->language)) return c < 0 ? -1 : 1;
  return 0;
}

std::optional<Term> Arithmetic(char op, const Term& a, const Term& b) {
  const auto x = ToNumber(a), y = ToNumber(b);
  if (!x || !y) return std::nullopt;
  Number r;
  r.kind = std::max(x->kind, y->kind);
  if (r.kind == Number::kInteger && op != '/') {
    std::int64_t v = 0;
    const bool overflow = op == '+'   ? __builtin_add_overflow(x->integer, y->integer, &v)
                          : op == '-' ? __builtin_sub_overflow(x->integer, y->integer, &v)
                                      : __builtin_mul_overflow(x->integer, y->integer, &v);
    if (!overflow) {
      r.integer = v;
      return FromNumber(r);
    }
    r.kind = Number::kDecimal;
  }
  if (r.kind == Number::kInteger) r.kind = Number::kDecimal;  // integer division
  const long double p = x->AsReal(), q = y->AsReal();
  if (op == '/' && q == 0 && r.kind == Number::kDecimal) return std::nullopt;
  r.real = op == '+' ? p + q : op == '-' ? p - q : op == '*' ? p * q : p / q;
  return FromNumber(r);
}

std::optional<Term> UnaryMinus(const Term& a) {
  auto n = ToNumber(a);
  if (!n) return std::nullopt;
  n->integer = -n->integer;
  n->real = -n->real;
  return FromNumber(*n);
}

std::optional<Term> UnaryPlus(const Term& a) {
  if (!IsNumeric(a)) return std::nullopt;
  return a;
}

std::optional<Term> CallBuiltIn(std::string_view name, std::span<const Term> args, bool* known,
                                absl::Status* failure) {
  *known = true;
  const auto arity = [&](std::size_t n) { return args.size() == n; };
  if (name == "STR" && arity(1)) {
    if (args[0].IsBlank() || args[0].IsTriple()) return std::nullopt;
    return Term::Literal(args[0].value);
  }
  if (name == "LANG" && arity(1)) {
    if (!args[0].IsLiteral()) return std::nullopt;
    return Term::Literal(args[0].language);
  }
  if (name == "LANGDIR" && arity(1)) {
    if (!args[0].IsLiteral()) return std::nullopt;
    return Term::Literal(args[0].direction);
  }
  if (name == "LANGMATCHES" && arity(2)) {
    if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1])) return std::nullopt;
    const std::string tag = AsciiLower(args[0].value), range = AsciiLower(args[1].value);
    if (range == "*") return Boolean(!tag.empty());
    return Boolean(tag == range || (tag.size() > range.size() && tag.starts_with(range) &&
                                    tag[range.size()] == '-'));
  }
  if (name == "DATATYPE" && arity(1)) {
    if (!args[0].IsLiteral()) return std::nullopt;
    return Term::Iri(args[0].datatype);
  }
  if (name == "ABS" || name == "CEIL" || name == "FLOOR" || name == "ROUND") {
    if (!arity(1)) return std::nullopt;
    auto n = ToNumber(args[0]);
    if (!n) return std::nullopt;
    if (n->kind == Number::kInteger) {
      if (name == "ABS") n->integer = std::abs(n->integer);
      return FromNumber(*n);
    }
    long double& v = n->real;
    v = name == "ABS" ? std::fabs(v) : name == "CEIL" ? std::ceil(v) : name == "FLOOR" ? std::floor(v)
                                                                      : std::floor(v + 0.5L);
    return FromNumber(*n);
  }
  if (name == "STRLEN" && arity(1)) {
    if (!IsStringLike(args[0])) return std::nullopt;
    return Integer(static_cast<std::int64_t>(CharStarts(args[0].value).size()));
  }
  if (name == "SUBSTR" && (arity(2) || arity(3))) {
    if (!IsStringLike(args[0])) return std::nullopt;
    const auto start = ToNumber(args[1]);
    if (!start) return std::nullopt;
    const auto starts = CharStarts(args[0].value);
    const auto count = static_cast<long double>(starts.size());
    // XPath fn:substring: characters at positions p with
    // round(start) <= p < round(start) + round(length).
    const long double from = std::floor(start->AsReal() + 0.5L);
    long double to = count + 1;
    if (arity(3)) {
      const auto length = ToNumber(args[2]);
      if (!length) return std::nullopt;
      to = from + std::floor(length->AsReal() + 0.5L);
    }
    if (std::isnan(from) || std::isnan(to)) return StringLike(args[0], "");
    const long double first = std::max<long double>(from, 1), last = std::min<long double>(to, count + 1);
    if (first >= last) return StringLike(args[0], "");
    const auto b = static_cast<std::size_t>(first - 1), e = static_cast<std::size_t>(last - 1);
    const std::size_t byte_begin = starts[b];
    const std::size_t byte_end = e < starts.size() ? starts[e] : args[0].value.size();
    return StringLike(args[0], args[0].value.substr(byte_begin, byte_end - byte_begin));
  }
  if ((name == "UCASE" || name == "LCASE") && arity(1)) {
    if (!IsStringLike(args[0])) return std::nullopt;
    return StringLike(args[0], ChangeCase(args[0].value, name == "UCASE"));
  }
  if (name == "ENCODE_FOR_URI" && arity(1)) {
    if (!IsStringLike(args[0])) return std::nullopt;
    std::string out;
    for (const char c : args[0].value) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
        out.push_back(c);
      } else {
        absl::StrAppend(&out, absl::StrFormat("%%%02X", u));
      }
    }
    return Term::Literal(out);
  }
  if ((name == "CONTAINS" || name == "STRSTARTS" || name == "STRENDS" || name == "STRBEFORE" ||
       name == "STRAFTER") && arity(2)) {
    if (!Compatible(args[0], args[1])) return std::nullopt;
    const std::string& s = args[0].value;
    const std::string& t = args[1].value;
    if (name == "CONTAINS") return Boolean(s.find(t) != std::string::npos);
    if (name == "STRSTARTS") return Boolean(s.starts_with(t));
    if (name == "STRENDS") return Boolean(s.ends_with(t));
    const auto at = s.find(t);
    if (at == std::string::npos) return Term::Literal("");
    if (name == "STRBEFORE") return StringLike(args[0], s.substr(0, at));
    return StringLike(args[0], s.substr(at + t.size()));
  }
  if (name == "CONCAT") {
    // The result keeps a language (and direction) all arguments share.
    std::string out;
    for (const Term& a : args) {
      if (!IsStringLike(a)) return std::nullopt;
      out += a.value;
    }
    const bool shared = !args.empty() && std::all_of(args.begin(), args.end(), [&](const Term& a) {
      return a.language == args[0].language && a.direction == args[0].direction;
    });
    if (shared && !args[0].language.empty()) return Term::LangLiteral(out, args[0].language, args[0].direction);
    return Term::Literal(out);
  }
  if ((name == "YEAR" || name == "MONTH" || name == "DAY" || name == "HOURS" || name == "MINUTES" ||
       name == "SECONDS" || name == "TIMEZONE" || name == "TZ") && arity(1)) {
    bool date_only = false;
    const auto dt = ToDateTime(args[0], &date_only);
    if (!dt) return std::nullopt;
    if (name == "YEAR") return Integer(dt->year);
    if (name == "MONTH") return Integer(dt->month);
    if (name == "DAY") return Integer(dt->day);
    if (name == "HOURS") return Integer(dt->hour);
    if (name == "MINUTES") return Integer(dt->minute);
    if (name == "SECONDS") {
      const std::string& v = args[0].value;
      const std::size_t at = v.find('T') + 7;
      std::size_t end = at;
      while (end < v.size() && (std::isdigit(static_cast<unsigned char>(v[end])) || v[end] == '.')) ++end;
      return Term::Literal(FormatDecimal(std::strtold(v.substr(at, end - at).c_str(), nullptr)),
                           XsdIri("decimal"));
    }
    if (name == "TZ") return Term::Literal(ZoneText(*dt));
    if (!dt->has_zone) return std::nullopt;
    if (dt->zone_minutes == 0) return Term::Literal("PT0S", XsdIri("dayTimeDuration"));
    const int m = std::abs(dt->zone_minutes);
    std::string d = absl::StrCat(dt->zone_minutes < 0 ? "-" : "", "PT");
    if (m / 60 != 0) absl::StrAppend(&d, m / 60, "H");
    if (m % 60 != 0) absl::StrAppend(&d, m % 60, "M");
    return Term::Literal(d, XsdIri("dayTimeDuration"));
  }
  if ((name == "MD5" || name == "SHA1" || name == "SHA256" || name == "SHA384" || name == "SHA512") &&
      arity(1)) {
    if (!IsStringLiteral(args[0])) return std::nullopt;
    const EVP_MD* md = name == "MD5"      ? EVP_md5()
                       : name == "SHA1"   ? EVP_sha1()
                       : name == "SHA256" ? EVP_sha256()
                       : name == "SHA384" ? EVP_sha384()
                                          : EVP_sha512();
    return Term::Literal(Hash(md, args[0].value));
  }
  if (name == "STRLANG" && arity(2)) {
    if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1]) || args[1].value.empty()) return std::nullopt;
    return Term::LangLiteral(args[0].value, AsciiLower(args[1].value));
  }
  if (name == "STRLANGDIR" && arity(3)) {
    if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1]) || !IsStringLiteral(args[2]) ||
        args[1].value.empty() || (args[2].value != "ltr" && args[2].value != "rtl")) {
      return std::nullopt;
    }
    return Term::LangLiteral(args[0].value, AsciiLower(args[1].value), args[2].value);
  }
  if (name == "STRDT" && arity(2)) {
    if (!IsStringLiteral(args[0]) || !args[1].IsIri()) return std::nullopt;
    return Term::Literal(args[0].value, args[1].value);
  }
  if (name == "SAMETERM" && arity(2)) return Boolean(args[0] == args[1]);
  if ((name == "ISIRI" || name == "ISURI") && arity(1)) return Boolean(args[0].IsIri());
  if (name == "ISBLANK" && arity(1)) return Boolean(args[0].IsBlank());
  if (name == "ISLITERAL" && arity(1)) return Boolean(args[0].IsLiteral());
  if (name == "ISNUMERIC" && arity(1)) return Boolean(IsNumeric(args[0]));
  if (name == "ISTRIPLE" && arity(1)) return Boolean(args[0].IsTriple());
  if (name == "HASLANG" && arity(1)) return Boolean(args[0].IsLiteral() && !args[0].language.empty());
  if (name == "HASLANGDIR" && arity(1)) return Boolean(args[0].IsLiteral() && !args[0].direction.empty());
  if (name == "TRIPLE" && arity(3)) {
    // RDF 1.2: the subject is an IRI or a blank node, the predicate an IRI.
    if (!(args[0].IsIri() || args[0].IsBlank()) || !args[1].IsIri()) return std::nullopt;
    return Term::Triple(args[0], args[1], args[2]);
  }
  if ((name == "SUBJECT" || name == "PREDICATE" || name == "OBJECT") && arity(1)) {
    if (!args[0].IsTriple()) return std::nullopt;
    return args[0].triple[name == "SUBJECT" ? 0 : name == "PREDICATE" ? 1 : 2];
  }
  if (name == "REGEX" && (arity(2) || arity(3))) {
    if (!IsStringLike(args[0]) || !IsStringLiteral(args[1])) return std::nullopt;
    if (arity(3) && !IsStringLiteral(args[2])) return std::nullopt;
    const auto m = RegexMatch(args[0].value, args[1].value, arity(3) ? args[2].value : "", failure);
    if (!m) return std::nullopt;
    return Boolean(*m);
  }
  if (name == "REPLACE" && (arity(3) || arity(4))) {
    if (!IsStringLike(args[0]) || !IsStringLiteral(args[1]) || !IsStringLiteral(args[2])) return std::nullopt;
    if (arity(4) && !IsStringLiteral(args[3])) return std::nullopt;
    const auto r =
        RegexReplace(args[0].value, args[1].value, args[2].value, arity(4) ? args[3].value : "", failure);
    if (!r) return std::nullopt;
    return StringLike(args[0], *r);
  }
  *known = false;
  return std::nullopt;
}

std::optional<Term> CallFunction(std::string_view iri, std::span<const Term> args, bool* known) {
  *known = false;
  if (!iri.starts_with(kXsdNs)) return std::nullopt;
  const std::string_view local = iri.substr(kXsdNs.size());
  static constexpr std::string_view kCasts[] = {"string", "boolean", "integer", "decimal",
                                                "float", "double", "dateTime", "date"};
  if (std::find(std::begin(kCasts), std::end(kCasts), local) == std::end(kCasts)) return std::nullopt;
  *known = true;
  if (args.size() != 1) return std::nullopt;
  return Cast(local, args[0]);
}

}  // namespace relata::engine
