// The relata command: load, dump, stats, check, query, update, resolve, and the
// interactive shell (tools/shell.cc).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "relata/database.h"
#include "tools/result_format.h"
#include "tools/server.h"
#include "tools/shell.h"

namespace {

constexpr char kUsage[] =
    "usage: relata [DB] [--create] [-c STATEMENT]... [--bail] [--default-graph G] | --version | --help\n"
    "                                                         the shell (no DB: the bundled news graph;\n"
    "                                                         a new DB needs --create, or a yes at the\n"
    "                                                         terminal)\n"
    "       relata <command> DB [args]\n"
    "  load DB FILE... [--format F] [--graph IRI] [--base IRI] [--lenient] [--replace] [--memory SIZE]\n"
    "       [--text-index PREDICATE]... [--text-stemming on|off] [--text-stop-words FILE|none]\n"
    "       [--no-text-index]\n"
    "                                                         load RDF or extractor output (.jsonl,\n"
    "                                                         neo4j .csv, OpenIE .tsv), all files or\n"
    "                                                         nothing; --replace: new versions of\n"
    "                                                         the input's documents; --text-*: the\n"
    "                                                         full-text index (docs/sparql.md)\n"
    "  dump DB [--format ntriples|nquads|turtle|trig]         write the store to stdout\n"
    "  stats DB                                               counts per predicate and graph\n"
    "  check DB                                               verify indexes, statistics, dictionary\n"
    "  query DB 'SPARQL' | -f FILE [--format F] [--timeout SECONDS] [--memory SIZE] [--default-graph G]\n"
    "                                                         run a query; F: table json xml csv tsv\n"
    "                                                         (SELECT/ASK); ntriples turtle, or graphml\n"
    "                                                         dot json (nodes and edges) (CONSTRUCT)\n"
    "  update DB 'SPARQL' | -f FILE [--timeout SECONDS] [--default-graph G]\n"
    "                                                         run a SPARQL 1.1 Update request,\n"
    "                                                         all of it or nothing\n"
    "  resolve DB                                             possible duplicate entities and\n"
    "                                                         predicates, and every merge with its rule\n"
    "  conflicts DB                                           where documents disagree: the values of\n"
    "                                                         functional predicates, newest first\n"
    "  shell DB                                               the shell, as relata DB\n"
    "  serve DB [--bind HOST:PORT] [--read-only] [--threads N] [--timeout SECONDS] [--memory SIZE]\n"
    "           [--update-token FILE] [--max-body SIZE]       the SPARQL 1.1 Protocol over HTTP\n"
    "                                                         (default 127.0.0.1:7878; docs/server.md)\n"
    "FILE may end in .gz; '-' reads stdin. G: union (the default graph is every graph, the\n"
    "default) or standard (only the unnamed graph, as the SPARQL spec has it; also the shell's).\n"
    "dump, stats, check, query, resolve and conflicts only read: they run beside a shell or load that has\n"
    "DB open, and see what it has committed. Only one process at a time writes a store.\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "relata: %s\n", message.c_str());
  return 1;
}

std::string Str(const absl::Status& status) { return std::string(status.message()); }

// "512M", "2G", "65536K" or plain bytes.
std::optional<std::size_t> ParseSize(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || value <= 0) return std::nullopt;
  const std::string unit = end;
  double scale = 1;
  if (unit == "K" || unit == "k") scale = 1 << 10;
  else if (unit == "M" || unit == "m") scale = 1 << 20;
  else if (unit == "G" || unit == "g") scale = 1 << 30;
  else if (!unit.empty()) return std::nullopt;
  return static_cast<std::size_t>(value * scale);
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) bytes /= 1000, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

// One line on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  void Draw(const relata::LoadProgress& p) {
    if (!p.indexing && p.seconds - last_drawn_ < 0.1) return;
    last_drawn_ = p.seconds;
    const double rate = p.seconds > 0 ? static_cast<double>(p.statements) / p.seconds : 0;
    std::string line;
    if (p.indexing) {
      line = "read " + std::to_string(p.statements) + " statements in " + Seconds(p.seconds) +
             "; sorting and writing the indexes...";
    } else if (p.bytes_total > 0) {
      const double done = std::min(1.0, static_cast<double>(p.bytes_read) / static_cast<double>(p.bytes_total));
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(done * kWidth);
      line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
             std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] ";
      char text[160];
      std::snprintf(text, sizeof text, "%3.0f%%  %s of %s  %.0f triples/s  %s left to read", done * 100,
                    HumanBytes(static_cast<double>(p.bytes_read)).c_str(),
                    HumanBytes(static_cast<double>(p.bytes_total)).c_str(), rate,
                    done > 0 ? Seconds(p.seconds * (1 - done) / done).c_str() : "?");
      line += text;
    } else {
      char text[120];
      std::snprintf(text, sizeof text, "%llu statements  %s read  %.0f triples/s",
                    static_cast<unsigned long long>(p.statements),
                    HumanBytes(static_cast<double>(p.bytes_read)).c_str(), rate);
      line = text;
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    shown_ = true;
  }
  void Clear() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  static std::string Seconds(double s) {
    char text[32];
    const long total = std::lround(s);
    if (total < 60) std::snprintf(text, sizeof text, "%ld s", total);
    else std::snprintf(text, sizeof text, "%ld min %02ld s", total / 60, total % 60);
    return text;
  }
  double last_drawn_ = -1;
  bool shown_ = false;
};

// load's --text-stemming, --text-stop-words and --no-text-index: how the
// store's text index analyses text, set when it is opened.
absl::StatusOr<std::optional<relata::TextIndexOptions>> TextIndexFlags(const std::vector<std::string>& args) {
  std::optional<relata::TextIndexOptions> text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--no-text-index") {
      if (!text) text.emplace();
      text->enabled = false;
    } else if (i + 1 == args.size()) {
      break;
    } else if (args[i] == "--text-stemming") {
      if (args[i + 1] != "on" && args[i + 1] != "off") {
        return absl::InvalidArgumentError("load: --text-stemming takes on or off, not '" + args[i + 1] + "'");
      }
      if (!text) text.emplace();
      text->stemming = args[i + 1] == "on";
    } else if (args[i] == "--text-stop-words") {
      if (!text) text.emplace();
      text->stop_words.emplace();
      if (args[i + 1] == "none") continue;
      std::ifstream in(args[i + 1]);
      if (!in) return absl::NotFoundError("load: --text-stop-words: cannot read " + args[i + 1]);
      for (std::string word; in >> word;) text->stop_words->push_back(word);
    }
  }
  return text;
}

int Load(relata::Database& db, const std::vector<std::string>& args, const std::atomic<bool>* cancel) {
  relata::LoadOptions options;
  options.cancel = cancel;
  std::vector<std::string> files;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--format" || args[i] == "--graph") && i + 1 < args.size()) {
      (args[i] == "--format" ? options.format : options.graph) = args[i + 1];
      ++i;
    } else if (args[i] == "--memory" && i + 1 < args.size()) {
      const auto size = ParseSize(args[++i]);
      if (!size) return Fail("load: --memory takes a size such as 512M or 2G, not '" + args[i] + "'");
      options.memory_bytes = *size;
    } else if (args[i] == "--base" && i + 1 < args.size()) {
      options.kg_base_iri = args[++i];
    } else if (args[i] == "--lenient") {
      options.lenient = true;
    } else if (args[i] == "--replace") {
      options.replace = true;
    } else if (args[i] == "--text-index" && i + 1 < args.size()) {
      const std::string& name = args[++i];
      // A prefixed name of the usual prefixes, or an IRI with or without <>.
      std::string iri = name.size() > 2 && name.front() == '<' && name.back() == '>' ? name.substr(1, name.size() - 2) : name;
      if (const auto colon = iri.find(':'); colon != std::string::npos && iri.find("://") == std::string::npos) {
        const auto& prefixes = relata::DefaultPrefixes();
        const auto prefix = prefixes.find(iri.substr(0, colon));
        if (prefix == prefixes.end()) return Fail("load: --text-index " + name + ": unknown prefix; give the full IRI");
        iri = prefix->second + iri.substr(colon + 1);
      }
      options.text_predicates.push_back(iri);
    } else if ((args[i] == "--text-stemming" || args[i] == "--text-stop-words") && i + 1 < args.size()) {
      ++i;  // read before the store was opened (TextIndexFlags)
    } else if (args[i] == "--no-text-index") {
      continue;  // the same
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty()) return Fail("load: no input file\n" + std::string(kUsage));
  ProgressBar bar;
  if (isatty(STDERR_FILENO)) {
    options.progress = [&bar](const relata::LoadProgress& p) { bar.Draw(p); };
  }
  // All files are one load: all of them or nothing.
  const auto report = db.Load(files, options);
  bar.Clear();
  if (!report.ok()) {
    return Fail(Str(report.status()) + (files.size() == 1 ? "\nnothing was loaded from " + files[0]
                                                           : "\nnothing was loaded from any of the files"));
  }
  for (const std::string& error : report->errors) std::fprintf(stderr, "skipped: %s\n", error.c_str());
  const std::string what = files.size() == 1 ? files[0] : std::to_string(files.size()) + " files";
  const std::string removed =
      options.replace ? ", " + std::to_string(report->removed) + " quads no longer stated removed" : "";
  // What was read (statements, extractor records), what it made, and of
  // that what was added and what the store had: the same words every time.
  std::string read;
  if (report->records == 0 || report->statements > 0) read = std::to_string(report->statements) + " statements";
  if (report->records > 0) read += (read.empty() ? "" : " and ") + std::to_string(report->records) + " records";
  const std::string made =
      report->records > 0 ? ", " + std::to_string(report->quads) + " quads from them" : std::string();
  std::printf("%s: %s read%s, %llu duplicates, %llu quads added%s, %llu skipped, %.2f s, %.0f quads/s\n",
              what.c_str(), read.c_str(), made.c_str(), static_cast<unsigned long long>(report->duplicates),
              static_cast<unsigned long long>(report->added), removed.c_str(),
              static_cast<unsigned long long>(report->skipped), report->seconds,
              report->seconds > 0 ? static_cast<double>(report->quads) / report->seconds : 0.0);
  if (report->relations > 0 || report->entities > 0) {
    std::printf("extractor output: %llu relations (%.0f/s), %llu new entities, %llu merges, "
                "%llu possible duplicates (see relata resolve)\n",
                static_cast<unsigned long long>(report->relations),
                report->seconds > 0 ? static_cast<double>(report->relations) / report->seconds : 0.0,
                static_cast<unsigned long long>(report->entities),
                static_cast<unsigned long long>(report->merges),
                static_cast<unsigned long long>(report->candidates));
  }
  for (const std::string& warning : report->warnings) std::fprintf(stderr, "note: %s\n", warning.c_str());
  return 0;
}

int Dump(relata::Database& db, const std::vector<std::string>& args) {
  std::string format = "nquads";
  if (args.size() == 2 && args[0] == "--format") format = args[1];
  const absl::Status status = db.Dump(std::cout, format);
  return status.ok() ? 0 : Fail(Str(status));
}

int Stats(relata::Database& db) {
  const auto stats = db.Stats();
  if (!stats.ok()) return Fail(Str(stats.status()));
  std::printf("quads: %llu\nterms: %llu IRIs, %llu literals, %llu triple terms, %llu blank nodes "
              "(inline numbers, booleans and dates not counted)\nbytes on disk: %llu\n",
              static_cast<unsigned long long>(stats->quads),
              static_cast<unsigned long long>(stats->iris),
              static_cast<unsigned long long>(stats->literals),
              static_cast<unsigned long long>(stats->triple_terms),
              static_cast<unsigned long long>(stats->blank_nodes),
              static_cast<unsigned long long>(stats->bytes_on_disk));
  std::printf("text index: %llu texts, %llu words, %llu bytes\n", static_cast<unsigned long long>(stats->text_index_texts),
              static_cast<unsigned long long>(stats->text_index_words),
              static_cast<unsigned long long>(stats->text_index_bytes));
  // Prefixed names, in columns as wide as the longest of both tables.
  const auto& prefixes = relata::DefaultPrefixes();
  std::vector<std::string> predicates, graphs;
  std::size_t width = std::string_view("predicate").size();
  for (const auto& p : stats->predicates) {
    predicates.push_back(relata::tools::Display(p.predicate, prefixes));
    width = std::max(width, predicates.back().size());
  }
  for (const auto& g : stats->graphs) {
    graphs.push_back(g.graph ? relata::tools::Display(*g.graph, prefixes) : "(default graph)");
    width = std::max(width, graphs.back().size());
  }
  const int w = static_cast<int>(width);
  std::printf("\n%-*s %10s %10s %10s\n", w, "predicate", "quads", "subjects", "objects");
  for (std::size_t i = 0; i < predicates.size(); ++i) {
    const auto& p = stats->predicates[i];
    std::printf("%-*s %10llu %10llu %10llu\n", w, predicates[i].c_str(), static_cast<unsigned long long>(p.quads),
                static_cast<unsigned long long>(p.distinct_subjects),
                static_cast<unsigned long long>(p.distinct_objects));
  }
  std::printf("\n%-*s %10s\n", w, "graph", "quads");
  for (std::size_t i = 0; i < graphs.size(); ++i) {
    std::printf("%-*s %10llu\n", w, graphs[i].c_str(), static_cast<unsigned long long>(stats->graphs[i].quads));
  }
  return 0;
}

int Check(relata::Database& db) {
  const auto report = db.Check();
  if (!report.ok()) return Fail(Str(report.status()));
  for (const std::string& problem : report->problems) std::printf("problem: %s\n", problem.c_str());
  std::printf("%llu quads, %llu terms: %s\n", static_cast<unsigned long long>(report->quads),
              static_cast<unsigned long long>(report->terms),
              report->problems.empty() ? "consistent" : "INCONSISTENT");
  return report->problems.empty() ? 0 : 1;
}

// Runs one query and writes its results, a table `width` columns wide at
// most (0: as wide as its values); returns the exit status.
int RunQuery(relata::Database& db, const std::string& text, const std::string& format,
             const relata::QueryOptions& options, int width = relata::tools::TerminalWidth()) {
  auto cursor = db.Query(text, options);
  if (!cursor.ok()) return Fail(relata::tools::ExplainError(text, Str(cursor.status())));
  if (relata::IsExplain(text) && relata::tools::WritesPlainPlan(format)) {
    const absl::Status written = relata::tools::WritePlan(*cursor, stdout);
    return written.ok() ? 0 : Fail(Str(written));
  }
  relata::tools::TableOptions table;
  table.width = width;
  table.prefixes = relata::DefaultPrefixes();
  table.colour = isatty(STDOUT_FILENO) != 0;
  const absl::Status written = relata::tools::WriteResults(*cursor, format, stdout, table);
  std::fflush(stdout);
  if (!written.ok()) return Fail(Str(written));
  return 0;
}

// Runs an update request and says what it changed; returns the exit status.
int RunUpdate(relata::Database& db, const std::string& text, const relata::QueryOptions& options) {
  const auto report = db.Update(text, options);
  if (!report.ok()) {
    return Fail(relata::tools::ExplainError(text, Str(report.status())) + "\nnothing was changed");
  }
  std::printf("%llu quads inserted, %llu deleted (%.1f ms)\n", static_cast<unsigned long long>(report->inserted),
              static_cast<unsigned long long>(report->deleted), report->seconds * 1000);
  std::fflush(stdout);
  return 0;
}

// The words of a predicate's local name, each without an inflection:
// participates_in and participated_in are the same words.
std::vector<std::string> PredicateStems(const std::string& local) {
  std::vector<std::string> stems;
  std::string word;
  std::istringstream words(local);
  while (std::getline(words, word, '_')) {
    for (const std::string_view ending : {"ing", "ed", "es", "s"}) {
      if (word.size() > ending.size() + 3 && word.ends_with(ending)) {
        word.resize(word.size() - ending.size());
        break;
      }
    }
    if (!word.empty()) stems.push_back(word);
  }
  return stems;
}

// Why two predicates' names look like one predicate's, or "".
std::string WhySimilar(const std::string& a, const std::string& b) {
  const std::vector<std::string> sa = PredicateStems(a), sb = PredicateStems(b);
  if (sa == sb) return "the same words";
  const auto& shorter = sa.size() < sb.size() ? sa : sb;
  const auto& longer = sa.size() < sb.size() ? sb : sa;
  if (shorter.size() >= 2 && std::search(longer.begin(), longer.end(), shorter.begin(), shorter.end()) != longer.end()) {
    return "one's words inside the other's";
  }
  const double similarity =
      1.0 - static_cast<double>(relata::tools::EditDistance(a, b)) / static_cast<double>(std::max(a.size(), b.size()));
  if (similarity >= 0.75 && !sa.empty() && !sb.empty() && sa.back() == sb.back()) return "similar spelling";
  return "";
}

// Extractor predicates whose names look alike and that no declaration
// relates (docs/extractor-format.md, "One vocabulary").
int SimilarPredicates(relata::Database& db) {
  const auto stats = db.Stats();
  if (!stats.ok()) return Fail(Str(stats.status()));
  const std::string kg = std::string(relata::kDefaultKgBase) + "kg/";
  std::vector<std::pair<std::string, std::uint64_t>> predicates;
  for (const auto& p : stats->predicates) {
    if (p.predicate.value.starts_with(kg)) predicates.emplace_back(p.predicate.value.substr(kg.size()), p.quads);
  }
  std::sort(predicates.begin(), predicates.end());
  std::set<std::pair<std::string, std::string>> related;  // declared: a synonym or inverse of the other
  auto declared = db.Query(
      "SELECT ?a ?b WHERE { GRAPH <https://relata.dev/vocabulary> { "
      "{ ?p kg:synonym ?b BIND(STRAFTER(STR(?p), STR(kg:)) AS ?a) } UNION "
      "{ ?p owl:inverseOf ?q BIND(STRAFTER(STR(?p), STR(kg:)) AS ?a) BIND(STRAFTER(STR(?q), STR(kg:)) AS ?b) } } }");
  if (!declared.ok()) return Fail(Str(declared.status()));
  while (true) {
    const auto more = declared->Next();
    if (!more.ok()) return Fail(Str(more.status()));
    if (!*more) break;
    const auto& row = declared->row();
    if (row[0] && row[1]) related.emplace(row[0]->value, row[1]->value), related.emplace(row[1]->value, row[0]->value);
  }
  std::puts("\nPossible duplicate predicates (declare one a synonym of the other; quads in brackets):");
  int found = 0;
  for (std::size_t i = 0; i < predicates.size(); ++i) {
    for (std::size_t j = i + 1; j < predicates.size(); ++j) {
      const auto& [a, a_quads] = predicates[i];
      const auto& [b, b_quads] = predicates[j];
      if (related.count({a, b})) continue;
      const std::string why = WhySimilar(a, b);
      if (why.empty()) continue;
      ++found;
      std::printf("  kg:%s (%llu)  ~  kg:%s (%llu): %s\n", a.c_str(), static_cast<unsigned long long>(a_quads),
                  b.c_str(), static_cast<unsigned long long>(b_quads), why.c_str());
    }
  }
  if (found == 0) std::puts("  none");
  return 0;
}

// What entity resolution left for a person to decide, then what it decided:
// tables as wide as the names in them, which a person must read whole.
int Resolve(relata::Database& db) {
  relata::QueryOptions options;
  constexpr int kWhole = 0;
  std::puts("Possible duplicates (kg:possibleSameAs), most likely first:");
  int status = RunQuery(db,
                        "SELECT ?a ?b ?score ?rule WHERE { GRAPH <https://relata.dev/resolution> { "
                        "?r rdf:reifies <<( ?x kg:possibleSameAs ?y )>> ; kg:score ?score ; kg:rule ?rule } "
                        "OPTIONAL { ?x rdfs:label ?la } OPTIONAL { ?y rdfs:label ?lb } "
                        "BIND(COALESCE(?la, ?x) AS ?a) BIND(COALESCE(?lb, ?y) AS ?b) } "
                        "ORDER BY DESC(?score) ?a ?b",
                        "table", options, kWhole);
  if (status != 0) return status;
  status = SimilarPredicates(db);
  if (status != 0) return status;
  std::puts("\nMerges (which name went to which entity, by which rule):");
  return RunQuery(db,
                  "SELECT ?form ?entity ?rule (COUNT(*) AS ?documents) WHERE { "
                  "GRAPH <https://relata.dev/resolution> { ?m kg:form ?form ; kg:entity ?entity ; kg:rule ?rule } } "
                  "GROUP BY ?form ?entity ?rule ORDER BY ?rule ?form",
                  "table", options, kWhole);
}

// `relata query` and `relata update`: the statement from an argument or a
// file, and the options.
int Query(relata::Database& db, const std::vector<std::string>& args, bool update) {
  const char* command = update ? "update" : "query";
  std::string text, format = isatty(STDOUT_FILENO) ? "table" : "tsv";
  bool have_text = false;
  relata::QueryOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "-f" && has_value) {
      if (args[++i] == "-") {  // the statement on standard input
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        std::ifstream in(args[i], std::ios::binary);
        if (!in) return Fail(std::string(command) + ": cannot read " + args[i]);
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
      have_text = true;
    } else if (a == "--format" && has_value && !update) {
      format = args[++i];
      if (!relata::tools::IsResultFormat(format)) return Fail("query: unknown format '" + format + "'");
    } else if (a == "--timeout" && has_value) {
      const double seconds = std::atof(args[++i].c_str());
      if (seconds <= 0) return Fail(std::string(command) + ": --timeout needs a number of seconds");
      options.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    } else if (a == "--memory" && has_value) {
      const auto size = ParseSize(args[++i]);
      if (!size) return Fail("query: --memory needs a size such as 512M or 2G");
      options.memory_bytes = *size;
    } else if (a == "--default-graph" && has_value) {
      const std::optional<bool> as_union = relata::tools::UnionDefaultGraph(args[++i]);
      if (!as_union) return Fail(std::string(command) + ": --default-graph is union or standard");
      options.union_default_graph = *as_union;
    } else if (!have_text && (a.empty() || a[0] != '-')) {
      text = a;
      have_text = true;
    } else {
      return Fail(std::string(command) + ": unexpected argument '" + a + "'\n" + kUsage);
    }
  }
  if (!have_text) return Fail(std::string(command) + ": nothing to run (give it as an argument or with -f FILE)");
  if (relata::IsUpdate(text) != update) {
    return Fail(update ? "update: this is a query; run it with relata query"
                       : "query: this is an update; run it with relata update");
  }
  return update ? RunUpdate(db, text, options) : RunQuery(db, text, format, options);
}

}  // namespace

// Whether to make a new store at `path`, which does not exist: asked at a
// terminal, no otherwise (--create says yes beforehand).
bool AgreeToCreate(const std::string& path) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDERR_FILENO)) return false;
  std::fprintf(stderr, "%s does not exist. Create a new, empty store there? [y/N] ", path.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

// `relata [DB] [--create] [-c STATEMENT]... [--bail]` and `relata shell DB ...`.
int Shell(const std::string& path, const std::vector<std::string>& args) {
  relata::tools::ShellOptions options;
  bool create = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-c" && i + 1 < args.size()) {
      options.commands.push_back(args[++i]);
    } else if (args[i] == "--bail") {
      options.bail = true;
    } else if (args[i] == "--create") {
      create = true;
    } else if (args[i] == "--default-graph" && i + 1 < args.size()) {
      const std::optional<bool> as_union = relata::tools::UnionDefaultGraph(args[++i]);
      if (!as_union) return Fail("--default-graph is union or standard");
      options.union_default_graph = *as_union;
    } else {
      return Fail("unexpected argument '" + args[i] + "'\n" + kUsage);
    }
  }
  options.load = Load;
  options.stats = Stats;
  // A mistyped name would otherwise leave an empty store behind, and the
  // user would query it wondering where the data went.
  if (!create && !std::filesystem::exists(path)) {
    if (!AgreeToCreate(path)) {
      return Fail(path + " does not exist; to make a new store there: relata " + path + " --create");
    }
    create = true;
  }
  std::string notice;
  auto db = relata::tools::OpenStore(path, create, &notice);
  if (!db.ok()) return Fail(Str(db.status()));
  if (!notice.empty()) std::fprintf(stderr, "relata: %s\n", notice.c_str());
  return relata::tools::RunShell(std::move(*db), path, options);
}

// `relata serve DB ...`: the HTTP endpoint.
int Serve(const std::string& path, const std::vector<std::string>& args) {
  relata::tools::ServeOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--bind" && has_value) {
      const std::string bind = args[++i];
      const std::size_t colon = bind.rfind(':');
      if (colon == std::string::npos) return Fail("serve: --bind is HOST:PORT, such as 127.0.0.1:7878");
      options.host = bind.substr(0, colon);
      options.port = std::atoi(bind.c_str() + colon + 1);
      if (options.port < 0 || options.port > 65535) return Fail("serve: no port " + bind.substr(colon + 1));
    } else if (a == "--read-only") {
      options.read_only = true;
    } else if (a == "--threads" && has_value) {
      options.threads = std::max(1, std::atoi(args[++i].c_str()));
    } else if (a == "--timeout" && has_value) {
      options.timeout = std::chrono::milliseconds(static_cast<long long>(std::atof(args[++i].c_str()) * 1000));
    } else if (a == "--memory" && has_value) {
      const auto size = ParseSize(args[++i]);
      if (!size) return Fail("serve: --memory needs a size such as 512M or 2G");
      options.memory_bytes = *size;
    } else if (a == "--max-body" && has_value) {
      const auto size = ParseSize(args[++i]);
      if (!size) return Fail("serve: --max-body needs a size such as 64M");
      options.most_body_bytes = *size;
    } else if (a == "--update-token" && has_value) {
      std::ifstream in(args[++i]);
      std::getline(in, options.update_token);
      if (options.update_token.empty()) return Fail("serve: no token in " + args[i]);
    } else {
      return Fail("serve: unexpected argument '" + a + "'\n" + kUsage);
    }
  }
  relata::Options open;
  open.create_if_missing = false;
  open.read_only = options.read_only;
  auto db = relata::Database::Open(path, open);
  if (!db.ok()) return Fail(Str(db.status()));
  return relata::tools::Serve(std::move(*db), path, options);
}

int main(int argc, char** argv) {
  relata::KeepFreedMemoryForQueries();
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.size() == 1 && (all[0] == "--help" || all[0] == "-h" || all[0] == "help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (all.size() == 1 && all[0] == "--version") {
    std::printf("relata %s\n", RELATA_VERSION);
    return 0;
  }
  static const std::set<std::string> kCommands = {"load", "dump", "stats", "check", "shell",
                                                  "query", "update", "resolve", "conflicts", "serve"};
  // A mistyped command would otherwise be taken for a new store's name.
  if (!all.empty() && !kCommands.count(all[0]) && !std::filesystem::exists(all[0]) &&
      all[0].find_first_of("/.") == std::string::npos) {
    const std::string nearest =
        relata::tools::NearestWord(all[0], std::vector<std::string>(kCommands.begin(), kCommands.end()));
    if (!nearest.empty()) {
      return Fail("unknown command '" + all[0] + "' (did you mean '" + nearest + "'?); to open a new store " +
                  "by that name, write ./" + all[0]);
    }
  }
  if (all.empty() || !kCommands.count(all[0])) {
    // The shell: on DB, or on the news graph `make shell` builds.
    if (all.empty() || all[0].starts_with("-")) {
      if (!std::filesystem::exists(RELATA_NEWS_DB)) {
        return Fail(std::string("no store given, and no bundled news graph at ") + RELATA_NEWS_DB +
                    " (make shell builds it)\n" + kUsage);
      }
      return Shell(RELATA_NEWS_DB, all);
    }
    return Shell(all[0], std::vector<std::string>(all.begin() + 1, all.end()));
  }
  if (all.size() < 2) return Fail("missing DB\n" + std::string(kUsage));
  const std::string& command = all[0];
  const std::string& path = all[1];
  const std::vector<std::string> args(all.begin() + 2, all.end());
  if (command == "shell") return Shell(path, args);
  if (command == "serve") return Serve(path, args);
  const bool writes = command == "load" || command == "update";
  relata::Options options;
  options.create_if_missing = writes;
  options.read_only = !writes;
  if (command == "load") {
    const auto text = TextIndexFlags(args);
    if (!text.ok()) return Fail(Str(text.status()));
    options.text_index = *text;
  }
  auto db = relata::Database::Open(path, options);
  if (!db.ok()) return Fail(Str(db.status()));
  if (command == "load") return Load(**db, args, nullptr);  // Ctrl-C ends the process: nothing is loaded
  if (command == "dump") return Dump(**db, args);
  if (command == "stats") return Stats(**db);
  if (command == "check") return Check(**db);
  if (command == "query") return Query(**db, args, /*update=*/false);
  if (command == "update") return Query(**db, args, /*update=*/true);
  if (command == "conflicts") {
    std::puts("Where documents disagree: each subject's values of a functional predicate, newest document first");
    return RunQuery(**db, std::string(relata::ConflictsQuery()), isatty(STDOUT_FILENO) ? "table" : "tsv", {});
  }
  return Resolve(**db);
}
