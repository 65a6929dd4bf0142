// Writers. Blank node labels that are not valid in the output syntax (the
// reader's generated "-N" labels) are rewritten to a valid, distinct form.
#include "query/rdf_writer.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "engine/base/strings.h"

namespace relata::query {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

void AppendBlank(std::string_view label, std::string* out) {
  out->append("_:");
  const bool valid = !label.empty() && (std::isalnum(static_cast<unsigned char>(label[0])) || label[0] == '_');
  if (valid) {
    out->append(label);
    return;
  }
  // Generated labels start with '-', which user labels never do: "-12" -> "g_12".
  out->append("g_");
  for (const char c : label) {
    if (IsNameChar(c) && c != '-') out->push_back(c);
  }
}

void AppendTerm(const Term& t, std::string* out, const PrefixList* prefixes);

void AppendIri(std::string_view iri, std::string* out, const PrefixList* prefixes) {
  if (prefixes != nullptr) {
    for (const auto& [name, ns] : *prefixes) {
      if (iri.size() <= ns.size() || iri.substr(0, ns.size()) != ns) continue;
      const std::string_view local = iri.substr(ns.size());
      bool ok = std::isalpha(static_cast<unsigned char>(local[0])) || local[0] == '_';
      for (const char c : local) ok = ok && IsNameChar(c);
      if (!ok) continue;
      absl::StrAppend(out, name, ":", ToAbsl(local));
      return;
    }
  }
  absl::StrAppend(out, "<", ToAbsl(iri), ">");
}

// Turtle's bare forms for numbers and booleans whose lexical form the reader
// would give back unchanged.
bool AppendBareLiteral(const Term& t, std::string* out) {
  if (t.datatype.size() <= kXsd.size() || t.datatype.substr(0, kXsd.size()) != kXsd) return false;
  const std::string_view type = std::string_view(t.datatype).substr(kXsd.size());
  const std::string_view v = t.value;
  if (type == "boolean" && (v == "true" || v == "false")) {
    out->append(v);
    return true;
  }
  if (type != "integer" && type != "decimal") return false;
  std::size_t i = (!v.empty() && (v[0] == '+' || v[0] == '-')) ? 1 : 0;
  std::size_t digits = 0, dots = 0, after_dot = 0;
  for (; i < v.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) {
      ++digits;
      if (dots) ++after_dot;
    } else if (v[i] == '.') {
      ++dots;
    } else {
      return false;
    }
  }
  const bool ok = type == "integer" ? digits > 0 && dots == 0 : dots == 1 && after_dot > 0;
  if (ok) out->append(v);
  return ok;
}

void AppendTerm(const Term& t, std::string* out, const PrefixList* prefixes) {
  switch (t.kind) {
    case TermKind::kIri:
      AppendIri(t.value, out, prefixes);
      return;
    case TermKind::kBlank:
      AppendBlank(t.value, out);
      return;
    case TermKind::kLiteral:
      if (prefixes != nullptr && AppendBareLiteral(t, out)) return;
      out->push_back('"');
      AppendEscapedLiteral(t.value, out);
      out->push_back('"');
      if (!t.language.empty()) {
        absl::StrAppend(out, "@", t.language);
        if (!t.direction.empty()) absl::StrAppend(out, "--", t.direction);
      } else if (t.datatype != kXsdString) {
        out->append("^^");
        AppendIri(t.datatype, out, prefixes);
      }
      return;
    case TermKind::kTriple:
      out->append("<<( ");
      for (const Term& part : t.triple) {
        AppendTerm(part, out, prefixes);
        out->push_back(' ');
      }
      out->append(")>>");
      return;
  }
}

void AppendLine(const Quad& quad, bool with_graph, std::string* line) {
  AppendTerm(quad.subject, line, nullptr);
  line->push_back(' ');
  AppendTerm(quad.predicate, line, nullptr);
  line->push_back(' ');
  AppendTerm(quad.object, line, nullptr);
  if (with_graph && !quad.InDefaultGraph()) {
    line->push_back(' ');
    AppendTerm(quad.graph, line, nullptr);
  }
  line->append(" .\n");
}

class LineWriter : public RdfWriter {
 public:
  LineWriter(std::ostream& out, bool quads) : out_(out), quads_(quads) {}
  void Write(const Quad& quad) override {
    line_.clear();
    AppendLine(quad, quads_, &line_);
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }
  void Finish() override { out_.flush(); }

 private:
  std::ostream& out_;
  bool quads_;
  std::string line_;
};

class PrettyWriter : public RdfWriter {
 public:
  PrettyWriter(std::ostream& out, bool graphs, PrefixList prefixes)
      : out_(out), graphs_(graphs), prefixes_(std::move(prefixes)) {
    for (const auto& [name, ns] : prefixes_) out_ << "PREFIX " << name << ": <" << ns << ">\n";
    if (!prefixes_.empty()) out_ << "\n";
  }

  void Write(const Quad& quad) override {
    buf_.clear();
    const Term& graph = graphs_ ? quad.graph : kDefault;
    const bool same_graph = started_ && graph == graph_;
    if (started_ && same_graph && quad.subject == subject_ && quad.predicate == predicate_) {
      buf_.append(" ,\n");
      Indent(2);
    } else if (started_ && same_graph && quad.subject == subject_) {
      buf_.append(" ;\n");
      Indent(1);
      AppendTerm(quad.predicate, &buf_, &prefixes_);
      buf_.push_back(' ');
    } else {
      if (started_) buf_.append(" .\n");
      if (!same_graph) {
        if (started_ && in_block_) buf_.append("}\n");
        in_block_ = !(graph.IsIri() && graph.value.empty());
        if (in_block_) {
          buf_.append(started_ ? "\nGRAPH " : "GRAPH ");
          AppendTerm(graph, &buf_, &prefixes_);
          buf_.append(" {\n");
        }
        graph_ = graph;
      } else {
        buf_.push_back('\n');
      }
      Indent(0);
      AppendTerm(quad.subject, &buf_, &prefixes_);
      buf_.push_back(' ');
      AppendTerm(quad.predicate, &buf_, &prefixes_);
      buf_.push_back(' ');
      subject_ = quad.subject;
      started_ = true;
    }
    predicate_ = quad.predicate;
    AppendTerm(quad.object, &buf_, &prefixes_);
    out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  }

  void Finish() override {
    if (started_) out_ << " .\n";
    if (in_block_) out_ << "}\n";
    out_.flush();
  }

 private:
  void Indent(int level) {
    buf_.append(static_cast<std::size_t>((in_block_ ? 2 : 0) + 4 * level), ' ');
  }

  inline static const Term kDefault{};
  std::ostream& out_;
  bool graphs_;
  PrefixList prefixes_;
  bool started_ = false, in_block_ = false;
  Term graph_, subject_, predicate_;
  std::string buf_;
};

}  // namespace

std::unique_ptr<RdfWriter> RdfWriter::Create(RdfFormat format, std::ostream& out,
                                             PrefixList prefixes) {
  switch (format) {
    case RdfFormat::kNTriples: return std::make_unique<LineWriter>(out, false);
    case RdfFormat::kNQuads: return std::make_unique<LineWriter>(out, true);
    case RdfFormat::kTurtle: return std::make_unique<PrettyWriter>(out, false, std::move(prefixes));
    case RdfFormat::kTrig: return std::make_unique<PrettyWriter>(out, true, std::move(prefixes));
  }
  return nullptr;
}

std::string ToNQuadsLine(const Quad& quad) {
  std::string line;
  AppendLine(quad, true, &line);
  return line;
}

std::string ToTurtleTerm(const Term& term, const PrefixList& prefixes) {
  std::string text;
  AppendTerm(term, &text, &prefixes);
  return text;
}

}  // namespace relata::query
