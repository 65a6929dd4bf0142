// Streaming writers for N-Triples, N-Quads, Turtle and TriG.
#ifndef RELATA_QUERY_RDF_WRITER_H_
#define RELATA_QUERY_RDF_WRITER_H_

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "query/rdf_reader.h"
#include "relata/term.h"

namespace relata::query {

// (prefix name without ':', namespace IRI)
using PrefixList = std::vector<std::pair<std::string, std::string>>;

// Writes quads in `format` to `out`, which must outlive the writer. Turtle and
// TriG group consecutive quads of one subject (and graph) with ';' and ',', so
// input sorted by graph, subject, predicate prints compactly. N-Triples and
// Turtle have no graphs: they drop the graph name of a named-graph quad.
class RdfWriter {
 public:
  static std::unique_ptr<RdfWriter> Create(RdfFormat format, std::ostream& out,
                                           PrefixList prefixes = {});
  virtual ~RdfWriter() = default;
  virtual void Write(const Quad& quad) = 0;
  // Closes open blocks; call once at the end.
  virtual void Finish() = 0;
};

// The canonical N-Triples/N-Quads line for `quad` (RDF 1.2 c14n), with '\n'.
std::string ToNQuadsLine(const Quad& quad);

// `term` as Turtle and SPARQL write it for people: IRIs (datatypes too) as
// prefixed names where one of `prefixes` fits, numbers and booleans bare.
std::string ToTurtleTerm(const Term& term, const PrefixList& prefixes);

}  // namespace relata::query

#endif  // RELATA_QUERY_RDF_WRITER_H_
