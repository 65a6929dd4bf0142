// SPARQL's term values (spec 17.2-17.3): numbers, dates, booleans and
// strings as values, how they compare, order and add up, and the canonical
// lexical forms of results.
#include "engine/functions/sparql_terms.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/strings.h"

namespace relata::engine {
namespace {

int Sign(long double d) { return d < 0 ? -1 : d > 0 ? 1 : 0; }

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

std::optional<int> CompareLiterals(const Term& a, const Term& b) {
  const auto na = ToNumber(a), nb = ToNumber(b);
  if (na && nb) return CompareNumbers(*na, *nb);
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

}  // namespace

bool IsXsd(const Term& t, std::string_view local) {
  return t.datatype.size() == kXsd.size() + local.size() && t.datatype.starts_with(kXsd) &&
         std::string_view(t.datatype).substr(kXsd.size()) == local;
}
std::string_view XsdLocal(const Term& t) {
  if (!t.IsLiteral() || !std::string_view(t.datatype).starts_with(kXsd)) return {};
  return std::string_view(t.datatype).substr(kXsd.size());
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

std::optional<int> CompareNumbers(const Number& x, const Number& y) {
  if (x.kind == Number::kInteger && y.kind == Number::kInteger) {
    return x.integer < y.integer ? -1 : x.integer > y.integer ? 1 : 0;
  }
  const long double a = x.AsReal(), b = y.AsReal();
  if (std::isnan(a) || std::isnan(b)) return std::nullopt;
  return Sign(a - b);
}

Number Normalized(const Number& n) {
  Number read = n;
  switch (n.kind) {
    case Number::kInteger:
      break;
    case Number::kDecimal:
      // A whole number of fewer than 18 digits reads back as itself ("N.0").
      if (std::fabs(n.real) < 1e17L && n.real == std::floor(n.real)) break;
      ParseDecimalText(FormatDecimal(n.real), &read.real);
      break;
    case Number::kFloat:
    case Number::kDouble:
      read = ToNumber(FromNumber(n)).value_or(n);
      break;
  }
  return read;
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
bool ArgumentsCompatible(const Term& a, const Term& b) {
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

std::optional<DateTime> ToDateTime(const Term& t, bool* date_only) {
  const std::string_view local = XsdLocal(t);
  if (local != "dateTime" && local != "date" && local != "dateTimeStamp") return std::nullopt;
  *date_only = local == "date";
  DateTime dt;
  if (!ParseDateTime(t.value, *date_only, &dt)) return std::nullopt;
  return dt;
}

std::string ZoneText(const DateTime& dt) {
  if (!dt.has_zone) return "";
  if (dt.zone_minutes == 0) return "Z";
  const int m = std::abs(dt.zone_minutes);
  return absl::StrFormat("%c%02d:%02d", dt.zone_minutes < 0 ? '-' : '+', m / 60, m % 60);
}

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

std::optional<Number> NumberArithmetic(char op, const Number& x, const Number& y) {
  Number r;
  r.kind = std::max(x.kind, y.kind);
  if (r.kind == Number::kInteger && op != '/') {
    std::int64_t v = 0;
    const bool overflow = op == '+'   ? __builtin_add_overflow(x.integer, y.integer, &v)
                          : op == '-' ? __builtin_sub_overflow(x.integer, y.integer, &v)
                                      : __builtin_mul_overflow(x.integer, y.integer, &v);
    if (!overflow) {
      r.integer = v;
      return r;
    }
    r.kind = Number::kDecimal;
  }
  if (r.kind == Number::kInteger) r.kind = Number::kDecimal;  // integer division
  const long double p = x.AsReal(), q = y.AsReal();
  if (op == '/' && q == 0 && r.kind == Number::kDecimal) return std::nullopt;
  r.real = op == '+' ? p + q : op == '-' ? p - q : op == '*' ? p * q : p / q;
  return r;
}

Number Rounded(Rounding how, Number n) {
  if (n.kind == Number::kInteger) {
    if (how != Rounding::kAbs || n.integer >= 0) return n;
    if (n.integer != std::numeric_limits<std::int64_t>::min()) {
      n.integer = -n.integer;
      return n;
    }
    n.kind = Number::kDecimal;  // its absolute value is no int64: a decimal, as any overflow
    n.real = -static_cast<long double>(n.integer);
    return n;
  }
  long double& v = n.real;
  switch (how) {
    case Rounding::kAbs: v = std::fabs(v); break;
    case Rounding::kCeil: v = std::ceil(v); break;
    case Rounding::kFloor: v = std::floor(v); break;
    case Rounding::kRound: v = std::floor(v + 0.5L); break;
  }
  return n;
}

std::optional<Term> UnaryPlus(const Term& a) {
  if (!IsNumeric(a)) return std::nullopt;
  return a;
}

}  // namespace relata::engine
