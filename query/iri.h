// IRI reference resolution (RFC 3986 section 5.2).
#ifndef RELATA_QUERY_IRI_H_
#define RELATA_QUERY_IRI_H_

#include <string>
#include <string_view>

namespace relata::query {

// True when `iri` starts with a scheme ("http:", "urn:").
bool HasScheme(std::string_view iri);
// True when `iri` has none of the characters RDF keeps out of IRIs: spaces,
// control characters, <>"{}|^`\ .
bool HasOnlyIriCharacters(std::string_view iri);
// An IRI RDF accepts as is: a scheme and only IRI characters.
bool IsAbsoluteIri(std::string_view iri);

// Resolves `reference` against the absolute IRI `base`. An empty base leaves
// the reference as it is.
std::string ResolveIri(std::string_view base, std::string_view reference);

}  // namespace relata::query

#endif  // RELATA_QUERY_IRI_H_
