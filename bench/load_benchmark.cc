// Throughput of the load path's stages on the news-shaped graph: parsing
// alone, and a whole load (parse, encode, sort, write, ingest) into a new
// store. Peers are compared by bench/compare_load.sh, not here.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/news_graph.h"
#include "query/input_source.h"
#include "query/rdf_reader.h"
#include "relata/database.h"

namespace relata::bench {
namespace {

std::string NewsGraphText(std::uint64_t triples) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  GenerateNewsGraph({.triples = triples, .seed = 1, .rdf12 = true}, out);
  std::fclose(out);
  std::string text(data, size);
  std::free(data);
  return text;
}

class CountingSink : public query::RdfSink {
 public:
  void OnQuad(Quad&) override { ++quads; }
  std::uint64_t quads = 0;
};

void BM_ParseNQuads(benchmark::State& state) {
  const std::string text = NewsGraphText(static_cast<std::uint64_t>(state.range(0)));
  query::ReadOptions options;
  options.format = query::RdfFormat::kNQuads;
  for (auto _ : state) {
    auto source = query::InputSource::FromString(text);
    CountingSink sink;
    const absl::Status status = query::ReadRdf(*source, options, sink);
    if (!status.ok()) state.SkipWithError(std::string(status.message()).c_str());
    benchmark::DoNotOptimize(sink.quads);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseNQuads)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_LoadIntoNewStore(benchmark::State& state) {
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("relata_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/news.nq";
  {
    std::FILE* out = std::fopen(file.c_str(), "wb");
    GenerateNewsGraph({.triples = static_cast<std::uint64_t>(state.range(0)), .seed = 1, .rdf12 = true}, out);
    std::fclose(out);
  }
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir + "/db");
    auto db = Database::Open(dir + "/db");
    state.ResumeTiming();
    if (!db.ok()) {
      state.SkipWithError(std::string(db.status().message()).c_str());
      break;
    }
    const auto report = (*db)->Load(file);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_LoadIntoNewStore)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relata::bench

BENCHMARK_MAIN();
