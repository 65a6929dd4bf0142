#include "tools/result_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <ostream>
#include <streambuf>
#include <vector>

#include "tools/graph_format.h"

namespace relata::tools {
namespace {

// Well-known namespaces the table shortens IRIs with.
constexpr std::pair<std::string_view, std::string_view> kPrefixes[] = {
    {"rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"rdfs:", "http://www.w3.org/2000/01/rdf-schema#"},
    {"xsd:", "http://www.w3.org/2001/XMLSchema#"},
    {"owl:", "http://www.w3.org/2002/07/owl#"},
};

void Put(std::FILE* out, std::string_view s) { std::fwrite(s.data(), 1, s.size(), out); }

void AppendJsonTerm(std::string& out, const Term& t) {
  switch (t.kind) {
    case TermKind::kIri:
    case TermKind::kBlank:
      out += t.kind == TermKind::kIri ? "{\"type\":\"uri\",\"value\":" : "{\"type\":\"bnode\",\"value\":";
      AppendJsonString(out, t.value);
      break;
    case TermKind::kTriple:
      out += "{\"type\":\"triple\",\"value\":{\"subject\":";
      AppendJsonTerm(out, t.triple[0]);
      out += ",\"predicate\":";
      AppendJsonTerm(out, t.triple[1]);
      out += ",\"object\":";
      AppendJsonTerm(out, t.triple[2]);
      out += "}";
      break;
    case TermKind::kLiteral:
      out += "{\"type\":\"literal\",\"value\":";
      AppendJsonString(out, t.value);
      if (!t.language.empty()) {
        out += ",\"xml:lang\":";
        AppendJsonString(out, t.language);
        if (!t.direction.empty()) {
          out += ",\"its:dir\":";
          AppendJsonString(out, t.direction);
        }
      } else if (t.datatype != kXsdString) {
        out += ",\"datatype\":";
        AppendJsonString(out, t.datatype);
      }
      break;
  }
  out.push_back('}');
}

std::string XmlTerm(const Term& t) {
  switch (t.kind) {
    case TermKind::kIri: return "<uri>" + XmlEscape(t.value) + "</uri>";
    case TermKind::kBlank: return "<bnode>" + XmlEscape(t.value) + "</bnode>";
    case TermKind::kTriple:
      return "<triple><subject>" + XmlTerm(t.triple[0]) + "</subject><predicate>" + XmlTerm(t.triple[1]) +
             "</predicate><object>" + XmlTerm(t.triple[2]) + "</object></triple>";
    case TermKind::kLiteral: {
      std::string attributes;
      if (!t.language.empty()) {
        attributes = " xml:lang=\"" + XmlEscape(t.language) + "\"";
      } else if (t.datatype != kXsdString) {
        attributes = " datatype=\"" + XmlEscape(t.datatype) + "\"";
      }
      return "<literal" + attributes + ">" + XmlEscape(t.value) + "</literal>";
    }
  }
  return "";
}

std::string CsvField(const std::optional<Term>& t) {
  if (!t) return "";
  std::string v = t->IsBlank() ? "_:" + t->value : t->IsTriple() ? t->ToNTriples() : t->value;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string quoted = "\"";
  for (char c : v) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// Display width in characters of UTF-8 text.
std::size_t Width(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Cut(const std::string& s, std::size_t width) {
  if (Width(s) <= width) return s;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++n > width - 1) break;
    out.push_back(s[i]);
  }
  return out + "…";
}

absl::Status WriteTable(Cursor& cursor, std::FILE* out, const TableOptions& options) {
  if (cursor.kind() == Cursor::Kind::kBoolean) {
    Put(out, cursor.boolean() ? "true\n" : "false\n");
    return absl::OkStatus();
  }
  const auto& columns = cursor.columns();
  std::vector<std::vector<std::string>> cells;
  std::size_t total = 0;
  while (true) {
    auto more = cursor.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++total;
    if (options.max_rows != 0 && cells.size() >= options.max_rows) continue;
    std::vector<std::string> row;
    for (const auto& t : cursor.row()) row.push_back(t ? Display(*t, options.prefixes) : "");
    cells.push_back(std::move(row));
  }
  std::vector<std::size_t> widths;
  for (const auto& c : columns) widths.push_back(Width(c) + 1);
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Width(row[i]));
  }
  // Share the terminal: shrink the widest columns first.
  const auto total_width = [&] {
    std::size_t w = 1;
    for (std::size_t x : widths) w += x + 3;
    return w;
  };
  while (options.width > 0 && total_width() > static_cast<std::size_t>(options.width)) {
    auto widest = std::max_element(widths.begin(), widths.end());
    if (*widest <= 8) break;
    --*widest;
  }
  std::string rule = "+";
  for (std::size_t w : widths) rule += std::string(w + 2, '-') + "+";
  rule += "\n";
  const auto line = [&](const std::vector<std::string>& values, bool bold) {
    std::string s = "|";
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string v = Cut(values[i], widths[i]);
      s += " " + (bold ? "\033[1m" + v + "\033[0m" : v) + std::string(widths[i] - Width(v), ' ') + " |";
    }
    Put(out, s + "\n");
  };
  Put(out, rule);
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(cursor.kind() == Cursor::Kind::kTriples ? c : "?" + c);
  line(header, options.colour);
  Put(out, rule);
  for (const auto& row : cells) line(row, false);
  Put(out, rule);
  std::string count = std::to_string(total) + (total == 1 ? " row" : " rows");
  if (cells.size() < total) count += " (" + std::to_string(cells.size()) + " shown)";
  Put(out, count + "\n");
  return absl::OkStatus();
}

// A std::ostream onto a FILE*, for the library's writers.
class FileBuffer : public std::streambuf {
 public:
  explicit FileBuffer(std::FILE* out) : out_(out) {}

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    return std::fputc(c, out_) == EOF ? traits_type::eof() : c;
  }
  std::streamsize xsputn(const char* text, std::streamsize n) override {
    return static_cast<std::streamsize>(std::fwrite(text, 1, static_cast<std::size_t>(n), out_));
  }

 private:
  std::FILE* out_;
};

}  // namespace

// Appends to `out` rather than returning a string: an answer is mostly
// these, and their temporaries showed high in the endpoint's profile.
void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t plain = 0;  // the start of the run of characters that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* escape = nullptr;
    switch (c) {
      case '"': escape = "\\\""; break;
      case '\\': escape = "\\\\"; break;
      case '\n': escape = "\\n"; break;
      case '\r': escape = "\\r"; break;
      case '\t': escape = "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) continue;
    }
    out.append(s.substr(plain, i - plain));
    plain = i + 1;
    if (escape != nullptr) {
      out += escape;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    }
  }
  out.append(s.substr(plain));
  out.push_back('"');
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string Display(const Term& t, const std::map<std::string, std::string>& prefixes) {
  if (t.IsIri()) {
    // The longest namespace that fits gives the shortest name.
    const std::pair<const std::string, std::string>* best = nullptr;
    for (const auto& entry : prefixes) {
      if (t.value.starts_with(entry.second) && (best == nullptr || entry.second.size() > best->second.size())) {
        best = &entry;
      }
    }
    if (best != nullptr) return best->first + ":" + t.value.substr(best->second.size());
    for (const auto& [prefix, ns] : kPrefixes) {
      if (std::string_view(t.value).starts_with(ns)) return std::string(prefix) + t.value.substr(ns.size());
    }
    return "<" + t.value + ">";
  }
  if (t.IsLiteral() && t.language.empty()) {
    const std::string_view dt = t.datatype;
    if (dt == kXsdString) return "\"" + t.value + "\"";
    if (dt.starts_with(kXsd)) {
      const std::string_view local = dt.substr(kXsd.size());
      if (local == "integer" || local == "decimal" || local == "double" || local == "boolean") return t.value;
      return "\"" + t.value + "\"^^xsd:" + std::string(local);
    }
  }
  if (t.IsTriple()) {
    return "<<( " + Display(t.triple[0], prefixes) + " " + Display(t.triple[1], prefixes) + " " +
           Display(t.triple[2], prefixes) + " )>>";
  }
  return t.ToNTriples();
}

bool IsResultFormat(std::string_view f) {
  return f == "table" || f == "json" || f == "jsonl" || f == "xml" || f == "csv" || f == "tsv" ||
         f == "ntriples" || f == "turtle" || IsGraphFormat(f);
}

absl::Status WriteResults(Cursor& cursor, std::string_view format, std::FILE* out, const TableOptions& table) {
  if (format == "table") return WriteTable(cursor, out, table);
  if (cursor.kind() == Cursor::Kind::kTriples && IsGraphFormat(format)) {
    std::map<std::string, std::string> prefixes = DefaultPrefixes();
    for (const auto& [name, iri] : table.prefixes) prefixes[name] = iri;
    const absl::StatusOr<DrawnGraph> graph = ReadGraph(cursor, prefixes);
    if (!graph.ok()) return graph.status();
    WriteGraph(*graph, format, out);
    return absl::OkStatus();
  }
  if (format == "graphml" || format == "dot") {
    return absl::InvalidArgumentError("--format " + std::string(format) + " is for CONSTRUCT and DESCRIBE");
  }
  if (cursor.kind() == Cursor::Kind::kTriples && !WritesSolutions(cursor, format)) {
    FileBuffer buffer(out);
    std::ostream stream(&buffer);
    std::map<std::string, std::string> prefixes = DefaultPrefixes();
    for (const auto& [name, iri] : table.prefixes) prefixes[name] = iri;
    return WriteTriples(cursor, format == "turtle" ? "turtle" : "ntriples", stream, prefixes);
  }
  if (format == "ntriples" || format == "turtle") {
    return absl::InvalidArgumentError("--format " + std::string(format) +
                                      " is for CONSTRUCT and DESCRIBE; use table, json, xml, csv or tsv");
  }
  SolutionWriter writer(cursor, format);
  std::string piece;
  while (true) {
    piece.clear();
    const absl::StatusOr<bool> more = writer.Next(piece);
    Put(out, piece);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
  }
}

bool WritesSolutions(const Cursor& cursor, std::string_view format) {
  if (format == "xml") return true;
  return cursor.kind() != Cursor::Kind::kTriples &&
         (format == "json" || format == "jsonl" || format == "csv" || format == "tsv");
}

SolutionWriter::SolutionWriter(Cursor& cursor, std::string_view format)
    : cursor_(cursor),
      format_(format == "jsonl" ? Format::kJsonLines
              : format == "xml" ? Format::kXml
              : format == "csv" ? Format::kCsv
              : format == "tsv" ? Format::kTsv
                                : Format::kJson) {}

absl::StatusOr<bool> SolutionWriter::Next(std::string& out) {
  if (stage_ == Stage::kDone) return false;
  if (stage_ == Stage::kHead) {
    stage_ = Stage::kRows;
    WriteHead(out);
    if (cursor_.kind() == Cursor::Kind::kBoolean) {
      stage_ = Stage::kDone;
      return false;
    }
    return true;
  }
  const absl::StatusOr<bool> more = cursor_.Next();
  if (!more.ok()) return more.status();
  if (!*more) {
    stage_ = Stage::kDone;
    WriteTail(out);
    return false;
  }
  WriteRow(out);
  return true;
}

void SolutionWriter::WriteHead(std::string& out) const {
  const auto& columns = cursor_.columns();
  const bool boolean = cursor_.kind() == Cursor::Kind::kBoolean;
  const char* answer = boolean ? (cursor_.boolean() ? "true" : "false") : nullptr;
  switch (format_) {
    case Format::kJsonLines:
      if (boolean) out += std::string("{\"boolean\":") + answer + "}\n";
      return;
    case Format::kJson:
      if (boolean) {
        out += std::string("{\"head\":{},\"boolean\":") + answer + "}\n";
        return;
      }
      out += "{\"head\":{\"vars\":[";
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) out.push_back(',');
        AppendJsonString(out, columns[i]);
      }
      out += "]},\"results\":{\"bindings\":[";
      return;
    case Format::kXml:
      out += "<?xml version=\"1.0\"?>\n<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n<head>\n";
      if (boolean) {
        out += std::string("</head>\n<boolean>") + answer + "</boolean>\n</sparql>\n";
        return;
      }
      for (const auto& c : columns) out += "  <variable name=\"" + XmlEscape(c) + "\"/>\n";
      out += "</head>\n<results>\n";
      return;
    case Format::kCsv:
    case Format::kTsv: {
      if (boolean) {
        out += std::string(answer) + "\n";
        return;
      }
      const bool csv = format_ == Format::kCsv;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) out += csv ? "," : "\t";
        out += csv ? columns[i] : "?" + columns[i];
      }
      out += csv ? "\r\n" : "\n";
      return;
    }
  }
}

void SolutionWriter::WriteRow(std::string& out) {
  const auto& columns = cursor_.columns();
  const auto& row = cursor_.row();
  switch (format_) {
    case Format::kJsonLines:
    case Format::kJson: {
      const bool lines = format_ == Format::kJsonLines;
      if (!lines) out += first_row_ ? "\n" : ",\n";
      first_row_ = false;
      out.push_back('{');
      bool first_binding = true;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (!row[i]) continue;
        if (!first_binding) out.push_back(',');
        first_binding = false;
        AppendJsonString(out, columns[i]);
        out.push_back(':');
        AppendJsonTerm(out, *row[i]);
      }
      out += lines ? "}\n" : "}";
      return;
    }
    case Format::kXml:
      out += "  <result>";
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (row[i]) out += "<binding name=\"" + XmlEscape(columns[i]) + "\">" + XmlTerm(*row[i]) + "</binding>";
      }
      out += "</result>\n";
      return;
    case Format::kCsv:
    case Format::kTsv: {
      const bool csv = format_ == Format::kCsv;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i) out += csv ? "," : "\t";
        if (csv) {
          out += CsvField(row[i]);
        } else if (row[i]) {
          out += row[i]->ToNTriples();
        }
      }
      out += csv ? "\r\n" : "\n";
      return;
    }
  }
}

void SolutionWriter::WriteTail(std::string& out) const {
  if (format_ == Format::kJson) out += "\n]}}\n";
  if (format_ == Format::kXml) out += "</results>\n</sparql>\n";
}

bool WritesPlainPlan(std::string_view format) { return format == "table" || format == "tsv" || format == "turtle"; }

absl::Status WritePlan(Cursor& cursor, std::FILE* out) {
  while (true) {
    const absl::StatusOr<bool> more = cursor.Next();
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    const auto& line = cursor.row().front();
    std::fprintf(out, "%s\n", line ? line->value.c_str() : "");
  }
}

int TerminalWidth() {
  const char* columns = std::getenv("COLUMNS");
  const int width = columns != nullptr ? std::atoi(columns) : 0;
  if (width > 20) return width;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  // Into a pipe or a file, nothing is cut: there is no screen to fit.
  return 0;
}

std::string SourceWithCaret(std::string_view text, int line, int column, std::string_view indent) {
  std::size_t start = 0;
  for (int l = 1; l < line && start != std::string_view::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string_view::npos) ++start;
  }
  if (start == std::string_view::npos) return "";
  const std::size_t end = text.find('\n', start);
  const std::string_view source = text.substr(start, end == std::string_view::npos ? end : end - start);
  std::string caret;
  std::size_t chars = 0;
  for (const char c : source) {
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    if (++chars >= static_cast<std::size_t>(column)) break;
    caret.push_back(c == '\t' ? '\t' : ' ');
  }
  return std::string(indent) + std::string(source) + "\n" + std::string(indent) + caret + "^";
}

std::string ExplainError(std::string_view text, std::string_view message) {
  int line = 0, column = 0;
  if (std::sscanf(std::string(message).c_str(), "%d:%d:", &line, &column) != 2 || line < 1 || column < 1) {
    return std::string(message);
  }
  const std::string shown = SourceWithCaret(text, line, column, "  ");
  return shown.empty() ? std::string(message) : std::string(message) + "\n" + shown;
}

}  // namespace relata::tools
