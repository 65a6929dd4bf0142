// relata serve: routes, content negotiation and streaming over cpp-httplib.
// Queries stream: rows are written to the socket as the cursor yields them,
// and a client that hangs up cancels its query. Writes go through the
// store's one-writer-at-a-time updates, so each request is all or nothing.
#include "tools/server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "tools/explorer_page.h"
#include "tools/result_format.h"

namespace relata::tools {
namespace {

std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

// Debian's cpp-httplib 0.11 listens with a backlog of 5, compiled into its
// library: a burst of clients overflows it, and some of their connections
// are dropped unanswered. Listening again on the same socket raises it.
void RaiseListenBacklog(int port) {
  for (int fd = 0; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t size = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) continue;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
    const int bound = address.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port)
                      : address.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                                                       : -1;
    if (bound == port) ::listen(fd, SOMAXCONN);
  }
}

// What WriteResults calls a format, for each media type the server writes.
struct MediaType {
  const char* mime;
  const char* format;
};
// In order of preference when the client accepts several equally.
constexpr MediaType kSolutionTypes[] = {
    {"application/sparql-results+json", "json"}, {"application/sparql-results+xml", "xml"},
    {"text/csv", "csv"},                         {"text/tab-separated-values", "tsv"},
    {"application/json", "json"},                {"application/xml", "xml"},
};
// Triples are valid N-Quads lines and a valid TriG document as they are.
constexpr MediaType kGraphTypes[] = {
    {"text/turtle", "turtle"},         {"application/n-triples", "ntriples"},
    {"application/n-quads", "ntriples"}, {"application/trig", "turtle"},
    {"text/plain", "ntriples"},
};
// format= for browsers, which cannot set Accept from a link.
const std::map<std::string, std::string> kFormatParameter = {
    {"json", "application/sparql-results+json"}, {"xml", "application/sparql-results+xml"},
    {"csv", "text/csv"},                         {"tsv", "text/tab-separated-values"},
    {"turtle", "text/turtle"},                   {"ntriples", "application/n-triples"},
    {"nquads", "application/n-quads"},           {"trig", "application/trig"},
};

std::vector<std::string> Mimes(bool graph) {
  std::vector<std::string> mimes;
  if (graph) {
    for (const auto& t : kGraphTypes) mimes.emplace_back(t.mime);
  } else {
    for (const auto& t : kSolutionTypes) mimes.emplace_back(t.mime);
  }
  return mimes;
}

std::string FormatOf(const std::string& mime, bool graph) {
  if (graph) {
    for (const auto& t : kGraphTypes) {
      if (mime == t.mime) return t.format;
    }
  } else {
    for (const auto& t : kSolutionTypes) {
      if (mime == t.mime) return t.format;
    }
  }
  return "";
}

std::string Trimmed(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  const auto end = s.find_last_not_of(" \t");
  return std::string(s.substr(begin, end - begin + 1));
}

// Text in the body of an error, and its status.
void Fail(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(message + "\n", "text/plain; charset=utf-8");
}

// A token compared in time that does not depend on where it differs.
// REQUIRES: !token.empty().
bool SameSecret(std::string_view given, std::string_view token) {
  unsigned char differ = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < given.size(); ++i) {
    differ |= static_cast<unsigned char>(given[i] ^ token[i % token.size()]);
  }
  return differ == 0;
}

// The Content-Type without its parameters.
std::string MediaTypeOf(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  return Trimmed(std::string_view(type).substr(0, type.find(';')));
}

// The methods each route takes; others are 405.
const char* AllowedMethods(const std::string& path) {
  if (path == "/sparql" || path == "/query" || path == "/update") return "GET, HEAD, POST, OPTIONS";
  if (path == "/store" || path.starts_with("/store/")) return "GET, HEAD, PUT, POST, DELETE, OPTIONS";
  if (path == "/" || path.starts_with("/assets/")) return "GET, HEAD, OPTIONS";
  return nullptr;
}

int StatusOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

// A FILE* whose writes go to an HTTP response as it streams; a failed write
// (the client left) cancels the query that produces it.
struct Stream {
  httplib::DataSink* sink;
  std::atomic<bool>* cancel;
};
ssize_t WriteToSink(void* cookie, const char* data, size_t size) {
  auto* stream = static_cast<Stream*>(cookie);
  if (!stream->sink->write(data, size)) {
    stream->cancel->store(true);
    return -1;
  }
  return static_cast<ssize_t>(size);
}

// A query's state while its answer streams: the provider outlives the handler.
struct Answer {
  std::atomic<bool> cancel{false};
  std::optional<Cursor> cursor;
  std::string format;
  std::optional<SolutionWriter> writer;
};

// How much of an answer is held before it goes: all of a short one, and the
// size of each write of a long one.
constexpr std::size_t kHeldBytes = 1 << 16;

class Endpoint {
 public:
  Endpoint(std::unique_ptr<Database> db, std::string path, const ServeOptions& options)
      : db_(std::move(db)), path_(std::move(path)), options_(options) {}

  int Run() {
    httplib::Server server;
    server.new_task_queue = [this] { return new CountingQueue(static_cast<std::size_t>(options_.threads), waiting_); };
    server.set_payload_max_length(options_.most_body_bytes);
    // A streamed answer is many small writes (headers, chunks, the last
    // chunk): with Nagle's algorithm each waits for the client's delayed
    // ACK, and a 10 µs query took 85 ms over loopback.
    server.set_tcp_nodelay(true);
    // httplib closes a connection after its 5th request by default, and a
    // client that sends many queries pays a handshake every fifth; never
    // closing would let a few clients hold every worker while others wait.
    server.set_keep_alive_max_count(100);
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      Cors(req, res);
      if (waiting_.load() > options_.most_waiting) {
        res.set_header("Retry-After", "1");
        Fail(res, 503, "too many requests are waiting; try again in a moment");
        return httplib::Server::HandlerResponse::Handled;
      }
      const char* allowed = AllowedMethods(req.path);
      if (allowed != nullptr && std::string(allowed).find(req.method) == std::string::npos) {
        res.set_header("Allow", allowed);
        Fail(res, 405, req.method + " is not a method of " + req.path + " (" + allowed + ")");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method == "OPTIONS") {
        res.status = 204;
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty()) {
        const char* reason = res.status == 413 ? "the request body is too large"
                             : res.status == 404 ? "no such route: /sparql (also /query, /update), /store, /"
                                                 : "bad request";
        Fail(res, res.status, reason);
      }
    });
    for (const char* route : {"/sparql", "/query", "/update"}) {
      server.Get(route, [this](const httplib::Request& req, httplib::Response& res) { Sparql(req, res); });
      server.Post(route, [this](const httplib::Request& req, httplib::Response& res) { Sparql(req, res); });
    }
    for (const char* route : {"/store", R"(/store/.+)"}) {
      server.Get(route, [this](const httplib::Request& req, httplib::Response& res) { StoreGet(req, res); });
      server.Put(route, [this](const httplib::Request& req, httplib::Response& res) { StoreWrite(req, res, true); });
      server.Post(route, [this](const httplib::Request& req, httplib::Response& res) { StoreWrite(req, res, false); });
      server.Delete(route, [this](const httplib::Request& req, httplib::Response& res) { StoreDelete(req, res); });
    }
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      std::string page = kExplorerPage;
      std::string prefixes = "{";
      for (const auto& [name, iri] : DefaultPrefixes()) {
        prefixes += (prefixes.size() > 1 ? ", \"" : "\"") + name + "\": \"" + iri + "\"";
      }
      page.replace(page.find("__PREFIXES__"), std::string_view("__PREFIXES__").size(), prefixes + "}");
      res.set_content(page, "text/html; charset=utf-8");
    });
    server.Get(R"(/assets/([a-z0-9.]+))", [](const httplib::Request& req, httplib::Response& res) { Asset(req, res); });
    int port = options_.port;
    if (port == 0) {
      port = server.bind_to_any_port(options_.host);
    } else if (!server.bind_to_port(options_.host, port)) {
      port = -1;
    }
    if (port < 0) {
      std::fprintf(stderr, "relata: cannot listen on %s:%d\n", options_.host.c_str(), options_.port);
      return 1;
    }
    RaiseListenBacklog(port);
    std::signal(SIGINT, OnStopSignal);
    std::signal(SIGTERM, OnStopSignal);
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is a failed write, not the end
    std::thread watcher([&] {
      while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      db_->Interrupt();  // queries in flight stop; their requests get an answer
      server.stop();
    });
    std::printf("relata: serving %s%s at http://%s:%d/sparql\n", path_.c_str(),
                options_.read_only ? " (read-only)" : "", options_.host.c_str(), port);
    std::fflush(stdout);
    const bool listened = server.listen_after_bind();
    g_stop.store(true);
    watcher.join();
    db_.reset();  // closed before the process says it is done
    std::printf("relata: stopped\n");
    return listened ? 0 : 1;
  }

 private:
  // Counts the connections waiting for a worker, to refuse more when too
  // many wait (the pool's own queue has no bound).
  class CountingQueue : public httplib::TaskQueue {
   public:
    CountingQueue(std::size_t threads, std::atomic<int>& waiting) : pool_(threads), waiting_(waiting) {}
    void enqueue(std::function<void()> fn) override {
      waiting_.fetch_add(1);
      pool_.enqueue([this, fn = std::move(fn)] {
        waiting_.fetch_sub(1);
        fn();
      });
    }
    void shutdown() override { pool_.shutdown(); }

   private:
    httplib::ThreadPool pool_;
    std::atomic<int>& waiting_;
  };

  // The explorer's scripts, from Debian's packages: a fixed list of files,
  // so that no request names a path of its own.
  static void Asset(const httplib::Request& req, httplib::Response& res) {
    static const std::map<std::string, std::pair<std::string, std::string>> kAssets = {
        {"codemirror.js", {"/usr/share/javascript/codemirror/lib/codemirror.js", "text/javascript"}},
        {"codemirror.css", {"/usr/share/javascript/codemirror/lib/codemirror.css", "text/css"}},
        {"sparql.js", {"/usr/share/javascript/codemirror/mode/sparql/sparql.js", "text/javascript"}},
        {"d3.js", {"/usr/share/javascript/d3/d3.min.js", "text/javascript"}},
    };
    const auto it = kAssets.find(req.matches[1].str());
    std::ifstream in(it == kAssets.end() ? std::string() : it->second.first, std::ios::binary);
    if (!in) return Fail(res, 404, "no such asset (the explorer's scripts come from libjs-codemirror and libjs-d3)");
    res.set_content(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()),
                    it->second.second);
  }

  // Lets pages from elsewhere (YASGUI, a notebook) query: browsers send
  // Origin with every cross-origin request and preflight, and only those
  // need the headers.
  static void Cors(const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Origin")) return;
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, HEAD, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization");
  }

  QueryOptions Options(std::atomic<bool>* cancel = nullptr) const {
    QueryOptions options;
    options.timeout = options_.timeout;
    options.memory_bytes = options_.memory_bytes;
    options.cancel = cancel;
    return options;
  }

  // /sparql, /query, /update: which operation, from the method, the
  // Content-Type and the parameters (SPARQL 1.1 Protocol, sections 2.1, 2.2).
  void Sparql(const httplib::Request& req, httplib::Response& res) {
    const std::string type = MediaTypeOf(req);
    const std::string content_type = req.get_header_value("Content-Type");
    if (const auto charset = content_type.find("charset="); charset != std::string::npos) {
      std::string name = Trimmed(std::string_view(content_type).substr(charset + 8));
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      if (name != "utf-8" && name != "\"utf-8\"") return Fail(res, 415, "send the request in UTF-8, not " + name);
    }
    for (const char* key : {"query", "update"}) {
      if (req.get_param_value_count(key) > 1) return Fail(res, 400, std::string("more than one ") + key + "=");
    }
    std::string text;
    bool update = false;
    if (req.method == "GET" || req.method == "HEAD") {
      if (req.has_param("update")) return Fail(res, 400, "an update must be POSTed");
      if (!req.has_param("query")) return ServiceDescription(req, res);
      text = req.get_param_value("query");
    } else if (type == "application/sparql-query" || type == "application/sparql-update") {
      text = req.body;
      update = type == "application/sparql-update";
    } else if (type == "application/x-www-form-urlencoded") {
      if (req.has_param("query") == req.has_param("update")) return Fail(res, 400, "give query= or update=, one of them");
      update = req.has_param("update");
      text = req.get_param_value(update ? "update" : "query");
    } else {
      return Fail(res, 415, "POST a query as application/sparql-query, an update as application/sparql-update, "
                            "or either in an application/x-www-form-urlencoded form");
    }
    // The dataset in the request replaces the one in the text (Protocol 2.1.4, 2.2.3).
    QueryOptions options = Options();
    // Relative IRIs resolve against the endpoint (Protocol 2.1.4, "which MAY be the service endpoint").
    options.base_iri = "http://" + req.get_header_value("Host") + req.path;
    options.default_graphs = Values(req, update ? "using-graph-uri" : "default-graph-uri");
    options.named_graphs = Values(req, update ? "using-named-graph-uri" : "named-graph-uri");
    if (update) return Update(req, res, text, options);
    if (IsUpdate(text)) return Fail(res, 400, "this is an update: POST it as update= or application/sparql-update");
    Query(req, res, text, options);
  }

  static std::vector<std::string> Values(const httplib::Request& req, const char* key) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < req.get_param_value_count(key); ++i) values.push_back(req.get_param_value(key, i));
    return values;
  }

  void Query(const httplib::Request& req, httplib::Response& res, const std::string& text, QueryOptions options) {
    const auto started = std::chrono::steady_clock::now();
    auto answer = std::make_shared<Answer>();
    options.cancel = &answer->cancel;
    auto cursor = db_->Query(text, options);
    if (!cursor.ok()) return Fail(res, StatusOf(cursor.status()), ExplainError(text, std::string(cursor.status().message())));
    const bool graph = cursor->kind() == Cursor::Kind::kTriples;
    std::string mime;
    if (req.has_param("format")) {
      const auto it = kFormatParameter.find(req.get_param_value("format"));
      if (it == kFormatParameter.end() || FormatOf(it->second, graph).empty()) {
        return Fail(res, 406, "format=" + req.get_param_value("format") + " is not one this answer comes in");
      }
      mime = it->second;
    } else {
      mime = Negotiate(req.has_header("Accept") ? req.get_header_value("Accept") : "*/*", Mimes(graph));
      if (mime.empty()) {
        std::string offered;
        for (const std::string& m : Mimes(graph)) offered += (offered.empty() ? "" : ", ") + m;
        return Fail(res, 406, "this answer comes as " + offered);
      }
    }
    answer->format = FormatOf(mime, graph);
    answer->cursor.emplace(std::move(*cursor));
    const std::string type = mime + (mime.starts_with("text/") ? "; charset=utf-8" : "");
    if (!WritesSolutions(*answer->cursor, answer->format)) return StreamGraph(res, type, answer);
    // A short answer goes whole: with its length, in two writes rather than
    // a chunk each, and a failure (a timeout) gets its status, not a cut 200.
    // A long one streams on after its first kHeldBytes.
    answer->writer.emplace(*answer->cursor, answer->format);
    std::string held;
    while (held.size() < kHeldBytes) {
      const absl::StatusOr<bool> more = answer->writer->Next(held);
      if (!more.ok()) return Fail(res, StatusOf(more.status()), std::string(more.status().message()));
      if (!*more) {
        answer.reset();  // the query's teardown is its time too, not HTTP's
        // The time the answer took, parsing to its last byte: what the
        // client waited beyond it is HTTP's (and browsers show it).
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        char timing[48];
        std::snprintf(timing, sizeof timing, "query;dur=%.3f", ms);
        res.set_header("Server-Timing", timing);
        return res.set_content(held, type);
      }
    }
    res.set_chunked_content_provider(type, [answer, held = std::move(held)](std::size_t, httplib::DataSink& sink) mutable {
      std::string piece = std::move(held);
      const auto send = [&] {
        if (sink.write(piece.data(), piece.size())) return true;
        answer->cancel.store(true);  // the client left
        return false;
      };
      while (true) {
        if (piece.size() >= kHeldBytes) {
          if (!send()) return false;
          piece.clear();
        }
        const absl::StatusOr<bool> more = answer->writer->Next(piece);
        // Past the headers an error can only end the answer early.
        if (!more.ok()) return false;
        if (!*more) break;
      }
      if (!send()) return false;
      sink.done();
      return true;
    });
  }

  // CONSTRUCT and DESCRIBE in an RDF syntax, written as they stream.
  static void StreamGraph(httplib::Response& res, const std::string& type, const std::shared_ptr<Answer>& answer) {
    res.set_chunked_content_provider(type, [answer](std::size_t, httplib::DataSink& sink) {
      Stream stream{&sink, &answer->cancel};
      cookie_io_functions_t io = {nullptr, WriteToSink, nullptr, nullptr};
      std::FILE* out = fopencookie(&stream, "w", io);
      if (out == nullptr) return false;
      std::setvbuf(out, nullptr, _IOFBF, kHeldBytes);
      const absl::Status written = WriteResults(*answer->cursor, answer->format, out, {});
      const bool flushed = std::fclose(out) == 0;
      if (!written.ok() || !flushed) return false;
      sink.done();
      return true;
    });
  }

  // Answers a write request that may not run (read-only, no token): its
  // status, or 0 when it may run.
  int Refusal(const httplib::Request& req, httplib::Response& res) const {
    if (options_.read_only) {
      Fail(res, 403, "this endpoint is read-only (relata serve --read-only)");
      return 403;
    }
    if (!options_.update_token.empty()) {
      const std::string given = req.get_header_value("Authorization");
      if (!given.starts_with("Bearer ") || !SameSecret(given.substr(7), options_.update_token)) {
        res.set_header("WWW-Authenticate", "Bearer");
        Fail(res, 401, "updates need Authorization: Bearer <token>");
        return 401;
      }
    }
    return 0;
  }

  void Update(const httplib::Request& req, httplib::Response& res, const std::string& text,
              const QueryOptions& options) {
    if (Refusal(req, res) != 0) return;
    const auto report = db_->Update(text, options);
    if (!report.ok()) {
      // A graph the update names that is not there is the request's fault.
      const int status = absl::IsNotFound(report.status()) ? 400 : StatusOf(report.status());
      return Fail(res, status, ExplainError(text, std::string(report.status().message())) + "\nnothing was changed");
    }
    res.set_content(std::to_string(report->inserted) + " quads inserted, " + std::to_string(report->deleted) +
                        " deleted\n",
                    "text/plain");
  }

  void ServiceDescription(const httplib::Request& req, httplib::Response& res) {
    const std::string endpoint = "http://" + req.get_header_value("Host") + req.path;
    std::string formats;
    for (const char* f : {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                          "Turtle", "N-Triples"}) {
      formats += std::string(formats.empty() ? "" : ", ") + "<http://www.w3.org/ns/formats/" + f + ">";
    }
    std::string text = "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n\n<" + endpoint +
                       "> a sd:Service ;\n  sd:endpoint <" + endpoint +
                       "> ;\n  sd:supportedLanguage sd:SPARQL11Query" +
                       (options_.read_only ? "" : ", sd:SPARQL11Update") +
                       " ;\n  sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;\n  sd:resultFormat " + formats +
                       " .\n";
    res.set_content(text, "text/turtle");
  }

  // Which graph a Graph Store request is about (GSP section 4): named in
  // the URL (/store/<path> is the graph http://HOST/store/<path>, direct
  // identification), by ?graph=IRI, or ?default; "" is the default graph.
  // nullopt with the answer sent, or with nothing sent for a POST to the
  // store itself (`*create`: it makes a new graph).
  std::optional<std::string> GraphOf(const httplib::Request& req, httplib::Response& res, bool* create = nullptr) {
    if (req.path.starts_with("/store/")) return "http://" + req.get_header_value("Host") + req.path;
    if (req.has_param("default") && req.has_param("graph")) {
      Fail(res, 400, "name one graph: ?graph=IRI or ?default");
      return std::nullopt;
    }
    if (!req.has_param("default") && !req.has_param("graph")) {
      if (create != nullptr) {
        *create = true;
        return std::nullopt;
      }
      Fail(res, 400, "name the graph: ?graph=IRI or ?default (or /store/PATH)");
      return std::nullopt;
    }
    if (req.has_param("default")) return std::string();
    const std::string iri = req.get_param_value("graph");
    if (iri.empty() || iri.find_first_of("<>\" {}|\\^`") != std::string::npos) {
      Fail(res, 400, "?graph= is not an IRI: " + iri);
      return std::nullopt;
    }
    return iri;
  }

  bool GraphExists(const std::string& iri) {
    auto cursor = db_->Query("ASK { GRAPH <" + iri + "> { ?s ?p ?o } }");
    if (!cursor.ok()) return false;
    (void)cursor->Next();
    return cursor->boolean();
  }

  void StoreGet(const httplib::Request& req, httplib::Response& res) {
    const auto graph = GraphOf(req, res);
    if (!graph) return;
    if (!graph->empty() && !GraphExists(*graph)) return Fail(res, 404, "no graph <" + *graph + "> in the store");
    if (req.method == "HEAD") {
      res.set_header("Content-Type", "text/turtle; charset=utf-8");
      return;
    }
    QueryOptions options = Options();
    options.union_default_graph = false;  // ?default is the unnamed graph
    Query(req, res,
          graph->empty() ? "CONSTRUCT WHERE { ?s ?p ?o }" : "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <" + *graph + "> { ?s ?p ?o } }",
          options);
  }

  // The RDF of a Graph Store request, each part in a private file named for
  // its format (a multipart/form-data body has several): their paths, or
  // empty with the answer sent.
  struct Bodies {
    std::vector<std::string> files;
    ~Bodies() {
      std::error_code ignored;
      for (const std::string& file : files) std::filesystem::remove(file, ignored);
    }
  };
  bool KeepBodies(const httplib::Request& req, httplib::Response& res, Bodies* bodies) {
    static const std::map<std::string, std::string> kExtensions = {
        {"text/turtle", ".ttl"}, {"application/n-triples", ".nt"}, {"text/plain", ".nt"},
        {"application/n-quads", ".nq"}, {"application/trig", ".trig"}};
    std::vector<std::pair<std::string, const std::string*>> parts;  // media type, content
    if (req.is_multipart_form_data()) {
      for (const auto& [name, file] : req.files) parts.emplace_back(Trimmed(file.content_type.substr(0, file.content_type.find(';'))), &file.content);
    } else {
      parts.emplace_back(MediaTypeOf(req), &req.body);
    }
    for (const auto& [type, content] : parts) {
      const auto extension = kExtensions.find(type.empty() ? "text/turtle" : type);
      if (extension == kExtensions.end()) {
        Fail(res, 415, "send the graph as text/turtle or application/n-triples, not " + type);
        return false;
      }
      std::string file = (std::filesystem::temp_directory_path() / "relata-store-XXXXXX").string();
      const int fd = ::mkstemp(file.data());
      if (fd < 0) {
        Fail(res, 500, "cannot keep the body for loading");
        return false;
      }
      ::close(fd);
      std::filesystem::rename(file, file + extension->second);
      bodies->files.push_back(file + extension->second);
      std::ofstream(bodies->files.back(), std::ios::binary) << *content;
    }
    return true;
  }

  // PUT replaces the graph with the body, POST adds the body to it, POST to
  // the store makes a new graph of it (201, Location): one update each
  // (LOAD of the body, kept in a private file meanwhile).
  void StoreWrite(const httplib::Request& req, httplib::Response& res, bool replace) {
    if (Refusal(req, res) != 0) return;
    bool create = false;
    auto graph = GraphOf(req, res, replace ? nullptr : &create);
    if (!graph && !create) return;
    if (create) {
      graph = "http://" + req.get_header_value("Host") + "/store/graph-" + std::to_string(++made_graphs_) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    }
    Bodies bodies;
    if (!KeepBodies(req, res, &bodies)) return;
    const bool existed = !create && (graph->empty() || GraphExists(*graph));
    const std::string target = graph->empty() ? "" : " INTO GRAPH <" + *graph + ">";
    std::string text = !replace ? "" : graph->empty() ? "DROP SILENT DEFAULT" : "DROP SILENT GRAPH <" + *graph + ">";
    for (const std::string& file : bodies.files) text += (text.empty() ? "" : " ; ") + ("LOAD <file://" + file + ">" + target);
    const auto report = db_->Update(text, Options());
    if (!report.ok()) {
      std::string message(report.status().message());
      // The body's own errors, not the private file's name.
      for (const std::string& file : bodies.files) {
        for (std::size_t at; (at = message.find(file)) != std::string::npos;) message.replace(at, file.size(), "body");
      }
      return Fail(res, StatusOf(report.status()), message + "\nnothing was changed");
    }
    if (create) res.set_header("Location", *graph);
    res.status = existed ? 204 : 201;
  }

  void StoreDelete(const httplib::Request& req, httplib::Response& res) {
    if (Refusal(req, res) != 0) return;
    const auto graph = GraphOf(req, res);
    if (!graph) return;
    if (!graph->empty() && !GraphExists(*graph)) return Fail(res, 404, "no graph <" + *graph + "> in the store");
    const auto report = db_->Update(graph->empty() ? "DROP DEFAULT" : "DROP GRAPH <" + *graph + ">", Options());
    if (!report.ok()) return Fail(res, StatusOf(report.status()), std::string(report.status().message()));
    res.status = 204;
  }

  std::unique_ptr<Database> db_;
  std::string path_;
  ServeOptions options_;
  std::atomic<int> waiting_{0};
  std::atomic<std::uint64_t> made_graphs_{0};  // by POST to the store
};

}  // namespace

std::string Negotiate(const std::string& accept, const std::vector<std::string>& offered) {
  struct Range {
    std::string type;
    double q = 1;
  };
  std::vector<Range> ranges;
  std::istringstream items(accept);
  for (std::string item; std::getline(items, item, ',');) {
    Range range;
    std::istringstream parts(item);
    std::string part;
    std::getline(parts, part, ';');
    range.type = Trimmed(part);
    for (std::transform(range.type.begin(), range.type.end(), range.type.begin(), ::tolower);
         std::getline(parts, part, ';');) {
      const std::string p = Trimmed(part);
      if (p.starts_with("q=")) range.q = std::atof(p.c_str() + 2);
    }
    if (!range.type.empty()) ranges.push_back(range);
  }
  if (ranges.empty()) return offered.empty() ? "" : offered.front();
  std::string best;
  double best_q = 0;
  for (const std::string& mime : offered) {
    // The most specific range that matches decides this type's quality.
    double q = -1;
    int specificity = -1;
    for (const Range& r : ranges) {
      const std::string major = mime.substr(0, mime.find('/'));
      const int s = r.type == mime ? 2 : r.type == major + "/*" ? 1 : r.type == "*/*" ? 0 : -1;
      if (s > specificity) specificity = s, q = r.q;
    }
    if (q > best_q) best_q = q, best = mime;
  }
  return best;
}

int Serve(std::unique_ptr<Database> db, const std::string& path, const ServeOptions& options) {
  return Endpoint(std::move(db), path, options).Run();
}

}  // namespace relata::tools
