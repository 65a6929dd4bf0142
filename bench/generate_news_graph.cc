// relata-generate-news --triples N [--seed S] [--rdf12] [-o FILE]
// Writes the news-shaped benchmark graph (bench/news_graph.h) as N-Quads.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "bench/news_graph.h"

int main(int argc, char** argv) {
  relata::bench::NewsGraphOptions options;
  const char* output = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--triples") == 0 && i + 1 < argc) {
      options.triples = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--rdf12") == 0) {
      options.rdf12 = true;
    } else if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      output = argv[++i];
    } else {
      std::fprintf(stderr, "usage: relata-generate-news --triples N [--seed S] [--rdf12] [-o FILE]\n");
      return 2;
    }
  }
  if (options.triples == 0) {
    std::fprintf(stderr, "relata-generate-news: --triples N is required\n");
    return 2;
  }
  std::FILE* out = output != nullptr ? std::fopen(output, "wb") : stdout;
  if (out == nullptr) {
    std::perror(output);
    return 1;
  }
  relata::bench::GenerateNewsGraph(options, out);
  if (std::fflush(out) != 0 || (output != nullptr && std::fclose(out) != 0)) {
    std::perror(output != nullptr ? output : "stdout");
    return 1;
  }
  return 0;
}
