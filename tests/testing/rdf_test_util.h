// Reading RDF text and files into quads, for tests.
#ifndef RELATA_TESTS_TESTING_RDF_TEST_UTIL_H_
#define RELATA_TESTS_TESTING_RDF_TEST_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/rdf_reader.h"
#include "relata/term.h"

namespace relata::testing {

absl::StatusOr<std::vector<Quad>> ParseRdf(std::string_view text, query::RdfFormat format,
                                           const std::string& base = "");
absl::StatusOr<std::vector<Quad>> ParseRdfFile(const std::string& path, query::RdfFormat format,
                                               const std::string& base = "");
std::string ReadFile(const std::string& path);

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_RDF_TEST_UTIL_H_
