// relata-generate-news --triples N [--seed S] [--rdf12] [-o FILE]
// relata-generate-news --kg-relations N [--seed S] [-o FILE]
// Writes the news-shaped benchmark graph (bench/news_graph.h) as N-Quads, or
// as extractor output (KG-JSONL) with N relations.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/news_graph.h"

int main(int argc, char** argv) {
  relata::bench::NewsGraphOptions options;
  const char* output = nullptr;
  std::uint64_t kg_relations = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--triples") == 0 && i + 1 < argc) {
      options.triples = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--kg-relations") == 0 && i + 1 < argc) {
      kg_relations = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--rdf12") == 0) {
      options.rdf12 = true;
    } else if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      output = argv[++i];
    } else {
      std::fprintf(stderr, "usage: relata-generate-news --triples N [--seed S] [--rdf12] [-o FILE]\n"
                           "       relata-generate-news --kg-relations N [--seed S] [-o FILE]\n");
      return 2;
    }
  }
  if (options.triples == 0 && kg_relations == 0) {
    std::fprintf(stderr, "relata-generate-news: --triples N or --kg-relations N is required\n");
    return 2;
  }
  std::FILE* out = output != nullptr ? std::fopen(output, "wb") : stdout;
  if (out == nullptr) {
    std::perror(output);
    return 1;
  }
  if (kg_relations > 0) {
    relata::bench::GenerateNewsKgJsonl(kg_relations, options.seed, out);
  } else {
    relata::bench::GenerateNewsGraph(options, out);
  }
  if (std::fflush(out) != 0 || (output != nullptr && std::fclose(out) != 0)) {
    std::perror(output != nullptr ? output : "stdout");
    return 1;
  }
  return 0;
}
