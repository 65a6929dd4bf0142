// libFuzzer targets for the extractor-output readers (KG-JSONL, neo4j CSV,
// OpenIE TSV; RELATA_FUZZ_FORMAT picks one) and the mapping to RDF: whatever
// the reader accepts, the mapping either rejects with an error or turns into
// quads that are valid N-Quads. A CSV input is split at form feeds into
// several files, so that relationships can name nodes of another file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kg/kg_mapping.h"
#include "engine/kg/kg_reader.h"
#include "engine/kg/table_reader.h"
#include "query/input_source.h"
#include "query/rdf_reader.h"
#include "query/rdf_writer.h"

namespace relata::engine::kg {
namespace {

// An empty store: nothing is known before the load.
class NothingKnown : public KnownEntities {
 public:
  absl::StatusOr<std::vector<Known>> WithName(std::string_view) override { return std::vector<Known>(); }
  absl::StatusOr<bool> IsSubject(std::string_view) override { return false; }
  absl::StatusOr<Described> Describe(std::string_view) override { return Described(); }
  absl::StatusOr<std::vector<Quad>> QuadsOfGraph(std::string_view) override { return std::vector<Quad>(); }
};

class CountQuads : public query::RdfSink {
 public:
  void OnQuad(Quad&) override { ++count; }
  std::size_t count = 0;
};

void MapAndCheck(const Records& records) {
  NothingKnown known;
  MappingReport report;
  std::string nquads;
  std::size_t emitted = 0;
  const absl::Status mapped = MapRecords(records, Vocabulary("https://relata.dev/"), known,
                                         [&](Quad& quad) {
                                           nquads += query::ToNQuadsLine(quad);
                                           ++emitted;
                                           return absl::OkStatus();
                                         },
                                         &report);
  if (!mapped.ok()) return;
  const auto input = query::InputSource::FromString(nquads, "mapped");
  query::ReadOptions options;
  options.format = query::RdfFormat::kNQuads;
  CountQuads sink;
  const absl::Status reread = query::ReadRdf(*input, options, sink);
  if (!reread.ok() || sink.count != emitted) {
    std::fprintf(stderr, "the mapping wrote %zu quads that read back as %zu (%s):\n%s\n", emitted, sink.count,
                 std::string(reread.message()).c_str(), nquads.c_str());
    std::abort();
  }
}

}  // namespace
}  // namespace relata::engine::kg

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relata::engine::kg;
  using relata::query::InputSource;
  constexpr std::string_view kFormat = RELATA_FUZZ_FORMAT;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const bool lenient : {false, true}) {
    Records records;
    std::vector<std::string> skipped;
    absl::Status read;
    if (kFormat == "csv") {
      std::vector<std::unique_ptr<InputSource>> files;
      std::vector<InputSource*> inputs;
      for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = std::min(text.find('\f', start), text.size());
        files.push_back(InputSource::FromString(text.substr(start, end - start),
                                                "fuzz" + std::to_string(files.size()) + ".csv"));
        inputs.push_back(files.back().get());
        start = end + 1;
      }
      read = ReadNeo4jCsv(inputs, lenient, &records, &skipped);
    } else {
      const auto input = InputSource::FromString(text, "fuzz." + std::string(kFormat));
      read = kFormat == "tsv" ? ReadOpenIeTsv(*input, lenient, &records, &skipped)
                              : ReadKgJsonl(*input, lenient, &records, &skipped);
    }
    if (read.ok()) MapAndCheck(records);
  }
  return 0;
}
