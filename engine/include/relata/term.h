// An RDF 1.2 term as users see it: IRI, blank node, literal or triple term.
#ifndef RELATA_TERM_H_
#define RELATA_TERM_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relata {

enum class TermKind { kIri, kBlank, kLiteral, kTriple };

inline constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema#";
inline constexpr std::string_view kXsdString = "http://www.w3.org/2001/XMLSchema#string";
// The IRI of an XML Schema datatype by its local name: XsdIri("integer").
inline std::string XsdIri(std::string_view local) { return std::string(kXsd).append(local); }
inline constexpr std::string_view kRdfLangString =
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
inline constexpr std::string_view kRdfDirLangString =
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString";

// A value type. For literals `value` is the lexical form, `datatype` is never
// empty (xsd:string for simple literals, rdf:langString or rdf:dirLangString
// when `language` is set). A triple term keeps subject, predicate and object in
// `triple`.
struct Term {
  TermKind kind = TermKind::kIri;
  std::string value;
  std::string datatype;
  std::string language;
  std::string direction;  // "ltr", "rtl" or empty
  std::vector<Term> triple;

  static Term Iri(std::string_view iri);
  static Term Blank(std::string_view label);
  static Term Literal(std::string_view lexical,
                      std::string_view datatype = kXsdString);
  static Term LangLiteral(std::string_view lexical, std::string_view language,
                          std::string_view direction = {});
  static Term Triple(Term subject, Term predicate, Term object);

  bool IsIri() const { return kind == TermKind::kIri; }
  bool IsBlank() const { return kind == TermKind::kBlank; }
  bool IsLiteral() const { return kind == TermKind::kLiteral; }
  bool IsTriple() const { return kind == TermKind::kTriple; }

  // The term in N-Triples syntax, e.g. `<http://x>` or `"a"@en`.
  std::string ToNTriples() const;

  friend bool operator==(const Term&, const Term&) = default;
  // Member by member: readers and loaders trade terms back and forth to
  // reuse their buffers, and the generic three-move swap costs several times
  // more.
  friend void swap(Term& a, Term& b) noexcept {
    std::swap(a.kind, b.kind);
    a.value.swap(b.value);
    a.datatype.swap(b.datatype);
    a.language.swap(b.language);
    a.direction.swap(b.direction);
    a.triple.swap(b.triple);
  }
};

// A quad whose graph is the default graph when `graph` is not set
// (graph.value empty and graph.kind == kIri).
struct Quad {
  Term subject, predicate, object, graph;

  bool InDefaultGraph() const { return graph.IsIri() && graph.value.empty(); }
  friend bool operator==(const Quad&, const Quad&) = default;
};

// Appends `text` to `out` escaped for an N-Triples string literal body, in the
// canonical form of RDF 1.2 N-Triples.
void AppendEscapedLiteral(std::string_view text, std::string* out);

}  // namespace relata

#endif  // RELATA_TERM_H_
