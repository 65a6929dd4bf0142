// `relata serve`: one store over HTTP, as the W3C SPARQL 1.1 Protocol and
// Graph Store Protocol have it, for the clients that speak them (curl,
// SPARQLWrapper, rdflib's SPARQLStore, YASGUI, other engines' SERVICE).
// docs/server.md has every route, parameter and status.
#ifndef RELATA_TOOLS_SERVER_H_
#define RELATA_TOOLS_SERVER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "relata/database.h"

namespace relata::tools {

struct ServeOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 7878;                 // 0: any free port (the printed URL says which)
  bool read_only = false;          // refuse updates and Graph Store writes (403)
  int threads = 8;                 // requests handled at once
  // Requests beyond these wait their turn no longer: 503 with Retry-After.
  int most_waiting = 64;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // per request
  std::size_t memory_bytes = std::size_t{1} << 30;              // per query
  // Updates need "Authorization: Bearer <token>" when it is not empty.
  std::string update_token;
  std::size_t most_body_bytes = std::size_t{64} << 20;  // 413 beyond
};

// Serves `db` (opened from `path`) until SIGINT or SIGTERM: then in-flight
// queries are cancelled, requests answered, and the store closed. Prints the
// endpoint's URL on stdout once it listens. Returns the exit status.
int Serve(std::unique_ptr<Database> db, const std::string& path, const ServeOptions& options);

// The media type to answer with, from an Accept header (q-values honoured)
// and what the answer can be written as, in order of preference: the first
// of `offered` the header accepts best; "" when it accepts none of them.
std::string Negotiate(const std::string& accept, const std::vector<std::string>& offered);

}  // namespace relata::tools

#endif  // RELATA_TOOLS_SERVER_H_
