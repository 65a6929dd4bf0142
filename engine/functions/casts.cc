// The XPath constructor functions SPARQL calls casts (17.5): xsd:string,
// xsd:boolean, the numbers, xsd:dateTime and xsd:date, with canonical
// lexical forms for what they make.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "engine/base/strings.h"
#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine {
namespace {

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


template <const char* kLocal>
std::optional<Term> CastTo(std::span<const Term> args, absl::Status*) {
  return Cast(kLocal, args[0]);
}

constexpr char kString[] = "string", kBoolean[] = "boolean", kInteger[] = "integer", kDecimal[] = "decimal",
               kFloat[] = "float", kDouble[] = "double", kDateTime[] = "dateTime", kDate[] = "date";

constexpr Function kCasts[] = {
    {"http://www.w3.org/2001/XMLSchema#string", 1, 1, CastTo<kString>},
    {"http://www.w3.org/2001/XMLSchema#boolean", 1, 1, CastTo<kBoolean>},
    {"http://www.w3.org/2001/XMLSchema#integer", 1, 1, CastTo<kInteger>},
    {"http://www.w3.org/2001/XMLSchema#decimal", 1, 1, CastTo<kDecimal>},
    {"http://www.w3.org/2001/XMLSchema#float", 1, 1, CastTo<kFloat>},
    {"http://www.w3.org/2001/XMLSchema#double", 1, 1, CastTo<kDouble>},
    {"http://www.w3.org/2001/XMLSchema#dateTime", 1, 1, CastTo<kDateTime>},
    {"http://www.w3.org/2001/XMLSchema#date", 1, 1, CastTo<kDate>},
};

}  // namespace

std::span<const Function> Casts() { return kCasts; }

}  // namespace relata::engine
