// A reproducible graph shaped like extractor output over news, as N-Quads:
// entities with types, names, aliases, external ids and dated or numeric
// properties (default graph); one named graph per article holding its
// metadata and the relations it states, predicates used with a Zipf skew over
// 200 names and entities with power-law degrees. With `rdf12`, one relation in
// three also gets an RDF 1.2 reifier carrying confidence and evidence (a
// sentence of 10 to 30 words drawn with a Zipf skew from 5,000: the common
// English words, words of news about energy and diplomacy, made-up ones).
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

// The same shape as extractor output (KG-JSONL, docs/extractor-format.md):
// documents of 10 to 70 relations, one entity record per four relations
// (type, name, an alias for half, a Wikidata id for half, a property for a
// third), and `relations` relation records, each with a confidence and an
// evidence span (a sentence, as above). Relations name their ends by entity id, one end in three by
// name and type instead, as LLM pipelines do. Returns the lines written.
std::uint64_t GenerateNewsKgJsonl(std::uint64_t relations, std::uint64_t seed, std::FILE* out);

}  // namespace relata::bench

#endif  // RELATA_BENCH_NEWS_GRAPH_H_
