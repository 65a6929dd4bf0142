// What a user of the readers sees: quads, and errors that say where and why.
#include "query/rdf_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>

#include "tests/testing/rdf_test_util.h"

namespace relata::query {
namespace {

using ::relata::testing::ParseRdf;
using ::relata::testing::ParseRdfFile;
using ::testing::HasSubstr;

ReadOptions NTriplesOptions(bool lenient, std::size_t max_statement_bytes = 64 << 20) {
  ReadOptions options;
  options.format = RdfFormat::kNTriples;
  options.lenient = lenient;
  options.max_statement_bytes = max_statement_bytes;
  return options;
}

TEST(RdfReaderTest, ReadsNTriplesTerms) {
  const auto quads = ParseRdf(
      "<http://x/s> <http://x/p> \"caf\\u00E9\"@EN--ltr .\n"
      "_:b <http://x/p> \"7\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
      RdfFormat::kNTriples);
  ASSERT_TRUE(quads.ok()) << quads.status();
  ASSERT_EQ(quads->size(), 2u);
  EXPECT_EQ((*quads)[0].object, Term::LangLiteral("caf\xC3\xA9", "en", "ltr"));
  EXPECT_EQ((*quads)[1].subject, Term::Blank("b"));
  EXPECT_EQ((*quads)[1].object.datatype, "http://www.w3.org/2001/XMLSchema#integer");
  EXPECT_TRUE((*quads)[1].InDefaultGraph());
}

TEST(RdfReaderTest, ReadsNQuadsGraphs) {
  const auto quads = ParseRdf("<http://x/s> <http://x/p> <http://x/o> <http://x/g> .\n"
                              "<http://x/s> <http://x/p> <http://x/o> .\n",
                              RdfFormat::kNQuads);
  ASSERT_TRUE(quads.ok()) << quads.status();
  ASSERT_EQ(quads->size(), 2u);
  EXPECT_EQ((*quads)[0].graph, Term::Iri("http://x/g"));
  EXPECT_TRUE((*quads)[1].InDefaultGraph());
}

TEST(RdfReaderTest, SyntaxErrorNamesLineAndColumn) {
  const auto quads = ParseRdf("<http://x/s> <http://x/p> <http://x/o> .\n"
                              "<http://x/s> <http://x/p> <http://x/o>\n",
                              RdfFormat::kNTriples);
  ASSERT_FALSE(quads.ok());
  EXPECT_EQ(quads.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(quads.status().message(), "<test>:2:39: expected '.' to end the statement");
}

TEST(RdfReaderTest, UndefinedPrefixIsNamed) {
  const auto quads = ParseRdf("@prefix ex: <http://x/> .\nex:a foaf:knows ex:b .\n",
                              RdfFormat::kTurtle);
  ASSERT_FALSE(quads.ok());
  EXPECT_THAT(quads.status().message(), HasSubstr("<test>:2:6: undefined prefix 'foaf:'"));
}

TEST(RdfReaderTest, RelativeIriInNTriplesIsRejected) {
  const auto quads = ParseRdf("<s> <http://x/p> <http://x/o> .\n", RdfFormat::kNTriples);
  ASSERT_FALSE(quads.ok());
  EXPECT_THAT(quads.status().message(), HasSubstr("relative IRI <s>"));
}

TEST(RdfReaderTest, TurtleResolvesAgainstBaseAndExpandsSugar) {
  const auto quads = ParseRdf(
      "@base <http://x/doc> .\n@prefix : <#> .\n"
      ":a :p ( 1 2 ) ; :q [ :r \"x\" ] , true .\n",
      RdfFormat::kTurtle);
  ASSERT_TRUE(quads.ok()) << quads.status();
  // 2 list nodes x 2 + the list link + :q to the bnode + its :r + :q true.
  EXPECT_EQ(quads->size(), 8u);
  EXPECT_EQ((*quads).back().subject, Term::Iri("http://x/doc#a"));
}

TEST(RdfReaderTest, TurtleAnnotationReifiesTheTriple) {
  const auto quads = ParseRdf("PREFIX : <http://x/>\n:s :p :o ~:r {| :says :bob |} .\n",
                              RdfFormat::kTurtle);
  ASSERT_TRUE(quads.ok()) << quads.status();
  ASSERT_EQ(quads->size(), 3u);
  EXPECT_EQ((*quads)[1].subject, Term::Iri("http://x/r"));
  EXPECT_EQ((*quads)[1].object, Term::Triple(Term::Iri("http://x/s"), Term::Iri("http://x/p"),
                                             Term::Iri("http://x/o")));
  EXPECT_EQ((*quads)[2].predicate, Term::Iri("http://x/says"));
}

TEST(RdfReaderTest, TrigGraphBlocksNameTheirGraph) {
  const auto quads = ParseRdf(
      "PREFIX : <http://x/>\n:a :p :b .\nGRAPH :g { :c :p :d . :e :p :f }\n{ :h :p :i }\n",
      RdfFormat::kTrig);
  ASSERT_TRUE(quads.ok()) << quads.status();
  ASSERT_EQ(quads->size(), 4u);
  EXPECT_TRUE((*quads)[0].InDefaultGraph());
  EXPECT_EQ((*quads)[1].graph, Term::Iri("http://x/g"));
  EXPECT_EQ((*quads)[2].graph, Term::Iri("http://x/g"));
  EXPECT_TRUE((*quads)[3].InDefaultGraph());
}

TEST(RdfReaderTest, UnclosedTrigGraphIsAnError) {
  const auto quads = ParseRdf("{ <http://x/a> <http://x/p> <http://x/b> .\n", RdfFormat::kTrig);
  ASSERT_FALSE(quads.ok());
  EXPECT_THAT(quads.status().message(), HasSubstr("'}' expected"));
}

class CountingSink : public RdfSink {
 public:
  void OnQuad(Quad&) override { ++quads; }
  void OnSkipped(const absl::Status& error) override { skipped.push_back(std::string(error.message())); }
  int quads = 0;
  std::vector<std::string> skipped;
};

TEST(RdfReaderTest, LenientModeSkipsAndReportsBadLines) {
  const std::string text =
      "<http://x/a> <http://x/p> <http://x/b> .\n"
      "<http://x/a> <http://x/p> \"unterminated .\n"
      "<http://x/a> <http://x/p> <http://x/c> .\n"
      "garbage\n"
      "<http://x/a> <http://x/p> <http://x/d> .\n";
  auto source = InputSource::FromString(text, "f.nt");
  CountingSink sink;
  const absl::Status status =
      ReadRdf(*source, NTriplesOptions(true), sink);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(sink.quads, 3);
  ASSERT_EQ(sink.skipped.size(), 2u);
  EXPECT_THAT(sink.skipped[0], HasSubstr("f.nt:2:"));
  EXPECT_THAT(sink.skipped[1], HasSubstr("f.nt:4:1:"));
}

TEST(RdfReaderTest, StreamsInputMuchLargerThanItsBuffer) {
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += "<http://x/s" + std::to_string(i) + "> <http://x/p> \"" + std::string(50, 'v') + "\" .\n";
  }
  auto source = InputSource::FromString(text);
  CountingSink sink;
  const absl::Status status = ReadRdf(*source, NTriplesOptions(false, 4096), sink);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(sink.quads, 20000);
}

// N-Triples is parsed in blocks of about a megabyte; positions must still
// count from the start of the file.
std::string ManyLines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += "<http://x/s" + std::to_string(i) + "> <http://x/p> \"" + std::string(40, 'v') + "\" .\n";
  }
  return text;
}

TEST(RdfReaderTest, ErrorPositionsCountFromTheStartOfALargeFile) {
  const std::string text = ManyLines(40000) + "<http://x/s> <http://x/p> oops .\n";
  ASSERT_GT(text.size(), 2u << 20);
  auto source = InputSource::FromString(text, "big.nt");
  CountingSink sink;
  const absl::Status status = ReadRdf(*source, NTriplesOptions(false), sink);
  EXPECT_EQ(status.message(),
            "big.nt:40001:27: expected an object: an IRI, a blank node, a literal or a triple term");
}

TEST(RdfReaderTest, LenientModeReportsFilePositionsAcrossBlocks) {
  const std::string text = ManyLines(30000) + "bad line\n" + ManyLines(30000) + "worse\n";
  auto source = InputSource::FromString(text, "big.nt");
  CountingSink sink;
  ASSERT_TRUE(ReadRdf(*source, NTriplesOptions(true), sink).ok());
  EXPECT_EQ(sink.quads, 60000);
  ASSERT_EQ(sink.skipped.size(), 2u);
  EXPECT_THAT(sink.skipped[0], HasSubstr("big.nt:30001:1:"));
  EXPECT_THAT(sink.skipped[1], HasSubstr("big.nt:60002:1:"));
}

TEST(RdfReaderTest, StatementLongerThanTheLimitIsAClearError) {
  const std::string text = "<http://x/s> <http://x/p> \"" + std::string(10000, 'v') + "\" .\n";
  auto source = InputSource::FromString(text);
  CountingSink sink;
  const absl::Status status = ReadRdf(*source, NTriplesOptions(false, 4096), sink);
  EXPECT_THAT(status.message(), HasSubstr("a single statement is longer than"));
}

TEST(RdfReaderTest, ReadsGzipFiles) {
  const std::string path = ::testing::TempDir() + "/reader_test.nt.gz";
  gzFile out = gzopen(path.c_str(), "wb");
  const std::string line = "<http://x/s> <http://x/p> <http://x/o> .\n";
  gzwrite(out, line.data(), static_cast<unsigned>(line.size()));
  gzclose(out);
  const auto quads = ParseRdfFile(path, RdfFormat::kNTriples);
  ASSERT_TRUE(quads.ok()) << quads.status();
  EXPECT_EQ(quads->size(), 1u);
  std::filesystem::remove(path);
}

TEST(RdfReaderTest, MissingFileIsNotFound) {
  const auto quads = ParseRdfFile("/nonexistent/x.nt", RdfFormat::kNTriples);
  EXPECT_EQ(quads.status().code(), absl::StatusCode::kNotFound);
}

TEST(RdfReaderTest, FormatComesFromTheExtension) {
  EXPECT_EQ(FormatFromPath("a/b.ttl"), RdfFormat::kTurtle);
  EXPECT_EQ(FormatFromPath("b.nq.gz"), RdfFormat::kNQuads);
  EXPECT_EQ(FormatFromPath("b.trig"), RdfFormat::kTrig);
  EXPECT_EQ(FormatFromPath("b.txt"), std::nullopt);
  EXPECT_FALSE(ParseFormatName("rdfxml").ok());
}

}  // namespace
}  // namespace relata::query
