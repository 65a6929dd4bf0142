// Writes query results in the W3C result formats (JSON, XML, CSV, TSV), as
// an aligned table for people, and CONSTRUCT/DESCRIBE triples as N-Triples
// or Turtle.
#ifndef RELATA_TOOLS_RESULT_FORMAT_H_
#define RELATA_TOOLS_RESULT_FORMAT_H_

#include <cstdio>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "relata/database.h"

namespace relata::tools {

// "table", "json", "jsonl" (one JSON object per row), "xml", "csv", "tsv"
// (solutions and booleans);
// "ntriples", "turtle" (triples; a solution format gets N-Triples), and for
// triples "graphml", "dot" and "json" (nodes and edges: graph_format.h).
bool IsResultFormat(std::string_view format);

// The escapes the writers share: a JSON string with its quotes, appended;
// XML text or an attribute's value.
void AppendJsonString(std::string& out, std::string_view s);
std::string XmlEscape(std::string_view s);

struct TableOptions {
  int width = 100;      // of the terminal; 0: no limit, nothing is cut
  std::size_t max_rows = 0;  // 0: all
  // Prefixes that shorten IRIs (name -> namespace), before the well-known
  // ones (rdf, rdfs, xsd, owl).
  std::map<std::string, std::string> prefixes;
  bool colour = false;  // headers in bold, for a terminal
};

// The short form a person reads: IRIs with the longest of `prefixes` (then
// the well-known ones) that fits, plain numbers and strings.
std::string Display(const Term& term, const std::map<std::string, std::string>& prefixes);

// Reads the cursor to its end, writing each row as it comes (the table
// waits for all rows, to size its columns).
absl::Status WriteResults(Cursor& cursor, std::string_view format, std::FILE* out,
                          const TableOptions& table = {});

// Whether WriteResults writes this cursor in this format as solutions (the
// W3C result formats), which SolutionWriter writes too.
bool WritesSolutions(const Cursor& cursor, std::string_view format);

// Writes an answer in json, jsonl, xml, csv or tsv a piece at a time (the
// head, each row, the tail), so that a caller can hold a short answer whole
// and stream a long one.
class SolutionWriter {
 public:
  SolutionWriter(Cursor& cursor, std::string_view format);

  // Appends the next piece to `out`; false once the last is appended.
  absl::StatusOr<bool> Next(std::string& out);

 private:
  enum class Format { kJson, kJsonLines, kXml, kCsv, kTsv };
  enum class Stage { kHead, kRows, kDone };
  void WriteHead(std::string& out) const;
  void WriteRow(std::string& out);
  void WriteTail(std::string& out) const;

  Cursor& cursor_;
  const Format format_;
  Stage stage_ = Stage::kHead;
  bool first_row_ = true;
};

// EXPLAIN's answer (IsExplain) for people: its plan lines as they are, in
// the text formats (table, tsv); the machine formats get its rows.
bool WritesPlainPlan(std::string_view format);
absl::Status WritePlan(Cursor& cursor, std::FILE* out);

// Columns a table may use: $COLUMNS, else the width of the terminal on
// standard output, else 0 (not a terminal: no limit).
int TerminalWidth();

// "2:7: expected ..." as the line of `text` it points at with a caret under
// the column; other messages unchanged.
std::string ExplainError(std::string_view text, std::string_view message);

// The line `line` (from 1) of `text`, then a line with a caret under its
// code point `column` (tabs kept, so that it lines up), each after
// `indent`; "" when `text` has no such line.
std::string SourceWithCaret(std::string_view text, int line, int column, std::string_view indent = "");

}  // namespace relata::tools

#endif  // RELATA_TOOLS_RESULT_FORMAT_H_
