// The W3C SPARQL 1.1 Protocol and Service Description tests against
// `relata serve`: each test's dataset is loaded into a fresh store, a server
// started on it on a free loopback port, the test's requests sent in order
// with an HTTP client, and each answer's status class, format and boolean
// checked. The service-description tests are prose: what their names ask of
// a GET on the endpoint is checked on the Turtle it returns.
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "relata/database.h"
#include "tests/conformance/suite.h"
#include "tests/testing/isomorphism.h"
#include "tests/testing/rdf_test_util.h"
#include "tests/testing/server.h"

namespace relata::testing {
namespace {

// Why we fail a test, by its IRI.
const KnownFailures kKnown = {};

// The media types of each expected format.
bool IsFormat(const std::string& content_type, const std::string& format) {
  const auto has = [&](const char* type) { return absl::StartsWith(content_type, type); };
  if (format == "boolean" || format == "tabular") {
    return has("application/sparql-results+json") || has("application/sparql-results+xml") || has("text/csv") ||
           has("text/tab-separated-values");
  }
  if (format == "RDF") return has("text/turtle") || has("application/n-triples") || has("application/rdf+xml");
  return true;
}

std::optional<bool> BooleanOf(const std::string& body) {
  for (const char* yes : {"\"boolean\":true", "<boolean>true</boolean>"}) {
    if (body.find(yes) != std::string::npos) return true;
  }
  for (const char* no : {"\"boolean\":false", "<boolean>false</boolean>"}) {
    if (body.find(no) != std::string::npos) return false;
  }
  return std::nullopt;
}

class ProtocolTest : public ConformanceTest {
 public:
  using ConformanceTest::ConformanceTest;

 protected:
  void Run() override {
    const std::string dir = ::testing::TempDir() + "/relata_protocol_" + std::to_string(getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
      auto db = Database::Open(dir + "/db");
      ASSERT_TRUE(db.ok()) << db.status();
      for (const std::string& file : entry().data_paths) ASSERT_TRUE((*db)->Load(file).ok()) << file;
      for (const auto& [file, graph] : entry().graph_data) {
        LoadOptions options;
        options.graph = graph;
        ASSERT_TRUE((*db)->Load(file, options).ok()) << file;
      }
    }
    Server server(RELATA_BINARY, dir, {});
    ASSERT_FALSE(server.url().empty()) << server.Output();
    const std::string host = server.url().substr(std::string("http://").size(), server.url().find('/', 7) - 7);
    httplib::Client client("http://" + host);
    client.set_read_timeout(30, 0);
    if (entry().type == "ServiceDescriptionTest") {
      const auto answer = client.Get("/sparql");
      ASSERT_TRUE(answer);
      EXPECT_EQ(answer->status, 200);
      EXPECT_TRUE(IsFormat(answer->get_header_value("Content-Type"), "RDF")) << answer->get_header_value("Content-Type");
      const auto quads = ParseRdf(answer->body, query::RdfFormat::kTurtle, server.url());
      ASSERT_TRUE(quads.ok()) << quads.status() << "\n" << answer->body;
      constexpr char kSd[] = "http://www.w3.org/ns/sparql-service-description#";
      const auto has = [&](const std::string& predicate, const std::string& object) {
        return std::any_of(quads->begin(), quads->end(), [&](const Quad& q) {
          return q.predicate.value == predicate && (object.empty() || q.object.value == object);
        });
      };
      const std::string endpoint = "http://" + host + "/sparql";
      EXPECT_TRUE(has(std::string(kSd) + "endpoint", endpoint)) << answer->body;
      EXPECT_TRUE(has("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", std::string(kSd) + "Service"));
      EXPECT_TRUE(has(std::string(kSd) + "supportedLanguage", std::string(kSd) + "SPARQL11Query"));
      EXPECT_TRUE(has(std::string(kSd) + "resultFormat", ""));
      EXPECT_EQ(server.Stop(), 0);
      std::filesystem::remove_all(dir);
      return;
    }
    ASSERT_FALSE(entry().requests.empty());
    std::map<std::string, std::string> variables;  // $LOCATION$ -> a Location an earlier answer gave
    const auto substituted = [&](std::string text) {
      for (const auto& [name, value] : variables) {
        for (std::size_t at; (at = text.find(name)) != std::string::npos;) text.replace(at, name.size(), value);
      }
      return text;
    };
    for (std::size_t i = 0; i < entry().requests.size(); ++i) {
      const HttpExchange& x = entry().requests[i];
      SCOPED_TRACE("request " + std::to_string(i + 1) + ": " + x.method + " " + x.path);
      // Paths start with /sparql/ (the protocol) or /gsp (the Graph Store), to be
      // replaced by the server's own.
      std::string path = substituted(x.path);
      if (absl::StartsWith(path, "http://" + host)) path = path.substr(std::string("http://").size() + host.size());
      if (absl::StartsWith(path, "/sparql/")) path = "/sparql" + path.substr(std::string("/sparql/").size());
      if (absl::StartsWith(path, "/gsp")) path = "/store" + path.substr(std::string("/gsp").size());
      httplib::Headers headers;
      std::string content_type;
      for (const auto& [name, value] : x.headers) {
        if (absl::EqualsIgnoreCase(name, "content-type")) {
          content_type = value;
        } else {
          headers.emplace(name, value);
        }
      }
      httplib::Request request;
      request.method = x.method;
      request.path = path;
      request.headers = headers;
      if (!content_type.empty()) request.set_header("Content-Type", content_type);
      request.body = substituted(x.body);
      httplib::Result result = client.send(request);
      ASSERT_TRUE(result) << "no answer: " << httplib::to_string(result.error());
      const int status_class = result->status / 100;
      if (!x.status_classes.empty() || !x.statuses.empty()) {
        const bool in_class =
            std::find(x.status_classes.begin(), x.status_classes.end(), status_class) != x.status_classes.end();
        const bool named = std::find(x.statuses.begin(), x.statuses.end(), result->status) != x.statuses.end();
        EXPECT_TRUE(in_class || named) << "status " << result->status << ": " << result->body;
      }
      if (!x.location_variable.empty()) {
        EXPECT_TRUE(result->has_header("Location"));
        variables[x.location_variable] = result->get_header_value("Location");
      }
      if (!x.expected_content_type.empty()) {
        const auto media = [](const std::string& type) { return type.substr(0, type.find(';')); };
        EXPECT_EQ(media(result->get_header_value("Content-Type")), media(x.expected_content_type));
      }
      if (x.expected_body.has_value()) {
        const std::string base = "http://" + host + path;
        const auto expected = ParseRdf(substituted(*x.expected_body), query::RdfFormat::kTurtle, base);
        const auto actual = ParseRdf(result->body, query::RdfFormat::kTurtle, base);
        ASSERT_TRUE(expected.ok()) << expected.status();
        ASSERT_TRUE(actual.ok()) << actual.status() << "\n" << result->body;
        EXPECT_TRUE(Isomorphic(*expected, *actual)) << "expected:\n" << *x.expected_body << "\ngot:\n" << result->body;
      }
      if (!x.format.empty()) {
        EXPECT_TRUE(IsFormat(result->get_header_value("Content-Type"), x.format))
            << result->get_header_value("Content-Type") << " is not " << x.format;
      }
      if (x.boolean.has_value()) {
        EXPECT_EQ(BooleanOf(result->body), x.boolean) << result->body;
      }
    }
    EXPECT_EQ(server.Stop(), 0);
    std::filesystem::remove_all(dir);
  }
};

}  // namespace
}  // namespace relata::testing

int main(int argc, char** argv) {
  return relata::testing::RunSuites(argc, argv, RELATA_CONFORMANCE_DIR "/", {"sparql/sparql11/protocol", "sparql/sparql11/service-description",
                                     "sparql/sparql11/graph-store-protocol/manifest-direct.ttl",
                                     "sparql/sparql11/graph-store-protocol/manifest-indirect.ttl"},
                                    relata::testing::kKnown,
                                    [](const std::string& suite, const relata::testing::ManifestEntry& entry) {
                                      return new relata::testing::ProtocolTest(suite, entry, relata::testing::kKnown);
                                    });
}
