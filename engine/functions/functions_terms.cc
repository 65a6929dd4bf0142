// The functions on RDF terms (17.4.1-17.4.2, and RDF 1.2's on triple terms
// and directions): STR, LANG, DATATYPE, the constructors STRLANG and STRDT,
// the tests isIRI, isLITERAL, sameTerm and the rest.
#include "engine/base/strings.h"
#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine {
namespace {

std::optional<Term> Str(std::span<const Term> args, absl::Status*) {
  if (args[0].IsBlank() || args[0].IsTriple()) return std::nullopt;
  return Term::Literal(args[0].value);
}

std::optional<Term> Lang(std::span<const Term> args, absl::Status*) {
  if (!args[0].IsLiteral()) return std::nullopt;
  return Term::Literal(args[0].language);
}

std::optional<Term> LangDir(std::span<const Term> args, absl::Status*) {
  if (!args[0].IsLiteral()) return std::nullopt;
  return Term::Literal(args[0].direction);
}

std::optional<Term> LangMatches(std::span<const Term> args, absl::Status*) {
  if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1])) return std::nullopt;
  const std::string tag = AsciiLower(args[0].value), range = AsciiLower(args[1].value);
  if (range == "*") return Boolean(!tag.empty());
  return Boolean(tag == range || (tag.size() > range.size() && tag.starts_with(range) && tag[range.size()] == '-'));
}

std::optional<Term> Datatype(std::span<const Term> args, absl::Status*) {
  if (!args[0].IsLiteral()) return std::nullopt;
  return Term::Iri(args[0].datatype);
}

std::optional<Term> StrLang(std::span<const Term> args, absl::Status*) {
  if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1]) || args[1].value.empty()) return std::nullopt;
  return Term::LangLiteral(args[0].value, AsciiLower(args[1].value));
}

std::optional<Term> StrLangDir(std::span<const Term> args, absl::Status*) {
  if (!IsStringLiteral(args[0]) || !IsStringLiteral(args[1]) || !IsStringLiteral(args[2]) ||
      args[1].value.empty() || (args[2].value != "ltr" && args[2].value != "rtl")) {
    return std::nullopt;
  }
  return Term::LangLiteral(args[0].value, AsciiLower(args[1].value), args[2].value);
}

std::optional<Term> StrDt(std::span<const Term> args, absl::Status*) {
  if (!IsStringLiteral(args[0]) || !args[1].IsIri()) return std::nullopt;
  return Term::Literal(args[0].value, args[1].value);
}

template <bool (*kTest)(const Term&)>
std::optional<Term> Is(std::span<const Term> args, absl::Status*) {
  return Boolean(kTest(args[0]));
}
bool IriTest(const Term& t) { return t.IsIri(); }
bool BlankTest(const Term& t) { return t.IsBlank(); }
bool LiteralTest(const Term& t) { return t.IsLiteral(); }
bool TripleTest(const Term& t) { return t.IsTriple(); }
bool LangTest(const Term& t) { return t.IsLiteral() && !t.language.empty(); }
bool LangDirTest(const Term& t) { return t.IsLiteral() && !t.direction.empty(); }

std::optional<Term> SameTerm(std::span<const Term> args, absl::Status*) { return Boolean(args[0] == args[1]); }

std::optional<Term> Triple(std::span<const Term> args, absl::Status*) {
  // RDF 1.2: the subject is an IRI or a blank node, the predicate an IRI.
  if (!(args[0].IsIri() || args[0].IsBlank()) || !args[1].IsIri()) return std::nullopt;
  return Term::Triple(args[0], args[1], args[2]);
}

template <int kPart>
std::optional<Term> PartOf(std::span<const Term> args, absl::Status*) {
  if (!args[0].IsTriple()) return std::nullopt;
  return args[0].triple[kPart];
}

constexpr Function kTermFunctions[] = {
    {"STR", 1, 1, Str},
    {"LANG", 1, 1, Lang},
    {"LANGDIR", 1, 1, LangDir},
    {"LANGMATCHES", 2, 2, LangMatches},
    {"DATATYPE", 1, 1, Datatype},
    {"STRLANG", 2, 2, StrLang},
    {"STRLANGDIR", 3, 3, StrLangDir},
    {"STRDT", 2, 2, StrDt},
    {"SAMETERM", 2, 2, SameTerm},
    {"ISIRI", 1, 1, Is<IriTest>},
    {"ISURI", 1, 1, Is<IriTest>},
    {"ISBLANK", 1, 1, Is<BlankTest>},
    {"ISLITERAL", 1, 1, Is<LiteralTest>},
    {"ISNUMERIC", 1, 1, Is<IsNumeric>},
    {"ISTRIPLE", 1, 1, Is<TripleTest>},
    {"HASLANG", 1, 1, Is<LangTest>},
    {"HASLANGDIR", 1, 1, Is<LangDirTest>},
    {"TRIPLE", 3, 3, Triple},
    {"SUBJECT", 1, 1, PartOf<0>},
    {"PREDICATE", 1, 1, PartOf<1>},
    {"OBJECT", 1, 1, PartOf<2>},
};

}  // namespace

std::span<const Function> TermFunctions() { return kTermFunctions; }

}  // namespace relata::engine
