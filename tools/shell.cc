#include "tools/shell.h"

// clang-format off
#include <cstdio>
#include <editline/readline.h>
// clang-format on
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <chrono>
#include <clocale>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "tools/graph_format.h"
#include "tools/result_format.h"

namespace relata::tools {
namespace {

// Set by Ctrl-C; a running query checks it and stops with kCancelled.
std::atomic<bool> g_interrupted{false};

// At the prompt, keys come through ReadKey rather than libedit's own signal
// handling. libedit answers SIGINT by re-raising it to the process while
// the main thread blocks it, so one of RocksDB's threads ran our handler,
// sometimes only after readline had returned: a Ctrl-C then read as Ctrl-D
// and ended the shell. Here each signal the prompt cares about writes a byte
// to a pipe that ReadKey waits on beside the terminal, on the main thread.
int g_wake_pipe[2] = {-1, -1};
constexpr char kWakeInterrupt = 'i', kWakeResize = 'w', kWakeSuspend = 'z';

void Wake(char why) {
  const int saved_errno = errno;  // a handler must not change what the interrupted code sees
  if (g_wake_pipe[1] >= 0 && write(g_wake_pipe[1], &why, 1) < 0) {
    // The pipe is full of unread wake-ups: one more says nothing new.
  }
  errno = saved_errno;
}
extern "C" void OnInterrupt(int) {
  g_interrupted.store(true);
  Wake(kWakeInterrupt);
}
extern "C" void OnPromptSignal(int signal_number) { Wake(signal_number == SIGWINCH ? kWakeResize : kWakeSuspend); }

void Handle(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = flags;
  sigaction(signal_number, &action, nullptr);
}

// Ctrl-Z at the prompt: the terminal goes back to the mode the user's shell
// gave it (not every shell restores it), the process stops, and once
// continued the prompt and line are drawn again; libedit sets its own mode
// again before it reads the next key.
void Suspend() {
  rl_deprep_terminal();
  Handle(SIGTSTP, SIG_DFL, 0);
  raise(SIGTSTP);  // the kernel drops it in an orphaned process group, as it would the key
  Handle(SIGTSTP, OnPromptSignal, SA_RESTART);
  rl_forced_update_display();
}

// libedit's source of keys: one character of the terminal (decoded from
// the locale's multibyte encoding, as libedit's own reader does), or EOF,
// which ends readline with no line, for Ctrl-C (g_interrupted is set by
// then) or the end of input.
extern "C" int ReadKey(FILE*) {
  char bytes[MB_LEN_MAX];
  std::size_t held = 0;
  while (true) {
    pollfd ready[2] = {{STDIN_FILENO, POLLIN, 0}, {g_wake_pipe[0], POLLIN, 0}};
    if (poll(ready, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return EOF;
    }
    if ((ready[1].revents & POLLIN) != 0) {
      char wakes[64];
      const ssize_t count = read(g_wake_pipe[0], wakes, sizeof wakes);
      bool interrupted = false, resized = false, suspended = false;
      for (ssize_t i = 0; i < count; ++i) {
        interrupted |= wakes[i] == kWakeInterrupt;
        resized |= wakes[i] == kWakeResize;
        suspended |= wakes[i] == kWakeSuspend;
      }
      if (interrupted) return EOF;
      if (suspended) Suspend();
      if (resized) rl_resize_terminal();
      continue;
    }
    const ssize_t count = read(STDIN_FILENO, bytes + held, 1);
    if (count < 0 && errno == EINTR) continue;
    if (count != 1) return EOF;
    ++held;
    std::mbstate_t state{};
    wchar_t key = 0;
    const std::size_t used = std::mbrtowc(&key, bytes, held, &state);
    if (used == static_cast<std::size_t>(-2) && held < sizeof bytes) continue;  // more bytes to come
    held = 0;
    if (used <= MB_LEN_MAX) return static_cast<int>(key);
    // Not a character of the encoding: dropped, as libedit drops it.
  }
}

// Reads one line at the prompt with Ctrl-Z and window resizes handled as
// above; outside the prompt they keep their usual meaning (Ctrl-Z stops a
// running query's process at once).
char* ReadLine(const char* prompt) {
  char stale[64];
  while (read(g_wake_pipe[0], stale, sizeof stale) > 0) {
  }
  Handle(SIGTSTP, OnPromptSignal, SA_RESTART);
  Handle(SIGWINCH, OnPromptSignal, SA_RESTART);
  char* line = readline(prompt);
  Handle(SIGTSTP, SIG_DFL, 0);
  Handle(SIGWINCH, SIG_DFL, 0);
  return line;
}

struct DotCommand {
  const char* name;
  const char* arguments;
  const char* help;
};
constexpr DotCommand kDotCommands[] = {
    {".help", "", "this list"},
    {".open", "DB", "close this store and open another"},
    {".load", "FILE...", "load RDF or extractor output (KG-JSONL, CSV, TSV), all or nothing"},
    {".read", "FILE", "run the statements in a file"},
    {".mode", "[table|csv|tsv|json|jsonl|xml|turtle]", "how results are written; alone: which"},
    {".maxrows", "N", "show at most N rows of a table (0: all)"},
    {".timer", "on|off", "show how long each statement took"},
    {".default-graph", "[union|standard]", "every graph, or only the unnamed one (the spec's); alone: which"},
    {".explain", "", "the plan of the last query, with estimated rows"},
    {".prefix", "[NAME IRI]", "list the prefixes, or add one"},
    {".stats", "", "counts per predicate and graph"},
    {".schema", "", "types and predicates with their counts"},
    {".graphs", "", "the named graphs with their sizes"},
    {".find", "TEXT", "entities whose name or alias matches TEXT"},
    {".grep", "TEXT", "the facts whose evidence (or titles, descriptions) best match TEXT: words, \"phrases\", pre*, OR, NOT"},
    {".entity", "NAME|IRI", "an entity's card: types, names, every relation and its document"},
    {".graph", "NAME [HOPS] [> FILE]", "the neighbourhood: DOT, or FILE .svg .png (Graphviz) .graphml .json .dot"},
    {".path", "FROM TO [MAX]", "the 3 shortest connections, each step with its document (\"names\" in quotes)"},
    {".conflicts", "", "where documents disagree: a functional predicate's values, newest first"},
    {".output", "[FILE]", "write results to FILE (no FILE: back to the terminal)"},
    {".quit", "", "leave (also .exit and Ctrl-D)"},
};

constexpr const char* kKeywords[] = {
    "SELECT", "DISTINCT", "REDUCED", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND",
    "VALUES", "GROUP BY", "HAVING", "ORDER BY", "ASC", "DESC", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE",
    "ASK", "PREFIX", "BASE", "FROM", "NAMED", "EXISTS", "NOT EXISTS", "COUNT", "SUM", "MIN", "MAX", "AVG",
    "SAMPLE", "GROUP_CONCAT", "INSERT", "DELETE", "DATA", "LOAD", "CLEAR", "DROP", "CREATE", "WITH",
    "USING", "EXPLAIN", "ANALYZE", "relata:search"};

std::string Trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}


// A SPARQL string literal of `text`.
// The words of `text`, a "quoted phrase" one word.
std::vector<std::string> QuotedWords(const std::string& text) {
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
    } else if (text[i] == '"') {
      const std::size_t close = text.find('"', i + 1);
      words.push_back(text.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1));
      i = close == std::string::npos ? text.size() : close + 1;
    } else {
      const std::size_t end = std::min(text.find_first_of(" \t", i), text.size());
      words.push_back(text.substr(i, end - i));
      i = end;
    }
  }
  return words;
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out + "\"";
}

class Shell;
Shell* g_shell = nullptr;  // for the completion callbacks, which take no context

class Shell {
 public:
  Shell(std::unique_ptr<Database> db, std::string path, const ShellOptions& options)
      : db_(std::move(db)), path_(std::move(path)), options_(options),
        interactive_(options.commands.empty() && isatty(STDIN_FILENO)),
        terminal_out_(isatty(STDOUT_FILENO)), mode_(terminal_out_ ? "table" : "tsv"),
        prefixes_(DefaultPrefixes()), union_default_graph_(options.union_default_graph) {}

  int Run() {
    Handle(SIGINT, OnInterrupt, SA_RESTART);
    if (!options_.commands.empty()) {
      for (const std::string& command : options_.commands) {
        std::istringstream text(command);
        if (!RunLines(text)) return 1;
      }
    } else if (interactive_) {
      return Interactive();
    } else if (!RunLines(std::cin)) {
      return 1;
    }
    return failed_ ? 1 : 0;
  }

  // Completion candidates for `word`, given the line so far.
  std::vector<std::string> Candidates(const std::string& line_start, const std::string& word) {
    std::vector<std::string> out;
    const auto starts = [&](const std::string& candidate) {
      if (candidate.size() < word.size()) return false;
      for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(candidate[i])) != std::tolower(static_cast<unsigned char>(word[i]))) {
          return false;
        }
      }
      return true;
    };
    if (Trim(line_start).empty() && !word.empty() && word[0] == '.') {
      for (const auto& c : kDotCommands) {
        if (starts(c.name)) out.push_back(c.name);
      }
      return out;
    }
    // The commands that take files complete file names.
    for (const char* takes_files : {".read", ".load", ".open", ".output"}) {
      if (Trim(line_start) != takes_files && !line_start.starts_with(std::string(takes_files) + " ")) continue;
      const auto slash = word.rfind('/');
      const std::string folder = slash == std::string::npos ? "" : word.substr(0, slash + 1);
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(folder.empty() ? "." : folder, ec)) {
        const std::string name = folder + entry.path().filename().string();
        if (name.starts_with(word)) out.push_back(name + (entry.is_directory(ec) ? "/" : ""));
      }
      std::sort(out.begin(), out.end());
      return out;
    }
    if (Trim(line_start) == ".default-graph") {
      for (const char* choice : {"union", "standard"}) {
        if (starts(choice)) out.push_back(choice);
      }
      return out;
    }
    if (!line_start.empty() && line_start[0] == '.') {  // .find and .entity take names
      for (const std::string& name : Names()) {
        if (starts(name)) out.push_back(name);
      }
      return out;
    }
    for (const char* k : kKeywords) {
      if (starts(k)) out.push_back(k);
    }
    for (const auto& [prefix, iri] : prefixes_) {
      if (starts(prefix + ":")) out.push_back(prefix + ":");
    }
    if (word.find(':') != std::string::npos) {
      for (const std::string& term : Terms()) {
        if (starts(term)) out.push_back(term);
      }
    }
    return out;
  }

 private:
  int Interactive() {
    const auto stats = db_->Stats();
    std::printf("relata: %s, %llu quads%s. End a statement with ';' or a blank line; .help for commands.\n",
                path_.c_str(), stats.ok() ? static_cast<unsigned long long>(stats->quads) : 0ULL,
                db_->read_only() ? " (read-only)" : "");
    if (pipe2(g_wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
      Error(std::string("cannot set up the prompt: ") + std::strerror(errno));
      return 1;
    }
    rl_catch_signals = 0;
    rl_getc_function = ReadKey;
    const char* home = std::getenv("HOME");
    const std::string history = home != nullptr ? std::string(home) + "/.relata_history" : "";
    if (!history.empty()) read_history(history.c_str());
    std::string pending;
    while (!quit_) {
      g_interrupted.store(false);  // only a Ctrl-C at this prompt counts below
      char* raw = ReadLine(pending.empty() ? "relata> " : "   ...> ");
      // ReadKey ends the line as at the end of input on Ctrl-C, and sets the
      // flag first: the flag tells Ctrl-C from Ctrl-D.
      if (raw == nullptr && g_interrupted.exchange(false)) {
        std::printf("\n");
        pending.clear();
        continue;
      }
      if (raw == nullptr) {  // Ctrl-D
        std::printf(pending.empty() ? "\n" : "\n(the unfinished statement was dropped)\n");
        break;
      }
      const std::string line = raw;
      std::free(raw);
      if (g_interrupted.exchange(false)) {  // Ctrl-C at the prompt drops what was typed
        pending.clear();
        continue;
      }
      const bool was_pending = !pending.empty();
      Feed(line, pending);
      if (pending.empty() && !Trim(line).empty()) {
        // The whole statement as one history entry.
        add_history((was_pending ? last_statement_ : line).c_str());
      }
    }
    if (!history.empty()) {
      write_history(history.c_str());
      history_truncate_file(history.c_str(), 2000);
    }
    return 0;
  }

  // Takes one line of input: a dot command, or part of a statement, which
  // runs once complete. Returns false to stop (--bail after an error).
  bool Feed(const std::string& line, std::string& pending) {
    if (pending.empty() && Trim(line).empty()) return true;
    if (pending.empty() && Trim(line)[0] == '.') {
      const bool ok = DotCommandLine(Trim(line));
      return ok || !options_.bail;
    }
    pending += line + "\n";
    for (const std::string& statement : TakeStatements(&pending, /*blank_ends=*/true)) {
      last_statement_ = Trim(statement);
      if (!Execute(statement) && options_.bail) return false;
    }
    return true;
  }

  // Runs the statements and dot commands of `in` (piped input, -c, .read);
  // false when --bail stopped at an error.
  bool RunLines(std::istream& in) {
    std::string line, pending;
    while (std::getline(in, line)) {
      if (!Feed(line, pending)) return false;
      if (quit_) return true;
    }
    return Trim(pending).empty() || Execute(pending) || !options_.bail;
  }

  bool Execute(std::string text) {
    text = Trim(text);
    while (!text.empty() && text.back() == ';') text = Trim(text.substr(0, text.size() - 1));
    if (text.empty()) return true;
    g_interrupted.store(false);
    QueryOptions options;
    options.cancel = &g_interrupted;
    options.union_default_graph = union_default_graph_;
    for (const auto& [prefix, iri] : prefixes_) options.prefixes[prefix] = iri;
    const auto start = std::chrono::steady_clock::now();
    bool ok = true;
    if (IsUpdate(text)) {
      const auto report = db_->Update(text, options);
      if (!report.ok()) {
        ok = Error(ExplainError(text, std::string(report.status().message())) + "\nnothing was changed");
      } else {
        std::fprintf(out_, "%llu quads inserted, %llu deleted\n", static_cast<unsigned long long>(report->inserted),
                     static_cast<unsigned long long>(report->deleted));
        ForgetCompletions();
      }
    } else {
      last_query_ = text;
      auto cursor = db_->Query(text, options);
      if (!cursor.ok()) {
        ok = Error(ExplainError(text, std::string(cursor.status().message())));
      } else if (IsExplain(text) && WritesPlainPlan(mode_)) {
        const absl::Status written = WritePlan(*cursor, out_);
        ok = written.ok() || Error(std::string(written.message()));
      } else {
        ok = Write(*cursor);
      }
    }
    g_interrupted.store(false);  // a Ctrl-C that stopped this statement is spent
    if (timer_) {
      std::fprintf(out_, "time: %.3f ms\n",
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::fflush(out_);
    return ok;
  }

  bool Write(Cursor& cursor) {
    TableOptions table;
    table.width = TerminalWidth();
    table.max_rows = max_rows_;
    table.prefixes = prefixes_;
    table.colour = terminal_out_ && out_ == stdout;
    const std::string format = mode_ == "turtle" && cursor.kind() != Cursor::Kind::kTriples ? "table" : mode_;
    const absl::Status written = WriteResults(cursor, format, out_, table);
    if (!written.ok()) {
      if (absl::IsCancelled(written)) return Error("cancelled (Ctrl-C)");
      return Error(std::string(written.message()));
    }
    return true;
  }

  bool Error(const std::string& message) {
    failed_ = true;
    const bool colour = isatty(STDERR_FILENO);
    std::fprintf(stderr, "%s%s%s\n", colour ? "\033[31m" : "", message.c_str(), colour ? "\033[0m" : "");
    return false;
  }

  // Runs a query the shell makes itself, in table form.
  bool Show(const std::string& sparql, QueryOptions options = {}) {
    for (const auto& [prefix, iri] : prefixes_) options.prefixes[prefix] = iri;
    auto cursor = db_->Query(sparql, options);
    if (!cursor.ok()) return Error(std::string(cursor.status().message()));
    const std::string saved = mode_;
    if (mode_ == "turtle" || mode_ == "jsonl") mode_ = "table";
    const bool ok = Write(*cursor);
    mode_ = saved;
    return ok;
  }

  // The entity `text` names: an IRI (<...>) or a prefixed name (e:china)
  // is the entity itself, when the store knows it; anything else is a name
  // to search for, best match first.
  std::optional<Term> FindEntity(const std::string& text) {
    std::optional<Term> iri;
    if (text.size() > 2 && text.front() == '<' && text.back() == '>') {
      iri = Term::Iri(text.substr(1, text.size() - 2));
    } else if (const auto colon = text.find(':');
               colon != std::string::npos && text.find_first_of(" \t") == std::string::npos) {
      if (const auto it = prefixes_.find(text.substr(0, colon)); it != prefixes_.end()) {
        iri = Term::Iri(it->second + text.substr(colon + 1));
      }
    }
    if (iri) {
      auto known = db_->Query("ASK { { " + iri->ToNTriples() + " ?p ?o } UNION { ?s ?p " + iri->ToNTriples() + " } }");
      if (known.ok() && known->boolean()) return iri;
      return std::nullopt;
    }
    auto cursor = db_->Query("SELECT ?e WHERE { (?e ?score) relata:search " + Quoted(text) + " } LIMIT 1");
    if (!cursor.ok()) return std::nullopt;
    auto more = cursor->Next();
    if (!more.ok() || !*more) return std::nullopt;
    return cursor->row()[0];
  }

  // The three shortest connections between two entities, either way along
  // each relation, as chains of names with the document and confidence of
  // each step.
  bool ShowPaths(const Term& from, const Term& to, int max) {
    auto cursor = db_->Query("SELECT ?path ?start ?predicate ?end ?document ?confidence ?forward WHERE { PATHS SHORTEST 3 "
                             "FROM " + from.ToNTriples() + " TO " + to.ToNTriples() + " EITHER MAX " + std::to_string(max) +
                             " AS (?path ?step ?start ?predicate ?end ?document ?confidence ?evidence ?forward) }");
    if (!cursor.ok()) return Error(std::string(cursor.status().message()));
    std::vector<std::vector<std::vector<std::optional<Term>>>> paths;
    while (true) {
      const auto more = cursor->Next();
      if (!more.ok()) return Error(std::string(more.status().message()));
      if (!*more) break;
      const auto& row = cursor->row();
      if (paths.empty() || row[0]->value != std::to_string(paths.size())) paths.emplace_back();
      paths.back().push_back(row);
    }
    if (paths.empty()) {
      std::fprintf(out_, "no connection between %s and %s within %d steps\n", Label(from).c_str(), Label(to).c_str(), max);
      return true;
    }
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const auto arrow = [](const std::vector<std::optional<Term>>& step) {
        const std::string& p = step[2]->value;
        const std::string name = p.substr(p.find_last_of("/#") + 1);
        return step[6]->value == "true" ? " —" + name + "→ " : " ←" + name + "— ";
      };
      std::string chain = Label(*paths[i][0][1]);
      for (const auto& step : paths[i]) chain += arrow(step) + Label(*step[3]);
      std::fprintf(out_, "%zu. %s\n", i + 1, chain.c_str());
      for (const auto& step : paths[i]) {
        const std::string document = step[4] ? Display(*step[4], prefixes_) : "no document";
        const std::string confidence = step[5] ? ", confidence " + step[5]->value : "";
        std::fprintf(out_, "     %s%s%s   %s%s\n", Label(*step[1]).c_str(), arrow(step).c_str(), Label(*step[3]).c_str(),
                     document.c_str(), confidence.c_str());
      }
    }
    return true;
  }
  // The best ten texts for a full-text query, each as the fact it is the
  // evidence of (with its document and confidence) or as what holds it,
  // then the snippet.
  bool ShowText(const std::string& text) {
    constexpr int kMostHits = 10;
    auto cursor = db_->Query("SELECT ?holder ?score ?snippet ?fact ?document ?confidence ?predicate WHERE { "
                             "(?holder ?score ?snippet ?text) relata:text " + Quoted(text) +
                             " OPTIONAL { ?holder ?predicate ?text } "
                             " OPTIONAL { GRAPH ?document { ?holder rdf:reifies ?fact } "
                             "OPTIONAL { ?holder kg:confidence ?confidence } } } LIMIT " + std::to_string(4 * kMostHits));
    if (!cursor.ok()) return Error(std::string(cursor.status().message()));
    std::optional<Term> last;
    int shown = 0;
    while (true) {
      const auto more = cursor->Next();
      if (!more.ok()) return Error(std::string(more.status().message()));
      if (!*more) break;
      const auto& row = cursor->row();
      if (last && *last == *row[0]) continue;  // one line per holder, whatever else matched
      if (shown == kMostHits) break;
      last = row[0];
      std::string what;
      if (row[3] && row[3]->IsTriple()) {
        const std::vector<Term>& fact = row[3]->triple;
        const std::string& p = fact[1].value;
        what = Label(fact[0]) + " —" + p.substr(p.find_last_of("/#") + 1) + "→ " +
               (fact[2].IsLiteral() ? fact[2].value : Label(fact[2]));
      } else {
        const std::string predicate = row[6] ? row[6]->value.substr(row[6]->value.find_last_of("/#") + 1) : "text";
        what = Label(*row[0]) + " (" + predicate + ")";
      }
      std::string where;
      if (row[4]) where = Display(*row[4], prefixes_);
      if (row[5]) where += (where.empty() ? "confidence " : ", ") + row[5]->value;
      if (!where.empty()) where = "  [" + where + "]";
      std::fprintf(out_, "%d. %s%s   score %s\n     %s\n", ++shown, what.c_str(), where.c_str(),
                   row[1]->value.c_str(), row[2]->value.c_str());
    }
    if (shown == 0) std::fprintf(out_, "no text matches %s\n", text.c_str());
    return true;
  }
  // The entities within `hops` steps of `entity` either way along its
  // relations, with every relation between them, their labels and types:
  // written as DOT, or into `file` in the format its extension names.
  bool ShowGraph(const Term& entity, int hops, const std::string& file) {
    constexpr int kMostNodes = 200;  // beyond this a picture is a hairball
    auto near = db_->Query("SELECT DISTINCT ?n WHERE { PATHS SHORTEST FROM " + entity.ToNTriples() + " TO ?n EITHER MAX " +
                           std::to_string(hops) + " AS (?path) } LIMIT " + std::to_string(kMostNodes));
    if (!near.ok()) return Error(std::string(near.status().message()));
    std::string nodes = entity.ToNTriples();
    while (true) {
      const auto more = near->Next();
      if (!more.ok()) return Error(std::string(more.status().message()));
      if (!*more) break;
      nodes += " " + near->row()[0]->ToNTriples();
    }
    auto triples = db_->Query("CONSTRUCT { ?s ?p ?o . ?s rdfs:label ?label . ?s a ?type } WHERE { VALUES ?s { " + nodes +
                              " } { VALUES ?o { " + nodes + " } ?s ?p ?o FILTER(?p != rdf:type) } UNION "
                              "{ ?s rdfs:label ?label } UNION { ?s a ?type } }");
    if (!triples.ok()) return Error(std::string(triples.status().message()));
    const absl::StatusOr<DrawnGraph> graph = ReadGraph(*triples, prefixes_);
    if (!graph.ok()) return Error(std::string(graph.status().message()));
    const std::string type = std::filesystem::path(file).extension().string();
    if (type == ".svg" || type == ".png") {
      const absl::Status drawn = RenderGraph(*graph, file);
      if (!drawn.ok()) return Error(std::string(drawn.message()));
    } else {
      std::FILE* out = file.empty() ? out_ : std::fopen(file.c_str(), "w");
      if (out == nullptr) return Error(".graph: cannot write " + file);
      WriteGraph(*graph, type == ".graphml" ? "graphml" : type == ".json" ? "json" : "dot", out);
      if (out != out_) std::fclose(out);
    }
    if (!file.empty()) {
      std::fprintf(out_, "%zu entities and %zu relations in %s\n", graph->nodes.size(), graph->edges.size(), file.c_str());
    }
    return true;
  }
  // An entity's label, else its short form.
  std::string Label(const Term& entity) {
    auto cursor = db_->Query("SELECT ?name WHERE { " + entity.ToNTriples() + " rdfs:label ?name } ORDER BY ?name LIMIT 1");
    if (cursor.ok()) {
      const auto more = cursor->Next();
      if (more.ok() && *more) return cursor->row()[0]->value;
    }
    return Display(entity, prefixes_);
  }

  bool DotCommandLine(const std::string& line) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    const auto rest = [&] {
      const auto space = line.find_first_of(" \t");
      return space == std::string::npos ? std::string() : Trim(line.substr(space));
    };
    if (command == ".quit" || command == ".exit") {
      quit_ = true;
      return true;
    }
    if (command == ".help") {
      for (const auto& c : kDotCommands) {
        std::fprintf(out_, "%-10s %-38s %s\n", c.name, c.arguments, c.help);
      }
      std::fprintf(out_, "Anything else is SPARQL (a query or an update), ended by ';' or a blank line.\n");
      return true;
    }
    if (command == ".mode") {
      static const std::set<std::string> kModes = {"table", "csv", "tsv", "json", "jsonl", "xml", "turtle"};
      if (args.empty()) {
        std::fprintf(out_, "%s\n", mode_.c_str());
        return true;
      }
      if (args.size() != 1 || !kModes.count(args[0])) return Error(".mode table|csv|tsv|json|jsonl|xml|turtle");
      mode_ = args[0];
      return true;
    }
    if (command == ".maxrows") {
      if (args.size() != 1 || args[0].find_first_not_of("0123456789") != std::string::npos) {
        return Error(".maxrows N (0: all)");
      }
      max_rows_ = static_cast<std::size_t>(std::stoull(args[0]));
      return true;
    }
    if (command == ".timer") {
      if (args.size() != 1 || (args[0] != "on" && args[0] != "off")) return Error(".timer on|off");
      timer_ = args[0] == "on";
      return true;
    }
    if (command == ".default-graph") {
      if (args.empty()) {
        std::fprintf(out_, "%s\n", union_default_graph_ ? "union: every graph" : "standard: the unnamed graph only");
        return true;
      }
      const std::optional<bool> as_union = args.size() == 1 ? UnionDefaultGraph(args[0]) : std::nullopt;
      if (!as_union) return Error(".default-graph union|standard");
      union_default_graph_ = *as_union;
      return true;
    }
    if (command == ".prefix") {
      if (args.empty()) {
        for (const auto& [prefix, iri] : prefixes_) std::fprintf(out_, "%s: <%s>\n", prefix.c_str(), iri.c_str());
        return true;
      }
      if (args.size() != 2) return Error(".prefix NAME IRI");
      std::string name = args[0], iri = args[1];
      if (!name.empty() && name.back() == ':') name.pop_back();
      if (iri.size() > 1 && iri.front() == '<' && iri.back() == '>') iri = iri.substr(1, iri.size() - 2);
      prefixes_[name] = iri;
      return true;
    }
    if (command == ".explain") {
      if (last_query_.empty()) return Error(".explain: no query yet");
      auto plan = db_->Explain(last_query_, false);
      if (!plan.ok()) return Error(std::string(plan.status().message()));
      std::fputs(plan->c_str(), out_);
      return true;
    }
    if (command == ".stats") return !options_.stats || options_.stats(*db_) == 0 || Error(".stats failed");
    if (command == ".load") {
      if (args.empty()) return Error(".load FILE...");
      g_interrupted.store(false);
      const bool ok = options_.load && options_.load(*db_, args, &g_interrupted) == 0;
      g_interrupted.store(false);  // a Ctrl-C that stopped the load is spent
      ForgetCompletions();
      if (!ok) failed_ = true;  // the load said what failed, and that nothing was loaded
      return ok;
    }
    if (command == ".schema") {
      return Show("SELECT ?type (COUNT(DISTINCT ?s) AS ?entities) WHERE { ?s a ?type } GROUP BY ?type "
                  "ORDER BY DESC(?entities) ?type") &&
             Show("SELECT ?predicate (COUNT(*) AS ?statements) WHERE { ?s ?predicate ?o } GROUP BY ?predicate "
                  "ORDER BY DESC(?statements) ?predicate");
    }
    if (command == ".graphs") {
      return Show("SELECT ?graph (COUNT(*) AS ?quads) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph "
                  "ORDER BY ?graph");
    }
    if (command == ".find") {
      if (rest().empty()) return Error(".find TEXT");
      return Show("SELECT ?entity ?name ?score WHERE { (?entity ?score) relata:search " + Quoted(rest()) +
                  " OPTIONAL { ?entity rdfs:label ?name } }");
    }
    if (command == ".grep") {
      if (rest().empty()) return Error(".grep TEXT (words, \"a phrase\", prefix*, OR, NOT)");
      return ShowText(rest());
    }
    if (command == ".conflicts") return Show(std::string(ConflictsQuery()));
    if (command == ".entity") {
      if (rest().empty()) return Error(".entity NAME");
      const auto entity = FindEntity(rest());
      if (!entity) return Error(".entity: nothing in the store is called \"" + rest() + "\" (try .find)");
      const std::string e = entity->ToNTriples();
      std::fprintf(out_, "%s\n", e.c_str());
      QueryOptions named_apart;
      named_apart.union_default_graph = false;  // a relation's own graph, or none
      const bool bold = terminal_out_ && out_ == stdout;
      const auto title = [&](const char* text) {
        std::fprintf(out_, "\n%s%s%s\n", bold ? "\033[1m" : "", text, bold ? "\033[0m" : "");
        return true;
      };
      // A relation's confidence is on its reifier, in the document that states it.
      return title("Types") && Show("SELECT ?type WHERE { " + e + " a ?type } ORDER BY ?type") &&
             title("Names") &&
             Show("SELECT ?name ?kind WHERE { { " + e + " rdfs:label ?name BIND(\"label\" AS ?kind) } UNION { " + e +
                  " kg:alias ?name BIND(\"alias\" AS ?kind) } } ORDER BY ?kind ?name") &&
             title("Relations out, each with the extractor's confidence and the document that states it") &&
             Show("SELECT ?relation ?object ?confidence ?document WHERE { { GRAPH ?document { " + e +
                      " ?relation ?object OPTIONAL { ?r rdf:reifies <<( " + e +
                      " ?relation ?object )>> ; kg:confidence ?confidence } } } UNION { " + e +
                      " ?relation ?object } FILTER(?relation NOT IN (rdf:type, rdfs:label, kg:alias)) } "
                      "ORDER BY ?relation ?object ?document",
                  named_apart) &&
             title("Relations in") &&
             Show("SELECT ?subject ?relation ?confidence ?document WHERE { { GRAPH ?document { ?subject ?relation " +
                      e + " OPTIONAL { ?r rdf:reifies <<( ?subject ?relation " + e +
                      " )>> ; kg:confidence ?confidence } } } UNION { ?subject ?relation " + e +
                      " } FILTER NOT EXISTS { ?subject rdf:reifies ?t } } ORDER BY ?relation ?subject ?document",
                  named_apart);
    }
    if (command == ".graph") {
      std::string spec = rest(), file;
      if (const auto arrow = spec.find('>'); arrow != std::string::npos && spec.find('<') == std::string::npos) {
        file = Trim(spec.substr(arrow + 1));
        spec = Trim(spec.substr(0, arrow));
      }
      std::vector<std::string> parts = QuotedWords(spec);
      int hops = 1;
      if (parts.size() == 2 && !parts[1].empty() && std::all_of(parts[1].begin(), parts[1].end(), ::isdigit)) {
        hops = std::atoi(parts[1].c_str());
        parts.pop_back();
      }
      if (parts.size() != 1 || hops < 1 || hops > 4) return Error(".graph NAME [HOPS 1-4] [> FILE]");
      const auto entity = FindEntity(parts[0]);
      if (!entity) return Error(".graph: nothing in the store is called \"" + parts[0] + "\" (try .find)");
      return ShowGraph(*entity, hops, file);
    }
    if (command == ".path") {
      const std::vector<std::string> ends = QuotedWords(rest());
      if (ends.size() < 2 || ends.size() > 3) return Error(".path FROM TO [MAX] (a name with spaces in \"quotes\")");
      const int max = ends.size() == 3 ? std::atoi(ends[2].c_str()) : 6;
      if (max < 1 || max > 12) return Error(".path: MAX is a number of steps from 1 to 12");
      std::optional<Term> found[2];
      for (int i = 0; i < 2; ++i) {
        found[i] = FindEntity(ends[static_cast<std::size_t>(i)]);
        if (!found[i]) return Error(".path: nothing in the store is called \"" + ends[static_cast<std::size_t>(i)] + "\" (try .find)");
      }
      return ShowPaths(*found[0], *found[1], max);
    }
    if (command == ".output") {
      if (out_ != stdout) std::fclose(out_);
      out_ = stdout;
      if (args.empty()) return true;
      std::FILE* file = std::fopen(args[0].c_str(), "w");
      if (file == nullptr) return Error(".output: cannot write " + args[0]);
      out_ = file;
      return true;
    }
    if (command == ".read") {
      if (args.size() != 1) return Error(".read FILE");
      std::ifstream in(args[0], std::ios::binary);
      if (!in) return Error(".read: cannot read " + args[0]);
      return RunLines(in);
    }
    if (command == ".open") {
      if (args.size() != 1) return Error(".open DB");
      const bool existed = std::filesystem::exists(args[0]);
      std::string notice;
      auto db = OpenStore(args[0], /*create=*/true, &notice);
      if (!db.ok()) return Error(std::string(db.status().message()));
      db_ = std::move(*db);
      path_ = args[0];
      ForgetCompletions();
      const auto stats = db_->Stats();
      if (!existed) {
        std::fprintf(out_, "created %s, a new empty store\n", path_.c_str());
      } else {
        std::fprintf(out_, "opened %s: %llu quads%s\n", path_.c_str(),
                     stats.ok() ? static_cast<unsigned long long>(stats->quads) : 0ULL,
                     db_->read_only() ? ", read-only" : "");
      }
      if (!notice.empty()) std::fprintf(out_, "%s\n", notice.c_str());
      return true;
    }
    const std::string nearest = NearestCommand(command);
    return Error("unknown command " + command + (nearest.empty() ? "" : "; did you mean " + nearest + "?") +
                 " (.help lists them)");
  }

  // Predicates, types and entities of the store in prefixed form, for
  // completion; read once per store and after writes.
  const std::vector<std::string>& Terms() {
    if (!terms_.empty()) return terms_;
    std::set<std::string> found;
    const auto add = [&](const Term& t) {
      for (const auto& [prefix, iri] : prefixes_) {
        if (t.IsIri() && t.value.starts_with(iri) && t.value.size() > iri.size()) {
          found.insert(prefix + ":" + t.value.substr(iri.size()));
        }
      }
    };
    // Predicates come with the statistics; types and entities from the
    // rdf:type index.
    if (const auto stats = db_->Stats(); stats.ok()) {
      for (const auto& p : stats->predicates) add(p.predicate);
    }
    for (const char* sparql : {"SELECT DISTINCT ?t WHERE { ?s a ?t } LIMIT 5000",
                               "SELECT DISTINCT ?t WHERE { ?t a ?type } LIMIT 20000"}) {
      auto cursor = db_->Query(sparql);
      while (cursor.ok()) {
        auto more = cursor->Next();
        if (!more.ok() || !*more) break;
        add(*cursor->row()[0]);
      }
    }
    terms_.assign(found.begin(), found.end());
    return terms_;
  }
  // After a write or another store, completions are read again when asked.
  void ForgetCompletions() {
    terms_.clear();
    names_.clear();
  }
  const std::vector<std::string>& Names() {
    if (!names_.empty()) return names_;
    auto cursor = db_->Query("SELECT DISTINCT ?n WHERE { ?e rdfs:label ?n } LIMIT 20000");
    std::set<std::string> found;
    while (cursor.ok()) {
      auto more = cursor->Next();
      if (!more.ok() || !*more) break;
      found.insert(cursor->row()[0]->value);
    }
    names_.assign(found.begin(), found.end());
    return names_;
  }

  std::unique_ptr<Database> db_;
  std::string path_;
  const ShellOptions& options_;
  bool interactive_, terminal_out_;
  std::string mode_;
  std::map<std::string, std::string> prefixes_;
  bool union_default_graph_;
  std::size_t max_rows_ = 0;
  bool timer_ = false, quit_ = false, failed_ = false;
  std::FILE* out_ = stdout;
  std::string last_query_, last_statement_;
  std::vector<std::string> terms_, names_;
};

// libedit's completion entry points.
std::vector<std::string> g_matches;
char* NextMatch(const char*, int state) {
  static std::size_t next = 0;
  if (state == 0) next = 0;
  return next < g_matches.size() ? strdup(g_matches[next++].c_str()) : nullptr;
}
char** Complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // no file names
  g_matches = g_shell->Candidates(std::string(rl_line_buffer, static_cast<std::size_t>(start)), text);
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, NextMatch);
}

}  // namespace

std::vector<std::string> TakeStatements(std::string* pending, bool blank_ends) {
  const std::string& text = *pending;
  std::vector<std::string> statements;
  std::size_t start = 0;
  int depth = 0;
  bool only_comments = true;  // since `start`: nothing but blanks and comments
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {  // a string, long or short, to its closing quote
      only_comments = false;
      const bool long_quote = text.compare(i, 3, std::string(3, c)) == 0;
      i += long_quote ? 3 : 1;
      while (i < text.size()) {
        if (text[i] == '\\') {
          i += 2;
        } else if (text[i] == c && (!long_quote || text.compare(i, 3, std::string(3, c)) == 0)) {
          if (long_quote) i += 2;
          break;
        } else {
          ++i;
        }
      }
      if (i >= text.size()) return statements;  // the string goes on: incomplete
      continue;
    }
    if (c == '<') {  // an IRI (a '#' in it is no comment), or the operator
      std::size_t end = i + 1;
      while (end < text.size() && std::string_view("<>\"{}|^`\\").find(text[end]) == std::string_view::npos &&
             static_cast<unsigned char>(text[end]) > 0x20) {
        ++end;
      }
      only_comments = false;
      if (end < text.size() && text[end] == '>') i = end;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '{' || c == '(' || c == '[') ++depth;
    if (c == '}' || c == ')' || c == ']') --depth;
    if (c == ';' && depth <= 0) {
      if (!only_comments) statements.push_back(text.substr(start, i - start));
      start = i + 1;
      depth = 0;
      only_comments = true;
      continue;
    }
    only_comments = false;
  }
  if (only_comments) {
    pending->clear();  // blanks and comments alone are no statement
  } else if (blank_ends && depth <= 0 && text.ends_with("\n\n")) {
    statements.push_back(text.substr(start));
    pending->clear();
  } else {
    pending->erase(0, start);
  }
  return statements;
}

std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string NearestWord(const std::string& typed, const std::vector<std::string>& words) {
  std::string best;
  std::size_t best_distance = 3;  // further than two edits is no suggestion
  for (const std::string& word : words) {
    const std::size_t d = EditDistance(typed, word);
    if (d < best_distance) best_distance = d, best = word;
  }
  return best;
}

std::optional<bool> UnionDefaultGraph(const std::string& name) {
  if (name == "union") return true;
  if (name == "standard") return false;
  return std::nullopt;
}

std::string NearestCommand(const std::string& typed) {
  std::vector<std::string> names;
  for (const auto& c : kDotCommands) names.emplace_back(c.name);
  return NearestWord(typed, names);
}

absl::StatusOr<std::unique_ptr<Database>> OpenStore(const std::string& path, bool create, std::string* notice) {
  Options options;
  options.create_if_missing = create;
  auto db = Database::Open(path, options);
  if (db.ok() || !absl::IsUnavailable(db.status())) return db;
  Options beside;
  beside.read_only = true;
  auto reader = Database::Open(path, beside);
  if (!reader.ok()) return db.status();  // not only held by a writer: say why it failed first
  *notice = std::string(db.status().message()) + "\nopened read-only: each statement sees what that process has "
            "committed; writes fail until it closes the store and this shell opens it again";
  return reader;
}

int RunShell(std::unique_ptr<Database> db, std::string path, const ShellOptions& options) {
  // Line editing reads UTF-8 (names in Cyrillic, Chinese...) only in a
  // multibyte locale; the C locale of a bare environment is not one.
  std::setlocale(LC_CTYPE, "");
  if (MB_CUR_MAX == 1) std::setlocale(LC_CTYPE, "C.UTF-8");
  Shell shell(std::move(db), std::move(path), options);
  g_shell = &shell;
  rl_attempted_completion_function = Complete;
  rl_basic_word_break_characters = " \t\n(){}[],;=<>!\"";
  const int status = shell.Run();
  g_shell = nullptr;
  return status;
}

}  // namespace relata::tools
