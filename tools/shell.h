// The relata shell: SPARQL queries and updates, typed over several lines or
// piped in, and dot commands (.help lists them).
#ifndef RELATA_TOOLS_SHELL_H_
#define RELATA_TOOLS_SHELL_H_

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relata/database.h"

namespace relata::tools {

struct ShellOptions {
  // Statements given with -c, run in order instead of reading input.
  std::vector<std::string> commands;
  // Stop at the first error (the exit status is then 1).
  bool bail = false;
  // The default graph of statements: every graph, or only the unnamed one
  // (.default-graph changes it).
  bool union_default_graph = true;
  // What `relata load` and `relata stats` do, for .load and .stats; .load's
  // stops when `cancel` is set (Ctrl-C), loading nothing.
  std::function<int(Database&, const std::vector<std::string>&, const std::atomic<bool>* cancel)> load;
  std::function<int(Database&)> stats;
};

// Opens the store at `path` for the shell: for writing, or, when another
// process has it open for writing, read-only beside it (`*notice` then says
// so). A path that does not exist becomes a new store only with `create`.
absl::StatusOr<std::unique_ptr<Database>> OpenStore(const std::string& path, bool create, std::string* notice);

// Runs the shell on `db` (opened from `path`) until the input ends or
// .quit; returns the exit status: 1 when a statement failed and either
// --bail is set or the input was not a terminal.
int RunShell(std::unique_ptr<Database> db, std::string path, const ShellOptions& options);

// Takes the whole statements off the front of `*pending` (what was typed so
// far) and leaves the unfinished rest: a statement ends at a ';' outside
// brackets, strings, IRIs and comments (several may share a line), or, with
// `blank_ends`, at a blank line. Returns them without their ';'.
std::vector<std::string> TakeStatements(std::string* pending, bool blank_ends);

// Levenshtein distance, in bytes.
std::size_t EditDistance(const std::string& a, const std::string& b);

// The word of `words` closest to `typed` (by edit distance), or "" when
// none is within two edits.
std::string NearestWord(const std::string& typed, const std::vector<std::string>& words);
// The same among the dot commands.
std::string NearestCommand(const std::string& typed);

// "union" is true, "standard" false (--default-graph, .default-graph);
// nullopt for anything else.
std::optional<bool> UnionDefaultGraph(const std::string& name);

}  // namespace relata::tools

#endif  // RELATA_TOOLS_SHELL_H_
