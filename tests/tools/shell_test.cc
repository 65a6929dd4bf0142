// The shell as people use it: the real binary on a fresh store of the news
// graph, typed at through a pseudo-terminal (prompt, multi-line statements,
// completion, Ctrl-C, the caret under an error) and fed through pipes.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/testing/command.h"

namespace {

using relata::testing::RunCommand;

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;


class ShellTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/relata_shell_" + std::to_string(getpid()));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    std::string files;
    for (const auto& entry : std::filesystem::directory_iterator(RELATA_SOURCE_DIR "/data/news")) {
      if (entry.path().extension() == ".jsonl") files += " '" + entry.path().string() + "'";
    }
    int status = 0;
    RunCommand(std::string(RELATA_BINARY) + " load " + *dir_ + "/db" + files + " > /dev/null", &status);
    ASSERT_EQ(status, 0);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string Db() { return *dir_ + "/db"; }

  // Starts the shell on a pseudo-terminal 100 columns wide.
  void Start(const char* term = "dumb", const std::string& store = Db()) {
    Spawn(term, {RELATA_BINARY, store.c_str()});
  }
  // Starts an interactive dash on the pseudo-terminal instead, to run the
  // shell from, as a user does: Ctrl-Z and fg need a job-control shell, and
  // dash, unlike bash, leaves the terminal in whatever mode a stopped job
  // left it.
  void StartJobShell() {
    setenv("PS1", "sh$ ", 1);
    Spawn("xterm", {"/bin/dash", "-i"});
    unsetenv("PS1");
  }
  void Spawn(const char* term, std::vector<const char*> argv) {
    struct winsize size {};
    size.ws_row = 40;
    size.ws_col = 100;
    argv.push_back(nullptr);
    pid_ = forkpty(&master_, nullptr, nullptr, &size);
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      setenv("HOME", dir_->c_str(), 1);  // history goes to the test's directory
      setenv("TERM", term, 1);
      unsetenv("COLUMNS");
      execv(argv[0], const_cast<char* const*>(argv.data()));
      _exit(127);
    }
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      close(master_);
    }
  }

  void Type(const std::string& keys) { ASSERT_EQ(write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size())); }

  // Reads the terminal until `want` appears (returns what was read, up to
  // and including it) or 20 seconds pass (returns all of it, without `want`).
  std::string ReadUntil(const std::string& want) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (true) {
      if (const auto at = screen_.find(want); at != std::string::npos) {
        std::string seen = screen_.substr(0, at + want.size());
        screen_.erase(0, at + want.size());
        return seen;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return screen_;
      pollfd fd{master_, POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t n = read(master_, buffer, sizeof buffer);
      if (n <= 0) return screen_;
      screen_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  // Waits for the prompt, and a moment more: line editing switches the
  // terminal's mode after printing it, and keys typed before may be lost.
  std::string Prompt() {
    std::string seen = ReadUntil("relata> ");
    usleep(100 * 1000);
    return seen;
  }

  // The shell's exit status once it ends within 20 seconds; -1 otherwise.
  int ExitStatus() {
    int status = 0;
    for (int waited = 0; waited < 200; ++waited) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        close(master_);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(100 * 1000);
    }
    return -1;
  }

  static std::string* dir_;
  pid_t pid_ = -1;
  int master_ = -1;
  std::string screen_;
};
std::string* ShellTest::dir_ = nullptr;

TEST_F(ShellTest, AMultiLineQueryRunsWhenItEndsAndPrintsATableWithPrefixes) {
  Start();
  ASSERT_THAT(Prompt(), HasSubstr("quads"));
  Type("SELECT ?org WHERE {\r");
  ASSERT_THAT(ReadUntil("...> "), Not(HasSubstr("rows")));
  usleep(100 * 1000);
  Type("  e:russia kg:member_of ?org } ORDER BY ?org LIMIT 2;\r");
  const std::string out = Prompt();
  EXPECT_THAT(out, HasSubstr("e:brics"));
  EXPECT_THAT(out, HasSubstr("2 rows"));
  EXPECT_THAT(out, Not(HasSubstr("<https://relata.dev/e/brics>"))) << "IRIs are shortened with prefixes";
  Type("\x04");  // Ctrl-D leaves
  EXPECT_EQ(ExitStatus(), 0);
}

TEST_F(ShellTest, ASyntaxErrorShowsTheLineWithACaret) {
  Start();
  Prompt();
  Type("SELECT ?x WHERE { ?x kg:member_of };\r");
  const std::string out = Prompt();
  EXPECT_THAT(out, HasSubstr("1:35: expected"));
  EXPECT_THAT(out, HasSubstr("SELECT ?x WHERE { ?x kg:member_of }"));
  EXPECT_THAT(out, HasSubstr("\n" + std::string(2 + 34, ' ') + "^")) << "under column 35";
}

TEST_F(ShellTest, TabCompletesDotCommandsAndPrefixedNames) {
  Start();
  Prompt();
  Type(".fi\t");
  EXPECT_THAT(ReadUntil(".find"), HasSubstr(".find"));
  Type(" Путин\r");
  EXPECT_THAT(Prompt(), HasSubstr("e:vladimir-putin"));
  Type("SELECT ?o { e:vladimir-pu\t");
  EXPECT_THAT(ReadUntil("e:vladimir-putin"), HasSubstr("e:vladimir-putin"));
  Type(" kg:member_o\t");
  EXPECT_THAT(ReadUntil("kg:member_of"), HasSubstr("kg:member_of"));
}

TEST_F(ShellTest, CtrlCCancelsARunningQueryAndKeepsTheShell) {
  Start();
  Prompt();
  Type("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) };\r");
  ReadUntil("\n");  // the echo of the line: the query is running
  usleep(300 * 1000);
  Type("\x03");
  EXPECT_THAT(Prompt(), HasSubstr("cancelled"));
  Type("ASK { e:russia kg:member_of e:brics };\r");
  EXPECT_THAT(Prompt(), HasSubstr("true"));
  Type(".quit\r");
  EXPECT_EQ(ExitStatus(), 0);
}

// sqlite3's and psql's contract: Ctrl-C at the prompt drops the line being
// typed (at the continuation prompt, the whole pending statement) and gives
// a fresh prompt; only Ctrl-D on an empty line or .quit leaves.
TEST_F(ShellTest, CtrlCAtThePromptDropsTheLineAndKeepsTheShell) {
  for (const char* term : {"dumb", "xterm", "tmux-256color"}) {
    SCOPED_TRACE(term);
    screen_.clear();
    Start(term);
    Prompt();
    Type("SELECT * WHERE { ?s ?p");
    usleep(100 * 1000);
    Type("\x03");
    Prompt();
    Type("ASK { e:russia kg:member_of e:brics };\r");
    EXPECT_THAT(Prompt(), HasSubstr("true"));
    // At the continuation prompt the pending statement goes too: the ASK
    // after it runs alone.
    Type("SELECT * WHERE {\r");
    ReadUntil("...> ");
    usleep(100 * 1000);
    Type("\x03");
    Prompt();
    Type("ASK { e:russia kg:member_of e:brics };\r");
    const std::string answer = Prompt();
    EXPECT_THAT(answer, HasSubstr("true"));
    EXPECT_THAT(answer, Not(HasSubstr("expected")));
    Type("\x03");  // at an empty prompt
    Prompt();
    Type("\x04");  // Ctrl-D on an empty line leaves
    EXPECT_EQ(ExitStatus(), 0);
  }
  // Ctrl-D at "...>" leaves too, and says what it dropped.
  screen_.clear();
  Start();
  Prompt();
  Type("SELECT * WHERE {\r");
  ReadUntil("...> ");
  usleep(100 * 1000);
  Type("\x04");
  EXPECT_THAT(ReadUntil("dropped)"), HasSubstr("(the unfinished statement was dropped)"));
  EXPECT_EQ(ExitStatus(), 0);
}

// Ctrl-Z at the prompt gives the terminal back to the user's shell in the
// mode it had (canonical, echoing), and fg goes on editing the same line.
TEST_F(ShellTest, CtrlZStopsTheShellAndFgEditsTheSameLine) {
  StartJobShell();
  ReadUntil("sh$ ");
  Type(std::string(RELATA_BINARY) + " " + Db() + "\r");
  Prompt();
  Type("ASK { e:russia kg:member_of");
  usleep(100 * 1000);
  Type("\x1a");
  EXPECT_THAT(ReadUntil("sh$ "), HasSubstr("Stopped"));
  Type("stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'\r");
  ReadUntil("\n");  // the echo of the command
  EXPECT_THAT(ReadUntil("sh$ "), AllOf(HasSubstr("icanon"), Not(HasSubstr("-icanon"))));
  Type("fg\r");
  EXPECT_THAT(ReadUntil("kg:member_of"), HasSubstr("relata> ASK { e:russia kg:member_of"));
  usleep(100 * 1000);
  Type(" e:brics };\r");
  EXPECT_THAT(Prompt(), HasSubstr("true"));
  Type("\x04");
  ReadUntil("sh$ ");
  Type("exit\r");
  EXPECT_EQ(ExitStatus(), 0);
}

TEST_F(ShellTest, UnknownCommandsSuggestTheNearest) {
  Start();
  Prompt();
  Type(".entitty SCO\r");
  EXPECT_THAT(Prompt(), HasSubstr("did you mean .entity?"));
}

TEST_F(ShellTest, PipedStatementsGiveMachineFormatsAndBailStops) {
  int status = 0;
  const std::string relata = RELATA_BINARY;
  std::string out = RunCommand("printf 'SELECT ?o WHERE { e:russia kg:member_of ?o }\\nORDER BY ?o LIMIT 1\\n\\n"
                               ".mode jsonl\\nASK { e:russia kg:member_of e:brics };\\n' | " +
                                   relata + " " + Db(),
                               &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "?o\n<https://relata.dev/e/brics>\n{\"boolean\":true}\n");

  out = RunCommand(relata + " " + Db() + " --bail -c 'SELECT nonsense' -c 'ASK { ?s ?p ?o }' 2>&1", &status);
  EXPECT_EQ(status, 1);
  EXPECT_THAT(out, HasSubstr("1:8: expected"));
  EXPECT_THAT(out, Not(HasSubstr("true"))) << "--bail stops at the first error";

  const std::string script = *dir_ + "/script.rq";
  std::ofstream(script) << "ASK { e:russia kg:member_of e:brics }\n\nASK { e:russia kg:member_of e:atlantis };\n";
  out = RunCommand(relata + " " + Db() + " -c '.read " + script + "'", &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, "true\nfalse\n");

  out = RunCommand("printf 'SELECT nonsense;\\nASK { ?s ?p ?o };\\n' | " + relata + " " + Db() + " 2>/dev/null", &status);
  EXPECT_EQ(status, 1) << "an error makes the exit status non-zero";
  EXPECT_EQ(out, "true\n") << "without --bail the script goes on";
}

// Statements end at a ';' the SPARQL lexer would see: not one in a comment,
// a string or an IRI; several on a line run in turn.
TEST_F(ShellTest, StatementsEndWhereTheLexerSaysAndSeveralShareALine) {
  const std::string relata = RELATA_BINARY;
  const std::string script = *dir_ + "/split.rq";
  std::ofstream(script)
      << "ASK { e:russia kg:member_of e:brics }; ASK { e:russia kg:member_of e:atlantis };\n"
      << "SELECT ?s WHERE { ?s kg:member_of e:brics } # the first; only\n"
      << "ORDER BY ?s LIMIT 1;\n"
      << "SELECT (\"a;b # c\" AS ?x) WHERE {}; SELECT ?t WHERE { e:russia "
         "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ?t } LIMIT 1;\n"
      << "# only a comment;\n"
      << "ASK {}   # done\n";
  int status = 0;
  const std::string out = RunCommand(relata + " " + Db() + " < " + script + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, "true\nfalse\n?s\n<https://relata.dev/e/china>\n?x\n\"a;b # c\"\n?t\n<https://relata.dev/kg/State>\ntrue\n");
}

// Ctrl-C during .load stops it, all or nothing as `relata load` is, and the
// shell answers the next statement at once.
TEST_F(ShellTest, CtrlCDuringLoadCancelsItAndKeepsTheShellClean) {
  const std::string file = *dir_ + "/big.nt";
  {
    std::ofstream out(file);
    for (int i = 0; i < 1500000; ++i) out << "<http://x/s" << i << "> <http://x/p> \"" << i << "\" .\n";
  }
  Start();
  Prompt();
  Type(".load " + file + "\r");
  ReadUntil("triples/s");  // the progress bar: the load is under way
  Type("\x03");
  const std::string seen = Prompt();
  EXPECT_THAT(seen, HasSubstr("the load was cancelled"));
  const auto first = seen.find("nothing was loaded");
  EXPECT_NE(first, std::string::npos);
  EXPECT_EQ(seen.find("nothing was loaded", first + 1), std::string::npos) << "said once:\n" << seen;
  Type("ASK { <http://x/s1> ?p ?o };\r");
  EXPECT_THAT(Prompt(), HasSubstr("false"));
  Type(".quit\r");
  EXPECT_EQ(ExitStatus(), 0);
}

// The commands that take files complete their names, and .open says what
// it opened.
TEST_F(ShellTest, FileCommandsCompleteFileNamesAndOpenConfirms) {
  std::ofstream(*dir_ + "/a-script-to-read.rq") << "ASK { e:russia kg:member_of e:brics };\n";
  Start();
  Prompt();
  Type(".read " + *dir_ + "/a-script-to\t");
  EXPECT_THAT(ReadUntil("a-script-to-read.rq"), HasSubstr("a-script-to-read.rq"));
  Type("\r");
  EXPECT_THAT(Prompt(), HasSubstr("true"));
  Type(".open " + *dir_ + "/fresh.db\r");
  EXPECT_THAT(Prompt(), HasSubstr("created " + *dir_ + "/fresh.db, a new empty store"));
  Type(".open " + Db() + "\r");
  EXPECT_THAT(Prompt(), ::testing::ContainsRegex("opened .*/db: [1-9][0-9]* quads"));
  Type(".quit\r");
  EXPECT_EQ(ExitStatus(), 0);
}

// Completion offers e: names, so users type them: an IRI or a prefixed name
// is the entity itself, not a text to search for.
TEST_F(ShellTest, EntityTakesAnIriOrAPrefixedNameAsTheEntity) {
  const std::string relata = RELATA_BINARY;
  int status = 0;
  for (const std::string name : {"e:china", "<https://relata.dev/e/china>", "China"}) {
    const std::string out = RunCommand(relata + " " + Db() + " -c '.entity " + name + "' 2>&1", &status);
    EXPECT_EQ(status, 0) << name << ": " << out;
    EXPECT_THAT(out, ::testing::StartsWith("<https://relata.dev/e/china>\n")) << name;
    EXPECT_THAT(out, HasSubstr("<https://relata.dev/kg/State>")) << name;
  }
  // The card's sections have titles, and each relation its confidence.
  const std::string card = RunCommand(relata + " " + Db() + " -c '.entity e:power-of-siberia' 2>&1", &status);
  EXPECT_THAT(card, ::testing::ContainsRegex("\nTypes\n\\?type\n<https://relata.dev/kg/Project>\n"));
  EXPECT_THAT(card, HasSubstr("\nNames\n?name\t?kind\n"));
  EXPECT_THAT(card, HasSubstr("\nRelations out, each with the extractor's confidence and the document that states it\n"
                              "?relation\t?object\t?confidence\t?document\n"));
  EXPECT_THAT(card, ::testing::ContainsRegex("<https://relata.dev/kg/connects>\t<https://relata.dev/e/china>\t"
                                             "\"0\\.[0-9]+\"\\^\\^<[^>]*#decimal>\t<https://relata.dev/doc/"));
  EXPECT_THAT(card, HasSubstr("\nRelations in\n?subject\t?relation\t?confidence\t?document\n"));
  const std::string out = RunCommand(relata + " " + Db() + " -c '.entity e:atlantis' 2>&1", &status);
  EXPECT_EQ(status, 1);
  EXPECT_THAT(out, HasSubstr("nothing in the store is called \"e:atlantis\""));
}

// "How is Putin connected to the EAEU?", typed as names: each connection as
// a chain, then each step with the article that states it.
TEST_F(ShellTest, PathShowsConnectionsAsChainsWithTheirDocuments) {
  Start();
  ASSERT_THAT(Prompt(), HasSubstr("quads"));
  Type(".path \"Vladimir Putin\" EAEU\r");
  const std::string out = Prompt();
  // Four steps, each either way along its relation; which of the equally
  // short ones come first depends on the store's ids.
  const std::string step = "(—[a-z_]+→|←[a-z_]+—) ";
  const std::string name = "[A-Z][A-Za-z ]+ ";
  EXPECT_THAT(out, ::testing::ContainsRegex("\n1\\. Vladimir Putin " + step + name + step + name + step + name + step +
                                            "Eurasian Economic Union\r\n"));
  // Then each step with its article and the extractor's confidence.
  EXPECT_THAT(out, ::testing::ContainsRegex("\r\n     Vladimir Putin " + step + name +
                                            "  doc:[a-z0-9-]+, confidence 0\\.[0-9]+\r\n"));
  EXPECT_THAT(out, HasSubstr("\n3. Vladimir Putin"));
  EXPECT_THAT(out, Not(HasSubstr("\n4. ")));
  Type(".path Kazakhstan \"Power of Siberia\" 1\r");
  EXPECT_THAT(Prompt(), HasSubstr("no connection between Kazakhstan and Power of Siberia within 1 steps"));
  Type(".path Kazakhstan Atlantis\r");
  EXPECT_THAT(Prompt(), HasSubstr(".path: nothing in the store is called \"Atlantis\""));
  Type("\x04");
  EXPECT_EQ(ExitStatus(), 0);
}

TEST_F(ShellTest, GrepShowsTheFactsWhoseEvidenceMatchesWithSnippets) {
  Start();
  ASSERT_THAT(Prompt(), HasSubstr("quads"));
  Type(".grep national currencies\r");
  const std::string out = Prompt();
  EXPECT_THAT(out, ::testing::ContainsRegex("\n1\\. (Russia|China) —settles_trade_in→ Settlements in national currencies  "
                                            "\\[doc:izvestia-2025-putin-xinhua-interview, 0\\.85\\]   score [0-9.]+\r\n"
                                            "     Settlements have been almost completely converted to «national currencies»\r\n"));
  EXPECT_THAT(out, HasSubstr("\n2. "));
  Type(".grep NOT gas\r");
  EXPECT_THAT(Prompt(), HasSubstr("column 1: a query needs a term that is not excluded"));
  Type("\x04");
  EXPECT_EQ(ExitStatus(), 0);
}

TEST_F(ShellTest, UpdatesAndDotCommandsThroughAPipe) {
  const std::string copy = *dir_ + "/copy";
  std::filesystem::copy(Db(), copy, std::filesystem::copy_options::recursive);
  int status = 0;
  const std::string out = RunCommand(
      "printf 'INSERT DATA { e:iran kg:member_of e:brics };\\n.find iran\\n.graphs\\n.maxrows 1\\n"
      "SELECT ?m { ?m kg:member_of e:brics } ORDER BY ?m;\\n.nonsense\\n' | " +
          std::string(RELATA_BINARY) + " " + copy + " 2>&1",
      &status);
  EXPECT_THAT(out, HasSubstr("1 quads inserted, 0 deleted"));
  EXPECT_THAT(out, HasSubstr("https://relata.dev/e/iran"));
  EXPECT_THAT(out, HasSubstr("https://relata.dev/doc/"));
  EXPECT_THAT(out, HasSubstr("unknown command .nonsense"));
  EXPECT_EQ(status, 1);
}

// One process writes a store, others read it meanwhile: the shell that has
// it open for writing, a reader shell that stays open beside it and sees
// each commit at its next statement, one-shot queries, and a second writer
// that is told which process holds the store.
TEST_F(ShellTest, OtherProcessesReadAStoreTheShellHasOpenAndASecondWriterIsToldWhoHasIt) {
  const std::string store = *dir_ + "/shared";
  std::filesystem::copy(Db(), store, std::filesystem::copy_options::recursive);
  const std::string relata = RELATA_BINARY;
  Start("dumb", store);
  Prompt();
  const std::string writer_pid = std::to_string(pid_);

  const std::string reader_out = *dir_ + "/reader.out";
  FILE* reader = popen((relata + " " + store + " > " + reader_out + " 2>&1").c_str(), "w");
  ASSERT_NE(reader, nullptr);
  const auto reader_says = [&](const std::string& statement, const std::string& want) {
    std::fputs(statement.c_str(), reader);
    std::fflush(reader);
    std::string seen;
    for (int waited = 0; waited < 200 && seen.find(want) == std::string::npos; ++waited) {
      usleep(100 * 1000);
      std::ifstream in(reader_out);
      seen.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return seen;
  };
  std::string seen = reader_says(".mode csv\nSELECT (COUNT(*) AS ?n) { e:atlantis ?p ?o };\n", "\n0\r\n");
  EXPECT_THAT(seen, HasSubstr("is in use by another relata process (pid " + writer_pid + ")")) << seen;
  EXPECT_THAT(seen, HasSubstr("opened read-only")) << seen;
  EXPECT_THAT(seen, HasSubstr("\n0\r\n")) << seen;

  Type("INSERT DATA { e:atlantis kg:member_of e:brics };\r");
  EXPECT_THAT(Prompt(), HasSubstr("1 quads inserted"));
  seen = reader_says("SELECT (COUNT(*) AS ?n) { e:atlantis ?p ?o };\n", "\n1\r\n");
  EXPECT_THAT(seen, HasSubstr("\n1\r\n")) << "the reader did not see the commit: " << seen;
  seen = reader_says("INSERT DATA { e:atlantis kg:member_of e:sco };\n", "nothing was changed");
  EXPECT_THAT(seen, HasSubstr("is open read-only")) << seen;
  pclose(reader);

  int status = 0;
  const std::string count = RunCommand(relata + " query " + store +
                                           " 'SELECT (COUNT(*) AS ?n) { ?s kg:member_of e:brics }' --format csv", &status);
  EXPECT_EQ(status, 0) << count;
  const std::string before = RunCommand(relata + " query " + Db() +
                                            " 'SELECT (COUNT(*) AS ?n) { ?s kg:member_of e:brics }' --format csv");
  EXPECT_NE(count, before) << "a one-shot query does not see the shell's commit";

  std::ofstream(*dir_ + "/one.nt") << "<http://x/a> <http://x/p> <http://x/b> .\n";
  const std::string load = RunCommand(relata + " load " + store + " " + *dir_ + "/one.nt 2>&1", &status);
  EXPECT_EQ(status, 1);
  EXPECT_THAT(load, HasSubstr(store + " is in use by another relata process (pid " + writer_pid + ")"));

  Type(".quit\r");
  EXPECT_EQ(ExitStatus(), 0);
  // The writer gone, the store takes a writer again.
  RunCommand(relata + " load " + store + " " + *dir_ + "/one.nt", &status);
  EXPECT_EQ(status, 0);
}

}  // namespace
