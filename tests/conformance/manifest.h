// Reads W3C test manifests (Turtle, mf: vocabulary) with relata's reader.
#ifndef RELATA_TESTS_CONFORMANCE_MANIFEST_H_
#define RELATA_TESTS_CONFORMANCE_MANIFEST_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace relata::testing {

// One request of a protocol test (mf:action [ ht:requests ( ... ) ]) and
// what its answer must be.
struct HttpExchange {
  std::string method, path, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<int> status_classes;  // 2 for hts:StatusCode2xx, ...
  std::vector<int> statuses;        // 201 for hts:Created, ...: any of them, or of the classes
  std::optional<bool> boolean;      // mf:expectedBoolean
  std::string format;               // mf:expectedFormat: "boolean", "tabular", "RDF"
  // Graph Store tests: the Location header's value names this variable
  // ("$LOCATION$") in the later requests; the answer's RDF is this body's.
  std::string location_variable;
  std::optional<std::string> expected_body;
  std::string expected_content_type;
};

struct ManifestEntry {
  std::string id;    // the test's IRI
  std::string name;  // mf:name
  std::string type;  // local name of rdf:type, e.g. "TestTurtleEval"
  std::string action_path, action_base;  // file, and the IRI it is parsed with
  std::string result_path, result_base;
  // Query evaluation tests: mf:action [ qt:query; qt:data; qt:graphData ].
  std::string query_path, query_base;
  std::vector<std::string> data_paths;
  std::vector<std::pair<std::string, std::string>> graph_data;  // file, graph IRI
  // Update evaluation tests: mf:action [ ut:request; ut:data; ut:graphData
  // [ ut:graph; rdfs:label ] ] and the store expected after it, mf:result
  // [ ut:data; ut:graphData ].
  std::string request_path, request_base;
  std::vector<std::string> result_data;
  std::vector<std::pair<std::string, std::string>> result_graph_data;  // file, graph IRI
  // Protocol tests: the requests in order (the dataset is in graph_data and
  // data_paths, from ut:graphData and ut:data on the test).
  std::vector<HttpExchange> requests;
  // Maps an IRI the tests use for a file in the manifest's directory to it
  // ("" when it is not one).
  std::string test_base, directory;
};

// The entries of `manifest_path` in mf:entries order. A file IRI maps to the
// local file; the base IRI of an input is mf:assumedTestBase plus its name.
absl::StatusOr<std::vector<ManifestEntry>> ReadManifest(const std::string& manifest_path);

}  // namespace relata::testing

#endif  // RELATA_TESTS_CONFORMANCE_MANIFEST_H_
