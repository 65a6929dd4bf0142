// Collecting sink over the streaming reader.
#include "tests/testing/rdf_test_util.h"

#include <fstream>
#include <sstream>

namespace relata::testing {
namespace {

class Collector : public query::RdfSink {
 public:
  void OnQuad(Quad& quad) override { quads.push_back(quad); }
  std::vector<Quad> quads;
};

absl::StatusOr<std::vector<Quad>> Read(query::InputSource& source, query::RdfFormat format,
                                       const std::string& base) {
  Collector collector;
  const absl::Status status =
      query::ReadRdf(source, {.format = format, .base_iri = base}, collector);
  if (!status.ok()) return status;
  return std::move(collector.quads);
}

}  // namespace

absl::StatusOr<std::vector<Quad>> ParseRdf(std::string_view text, query::RdfFormat format,
                                           const std::string& base) {
  auto source = query::InputSource::FromString(text, "<test>");
  return Read(*source, format, base);
}

absl::StatusOr<std::vector<Quad>> ParseRdfFile(const std::string& path, query::RdfFormat format,
                                               const std::string& base) {
  auto source = query::InputSource::Open(path);
  if (!source.ok()) return source.status();
  return Read(**source, format, base);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace relata::testing
