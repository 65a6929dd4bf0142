// Streaming readers for N-Triples, N-Quads, Turtle and TriG (RDF 1.1 and 1.2).
#ifndef RELATA_QUERY_RDF_READER_H_
#define RELATA_QUERY_RDF_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "query/input_source.h"
#include "relata/term.h"

namespace relata::query {

enum class RdfFormat { kNTriples, kNQuads, kTurtle, kTrig };

// "nt", "ntriples", "n-triples", "nq", "nquads", "ttl", "turtle", "trig".
absl::StatusOr<RdfFormat> ParseFormatName(std::string_view name);
// From the file name's extension, ignoring a trailing ".gz".
std::optional<RdfFormat> FormatFromPath(std::string_view path);
std::string_view FormatName(RdfFormat format);
// True for formats that can name graphs (N-Quads, TriG).
bool HasGraphs(RdfFormat format);
// True when `tag` is a language tag the readers accept after '@' ("en",
// "en-GB"), without the '@' and without a base direction.
bool IsLanguageTag(std::string_view tag);

// Receives what a reader parses. Blank node labels are scoped to one input:
// labels generated for `[]` and collections start with '-', which no label in
// a document can.
class RdfSink {
 public:
  virtual ~RdfSink() = default;
  // The sink may take the quad's terms (swap or move them out): the reader
  // sets every field again before the next call.
  virtual void OnQuad(Quad& quad) = 0;
  virtual void OnPrefix(std::string_view /*name*/, std::string_view /*iri*/) {}
  // Lenient mode only: a statement that was skipped, with its error.
  virtual void OnSkipped(const absl::Status& /*error*/) {}
};

struct ReadOptions {
  RdfFormat format = RdfFormat::kNTriples;
  // Base for relative IRIs in Turtle and TriG.
  std::string base_iri;
  // Skip bad statements (reporting each to the sink) instead of stopping.
  bool lenient = false;
  // The longest single statement (a TriG graph block is not one statement).
  std::size_t max_statement_bytes = 64 << 20;
};

// Reads `input` to the end. Errors are kInvalidArgument with the message
// "name:line:column: what is wrong".
absl::Status ReadRdf(InputSource& input, const ReadOptions& options, RdfSink& sink);

}  // namespace relata::query

#endif  // RELATA_QUERY_RDF_READER_H_
