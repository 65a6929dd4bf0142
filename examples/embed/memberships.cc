// Opens (or creates) a store, loads an RDF file into it and lists who is a
// member of what:  memberships DB FILE
#include <cstdio>
#include <string>

#include "relata/database.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: memberships DB FILE\n");
    return 2;
  }
  auto db = relata::Database::Open(argv[1]);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", std::string(db.status().message()).c_str());
    return 1;
  }
  const auto report = (*db)->Load(argv[2]);
  if (!report.ok()) {
    std::fprintf(stderr, "%s\n", std::string(report.status().message()).c_str());
    return 1;
  }
  std::printf("loaded %llu quads\n", static_cast<unsigned long long>(report->added));
  const relata::Term member_of = relata::Term::Iri("http://example.org/memberOf");
  const auto status = (*db)->Match(std::nullopt, member_of, std::nullopt, std::nullopt,
                                   [](const relata::Quad& quad) {
                                     std::printf("%s is a member of %s\n", quad.subject.value.c_str(),
                                                 quad.object.value.c_str());
                                     return true;
                                   });
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
