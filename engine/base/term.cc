// Construction and N-Triples rendering of terms.
#include "relata/term.h"

#include <cstdio>

namespace relata {

Term Term::Iri(std::string_view iri) {
  Term t;
  t.kind = TermKind::kIri;
  t.value = iri;
  return t;
}

Term Term::Blank(std::string_view label) {
  Term t;
  t.kind = TermKind::kBlank;
  t.value = label;
  return t;
}

Term Term::Literal(std::string_view lexical, std::string_view datatype) {
  Term t;
  t.kind = TermKind::kLiteral;
  t.value = lexical;
  t.datatype = datatype;
  return t;
}

Term Term::LangLiteral(std::string_view lexical, std::string_view language,
                       std::string_view direction) {
  Term t = Literal(lexical, direction.empty() ? kRdfLangString : kRdfDirLangString);
  t.language = language;
  t.direction = direction;
  return t;
}

Term Term::Triple(Term subject, Term predicate, Term object) {
  Term t;
  t.kind = TermKind::kTriple;
  t.triple.reserve(3);
  t.triple.push_back(std::move(subject));
  t.triple.push_back(std::move(predicate));
  t.triple.push_back(std::move(object));
  return t;
}

void AppendEscapedLiteral(std::string_view text, std::string* out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // U+FFFE and U+FFFF (EF BF BE/BF) are noncharacters: canonical form escapes them.
    if (c == '\xEF' && i + 2 < text.size() && text[i + 1] == '\xBF' &&
        (text[i + 2] == '\xBE' || text[i + 2] == '\xBF')) {
      out->append(text[i + 2] == '\xBE' ? "\\uFFFE" : "\\uFFFF");
      i += 2;
      continue;
    }
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned char>(c));
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
}

namespace {

void AppendNTriples(const Term& t, std::string* out) {
  switch (t.kind) {
    case TermKind::kIri:
      out->push_back('<');
      out->append(t.value);
      out->push_back('>');
      return;
    case TermKind::kBlank:
      out->append("_:");
      out->append(t.value);
      return;
    case TermKind::kLiteral:
      out->push_back('"');
      AppendEscapedLiteral(t.value, out);
      out->push_back('"');
      if (!t.language.empty()) {
        out->push_back('@');
        out->append(t.language);
        if (!t.direction.empty()) {
          out->append("--");
          out->append(t.direction);
        }
      } else if (t.datatype != kXsdString) {
        out->append("^^<");
        out->append(t.datatype);
        out->push_back('>');
      }
      return;
    case TermKind::kTriple:
      out->append("<<( ");
      for (const Term& part : t.triple) {
        AppendNTriples(part, out);
        out->push_back(' ');
      }
      out->append(")>>");
      return;
  }
}

}  // namespace

std::string Term::ToNTriples() const {
  std::string out;
  AppendNTriples(*this, &out);
  return out;
}

}  // namespace relata
