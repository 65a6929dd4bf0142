// libFuzzer target for one RDF reader (RELATA_FUZZ_FORMAT names it). Besides
// not crashing, what the reader accepts must survive a round trip: written
// back in the same format and read again, it gives as many quads.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>
#include <vector>

#include "query/input_source.h"
#include "query/rdf_reader.h"
#include "query/rdf_writer.h"

namespace relata::query {
namespace {

class Collect : public RdfSink {
 public:
  void OnQuad(Quad& quad) override { quads.push_back(quad); }
  std::vector<Quad> quads;
};

absl::Status Read(std::string_view text, bool lenient, Collect& sink, std::size_t max_statement_bytes) {
  const auto input = InputSource::FromString(text, "fuzz");
  ReadOptions options;
  options.format = *ParseFormatName(RELATA_FUZZ_FORMAT);
  options.base_iri = "http://example.org/base/";
  options.lenient = lenient;
  options.max_statement_bytes = max_statement_bytes;
  return ReadRdf(*input, options, sink);
}

}  // namespace
}  // namespace relata::query

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relata::query;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A small statement limit, so that the limit itself is exercised; the
  // writer may join statements, so the text it writes is read with the
  // default one.
  constexpr std::size_t kSmallLimit = 4096;
  const std::size_t default_limit = ReadOptions().max_statement_bytes;
  Collect lenient;
  (void)Read(text, true, lenient, kSmallLimit);
  Collect strict;
  if (!Read(text, false, strict, kSmallLimit).ok()) return 0;

  std::ostringstream written;
  const auto writer = RdfWriter::Create(*ParseFormatName(RELATA_FUZZ_FORMAT), written);
  for (const relata::Quad& quad : strict.quads) writer->Write(quad);
  writer->Finish();
  Collect again;
  const absl::Status reread = Read(written.str(), false, again, default_limit);
  if (!reread.ok() || again.quads.size() != strict.quads.size()) {
    std::fprintf(stderr, "round trip failed: %zu quads read, then %zu from what was written (%s):\n%s\n",
                 strict.quads.size(), again.quads.size(), std::string(reread.message()).c_str(),
                 written.str().c_str());
    std::abort();
  }
  return 0;
}
