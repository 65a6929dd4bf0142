// The operators and functions of SPARQL 1.1 section 17 over RDF terms. A
// type error is an empty optional: the caller decides what it means (FILTER
// drops the row, BIND leaves the variable unbound).
#ifndef RELATA_ENGINE_EXEC_VALUES_H_
#define RELATA_ENGINE_EXEC_VALUES_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "relata/term.h"

namespace relata::engine {

inline constexpr std::string_view kXsdNs = "http://www.w3.org/2001/XMLSchema#";
std::string XsdIri(std::string_view local);

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

// '+' '-' '*' '/' with numeric type promotion.
std::optional<Term> Arithmetic(char op, const Term& a, const Term& b);
std::optional<Term> UnaryMinus(const Term& a);
std::optional<Term> UnaryPlus(const Term& a);

// The functions of section 17.4 that depend only on their arguments; `name`
// is upper-case. Sets *known to false for a name it does not implement, and
// *failure when the call must stop the query (a REGEX that backtracks
// without end), not only give no value.
std::optional<Term> CallBuiltIn(std::string_view name, std::span<const Term> args, bool* known,
                                absl::Status* failure);
// XPath constructor functions (casts), named by the datatype IRI. Sets
// *known to false for an IRI that is not one.
std::optional<Term> CallFunction(std::string_view iri, std::span<const Term> args, bool* known);

// The lexical form a cast or an aggregate gives a number of each type.
std::string FormatDecimal(long double v);
std::string FormatDouble(double v);
std::string FormatFloat(float v);
// A literal's value as xsd:string() casts it: booleans, integers, decimals,
// doubles and floats in their canonical (XPath) forms ("1" for 1.0, "false"
// for "0"^^xsd:boolean), anything else as written.
std::string CanonicalString(const Term& t);

}  // namespace relata::engine

#endif  // RELATA_ENGINE_EXEC_VALUES_H_
