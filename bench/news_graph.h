// A reproducible graph shaped like extractor output over news, as N-Quads:
// entities with types, names, aliases, external ids and dated or numeric
// properties (default graph); one named graph per article holding its
// metadata and the relations it states, predicates used with a Zipf skew over
// 200 names and entities with power-law degrees. With `rdf12`, one relation in
// three also gets an RDF 1.2 reifier carrying confidence and evidence.
#ifndef RELATA_BENCH_NEWS_GRAPH_H_
#define RELATA_BENCH_NEWS_GRAPH_H_

#include <cstdint>
#include <cstdio>

namespace relata::bench {

struct NewsGraphOptions {
  std::uint64_t triples = 0;
  std::uint64_t seed = 1;
  bool rdf12 = false;
};

// Writes exactly options.triples quads to `out`; returns that count.
std::uint64_t GenerateNewsGraph(const NewsGraphOptions& options, std::FILE* out);

}  // namespace relata::bench

#endif  // RELATA_BENCH_NEWS_GRAPH_H_
