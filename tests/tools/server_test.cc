// relata serve as its clients meet it: the real binary on a free loopback
// port, spoken to with curl, and stopped by its pid with SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/command.h"
#include "tests/testing/server.h"

namespace {

using relata::testing::RunCommand;
using relata::testing::Server;

using ::testing::HasSubstr;
using ::testing::StartsWith;


class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/relata_serve_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/people.ttl") << "@prefix : <http://x/> .\n:ann :knows :bob . :bob :knows :cat .\n"
                                           ":ann :name \"Ann\" . :cat :name \"Cat\" .\n";
    RunCommand(std::string(RELATA_BINARY) + " load " + dir_ + "/db " + dir_ + "/people.ttl");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // curl's output with the status line first: "<code>\n<body>".
  std::string Curl(const std::string& args) {
    return RunCommand("curl -s -m 20 -w '%{http_code}\\n' -o " + dir_ + "/body " + args + " && cat " + dir_ + "/body");
  }
  std::string Query(const Server& server, const std::string& query, const std::string& extra = "") {
    std::ofstream(dir_ + "/query.rq") << query;
    return Curl("-G '" + server.url() + "' --data-urlencode query@" + dir_ + "/query.rq " + extra);
  }
  std::string dir_;
};

TEST_F(ServerTest, AnswersQueriesInTheFormatTheClientAccepts) {
  Server server(RELATA_BINARY, dir_, {});
  ASSERT_THAT(server.url(), StartsWith("http://127.0.0.1:"));
  const std::string q = "SELECT ?who WHERE { <http://x/ann> <http://x/knows> ?who }";
  EXPECT_EQ(Query(server, q), "200\n{\"head\":{\"vars\":[\"who\"]},\"results\":{\"bindings\":[\n"
                              "{\"who\":{\"type\":\"uri\",\"value\":\"http://x/bob\"}}\n]}}\n");
  // q-values: XML is preferred here over CSV.
  EXPECT_THAT(Query(server, q, "-H 'Accept: text/csv;q=0.5, application/sparql-results+xml'"),
              HasSubstr("<uri>http://x/bob</uri>"));
  EXPECT_EQ(Query(server, q, "-H 'Accept: text/csv'"), "200\nwho\r\nhttp://x/bob\r\n");
  EXPECT_EQ(Query(server, q, "--data-urlencode format=tsv"), "200\n?who\n<http://x/bob>\n");
  EXPECT_THAT(Query(server, q, "-H 'Accept: image/png'"), StartsWith("406\n"));
  // A graph for CONSTRUCT, as Turtle unless asked otherwise.
  EXPECT_EQ(Query(server, "CONSTRUCT WHERE { <http://x/ann> <http://x/knows> ?who }",
                  "-H 'Accept: application/n-triples'"),
            "200\n<http://x/ann> <http://x/knows> <http://x/bob> .\n");
  // POSTed as a form and as the body.
  EXPECT_THAT(Curl("--data-urlencode 'query=ASK { <http://x/cat> ?p ?o }' '" + server.url() + "'"),
              HasSubstr("\"boolean\":true"));
  EXPECT_THAT(Curl("-H 'Content-Type: application/sparql-query' --data 'ASK { <http://x/dog> ?p ?o }' '" +
                   server.url() + "'"),
              HasSubstr("\"boolean\":false"));
  EXPECT_EQ(server.Stop(), 0);
}

// default-graph-uri and named-graph-uri (and using-graph-uri for updates)
// set the dataset, in place of the query's FROM.
// A page served from elsewhere (YASGUI, a notebook) may query: the browser's
// preflight and its request get the CORS headers; a request without an
// Origin (curl, a library) has no use for them.
TEST_F(ServerTest, PagesFromOtherOriginsMayQuery) {
  Server server(RELATA_BINARY, dir_, {});
  const std::string preflight = RunCommand("curl -s -m 20 -D - -o /dev/null -X OPTIONS -H 'Origin: http://yasgui.example' "
                                           "-H 'Access-Control-Request-Method: POST' '" + server.url() + "'");
  EXPECT_THAT(preflight, StartsWith("HTTP/1.1 204"));
  EXPECT_THAT(preflight, HasSubstr("Access-Control-Allow-Origin: *\r\n"));
  EXPECT_THAT(preflight, HasSubstr("Access-Control-Allow-Methods: GET, POST, PUT, DELETE, HEAD, OPTIONS\r\n"));
  EXPECT_THAT(preflight, HasSubstr("Access-Control-Allow-Headers: Content-Type, Accept, Authorization\r\n"));
  const std::string ask = "-s -m 20 -D - -o /dev/null --data-urlencode 'query=ASK {}' '" + server.url() + "'";
  EXPECT_THAT(RunCommand("curl -H 'Origin: http://yasgui.example' " + ask), HasSubstr("Access-Control-Allow-Origin: *\r\n"));
  EXPECT_THAT(RunCommand("curl " + ask), ::testing::Not(HasSubstr("Access-Control")));
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ServerTest, TheRequestsDatasetReplacesTheQuerys) {
  Server server(RELATA_BINARY, dir_, {});
  ASSERT_THAT(Curl("--data-urlencode 'update=INSERT DATA { GRAPH <http://x/g1> { <http://x/a> <http://x/p> 1 } "
                   "GRAPH <http://x/g2> { <http://x/a> <http://x/p> 2 } }' '" + server.url() + "'"),
              StartsWith("200\n"));
  const std::string sum = "SELECT (SUM(?v) AS ?n) FROM <http://x/g1> WHERE { <http://x/a> <http://x/p> ?v }";
  EXPECT_EQ(Query(server, sum, "-H 'Accept: text/csv'"), "200\nn\r\n1\r\n");
  EXPECT_EQ(Query(server, sum, "-H 'Accept: text/csv' --data-urlencode default-graph-uri=http://x/g2"),
            "200\nn\r\n2\r\n");
  EXPECT_EQ(Query(server, sum, "-H 'Accept: text/csv' --data-urlencode default-graph-uri=http://x/g1 "
                               "--data-urlencode default-graph-uri=http://x/g2"),
            "200\nn\r\n3\r\n");
  EXPECT_EQ(Query(server, "SELECT ?g WHERE { GRAPH ?g { <http://x/a> ?p ?o } }",
                  "-H 'Accept: text/csv' --data-urlencode named-graph-uri=http://x/g2"),
            "200\ng\r\nhttp://x/g2\r\n");
  // An update's WHERE reads the using-graph-uri graph.
  EXPECT_THAT(Curl("--data-urlencode 'update=INSERT { <http://x/b> <http://x/copy> ?v } WHERE { <http://x/a> "
                   "<http://x/p> ?v }' --data-urlencode using-graph-uri=http://x/g2 '" + server.url() + "'"),
              StartsWith("200\n1 quads inserted"));
  EXPECT_EQ(Query(server, "SELECT ?v WHERE { <http://x/b> <http://x/copy> ?v }", "-H 'Accept: text/csv'"),
            "200\nv\r\n2\r\n");
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ServerTest, BadRequestsGetTheirStatusAndThePosition) {
  Server server(RELATA_BINARY, dir_, {"--max-body", "1K"});
  EXPECT_EQ(Query(server, "SELECT ?s WHERE { ?s ?p }"),
            "400\n1:25: expected one of false, true, '(', '()', '<<', '<<(', '[', '[]', a number, a string, a "
            "variable, an IRI\n  SELECT ?s WHERE { ?s ?p }\n                          ^\n");
  EXPECT_THAT(Curl("-X PATCH '" + server.url() + "'"), StartsWith("405\n"));
  EXPECT_THAT(Curl("-H 'Content-Type: image/png' --data x '" + server.url() + "'"), StartsWith("415\n"));
  std::string big(4000, ' ');
  std::ofstream(dir_ + "/big.rq") << "ASK {" << big << "}";
  EXPECT_THAT(Curl("-H 'Content-Type: application/sparql-query' --data-binary @" + dir_ + "/big.rq '" +
                   server.url() + "'"),
              StartsWith("413\n"));
  EXPECT_THAT(Query(server, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"), StartsWith("400\n"));
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ServerTest, UpdatesNeedTheTokenAndApplyWholeOrNotAtAll) {
  std::ofstream(dir_ + "/token") << "s3cret\n";
  Server server(RELATA_BINARY, dir_, {"--update-token", dir_ + "/token"});
  const std::string insert = "--data-urlencode 'update=INSERT DATA { <http://x/dan> <http://x/knows> <http://x/ann> }' '" +
                             server.url() + "'";
  EXPECT_THAT(Curl(insert), StartsWith("401\n"));
  EXPECT_THAT(Curl("-H 'Authorization: Bearer wrong' " + insert), StartsWith("401\n"));
  EXPECT_EQ(Curl("-H 'Authorization: Bearer s3cret' " + insert), "200\n1 quads inserted, 0 deleted\n");
  // The second operation fails: the first is not applied either.
  EXPECT_THAT(Curl("-H 'Authorization: Bearer s3cret' -H 'Content-Type: application/sparql-update' --data "
                   "'INSERT DATA { <http://x/eve> <http://x/knows> <http://x/ann> } ; DROP GRAPH <http://x/none>' '" +
                   server.url() + "'"),
              ::testing::AllOf(StartsWith("400\n"), HasSubstr("graph <http://x/none> does not exist"),
                               HasSubstr("nothing was changed")));
  EXPECT_THAT(Query(server, "ASK { <http://x/eve> ?p ?o }", "--data-urlencode format=tsv"), HasSubstr("false"));
  EXPECT_THAT(Query(server, "ASK { <http://x/dan> ?p ?o }", "--data-urlencode format=tsv"), HasSubstr("true"));
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_THAT(server.Output(), HasSubstr("relata: stopped"));
  EXPECT_THAT(RunCommand(std::string(RELATA_BINARY) + " check " + dir_ + "/db"), HasSubstr("consistent"));
}

TEST_F(ServerTest, AReadOnlyServerRefusesWritesAndServesBesideAWriter) {
  Server server(RELATA_BINARY, dir_, {"--read-only"});
  EXPECT_THAT(Curl("--data-urlencode 'update=CLEAR ALL' '" + server.url() + "'"), StartsWith("403\n"));
  EXPECT_THAT(Curl("-X DELETE '" + server.store() + "?default'"), StartsWith("403\n"));
  // It holds no lock: a writer in another process commits, the server sees it.
  RunCommand(std::string(RELATA_BINARY) + " update " + dir_ + "/db 'INSERT DATA { <http://x/new> <http://x/p> 1 }'");
  EXPECT_THAT(Query(server, "ASK { <http://x/new> ?p ?o }", "--data-urlencode format=tsv"), HasSubstr("true"));
  EXPECT_THAT(Curl("'" + server.url() + "'"), HasSubstr("sd:supportedLanguage sd:SPARQL11Query ;"));
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ServerTest, GraphStoreProtocolPutsGetsAndDeletesGraphs) {
  Server server(RELATA_BINARY, dir_, {});
  const std::string graph = "'" + server.store() + "?graph=http://x/g'";
  std::ofstream(dir_ + "/g.ttl") << "<http://x/a> <http://x/p> <http://x/b> .\n";
  EXPECT_THAT(Curl("-X PUT -H 'Content-Type: text/turtle' --data-binary @" + dir_ + "/g.ttl " + graph),
              StartsWith("201\n"));
  EXPECT_EQ(Curl("-H 'Accept: application/n-triples' " + graph), "200\n<http://x/a> <http://x/p> <http://x/b> .\n");
  // PUT replaces, POST adds; a bad body changes nothing.
  std::ofstream(dir_ + "/h.nt") << "<http://x/a> <http://x/p> <http://x/c> .\n";
  EXPECT_THAT(Curl("-X PUT -H 'Content-Type: application/n-triples' --data-binary @" + dir_ + "/h.nt " + graph),
              StartsWith("204\n"));
  std::ofstream(dir_ + "/bad.ttl") << "<http://x/a> <http://x/p> \"open .\n";
  EXPECT_THAT(Curl("-X POST -H 'Content-Type: text/turtle' --data-binary @" + dir_ + "/bad.ttl " + graph),
              ::testing::AllOf(StartsWith("400\n"), HasSubstr("body:1:")));
  EXPECT_EQ(Curl("-H 'Accept: application/n-triples' " + graph), "200\n<http://x/a> <http://x/p> <http://x/c> .\n");
  EXPECT_THAT(Curl("-X DELETE " + graph), StartsWith("204\n"));
  EXPECT_THAT(Curl(graph), StartsWith("404\n"));
  EXPECT_THAT(Curl("'" + server.store() + "'"), StartsWith("400\n"));
  EXPECT_EQ(server.Stop(), 0);
}

// A large answer streams: its first rows arrive long before its last could
// be computed (64 million rows), and a client that hangs up cancels the
// query, so that the one worker is free for the next request.
TEST_F(ServerTest, AnswersStreamAndAClientThatHangsUpCancelsItsQuery) {
  {
    std::ofstream many(dir_ + "/many.nt");
    for (int i = 0; i < 400; ++i) many << "<http://x/s" << i << "> <http://x/p> <http://x/o" << i << "> .\n";
  }
  RunCommand(std::string(RELATA_BINARY) + " load " + dir_ + "/db " + dir_ + "/many.nt");
  Server server(RELATA_BINARY, dir_, {"--threads", "1", "--timeout", "600"});
  std::ofstream(dir_ + "/cross.rq") << "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
  // head takes the first rows and leaves: curl's writes then fail, and it hangs up.
  const std::string first = RunCommand("curl -s -m 60 -G '" + server.url() + "' --data-urlencode query@" + dir_ +
                                       "/cross.rq --data-urlencode format=tsv | head -c 300");
  EXPECT_THAT(first, StartsWith("?a\t?b\t?c\t?d\t?e\t?f\t?g\t?h\t?i\n<http://x/"));
  // Served by the same, only worker: the cross product no longer runs.
  EXPECT_THAT(Query(server, "ASK { <http://x/s1> ?p ?o }", "--data-urlencode format=tsv -m 20"), HasSubstr("true"));
  EXPECT_EQ(server.Stop(), 0);
}

// A short answer goes whole, with its length and the time it took (the
// Server-Timing header); a query that runs out of time
// before its answer is written gets 503 and says why, not a 200 cut short.
TEST_F(ServerTest, AShortAnswerHasItsLengthAndATimeoutItsStatus) {
  {
    std::ofstream many(dir_ + "/many.nt");
    for (int i = 0; i < 400; ++i) many << "<http://x/s" << i << "> <http://x/p> <http://x/o" << i << "> .\n";
  }
  RunCommand(std::string(RELATA_BINARY) + " load " + dir_ + "/db " + dir_ + "/many.nt");
  Server server(RELATA_BINARY, dir_, {"--timeout", "1"});
  std::ofstream(dir_ + "/query.rq") << "SELECT ?who WHERE { <http://x/ann> <http://x/knows> ?who }";
  const std::string headers =
      RunCommand("curl -s -m 20 -D - -o /dev/null -G '" + server.url() + "' --data-urlencode query@" + dir_ + "/query.rq");
  EXPECT_THAT(headers, HasSubstr("Content-Length: 99\r\n"));
  EXPECT_THAT(headers, ::testing::ContainsRegex("Server-Timing: query;dur=[0-9]+\\.[0-9]{3}\r\n"));
  EXPECT_THAT(headers, ::testing::Not(HasSubstr("chunked")));
  const std::string late = Query(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }");
  EXPECT_THAT(late, StartsWith("503\n"));
  EXPECT_THAT(late, HasSubstr("time"));
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
