#include "tests/testing/rdfxml.h"

#include <map>

#include "query/iri.h"
#include "tests/testing/xml.h"

namespace relata::testing {
namespace {

constexpr char kRdf[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

class RdfXmlReader {
 public:
  explicit RdfXmlReader(std::string base) : base_(std::move(base)) {}

  absl::StatusOr<std::vector<Quad>> Read(const xml::Element& root) {
    for (const auto& top : root.children) {
      Scope scope = Namespaces(*top, {});
      if (Expand(top->name, scope) == std::string(kRdf) + "RDF") {
        for (const auto& node : top->children) Node(*node, scope);
      } else {
        Node(*top, scope);
      }
    }
    if (!error_.empty()) return absl::InvalidArgumentError(error_);
    return quads_;
  }

 private:
  struct Scope {
    std::map<std::string, std::string> prefixes;
    std::string language;
  };

  static Scope Namespaces(const xml::Element& e, Scope scope) {
    for (const auto& [name, value] : e.attributes) {
      if (name == "xmlns") scope.prefixes[""] = value;
      if (name.rfind("xmlns:", 0) == 0) scope.prefixes[name.substr(6)] = value;
      if (name == "xml:lang") scope.language = value;
    }
    return scope;
  }
  std::string Expand(const std::string& qname, const Scope& scope) {
    const auto colon = qname.find(':');
    const std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
    const auto it = scope.prefixes.find(prefix);
    if (it == scope.prefixes.end()) {
      error_ = "undeclared prefix in " + qname;
      return qname;
    }
    return it->second + qname.substr(colon == std::string::npos ? 0 : colon + 1);
  }
  Term Fresh() { return Term::Blank("x" + std::to_string(next_blank_++)); }

  // A node element: its subject, type and properties.
  Term Node(const xml::Element& e, Scope scope) {
    scope = Namespaces(e, std::move(scope));
    Term subject = Fresh();
    for (const auto& [name, value] : e.attributes) {
      if (name == "rdf:about") subject = Term::Iri(query::ResolveIri(base_, value));
      if (name == "rdf:nodeID") subject = Term::Blank(value);
    }
    const std::string type = Expand(e.name, scope);
    if (type != std::string(kRdf) + "Description") {
      quads_.push_back({subject, Term::Iri(std::string(kRdf) + "type"), Term::Iri(type), {}});
    }
    Properties(subject, e, scope);
    return subject;
  }

  void Properties(const Term& subject, const xml::Element& e, const Scope& scope) {
    for (const auto& [name, value] : e.attributes) {
      if (name.rfind("xmlns", 0) == 0 || name.rfind("xml:", 0) == 0 || name.rfind("rdf:", 0) == 0) continue;
      quads_.push_back({subject, Term::Iri(Expand(name, scope)), Literal(value, "", scope), {}});
    }
    for (const auto& child : e.children) Property(subject, *child, scope);
  }

  Term Literal(const std::string& text, const std::string& datatype, const Scope& scope) {
    if (!datatype.empty()) return Term::Literal(text, datatype);
    if (!scope.language.empty()) return Term::LangLiteral(text, scope.language);
    return Term::Literal(text);
  }

  void Property(const Term& subject, const xml::Element& e, Scope scope) {
    scope = Namespaces(e, std::move(scope));
    const Term predicate = Term::Iri(Expand(e.name, scope));
    const auto attribute = [&](const char* name) -> const std::string* {
      const auto it = e.attributes.find(name);
      return it == e.attributes.end() ? nullptr : &it->second;
    };
    Term object;
    if (const std::string* resource = attribute("rdf:resource")) {
      object = Term::Iri(query::ResolveIri(base_, *resource));
    } else if (const std::string* node = attribute("rdf:nodeID")) {
      object = Term::Blank(*node);
    } else if (const std::string* parse = attribute("rdf:parseType"); parse != nullptr && *parse == "Resource") {
      object = Fresh();
      Properties(object, e, scope);
    } else if (!e.children.empty()) {
      object = Node(*e.children.front(), scope);
    } else {
      const std::string* datatype = attribute("rdf:datatype");
      object = Literal(e.text, datatype != nullptr ? *datatype : "", scope);
    }
    quads_.push_back({subject, predicate, object, {}});
  }

  std::string base_;
  std::vector<Quad> quads_;
  int next_blank_ = 0;
  std::string error_;
};

}  // namespace

absl::StatusOr<std::vector<Quad>> ParseRdfXml(std::string_view text, const std::string& base_iri) {
  const auto root = xml::Parse(text);
  return RdfXmlReader(base_iri).Read(*root);
}

}  // namespace relata::testing
