// RDF/XML as the W3C SPARQL test files use it (node and property elements,
// rdf:about/resource/nodeID/datatype, rdf:parseType="Resource", xml:lang,
// property attributes), for the conformance runner only: relata itself does
// not read RDF/XML.
#ifndef RELATA_TESTS_TESTING_RDFXML_H_
#define RELATA_TESTS_TESTING_RDFXML_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "relata/term.h"

namespace relata::testing {

absl::StatusOr<std::vector<Quad>> ParseRdfXml(std::string_view text, const std::string& base_iri);

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_RDFXML_H_
