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
      ("VERSION \"1.2\" SELECT * { ?s ?p <<( ?a ?b ?c )>> . << ?x ?y ?z ~ ?r >> ?p2 ?o2 . "
       "?s ?p ?o ~ _:r {| <http://x/since> 2020 |} }"),
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
  EXPECT_THAT(missing_object, HasSubstr("a string"));
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

// The algebra the parser hands the engine.
const Expr& FirstSelectExpression(const absl::StatusOr<Query>& q) {
  EXPECT_TRUE(q.ok()) << q.status();
  return q->select_expressions.at(0).second;
}

TEST(SparqlTranslateTest, BracketsAndSignsGiveTheirOperators) {
  EXPECT_EQ(FirstSelectExpression(ParseQuery("SELECT ((?a < 1) AS ?b) {}")).kind, Expr::Kind::kLess);
  EXPECT_EQ(FirstSelectExpression(ParseQuery("SELECT (-(?a) AS ?b) {}")).kind, Expr::Kind::kNegate);
  EXPECT_EQ(FirstSelectExpression(ParseQuery("SELECT (!!?a AS ?b) {}")).args.at(0).kind, Expr::Kind::kNot);
  // "?a +1" is ?a plus one, the sign read with the number.
  const auto parsed = ParseQuery("SELECT (?a +1 * 2 AS ?b) {}");
  const Expr& sum = FirstSelectExpression(parsed);
  ASSERT_EQ(sum.kind, Expr::Kind::kAdd);
  EXPECT_EQ(sum.args.at(1).kind, Expr::Kind::kMultiply);
}

TEST(SparqlTranslateTest, PathsBecomeTriplesWhereTheyCan) {
  auto q = ParseQuery("PREFIX : <http://x/> SELECT * { ?s :a/^:b ?o . ?s :c+ ?o }");
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->where.kind, Pattern::Kind::kJoin);
  const Pattern& bgp = q->where.children.at(0);
  ASSERT_EQ(bgp.triples.size(), 2u);
  // ^:b reverses its triple: both end at the sequence's middle variable.
  EXPECT_EQ(bgp.triples[1].object.var, bgp.triples[0].object.var);
  EXPECT_EQ(q->where.children.at(1).kind, Pattern::Kind::kPath);
}

TEST(SparqlTranslateTest, ScopeRulesAreErrorsWithPositions) {
  EXPECT_EQ(ParseQuery("SELECT ?x (1 AS ?y) { ?s ?p ?x } GROUP BY ?s").status().message(),
            "1:8: ?x is neither grouped nor aggregated");
  EXPECT_EQ(ParseQuery("SELECT * { ?s ?p ?o BIND (1 AS ?o) }").status().message(),
            "1:32: BIND assigns ?o, which the group pattern already binds");
  EXPECT_EQ(ParseQuery("SELECT (SUM(COUNT(?x)) AS ?n) {}").status().message(),
            "1:13: aggregates are allowed only in SELECT, HAVING and ORDER BY");
  EXPECT_EQ(ParseQuery("SELECT * { ?s a ex:T }").status().message(),
            "1:17: undefined prefix 'ex:' (declare it with PREFIX)");
}

// The translation keeps its first error and goes no deeper: a part that
// failed inside a triple term of VALUES is never read (the fuzzer found it
// read as if it had a value).
TEST(SparqlTranslateTest, AnErrorInsideAValuesTripleTermIsReportedWhereItIs) {
  EXPECT_EQ(ParseQuery("SELECT * { VALUES ?o { <<( <http://x/s> nope:p 1 )>> } }").status().message(),
            "1:41: undefined prefix 'nope:' (declare it with PREFIX)");
  EXPECT_EQ(ParseQuery("SELECT * { VALUES ?o { <<( <http://x/s> <http://x/p> <<( <http://x/a> x:b 2 )>> )>> } }")
                .status()
                .message(),
            "1:71: undefined prefix 'x:' (declare it with PREFIX)");
}

TEST(SparqlParserTest, TellsAnUpdateFromAQueryAsTheGrammarReadsThem) {
  EXPECT_TRUE(IsUpdateRequest("PREFIX x: <http://x/> # insert\n INSERT DATA { x:a x:b x:c }"));
  EXPECT_TRUE(IsUpdateRequest("with <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"));
  // Only a prologue, or only comments: the empty update (syntax-update-38..40).
  EXPECT_TRUE(IsUpdateRequest("BASE <http://x/> PREFIX p: <http://y/>"));
  EXPECT_TRUE(IsUpdateRequest("# nothing\n"));
  EXPECT_FALSE(IsUpdateRequest("PREFIX insert: <http://x/> SELECT * { ?s insert:p ?o }"));
  EXPECT_FALSE(IsUpdateRequest("# DELETE\nASK {}"));
  EXPECT_FALSE(IsUpdateRequest("PREFIX x: <http://x/"));  // broken: the query parser says where
}

// SPARQL 1.2's VERSION may open any operation of an update, as BASE and
// PREFIX do; only a prologue is the empty update (the fuzzer found a second
// VERSION taken for an operation).
TEST(SparqlParserTest, VersionDeclarationsInAnUpdateAreAPrologue) {
  const auto only_prologue = ParseUpdate("VERSION \"1.2\"\nPREFIX : <http://example/>\nVERSION \"1.2-basic\"\n");
  ASSERT_TRUE(only_prologue.ok()) << only_prologue.status();
  EXPECT_TRUE(only_prologue->operations.empty());
  const auto two = ParseUpdate(
      "VERSION \"1.2\" PREFIX : <http://x/> INSERT DATA { :a :b :c } ; VERSION \"1.2\" DELETE DATA { :a :b :c }");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->operations.size(), 2u);
}

TEST(SparqlParserTest, FindsALeadingExplainAfterCommentsInAnyCase) {
  const auto plain = FindExplainPrefix("# plan\nexplain SELECT * {}");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->analyze);
  EXPECT_EQ(plain->length, std::string_view("# plan\nexplain ").size());
  const auto analyze = FindExplainPrefix("EXPLAIN Analyze\nASK {}");
  ASSERT_TRUE(analyze.has_value());
  EXPECT_TRUE(analyze->analyze);
  EXPECT_EQ(analyze->length, std::string_view("EXPLAIN Analyze\n").size());
  EXPECT_FALSE(FindExplainPrefix("SELECT * { ?explain ?p ?o }").has_value());
  EXPECT_FALSE(FindExplainPrefix("EXPLAINED").has_value());
}

}  // namespace
}  // namespace relata::query
