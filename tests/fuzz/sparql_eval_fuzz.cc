// libFuzzer target for query evaluation: every input runs over one small
// graph of every kind of term, as a query (read to the end, within a
// timeout and a memory budget) or as an update inside a transaction that is
// rolled back, after which the store must hold what it held before.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "relata/database.h"

namespace {

constexpr std::string_view kGraph = R"(
PREFIX ex: <http://example.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {
  ex:russia a ex:State ; rdfs:label "Russia"@en, "Россия"@ru ; ex:memberOf ex:sco, ex:brics, ex:eaeu ;
    ex:population 146000000 ; ex:area 17.1e6 .
  ex:china a ex:State ; rdfs:label "China" ; ex:memberOf ex:sco, ex:brics ; ex:population "1400000000"^^xsd:long .
  ex:kazakhstan a ex:State ; ex:memberOf ex:sco, ex:eaeu ; ex:neighbour ex:russia, ex:china .
  ex:sco a ex:Organisation ; rdfs:label "Shanghai Cooperation Organisation" ; ex:founded "2001-06-15"^^xsd:date .
  ex:brics a ex:Organisation ; ex:partOf ex:g20 ; ex:ratio 0.5 ; ex:active true .
  ex:eaeu ex:partOf ex:brics ; ex:founded "2015-01-01T00:00:00Z"^^xsd:dateTime .
  ex:g20 ex:partOf ex:sco .
  _:summit a ex:Event ; ex:in ex:russia ; ex:when "2024-10-22"^^xsd:date ; ex:attendee ex:china, _:guest .
  _:guest rdfs:label "a guest" .
  <<( ex:russia ex:memberOf ex:sco )>> ex:since 2001 .
  GRAPH ex:doc1 { ex:russia ex:signed ex:pipeline . ex:pipeline rdfs:label "Power of Siberia" ; ex:length 3000 . }
  GRAPH ex:doc2 { ex:china ex:signed ex:pipeline . ex:r1 ex:reifies <<( ex:china ex:signed ex:pipeline )>> ; ex:confidence 0.9 . }
})";

relata::Database& Store() {
  static const std::unique_ptr<relata::Database> database = [] {
    auto opened = relata::Database::OpenInMemory();
    if (!opened.ok() || !(*opened)->Update(kGraph).ok()) {
      std::fprintf(stderr, "cannot build the graph the fuzzer queries\n");
      std::abort();
    }
    return std::move(*opened);
  }();
  return *database;
}

std::uint64_t QuadCount() {
  const auto stats = Store().Stats();
  return stats.ok() ? stats->quads : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::uint64_t quads_before = QuadCount();
  relata::QueryOptions options;
  options.timeout = std::chrono::milliseconds(300);
  options.memory_bytes = 8 << 20;
  if (relata::IsUpdate(text)) {
    auto transaction = Store().Begin();
    if (!transaction.ok()) std::abort();
    if ((*transaction)->Update(text, options).ok()) {
      if (auto cursor = (*transaction)->Query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", options); cursor.ok()) {
        while (cursor->Next().value_or(false)) {
        }
      }
    }
    (*transaction)->Rollback();
    if (QuadCount() != quads_before) {
      std::fprintf(stderr, "a rolled-back update changed the store: %llu quads, %llu before\n",
                   static_cast<unsigned long long>(QuadCount()), static_cast<unsigned long long>(quads_before));
      std::abort();
    }
    return 0;
  }
  auto cursor = Store().Query(text, options);
  if (!cursor.ok()) return 0;
  std::size_t rows = 0;
  for (auto more = cursor->Next(); more.ok() && *more && rows < 100000; more = cursor->Next(), ++rows) {
    for (const auto& term : cursor->row()) {
      if (term.has_value()) (void)term->ToNTriples();
    }
  }
  return 0;
}
