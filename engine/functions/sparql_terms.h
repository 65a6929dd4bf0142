// RDF terms as SPARQL 1.1 section 17 values: numbers with type promotion,
// dates, effective boolean value, equality and the orders, arithmetic,
// canonical lexical forms; and the small readers of literals the function
// families (functions_*.cc, casts.cc) share. A type error is an empty
// optional: the caller decides what it means (FILTER drops the row, BIND
// leaves the variable unbound).
#ifndef RELATA_ENGINE_FUNCTIONS_SPARQL_TERMS_H_
#define RELATA_ENGINE_FUNCTIONS_SPARQL_TERMS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "relata/term.h"

namespace relata::engine {

bool IsNumeric(const Term& t);
Term Boolean(bool b);
Term Integer(std::int64_t i);

// Spec 17.2.2.
std::optional<bool> EffectiveBooleanValue(const Term& t);

// The '=' operator: true/false, or a type error for literals of types it
// cannot compare and whose terms differ.
std::optional<bool> ValueEqual(const Term& a, const Term& b);
// The '<' family: -1, 0 or 1, or a type error when not comparable.
std::optional<int> ValueCompare(const Term& a, const Term& b);
// ORDER BY: a total order (unbound < blank nodes < IRIs < literals), by value
// where values compare.
int OrderCompare(const std::optional<Term>& a, const std::optional<Term>& b);

std::optional<Term> UnaryPlus(const Term& a);

// The lexical form a cast or an aggregate gives a number of each type.
std::string FormatDecimal(long double v);
std::string FormatDouble(double v);
std::string FormatFloat(float v);
// A literal's value as xsd:string() casts it: booleans, integers, decimals,
// doubles and floats in their canonical (XPath) forms ("1" for 1.0, "false"
// for "0"^^xsd:boolean), anything else as written.
std::string CanonicalString(const Term& t);


// ---- reading literals (for the function families) ----

// Whether `t` has the XSD datatype `local` ("integer"), and a literal's
// XSD local name ("" for other datatypes).
bool IsXsd(const Term& t, std::string_view local);
std::string_view XsdLocal(const Term& t);
// xsd:integer and the types derived from it.
bool IsIntegerType(std::string_view local);

// A numeric literal's value: int64 (xsd:integer and its subtypes), long
// double (xsd:decimal: 18 significant digits, enough for the values news
// graphs carry) or a float or double.
struct Number {
  enum Kind { kInteger, kDecimal, kFloat, kDouble };  // promotion order
  Kind kind = kInteger;
  std::int64_t integer = 0;
  long double real = 0;
  long double AsReal() const { return kind == kInteger ? static_cast<long double>(integer) : real; }
};
std::optional<Number> ToNumber(const Term& t);
Term FromNumber(const Number& n);
// What the term of `n` reads back as (ToNumber(FromNumber(n))): the value an
// operation on the result of another sees, decimals cut to 18 digits.
Number Normalized(const Number& n);
// '+' '-' '*' '/' with numeric type promotion (an integer overflow or
// division gives a decimal); nullopt for a decimal division by zero.
std::optional<Number> NumberArithmetic(char op, const Number& x, const Number& y);
// The '<' family on two numbers: -1, 0 or 1, or nullopt with a NaN.
std::optional<int> CompareNumbers(const Number& x, const Number& y);
enum class Rounding { kAbs, kCeil, kFloor, kRound };
Number Rounded(Rounding how, Number n);
std::string_view TrimSpace(std::string_view s);
bool ParseIntegerText(std::string_view s, std::int64_t* out);
bool ParseDecimalText(std::string_view s, long double* out);
bool ParseDoubleText(std::string_view s, long double* out);

bool IsStringLiteral(const Term& t);
bool IsLangLiteral(const Term& t);
// A simple literal, an xsd:string or a language-tagged string.
bool IsStringLike(const Term& t);
// Arguments of CONTAINS, STRSTARTS, ...: compatible when the second has no
// tag or the same tag as the first (spec 17.4.3.1.4).
bool ArgumentsCompatible(const Term& a, const Term& b);
// A string result that keeps the language of `like`.
Term StringLike(const Term& like, std::string value);
// UTF-8 code points: offsets of each character start.
std::vector<std::size_t> CharStarts(std::string_view s);

// xsd:dateTime / xsd:date: the lexical parts, for comparison and the
// accessor functions.
struct DateTime {
  std::int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0;
  long double second = 0;
  bool has_zone = false;
  int zone_minutes = 0;
};
bool ParseDateTime(std::string_view s, bool date_only, DateTime* dt);
// nullopt unless `t` is an xsd:date, xsd:dateTime or xsd:dateTimeStamp.
std::optional<DateTime> ToDateTime(const Term& t, bool* date_only);
// "Z", "+05:30", or "" without a zone.
std::string ZoneText(const DateTime& dt);

}  // namespace relata::engine

#endif  // RELATA_ENGINE_FUNCTIONS_SPARQL_TERMS_H_
