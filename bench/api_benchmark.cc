// The embedding API on the bundled news graph: a prepared 1-hop query run
// again and again with a different bound entity, against the same query
// parsed on every run. And the cost per row: COUNTs over cross products of
// a 400-triple store, answered as a product of counts or row by row.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "relata/database.h"

namespace relata::bench {
namespace {

constexpr char kOneHop[] = "SELECT ?p ?o WHERE { ?entity ?p ?o }";

struct NewsStore {
  std::unique_ptr<Database> db;
  std::vector<Term> entities;
};

const NewsStore& News() {
  static const NewsStore* store = [] {
    auto* s = new NewsStore();
    s->db = std::move(Database::OpenInMemory().value());
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(RELATA_SOURCE_DIR "/data/news")) {
      if (entry.path().extension() == ".jsonl") files.push_back(entry.path().string());
    }
    if (!s->db->Load(files).ok()) std::abort();
    auto cursor = s->db->Query("SELECT DISTINCT ?e WHERE { ?e a ?type } ORDER BY ?e").value();
    while (cursor.Next().value()) s->entities.push_back(*cursor.row()[0]);
    return s;
  }();
  return *store;
}

void BM_PreparedOneHop(benchmark::State& state) {
  const NewsStore& news = News();
  auto prepared = news.db->Prepare(kOneHop).value();
  std::size_t next = 0, rows = 0;
  for (auto _ : state) {
    if (!prepared.Bind("entity", news.entities[next++ % news.entities.size()]).ok()) std::abort();
    auto cursor = prepared.Execute().value();
    while (cursor.Next().value()) ++rows;
  }
  state.counters["rows/run"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PreparedOneHop);

void BM_ParsedEachTimeOneHop(benchmark::State& state) {
  const NewsStore& news = News();
  std::size_t next = 0, rows = 0;
  for (auto _ : state) {
    const std::string text =
        "SELECT ?p ?o WHERE { " + news.entities[next++ % news.entities.size()].ToNTriples() + " ?p ?o }";
    auto cursor = news.db->Query(text).value();
    while (cursor.Next().value()) ++rows;
  }
  state.counters["rows/run"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParsedEachTimeOneHop);

// 40 subjects with 10 values each.
std::unique_ptr<Database> Grid() {
  auto db = std::move(Database::OpenInMemory().value());
  std::vector<Quad> quads;
  for (int s = 0; s < 40; ++s) {
    for (int v = 0; v < 10; ++v) {
      quads.push_back({Term::Iri("http://x/s" + std::to_string(s)), Term::Iri("http://x/p"),
                       Term::Literal(std::to_string(v), "http://www.w3.org/2001/XMLSchema#integer"), {}});
    }
  }
  if (!db->Insert(quads).ok()) std::abort();
  return db;
}

// Rows per second of a COUNT whose answer is a number of rows: `rows` of
// them counted per run.
void CountRows(benchmark::State& state, const std::string& query, std::int64_t rows) {
  const auto db = Grid();
  for (auto _ : state) {
    auto cursor = db->Query(query).value();
    if (!cursor.Next().value() || cursor.row()[0]->value != std::to_string(rows)) std::abort();
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}

// 400^3 = 64M rows: three patterns that share no variable.
void BM_CountOfAProduct(benchmark::State& state) {
  CountRows(state, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", 64'000'000);
}
BENCHMARK(BM_CountOfAProduct)->Unit(benchmark::kMillisecond);

// 400^2 = 160,000 rows, each made and filtered: what a row costs.
void BM_CountOfAFilteredProduct(benchmark::State& state) {
  CountRows(state, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?a != <http://x/none>) }", 160'000);
}
BENCHMARK(BM_CountOfAFilteredProduct)->Unit(benchmark::kMillisecond);

// Opening a store and answering a first point query, for the store named by
// RELATA_OPEN_BENCH_DB (e.g. the 10M-triple store bench/compare_load.sh
// leaves); skipped without it.
void BM_OpenStoreAndAsk(benchmark::State& state) {
  const char* path = std::getenv("RELATA_OPEN_BENCH_DB");
  if (path == nullptr) {
    state.SkipWithError("set RELATA_OPEN_BENCH_DB to a store");
    return;
  }
  Options options;
  options.create_if_missing = false;
  for (auto _ : state) {
    auto db = Database::Open(path, options);
    if (!db.ok()) {
      state.SkipWithError(std::string(db.status().message()).c_str());
      return;
    }
    auto cursor = (*db)->Query("ASK { ?s ?p ?o }");
    if (!cursor.ok() || !cursor->boolean()) std::abort();
  }
}
BENCHMARK(BM_OpenStoreAndAsk)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relata::bench

BENCHMARK_MAIN();
