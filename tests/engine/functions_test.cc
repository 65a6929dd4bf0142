// The function table: every SPARQL 1.1 built-in and cast resolves by name
// and arity to a body, and the bodies give the spec's values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine {
namespace {

std::optional<Term> Call(std::string_view name, std::vector<Term> args, absl::Status* failure = nullptr) {
  const Function* f = name.find(':') == std::string_view::npos ? FindBuiltIn(name, args.size())
                                                               : FindCast(name, args.size());
  EXPECT_NE(f, nullptr) << name << "/" << args.size();
  if (f == nullptr || f->body == nullptr) return std::nullopt;
  absl::Status ignored;
  return f->body(args, failure != nullptr ? failure : &ignored);
}

TEST(FunctionTableTest, EveryBuiltInResolvesWithItsArities) {
  for (const auto& [name, arity] : std::vector<std::pair<std::string, std::size_t>>{
           {"STR", 1}, {"LANG", 1}, {"LANGMATCHES", 2}, {"DATATYPE", 1}, {"BOUND", 1}, {"IRI", 1}, {"URI", 1},
           {"BNODE", 0}, {"BNODE", 1}, {"RAND", 0}, {"ABS", 1}, {"CEIL", 1}, {"FLOOR", 1}, {"ROUND", 1},
           {"CONCAT", 0}, {"CONCAT", 5}, {"SUBSTR", 2}, {"SUBSTR", 3}, {"STRLEN", 1}, {"REPLACE", 3},
           {"REPLACE", 4}, {"UCASE", 1}, {"LCASE", 1}, {"ENCODE_FOR_URI", 1}, {"CONTAINS", 2}, {"STRSTARTS", 2},
           {"STRENDS", 2}, {"STRBEFORE", 2}, {"STRAFTER", 2}, {"YEAR", 1}, {"MONTH", 1}, {"DAY", 1},
           {"HOURS", 1}, {"MINUTES", 1}, {"SECONDS", 1}, {"TIMEZONE", 1}, {"TZ", 1}, {"NOW", 0}, {"UUID", 0},
           {"STRUUID", 0}, {"MD5", 1}, {"SHA1", 1}, {"SHA256", 1}, {"SHA384", 1}, {"SHA512", 1},
           {"COALESCE", 2}, {"IF", 3}, {"STRLANG", 2}, {"STRDT", 2}, {"SAMETERM", 2}, {"ISIRI", 1},
           {"ISURI", 1}, {"ISBLANK", 1}, {"ISLITERAL", 1}, {"ISNUMERIC", 1}, {"REGEX", 2}, {"REGEX", 3},
           {"TRIPLE", 3}, {"SUBJECT", 1}, {"PREDICATE", 1}, {"OBJECT", 1}, {"ISTRIPLE", 1}}) {
    EXPECT_NE(FindBuiltIn(name, arity), nullptr) << name << "/" << arity;
  }
  EXPECT_EQ(FindBuiltIn("STRLEN", 2), nullptr);
  EXPECT_EQ(FindBuiltIn("IF", 2), nullptr);
  EXPECT_EQ(FindBuiltIn("NOSUCH", 1), nullptr);
  // The forms that read the row, the query or the clock have no body: the
  // executor evaluates them.
  EXPECT_EQ(FindBuiltIn("BOUND", 1)->special, SpecialForm::kBound);
  EXPECT_EQ(FindBuiltIn("BOUND", 1)->body, nullptr);
  EXPECT_EQ(FindBuiltIn("URI", 1)->special, SpecialForm::kIri);
  EXPECT_EQ(FindBuiltIn("STRLEN", 1)->special, SpecialForm::kNone);
}

TEST(FunctionTableTest, CastsResolveByTheirDatatypeIri) {
  for (const char* type : {"string", "boolean", "integer", "decimal", "float", "double", "dateTime", "date"}) {
    EXPECT_NE(FindCast(XsdIri(type), 1), nullptr) << type;
  }
  EXPECT_EQ(FindCast(XsdIri("gYear"), 1), nullptr);
  EXPECT_EQ(FindCast(XsdIri("integer"), 2), nullptr);
  EXPECT_EQ(FindCast("STR", 1), nullptr);  // a built-in is not an IRI
}

TEST(FunctionTableTest, BodiesGiveTheSpecsValues) {
  EXPECT_EQ(Call("STRLEN", {Term::Literal("Путин")}), Integer(5));  // characters, not bytes
  EXPECT_EQ(Call("SUBSTR", {Term::LangLiteral("Power of Siberia", "en"), Integer(10), Integer(4)}),
            Term::LangLiteral("Sibe", "en"));
  EXPECT_EQ(Call("UCASE", {Term::Literal("straße")}), Term::Literal("STRASSE"));
  EXPECT_EQ(Call("CONCAT", {Term::LangLiteral("a", "en"), Term::LangLiteral("b", "en")}),
            Term::LangLiteral("ab", "en"));
  EXPECT_EQ(Call("CONCAT", {Term::LangLiteral("a", "en"), Term::Literal("b")}), Term::Literal("ab"));
  EXPECT_EQ(Call("STRBEFORE", {Term::Literal("Gazprom/CNPC"), Term::Literal("/")}), Term::Literal("Gazprom"));
  EXPECT_EQ(Call("CONTAINS", {Term::Literal("abc"), Term::LangLiteral("b", "en")}), std::nullopt);  // incompatible
  EXPECT_EQ(Call("ROUND", {Term::Literal("2.5", XsdIri("decimal"))}), Term::Literal("3.0", XsdIri("decimal")));
  EXPECT_EQ(Call("YEAR", {Term::Literal("2024-10-01", XsdIri("date"))}), Integer(2024));
  EXPECT_EQ(Call("TZ", {Term::Literal("2024-10-01T10:00:00+03:00", XsdIri("dateTime"))}), Term::Literal("+03:00"));
  EXPECT_EQ(Call("ISNUMERIC", {Term::Literal("12", XsdIri("integer"))}), Boolean(true));
  EXPECT_EQ(Call("SHA1", {Term::Literal("abc")}), Term::Literal("a9993e364706816aba3e25717850c26c9cd0d89d"));
  EXPECT_EQ(Call(XsdIri("string"), {Term::Literal("1.0", XsdIri("decimal"))}), Term::Literal("1"));
  EXPECT_EQ(Call(XsdIri("float"), {Term::Literal("+33.3300")}), Term::Literal("3.333E1", XsdIri("float")));
  EXPECT_EQ(Call(XsdIri("integer"), {Term::Literal("seven")}), std::nullopt);
}

TEST(FunctionTableTest, ARegexThatBacktracksWithoutEndStopsTheQuery) {
  absl::Status failure;
  const auto result = Call("REGEX", {Term::Literal(std::string(40, 'a') + "!"), Term::Literal("(a+)+$")}, &failure);
  EXPECT_EQ(result, std::nullopt);
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Call("REGEX", {Term::Literal("Gazprom"), Term::Literal("^gaz"), Term::Literal("i")}), Boolean(true));
}

}  // namespace
}  // namespace relata::engine
