// Loading extractor output (KG-JSONL) as a user sees it: the quads each
// record becomes, how entities are resolved and why, errors with their
// position, and that loading twice changes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tests/testing/database_fixture.h"

namespace relata {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kDocument[] =
    R"({"kind":"document","id":"a1","title":"Putin meets Xi","published":"2025-06-21","source":"Xinhua"})";

class KgLoadTest : public testing::DatabaseTest {
 protected:
  absl::StatusOr<LoadReport> Load(const std::vector<std::string>& lines, LoadOptions options = {}) {
    std::string text;
    for (const std::string& line : lines) text += line + "\n";
    return db_->Load(WriteFile("input.jsonl", text), options);
  }
  // Rows of a query with the loader's prefixes (predeclared anyway, and
  // spelled out here to pin their IRIs).
  std::vector<std::string> Rows(const std::string& sparql) {
    return DatabaseTest::Rows(
        "PREFIX kg: <https://relata.dev/kg/> PREFIX e: <https://relata.dev/e/> "
        "PREFIX doc: <https://relata.dev/doc/> " + sparql);
  }
  std::string Dump() {
    std::ostringstream out;
    EXPECT_TRUE(db_->Dump(out).ok());
    return out.str();
  }
};

TEST_F(KgLoadTest, RelationIsAssertedInItsDocumentGraphWithAReifier) {
  ASSERT_TRUE(Load({kDocument,
                    R"({"kind":"relation","subject":{"name":"Vladimir Putin","type":"Person"},"predicate":"met",)"
                    R"("object":{"name":"Xi Jinping","type":"Person"},"document":"a1","confidence":0.9,)"
                    R"("evidence":{"text":"Putin met Xi","start":10,"end":22}})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?g WHERE { GRAPH ?g { e:vladimir-putin kg:met e:xi-jinping } }"),
              ElementsAre("<https://relata.dev/doc/a1>"));
  EXPECT_THAT(Rows("SELECT ?c ?text ?start WHERE { GRAPH doc:a1 { ?r rdf:reifies <<( e:vladimir-putin kg:met "
                   "e:xi-jinping )>> ; kg:confidence ?c ; kg:evidence ?text ; kg:start ?start } }"),
              ElementsAre("\"0.9\"^^<http://www.w3.org/2001/XMLSchema#decimal> \"Putin met Xi\" "
                          "\"10\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

TEST_F(KgLoadTest, DocumentMetadataIsTyped) {
  ASSERT_TRUE(Load({kDocument}).ok());
  EXPECT_THAT(Rows("SELECT ?title ?date WHERE { doc:a1 a kg:SourceDocument ; kg:title ?title ; kg:published ?date }"),
              ElementsAre("\"Putin meets Xi\" \"2025-06-21\"^^<http://www.w3.org/2001/XMLSchema#date>"));
}

// The input's documents have a class of their own: an extractor's
// "Document" entities (a charter) are not among them.
TEST_F(KgLoadTest, SourceDocumentsAreApartFromEntitiesTypedDocument) {
  const auto report = Load({kDocument, R"({"kind":"entity","type":"Document","name":"UN Charter","document":"a1"})",
                            R"({"kind":"entity","type":"Mention","name":"A mention of the charter"})"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(Rows("SELECT ?d WHERE { ?d a kg:SourceDocument }"), ElementsAre("<https://relata.dev/doc/a1>"));
  EXPECT_THAT(Rows("SELECT ?d WHERE { ?d a kg:Document }"), ElementsAre("<https://relata.dev/e/un-charter>"));
  // A type that is one of the loader's classes is allowed, and noted.
  EXPECT_THAT(report->warnings, ElementsAre(::testing::HasSubstr(
                                    "entity type \"Mention\" is also the loader's class kg:Mention")));
}

TEST_F(KgLoadTest, EntityFieldsBecomeLabelAliasTypeAndProperties) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":["Person","Politician"],"name":"Sergei Lavrov",)"
                    R"("aliases":["Лавров"],"properties":{"born":1950,"height":1.88,"active":true,"since":"2004-03-09"},)"
                    R"("same_as":"http://www.wikidata.org/entity/Q178838"})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?p ?o WHERE { e:sergei-lavrov ?p ?o }"),
              UnorderedElementsAre(
                  "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://relata.dev/kg/Person>",
                  "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://relata.dev/kg/Politician>",
                  "<http://www.w3.org/2000/01/rdf-schema#label> \"Sergei Lavrov\"",
                  "<https://relata.dev/kg/alias> \"Лавров\"",
                  "<https://relata.dev/kg/born> \"1950\"^^<http://www.w3.org/2001/XMLSchema#integer>",
                  "<https://relata.dev/kg/height> \"1.88\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
                  "<https://relata.dev/kg/active> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
                  "<https://relata.dev/kg/since> \"2004-03-09\"^^<http://www.w3.org/2001/XMLSchema#date>",
                  "<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q178838>"));
}

TEST_F(KgLoadTest, LoadingTwiceChangesNothing) {
  const std::vector<std::string> lines = {
      kDocument,
      R"({"kind":"entity","type":"Person","name":"Vladimir Putin","aliases":["Путин"],"document":"a1"})",
      R"({"kind":"relation","subject":{"name":"Putin","type":"Person"},"predicate":"met","object":{"name":"Xi","type":"Person"},"document":"a1","confidence":0.8})",
      R"({"kind":"mention","entity":{"name":"Putin","type":"Person"},"document":"a1","text":"Putin","start":0,"end":5})"};
  const auto once = Load(lines);
  ASSERT_TRUE(once.ok()) << once.status();
  const std::string first = Dump();
  auto stats = db_->Stats();
  ASSERT_TRUE(stats.ok());
  auto again = Load(lines);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->added, 0u);
  // The report reads the same each time: the records read, and of the quads
  // they make, what was added and what the store had already.
  EXPECT_EQ(once->records, 4u);
  EXPECT_EQ(again->records, 4u);
  EXPECT_EQ(once->statements, 0u);
  EXPECT_EQ(once->duplicates, once->quads - once->added);
  EXPECT_EQ(again->duplicates, again->quads);
  EXPECT_EQ(again->merges, once->merges);
  EXPECT_EQ(Dump(), first);
  auto stats_again = db_->Stats();
  ASSERT_TRUE(stats_again.ok());
  EXPECT_EQ(stats_again->quads, stats->quads);
}

TEST_F(KgLoadTest, ExplicitIdWins) {
  ASSERT_TRUE(Load({R"({"kind":"entity","id":"Q159","type":"State","name":"Russia"})",
                    R"({"kind":"entity","id":"Q159","type":"State","name":"Russian Federation"})",
                    R"({"kind":"relation","subject":"Q159","predicate":"borders","object":{"name":"China","type":"State"}})"})
                  .ok());
  // One label, the first name; the other is an alias.
  EXPECT_THAT(Rows("SELECT ?name WHERE { e:Q159 rdfs:label ?name }"), ElementsAre("\"Russia\""));
  EXPECT_THAT(Rows("SELECT ?name WHERE { e:Q159 kg:alias ?name }"), ElementsAre("\"Russian Federation\""));
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:Q159 kg:borders ?o }"), ElementsAre("<https://relata.dev/e/china>"));
}

TEST_F(KgLoadTest, SameAsIriMerges) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Organization","name":"SCO","same_as":"http://www.wikidata.org/entity/Q485207"})",
                    R"({"kind":"entity","type":"Organization","name":"Shanghai Cooperation Organisation","same_as":["http://www.wikidata.org/entity/Q485207"]})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e kg:alias \"Shanghai Cooperation Organisation\" }"),
              ElementsAre("<https://relata.dev/e/sco>"));
  EXPECT_THAT(Rows("SELECT ?name WHERE { e:sco rdfs:label ?name }"), ElementsAre("\"SCO\""));
}

// Every join on rdfs:label must give an entity once: a name merged into an
// entity, in the same load or a later one, or through any input format, is
// an alias of it, and the entity keeps the label it had.
TEST_F(KgLoadTest, ANameMergedIntoAnEntityIsAnAliasNotASecondLabel) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Organization","name":"Shanghai Cooperation Organization","aliases":["Shanghai Cooperation Organisation"]})",
                    R"({"kind":"entity","type":"Organization","name":"Shanghai Cooperation Organisation"})"})
                  .ok());
  const std::string labels = "SELECT ?name WHERE { e:shanghai-cooperation-organization rdfs:label ?name }";
  EXPECT_THAT(Rows(labels), ElementsAre("\"Shanghai Cooperation Organization\""));
  // A later load, and a neo4j CSV: the store's label stays the one.
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Organization","name":"shanghai cooperation organization"})"}).ok());
  const std::string csv = ::testing::TempDir() + "/relata_alias_nodes.csv";
  std::ofstream(csv) << ":ID,name,:LABEL\nn1,Shanghai Cooperation Organisation,Organization\n";
  ASSERT_TRUE(db_->Load(csv).ok());
  EXPECT_THAT(Rows(labels), ElementsAre("\"Shanghai Cooperation Organization\""));
  EXPECT_THAT(Rows("SELECT ?name WHERE { e:shanghai-cooperation-organization kg:alias ?name }"),
              UnorderedElementsAre("\"Shanghai Cooperation Organisation\"", "\"shanghai cooperation organization\""));
  EXPECT_THAT(Rows("SELECT (COUNT(*) AS ?n) WHERE { ?e a kg:Organization ; rdfs:label ?name }"),
              ElementsAre("\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"));
}

// An entity's IRI does not depend on load order: a triple file that
// mentions e:russia, untyped and unnamed, loaded before the extractor
// output, gives the same e:russia as loading it after.
TEST_F(KgLoadTest, AnUnnamedStoredIriIsTakenOverWhateverTheLoadOrder) {
  const std::string ttl = ::testing::TempDir() + "/relata_order.ttl";
  std::ofstream(ttl) << "<https://relata.dev/e/russia> <http://example.org/gdpRank> 11 .\n"
                      << "<https://relata.dev/e/china> <http://www.w3.org/2000/01/rdf-schema#label> \"China\" .\n";
  ASSERT_TRUE(db_->Load(ttl).ok());
  const auto report = Load({R"({"kind":"entity","type":"State","name":"Russia"})",
                            R"({"kind":"entity","type":"State","name":"China"})"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->warnings, ::testing::IsEmpty());
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e rdfs:label \"Russia\" }"), ElementsAre("<https://relata.dev/e/russia>"));
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e rdfs:label \"China\" }"), ElementsAre("<https://relata.dev/e/china>"));
  EXPECT_THAT(Rows("SELECT ?t WHERE { e:russia a ?t }"), ElementsAre("<https://relata.dev/kg/State>"));
}

// An IRI the store has as another thing is passed over, and the load says so.
TEST_F(KgLoadTest, AStoredIriOfAnotherTypeIsPassedOverWithAWarning) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Person","name":"Georgia"})"}).ok());
  const auto report = Load({R"({"kind":"entity","type":"State","name":"Georgia"})"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->warnings,
              ElementsAre(::testing::HasSubstr("\"Georgia\": https://relata.dev/e/georgia is already another entity in the "
                                               "store (kg:Person); the entity was named "
                                               "https://relata.dev/e/georgia-state")));
}

TEST_F(KgLoadTest, NameAndTypeAreTheKey) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"State","name":"Georgia"})",
                    R"({"kind":"entity","type":"State","name":"GEORGIA"})",
                    R"({"kind":"entity","type":"Person","name":"Georgia"})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT DISTINCT ?e WHERE { ?e rdfs:label ?n } ORDER BY ?e"),
              ElementsAre("<https://relata.dev/e/georgia>", "<https://relata.dev/e/georgia-person>"));
}

TEST_F(KgLoadTest, UniqueAliasResolvesAndTheMergeIsRecorded) {
  ASSERT_TRUE(Load({kDocument,
                    R"({"kind":"entity","type":"Organization","name":"Shanghai Cooperation Organisation","aliases":["SCO"]})",
                    R"({"kind":"relation","subject":{"name":"India","type":"State"},"predicate":"member_of","object":{"name":"SCO","type":"Organization"},"document":"a1"})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:india kg:member_of ?o }"),
              ElementsAre("<https://relata.dev/e/shanghai-cooperation-organisation>"));
  EXPECT_THAT(Rows("SELECT ?rule WHERE { ?m kg:form \"SCO\" ; kg:entity e:shanghai-cooperation-organisation ; kg:rule ?rule }"),
              ElementsAre("\"alias\""));
}

TEST_F(KgLoadTest, AmbiguousAliasIsReportedNotMerged) {
  auto report = Load({kDocument,
                      R"({"kind":"entity","type":"Organization","name":"Commonwealth of Independent States","aliases":["CIS"]})",
                      R"({"kind":"entity","type":"Organization","name":"Center for International Studies","aliases":["CIS"]})",
                      R"({"kind":"relation","subject":{"name":"Russia","type":"State"},"predicate":"member_of","object":{"name":"CIS","type":"Organization"},"document":"a1"})"});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->warnings.size(), 1u);
  EXPECT_THAT(report->warnings[0], HasSubstr("input.jsonl:4:"));
  EXPECT_THAT(report->warnings[0], HasSubstr("\"CIS\" could be any of"));
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:russia kg:member_of ?o }"), ElementsAre("<https://relata.dev/e/cis>"));
  EXPECT_THAT(Rows("SELECT ?b WHERE { e:cis kg:possibleSameAs ?b } ORDER BY ?b"),
              ElementsAre("<https://relata.dev/e/center-for-international-studies>",
                          "<https://relata.dev/e/commonwealth-of-independent-states>"));
}

TEST_F(KgLoadTest, ANameOneTypoAwayIsACandidateAnotherNameIsNot) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Company","name":"Gazprom Neft"})",
                    R"({"kind":"entity","type":"Company","name":"Gazprom Nefft"})",
                    R"({"kind":"entity","type":"Company","name":"Gazprom Bank"})",
                    R"({"kind":"entity","type":"Company","name":"Gazprom Tenf"})"})
                  .ok());
  // "Tenf" has Neft's letters but is three edits from it: the letter counts
  // alone must not make it a candidate.
  EXPECT_THAT(Rows("SELECT ?a ?b WHERE { ?a kg:possibleSameAs ?b }"),
              ElementsAre("<https://relata.dev/e/gazprom-neft> <https://relata.dev/e/gazprom-nefft>"));
}

// Two visits in different years are two things, however alike their names.
TEST_F(KgLoadTest, NamesThatDifferInANumberAreNoCandidates) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Event","name":"Xi Jinping's 2013 state visit to Russia"})",
                    R"({"kind":"entity","type":"Event","name":"Xi Jinping's 2023 state visit to Russia"})",
                    R"({"kind":"entity","type":"Event","name":"Xi Jinping's 2023 state visit to Rusia"})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?a ?b WHERE { ?a kg:possibleSameAs ?b }"),
              ElementsAre("<https://relata.dev/e/xi-jinpings-2023-state-visit-to-russia> "
                          "<https://relata.dev/e/xi-jinpings-2023-state-visit-to-rusia>"));
}

TEST_F(KgLoadTest, ShortFormAfterFullNameInOneDocument) {
  ASSERT_TRUE(Load({kDocument,
                    R"({"document":{"id":"a2"},"relations":[{"subject":{"name":"Wang Yi","type":"Person"},"predicate":"met","object":{"name":"Sergei Lavrov","type":"Person"}},)"
                    R"({"subject":{"name":"Wang","type":"Person"},"predicate":"visited","object":{"name":"Moscow","type":"City"}}]})",
                    R"({"kind":"relation","subject":{"name":"Wang","type":"Person"},"predicate":"visited","object":{"name":"Beijing","type":"City"},"document":"a1"})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:wang-yi kg:visited ?o }"), ElementsAre("<https://relata.dev/e/moscow>"));
  // In another document the short form stands alone: a candidate, not a merge.
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:wang kg:visited ?o }"), ElementsAre("<https://relata.dev/e/beijing>"));
  EXPECT_THAT(Rows("SELECT ?rule WHERE { GRAPH ?g { ?r rdf:reifies <<( ?a kg:possibleSameAs ?b )>> ; kg:rule ?rule } "
                   "FILTER(?a IN (e:wang, e:wang-yi) && ?b IN (e:wang, e:wang-yi)) }"),
              ElementsAre("\"similar-name\""));
}

TEST_F(KgLoadTest, LaterLoadsResolveAgainstTheStore) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Person","name":"Vladimir Putin","aliases":["Путин"]})"}).ok());
  ASSERT_TRUE(Load({R"({"kind":"relation","subject":{"name":"Путин","type":"Person"},"predicate":"visited","object":{"name":"China","type":"State"}})"}).ok());
  EXPECT_THAT(Rows("SELECT ?o WHERE { e:vladimir-putin kg:visited ?o }"), ElementsAre("<https://relata.dev/e/china>"));
}

TEST_F(KgLoadTest, BadLineNamesFileLineColumnAndFieldAndLoadsNothing) {
  auto report = Load({kDocument, R"({"kind":"entity","name":"A","aliases":[1]})"});
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("input.jsonl:2:40: aliases[0]: expected a string"));
  EXPECT_THAT(Dump(), IsEmpty());
}

TEST_F(KgLoadTest, UnknownKindAndDanglingReferenceAreErrors) {
  EXPECT_THAT(Load({R"({"kind":"entiti","name":"A"})"}).status().message(),
              HasSubstr("input.jsonl:1:9: kind: unknown kind \"entiti\""));
  EXPECT_THAT(Load({R"({"kind":"relation","subject":"nobody","predicate":"p","object":"x"})"}).status().message(),
              HasSubstr("input.jsonl:1:30: subject: no entity has id \"nobody\""));
  EXPECT_THAT(Load({R"({"kind":"relation","subject":{"name":"A"},"predicate":"p","object":{"name":"B"},"document":"zz"})"})
                  .status()
                  .message(),
              HasSubstr("document \"zz\" is neither in this input nor in the store"));
  EXPECT_THAT(Dump(), IsEmpty());
}

TEST_F(KgLoadTest, LenientSkipsBadLinesWhole) {
  LoadOptions options;
  options.lenient = true;
  auto report = Load({R"({"kind":"entity","name":"Good"})", R"({"kind":"entity","name":"Bad","aliases":[1]})", "{oops"},
                     options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->skipped, 2u);
  EXPECT_THAT(report->errors, Contains(HasSubstr("input.jsonl:2:")));
  EXPECT_THAT(Rows("SELECT ?n WHERE { ?e rdfs:label ?n }"), ElementsAre("\"Good\""));
}

TEST_F(KgLoadTest, LiteralObjectsKeepTheirDatatype) {
  ASSERT_TRUE(Load({R"({"kind":"relation","subject":{"name":"Russia","type":"State"},"predicate":"trade_with_china_usd",)"
                    R"("object":{"value":"240000000000","datatype":"xsd:decimal"},"properties":{"year":2024}})"})
                  .ok());
  EXPECT_THAT(Rows("SELECT ?v WHERE { e:russia kg:trade_with_china_usd ?v FILTER(?v > 1e11) }"),
              ElementsAre("\"240000000000\"^^<http://www.w3.org/2001/XMLSchema#decimal>"));
}

// A syntax error inside the line points where the parser stopped, not at
// its first column: a missing comma at the key that follows it.
TEST_F(KgLoadTest, AMissingCommaIsReportedAtItsColumn) {
  const std::string line =
      R"({"kind":"relation","subject":{"name":"Gazprom","type":"Organization"},"predicate":"supplies",)"
      R"("object":{"name":"China National Petroleum Corporation","type":"Organization"},"confidence":0.9 )"
      R"("evidence":{"text":"Gazprom supplies CNPC"}})";
  const std::size_t key = line.find(R"("evidence")");
  const auto status = Load({line}).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("input.jsonl:1:" + std::to_string(key + 1) + ": "));
  EXPECT_GT(key, 160u);
  EXPECT_THAT(Dump(), IsEmpty());
}

TEST_F(KgLoadTest, ADatatypeMustBeAnIriAndALanguageATag) {
  EXPECT_THAT(Load({R"({"kind":"relation","subject":{"name":"Power of Siberia"},"predicate":"scheduled_start",)"
                    R"("object":{"value":"2027","datatype":"xsd:gY ear"}})"})
                  .status()
                  .message(),
              HasSubstr("input.jsonl:1:124: object.datatype: not an absolute IRI: "
                        "\"http://www.w3.org/2001/XMLSchema#gY ear\""));
  EXPECT_THAT(std::string(Load({R"({"kind":"entity","name":"Moscow","properties":{"motto":{"value":"x","lang":"en us"}}})"})
                              .status()
                              .message()),
              HasSubstr("input.jsonl:1:76: properties.motto.lang: not a language tag: \"en us\""));
  EXPECT_THAT(Dump(), IsEmpty());
  ASSERT_TRUE(Load({R"({"kind":"entity","name":"Moscow","properties":{"motto":{"value":"x","lang":"EN-gb"}}})"}).ok());
  EXPECT_THAT(Rows("SELECT ?m WHERE { e:moscow kg:motto ?m }"), ElementsAre("\"x\"@en-gb"));
}

TEST_F(KgLoadTest, NamesAreSearchable) {
  ASSERT_TRUE(Load({R"({"kind":"entity","type":"Project","name":"Power of Siberia"})"}).ok());
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e <https://relata.dev/ns#search> \"power sib\" }"),
              ElementsAre("<https://relata.dev/e/power-of-siberia>"));
}

// --replace: a new version of a document takes the place of the old one.
class KgReplaceTest : public KgLoadTest {
 protected:
  static constexpr char kSecondDocument[] =
      R"({"kind":"document","id":"a2","title":"BRICS summit"})" "\n"
      R"({"kind":"relation","subject":{"name":"Xi Jinping","type":"Person"},"predicate":"attended",)"
      R"("object":{"name":"BRICS summit","type":"Event"},"document":"a2"})";
  const std::vector<std::string> kFirstVersion = {
      kDocument,
      R"({"kind":"entity","type":"Person","name":"Vladimir Putin","aliases":["Putin"],"document":"a1"})",
      R"({"kind":"relation","subject":{"name":"Putin","type":"Person"},"predicate":"met",)"
      R"("object":{"name":"Xi Jinping","type":"Person"},"document":"a1","confidence":0.8})",
      R"({"kind":"relation","subject":{"name":"Putin","type":"Person"},"predicate":"visited",)"
      R"("object":{"name":"Beijing","type":"Place"},"document":"a1"})"};
  const std::vector<std::string> kSecondVersion = {
      R"({"kind":"document","id":"a1","title":"Putin meets Xi, revised"})",
      R"({"kind":"relation","subject":{"name":"Vladimir Putin","type":"Person"},"predicate":"met",)"
      R"("object":{"name":"Xi Jinping","type":"Person"},"document":"a1","confidence":0.8})"};

  static LoadOptions Replacing() {
    LoadOptions options;
    options.replace = true;
    return options;
  }
  void SetUp() override {
    KgLoadTest::SetUp();
    ASSERT_TRUE(db_->Load(WriteFile("a2.jsonl", std::string(kSecondDocument) + "\n")).ok());
    ASSERT_TRUE(Load(kFirstVersion).ok());
  }
};

TEST_F(KgReplaceTest, ReplacingADocumentByItselfChangesNothing) {
  const std::string before = Dump();
  const auto report = Load(kFirstVersion, Replacing());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->added, 0u);
  EXPECT_EQ(report->removed, 0u);
  EXPECT_EQ(Dump(), before);
}

TEST_F(KgReplaceTest, TheNewVersionTakesThePlaceOfTheOld) {
  const auto report = Load(kSecondVersion, Replacing());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->removed, 0u);
  EXPECT_THAT(Rows("SELECT ?title WHERE { doc:a1 kg:title ?title }"), ElementsAre("\"Putin meets Xi, revised\""));
  EXPECT_THAT(Rows("SELECT ?p ?o WHERE { GRAPH doc:a1 { e:vladimir-putin ?p ?o FILTER(isIRI(?o)) } } ORDER BY ?p"),
              ElementsAre("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://relata.dev/kg/Person>",
                          "<https://relata.dev/kg/met> <https://relata.dev/e/xi-jinping>"));
  // Beijing was named only by the old version: gone, from the name index too.
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e rdfs:label \"Beijing\" }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?e WHERE { ?e relata:search \"beijing\" }"), IsEmpty());
  // The alias and its merge record were the old version's.
  EXPECT_THAT(Rows("SELECT ?a WHERE { ?e kg:alias ?a }"), IsEmpty());
  EXPECT_THAT(Rows("SELECT ?m WHERE { GRAPH <https://relata.dev/resolution> { ?m kg:document doc:a1 } }"), IsEmpty());
  // The other document is untouched.
  EXPECT_THAT(Rows("SELECT ?what WHERE { GRAPH doc:a2 { e:xi-jinping kg:attended ?what } }"),
              ElementsAre("<https://relata.dev/e/brics-summit>"));
  // The text index holds the new title, and no longer the old one.
  EXPECT_THAT(Rows("SELECT ?d ?title WHERE { (?d ?score ?snippet ?title) relata:text \"meets\" }"),
              ElementsAre("<https://relata.dev/doc/a1> \"Putin meets Xi, revised\""));
  const auto check = db_->Check();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_THAT(check->problems, IsEmpty());
}

TEST_F(KgReplaceTest, AReplacedStoreEqualsOneLoadedWithTheNewVersion) {
  ASSERT_TRUE(Load(kSecondVersion, Replacing()).ok());
  const std::string replaced = Dump();
  auto fresh = Database::OpenInMemory();
  ASSERT_TRUE(fresh.ok());
  ASSERT_TRUE((*fresh)->Load(WriteFile("a2.jsonl", std::string(kSecondDocument) + "\n")).ok());
  std::string second;
  for (const std::string& line : kSecondVersion) second += line + "\n";
  ASSERT_TRUE((*fresh)->Load(WriteFile("v2.jsonl", second)).ok());
  std::ostringstream dump;
  ASSERT_TRUE((*fresh)->Dump(dump).ok());
  EXPECT_EQ(replaced, dump.str());
}

TEST_F(KgReplaceTest, AFailedReplaceLeavesTheStoreAsItWas) {
  const std::string before = Dump();
  std::vector<std::string> broken = kSecondVersion;
  broken.push_back(R"({"kind":"relation","subject":"nobody","predicate":"met","object":"x","document":"a1"})");
  EXPECT_FALSE(Load(broken, Replacing()).ok());
  EXPECT_EQ(Dump(), before);
  const auto rdf = db_->Load(WriteFile("x.nt", "<http://x/a> <http://x/b> <http://x/c> .\n"), Replacing());
  ASSERT_FALSE(rdf.ok());
  EXPECT_THAT(std::string(rdf.status().message()), HasSubstr("--replace replaces the graphs of extractor-output"));
  EXPECT_EQ(Dump(), before);
}

}  // namespace
}  // namespace relata
