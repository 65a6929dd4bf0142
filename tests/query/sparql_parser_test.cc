// What a user sees from the SPARQL syntax check: OK for a query, and an
// error that says where (line:column, where a caret goes) and what could
// have come there.
#include "query/sparql_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace relata::query {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ErrorOf(std::string_view query) {
  const absl::Status status = CheckQuerySyntax(query);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << query;
  return std::string(status.message());
}

TEST(SparqlParserTest, AcceptsTheWholeLanguage) {
  const char* queries[] = {
      "PREFIX ex: <http://x/> SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x ex:knows+/ex:name ?n "
      "FILTER(?n > 3 && !BOUND(?z)) OPTIONAL { ?x ^ex:p ?y } MINUS { ?x a ex:T } "
      "BIND(STRLEN(?n) AS ?l) VALUES ?x { ex:a UNDEF } } GROUP BY ?x HAVING (COUNT(*) > 1) "
      "ORDER BY DESC(?n) LIMIT 10 OFFSET 2",
      "select * where { graph ?g { ?s ?p ?o } } # keywords in any case, comments",
      "CONSTRUCT { ?s <http://x/p> [ <http://x/q> ( 1 2.5 \"three\"@en ) ] } WHERE { ?s ?p ?o }",
      "CONSTRUCT WHERE { ?s ?p ?o }",
      "DESCRIBE <http://x/a> ?b",
      "ASK FROM <http://x/g> FROM NAMED <http://x/h> { ?s !(<http://x/p>|^<http://x/q>) ?o }",
      "SELECT * { { SELECT ?x WHERE { ?x ?p ?o } LIMIT 1 } UNION { ?x ?q ?r } }",
      "SELECT ?x { ?x ?p ?o FILTER NOT EXISTS { ?x ?q ?r } FILTER regex(?o, \"^a\", \"i\") }",
      "VERSION \"1.2\" SELECT * { ?s ?p <<( ?a ?b ?c )>> . << ?x ?y ?z ~ ?r >> ?p2 ?o2 . "
      "?s ?p ?o ~ _:r {| <http://x/since> 2020 |} }",
      "SELECT * { VALUES (?a ?b) { (1 2) (UNDEF \"x\") } }",
      "SELECT * { _:a ?p ?v . FILTER(true) . [] ?q _:a }",  // FILTER does not end a BGP
  };
  for (const char* query : queries) {
    EXPECT_TRUE(CheckQuerySyntax(query).ok()) << query << "\n" << CheckQuerySyntax(query);
  }
}

TEST(SparqlParserTest, SaysWhereAndWhatWasExpected) {
  EXPECT_EQ(ErrorOf("SELEC ?x {}"),
            "1:1: expected one of ASK, BASE, CONSTRUCT, DESCRIBE, PREFIX, SELECT, VERSION");
  EXPECT_EQ(ErrorOf("SELECT ?x WHERE {\n  ?x ?p ?o\n} ORDER ?x"), "3:9: expected BY");
  EXPECT_EQ(ErrorOf("SELECT ?x { ?x ?p ?o } LIMIT ten"), "1:30: expected an integer");
  const std::string missing_object = ErrorOf("SELECT ?x WHERE { ?x ?p }");
  EXPECT_THAT(missing_object, StartsWith("1:25: expected one of "));
  EXPECT_THAT(missing_object, HasSubstr("a variable"));
  EXPECT_THAT(missing_object, HasSubstr("an IRI"));
  EXPECT_THAT(ErrorOf("SELECT ?x WHERE { ?x ?p ?o"), HasSubstr("'}'"));
}

TEST(SparqlParserTest, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(ErrorOf("SELECT ?x { ?x ?p \"é\" } LIMIT x"), "1:31: expected an integer");
}

TEST(SparqlParserTest, TerminalErrorsKeepTheirWords) {
  EXPECT_EQ(ErrorOf("SELECT ?x WHERE { ?x ?p \"abc }"),
            "1:31: unterminated string: expected '\"' before the end of the line");
  EXPECT_EQ(ErrorOf("SELECT * { ?s ?p \"\\uD800\" }"),
            "1:19: \\u escapes cannot encode UTF-16 surrogates");
}

TEST(SparqlParserTest, LongestTokenWins) {
  // "<?a&&?b>" is an IRI, so this is not a comparison chain.
  EXPECT_FALSE(CheckQuerySyntax("SELECT * WHERE { FILTER (?x<?a&&?b>?y) }").ok());
  EXPECT_TRUE(CheckQuerySyntax("SELECT * WHERE { FILTER (?x < ?a && ?b > ?y) }").ok());
}

TEST(SparqlParserTest, BlankNodeLabelsStayInOneBasicGraphPattern) {
  EXPECT_EQ(ErrorOf("SELECT * { _:a ?p ?o OPTIONAL { _:a ?q ?r } }"),
            "1:33: blank node _:a is used in two basic graph patterns; use a variable to join them");
  EXPECT_FALSE(CheckQuerySyntax("SELECT * { { _:a ?p ?v } _:a ?q 1 }").ok());
}

TEST(SparqlParserTest, ValuesRowsMatchTheirVariables) {
  EXPECT_EQ(ErrorOf("SELECT * { VALUES (?a ?b) { (1) } }"),
            "1:33: this VALUES row has 1 values for 2 variables");
  EXPECT_EQ(ErrorOf("SELECT * { VALUES (?a ?a) { (1 1) } }"),
            "1:23: variable ?a appears twice in the VALUES header");
  EXPECT_EQ(ErrorOf("SELECT * { VALUES (?a # first\n ?a) { (1 1) } }"),
            "2:2: variable ?a appears twice in the VALUES header");
}

TEST(SparqlParserTest, AnnotationsOnlyOnSimplePredicates) {
  EXPECT_TRUE(CheckQuerySyntax("SELECT * { ?s <http://x/p> ?o {| ?a ?b |} }").ok());
  EXPECT_FALSE(CheckQuerySyntax("SELECT * { ?s <http://x/p>/<http://x/q> ?o {| ?a ?b |} }").ok());
}

}  // namespace
}  // namespace relata::query
