// SPARQL's functions by name: the table the planner resolves every call of
// a query with, once, so that a row's evaluation calls the function
// directly. The bodies live by family: functions_strings.cc,
// functions_terms.cc, functions_numbers.cc (numbers and dates), casts.cc.
#ifndef RELATA_ENGINE_FUNCTIONS_FUNCTIONS_H_
#define RELATA_ENGINE_FUNCTIONS_FUNCTIONS_H_

#include <optional>
#include <span>
#include <string_view>

#include "absl/status/status.h"
#include "relata/term.h"

namespace relata::engine {

// A function of its arguments' values only: nullopt is a type error; it sets
// *failure when the call must stop the query (a REGEX that backtracks
// without end), not only give no value.
using FunctionBody = std::optional<Term> (*)(std::span<const Term> args, absl::Status* failure);

// The forms that read more than their arguments' values (the row, the
// query, randomness, the clock) or evaluate them lazily: the executor
// evaluates these itself.
enum class SpecialForm { kNone, kBound, kIf, kCoalesce, kRand, kNow, kUuid, kStrUuid, kBNode, kIri };

struct Function {
  std::string_view name;  // upper case; a cast's datatype IRI
  int min_args = 0;
  int max_args = 0;  // -1: any number
  FunctionBody body = nullptr;
  SpecialForm special = SpecialForm::kNone;
};

// The built-in (a SPARQL keyword, upper case) called with `arity`
// arguments, or nullptr when there is none.
const Function* FindBuiltIn(std::string_view name, std::size_t arity);
// The XPath constructor (cast) named by the datatype IRI, or nullptr.
const Function* FindCast(std::string_view iri, std::size_t arity);

// The families' entries, for the table.
std::span<const Function> StringFunctions();
std::span<const Function> TermFunctions();
std::span<const Function> NumberFunctions();
std::span<const Function> Casts();

}  // namespace relata::engine

#endif  // RELATA_ENGINE_FUNCTIONS_FUNCTIONS_H_
