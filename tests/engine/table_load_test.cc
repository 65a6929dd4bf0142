// Loading neo4j-admin CSV and Stanford OpenIE TSV as a user sees it: the
// same entities and relations KG-JSONL would give, resolved together with
// it, and errors with their file, line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPeople[] =
    "personId:ID(Person),name,aliases:string[],:LABEL,born:date,height:double,active:boolean\n"
    "p1,Vladimir Putin,Putin;V. Putin,Person,1952-10-07,1.70,TRUE\n"
    "p2,\"Xi Jinping\",Xi,Person,,,\n";
constexpr char kOrganisations[] =
    "orgId:ID(Org),name,:LABEL\n"
    "o1,\"Shanghai Cooperation Organisation, the\",Organization\n";
constexpr char kMembership[] =
    ":START_ID(Person),:END_ID(Org),:TYPE,since:int,confidence\n"
    "p1,o1,MEMBER_OF,2001,0.9\r\n"
    "p2,o1,MEMBER_OF,2013,\n";

class TableLoadTest : public testing::DatabaseTest {
 protected:
  absl::StatusOr<LoadReport> LoadFiles(const std::vector<std::pair<std::string, std::string>>& files,
                                       LoadOptions options = {}) {
    std::vector<std::string> paths;
    for (const auto& [name, text] : files) paths.push_back(WriteFile(name, text));
    return db_->Load(paths, options);
  }
  std::vector<std::string> Rows(const std::string& sparql) {
    return DatabaseTest::Rows("PREFIX kg: <https://relata.dev/kg/> PREFIX e: <https://relata.dev/e/> " + sparql);
  }
  std::vector<std::string> Everything() { return Rows("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"); }
};

TEST_F(TableLoadTest, Neo4jNodesAndRelationshipsBecomeEntitiesAndRelations) {
  // The relationship file first: nodes are read before relationships anyway.
  const auto report = LoadFiles({{"member.csv", kMembership}, {"people.csv", kPeople}, {"orgs.csv", kOrganisations}});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->relations, 2u);
  EXPECT_THAT(Rows("SELECT ?who WHERE { ?e kg:member_of ?org . ?e rdfs:label ?who } ORDER BY ?who"),
              ElementsAre("\"Vladimir Putin\"", "\"Xi Jinping\""));
  EXPECT_THAT(Rows("SELECT ?name WHERE { ?org a kg:Organization ; rdfs:label ?name }"),
              ElementsAre("\"Shanghai Cooperation Organisation, the\""));
  EXPECT_THAT(Rows("SELECT ?alias WHERE { e:vladimir-putin kg:alias ?alias } ORDER BY ?alias"),
              ElementsAre("\"Putin\"", "\"V. Putin\""));
  EXPECT_THAT(Rows("SELECT ?born ?height ?active WHERE { e:vladimir-putin kg:born ?born ; kg:height ?height ; "
                   "kg:active ?active }"),
              ElementsAre("\"1952-10-07\"^^<http://www.w3.org/2001/XMLSchema#date> "
                          "\"1.70\"^^<http://www.w3.org/2001/XMLSchema#double> "
                          "\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>"));
  // Empty fields are no value, as neo4j-admin reads them.
  EXPECT_THAT(Rows("SELECT ?p WHERE { e:xi-jinping ?p ?o FILTER(?p IN (kg:born, kg:height, kg:active)) }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?since ?c WHERE { ?r rdf:reifies <<( e:vladimir-putin kg:member_of ?org )>> ; "
                   "kg:since ?since ; kg:confidence ?c }"),
              ElementsAre("\"2001\"^^<http://www.w3.org/2001/XMLSchema#integer> "
                          "\"0.9\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
}

TEST_F(TableLoadTest, CsvNodesResolveWithKgJsonlEntitiesByName) {
  ASSERT_TRUE(LoadFiles({{"people.csv", kPeople}}).ok());
  ASSERT_TRUE(LoadFiles({{"more.jsonl",
                          R"({"kind":"relation","subject":{"name":"Putin","type":"Person"},"predicate":"met",)"
                          R"("object":{"name":"Xi Jinping","type":"Person"}})"
                          "\n"}})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:vladimir-putin kg:met ?o }"), ElementsAre("<https://relata.dev/e/xi-jinping>"));
}

TEST_F(TableLoadTest, ANodeWithoutANameKeepsItsIdAsItsIri) {
  ASSERT_TRUE(LoadFiles({{"n.csv", ":ID,:LABEL,population:long\nQ159,Country,146000000\n"}}).ok());
  EXPECT_THAT(Rows("SELECT ?n WHERE { e:Q159 a kg:Country ; kg:population ?n }"),
              ElementsAre("\"146000000\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

TEST_F(TableLoadTest, OpenIeTriplesAreRelationsBetweenNamedEntities) {
  const auto report = LoadFiles({{"people.csv", kPeople},
                                 {"facts.tsv", "0.92\tVladimir Putin\tmet with\tXi Jinping\n"
                                               "\n"
                                               "1.000\tPutin\tvisited\tBeijing\n"}});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->relations, 2u);
  EXPECT_THAT(Rows("SELECT ?c WHERE { ?r rdf:reifies <<( e:vladimir-putin kg:met_with e:xi-jinping )>> ; "
                   "kg:confidence ?c }"),
              ElementsAre("\"0.92\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
  // "Putin" is a known alias of exactly one entity.
  EXPECT_THAT(Rows("SELECT ?name WHERE { e:vladimir-putin kg:visited ?place . ?place rdfs:label ?name }"),
              ElementsAre("\"Beijing\""));
}

TEST_F(TableLoadTest, BadInputIsNamedByFileLineAndColumnAndLoadsNothing) {
  ASSERT_TRUE(LoadFiles({{"people.csv", kPeople}}).ok());
  const std::vector<std::string> before = Everything();
  const struct {
    const char* name;
    const char* text;
    const char* error;
  } cases[] = {
      {"a.csv", ":START_ID,:END_ID,:TYPE\np1,p9,KNOWS\n", "a.csv:2:1: :START_ID: no node has the id \"p1\""},
      {"b.csv", "id:ID,name,age:int\nx,\"Al, B\",12a\n", "b.csv:2:11: age: \"12a\" is not an integer"},
      {"c.csv", "id:ID,name\nx,\"never closed\n", "c.csv:2:3: the quoted field is never closed"},
      {"d.csv", "id:ID,name\nx,\"closed\"y\n", "d.csv:2:11: expected ',' or the end of the line"},
      {"e.csv", "id:ID,name,where:point\n", "e.csv:1:12: where:point: the type \"point\" is not one"},
      {"f.csv", "id:ID,name\nx,y,z\n", "f.csv:2:1: 3 fields where the header has 2"},
      {"g.csv", "id:ID,name\nx,Bob\nx,Bill\n", "g.csv:3:1: :ID: the id \"x\" is given twice (first at"},
      {"h.csv", ":START_ID,:END_ID\n", "h.csv:1:1: a relationship file's header needs"},
      {"i.csv", "id:ID,description\n,nameless\n", "i.csv:2:1: a node needs a name or an :ID"},
      {"m.csv", "id:ID,name,same_as\nx,Bob,1.70\n", "m.csv:2:7: same_as: not an absolute IRI: \"1.70\""},
      {"j.tsv", "0.5\tBob\tknows\n", "j.tsv:1:1: 3 fields; OpenIE lines have 4"},
      {"k.tsv", "high\tBob\tknows\tAlice\n", "k.tsv:1:1: confidence: \"high\" is not a number"},
      {"l.tsv", "0.5\tBob\t\tAlice\n", "l.tsv:1:9: relation: empty"},
  };
  for (const auto& c : cases) {
    const auto report = LoadFiles({{c.name, c.text}});
    ASSERT_FALSE(report.ok()) << c.name;
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(c.error)) << c.name;
  }
  EXPECT_EQ(Everything(), before);
}

TEST_F(TableLoadTest, LenientSkipsEachBadRowAndLoadsTheRest) {
  LoadOptions lenient;
  lenient.lenient = true;
  const auto report = LoadFiles({{"people.csv", "id:ID,name,age:int\na,Ann,30\nb,Bob,old\nc,Cid,41\n"},
                                 {"facts.tsv", "0.5\tAnn\tknows\tCid\nx\tAnn\tknows\tBob\n"}},
                                lenient);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->skipped, 2u);
  EXPECT_THAT(report->errors, ElementsAre(HasSubstr("facts.tsv:2:1: confidence"), HasSubstr("people.csv:3:7: age")));
  EXPECT_THAT(Rows("SELECT ?name WHERE { ?e kg:age ?age ; rdfs:label ?name } ORDER BY ?name"),
              ElementsAre("\"Ann\"", "\"Cid\""));
  EXPECT_THAT(Rows("SELECT ?o WHERE { ?s kg:knows ?o }"), ElementsAre("<https://relata.dev/e/cid>"));
}

}  // namespace
}  // namespace relata
