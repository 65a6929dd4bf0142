// Loads extractor output (KG-JSONL) into a store, finds an entity by any of
// its names and lists every organisation it reaches through memberships and
// the links between organisations:  reach DB FILE.jsonl NAME...
// Two prepared queries, each run once per name with its variable bound.
#include <cstdio>
#include <string>

#include "relata/database.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "reach: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: reach DB FILE.jsonl NAME...\n");
    return 2;
  }
  auto db = relata::Database::Open(argv[1]);
  if (!db.ok()) return Fail(db.status());
  const auto report = (*db)->Load(argv[2]);
  if (!report.ok()) return Fail(report.status());
  std::printf("loaded %llu relations, %llu entities\n", static_cast<unsigned long long>(report->relations),
              static_cast<unsigned long long>(report->entities));

  auto find = (*db)->Prepare("SELECT ?entity WHERE { (?entity ?score) relata:search ?name } LIMIT 1");
  auto reach = (*db)->Prepare(
      "SELECT ?label WHERE { ?start (kg:member_of|kg:observer_of)+ ?org . ?org rdfs:label ?label } "
      "ORDER BY ?label");
  if (!find.ok()) return Fail(find.status());
  if (!reach.ok()) return Fail(reach.status());
  for (int i = 3; i < argc; ++i) {
    if (auto s = find->Bind("name", relata::Term::Literal(argv[i])); !s.ok()) return Fail(s);
    auto found = find->Execute();
    if (!found.ok()) return Fail(found.status());
    auto more = found->Next();
    if (!more.ok()) return Fail(more.status());
    if (!*more) {
      std::printf("%s: no such entity\n", argv[i]);
      continue;
    }
    const relata::Term entity = *found->row()[0];
    if (auto s = reach->Bind("start", entity); !s.ok()) return Fail(s);
    auto orgs = reach->Execute();
    if (!orgs.ok()) return Fail(orgs.status());
    while (true) {
      auto next = orgs->Next();
      if (!next.ok()) return Fail(next.status());
      if (!*next) break;
      std::printf("%s (%s) reaches %s\n", argv[i], entity.value.c_str(), orgs->row()[0]->value.c_str());
    }
  }
  return 0;
}
