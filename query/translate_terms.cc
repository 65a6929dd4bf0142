// Variables, IRIs (prefixed names resolved, relative ones against the
// base), literals and the constants of VALUES.
#include "query/iri.h"
#include "query/translator.h"
#include "query/uchar.h"

namespace relata::query::translation {

VarId Translator::Variable(const std::string& name) {
  const auto [it, inserted] = var_ids_.try_emplace(name, static_cast<VarId>(names_->size()));
  if (inserted) names_->push_back(name);
  return it->second;
}

std::string Translator::IriRefText(const Node& n) {
  const std::string_view text = n.string_view();
  std::string iri;
  if (const char* error = Unescape(text.substr(1, text.size() - 2), &iri)) Fail(n, error);
  return iri;
}

std::string Translator::Iri(const Node& n) {
  const Node& inner = n.children.empty() ? n : *n.children.front();
  if (inner.is_type<grammar::IriRef>()) return ResolveIri(base_, IriRefText(inner));
  const std::string_view text = inner.string_view();
  const auto colon = text.find(':');
  const auto it = prefixes_.find(std::string(text.substr(0, colon)));
  if (it == prefixes_.end()) {
    Fail(inner, absl::StrCat("undefined prefix '", ToAbsl(text.substr(0, colon + 1)),
                             "' (declare it with PREFIX)"));
    return "";
  }
  std::string iri = it->second;
  const std::string_view local = text.substr(colon + 1);
  for (std::size_t i = 0; i < local.size(); ++i) {
    if (local[i] == '\\') ++i;
    iri.push_back(local[i]);
  }
  return iri;
}

bool Translator::IsLiteralNode(const Node& n) {
  return n.is_type<g::RdfLiteral>() || n.is_type<g::NumericLiteralUnsigned>() ||
         n.is_type<g::NumericLiteralPositive>() || n.is_type<g::NumericLiteralNegative>() ||
         n.is_type<g::KwTrue>() || n.is_type<g::KwFalse>();
}

Term Translator::Literal(const Node& n) {
  if (n.is_type<g::KwTrue>()) return Term::Literal("true", XsdIri("boolean"));
  if (n.is_type<g::KwFalse>()) return Term::Literal("false", XsdIri("boolean"));
  if (!n.is_type<g::RdfLiteral>()) {
    const std::string_view number = Core(n.string_view());
    const char* type = number.find_first_of("eE") != std::string_view::npos ? "double"
                       : number.find('.') != std::string_view::npos        ? "decimal"
                                                                           : "integer";
    return Term::Literal(number, XsdIri(type));
  }
  const std::string lexical = StringValue(*n.children.at(0));
  if (n.children.size() == 1) return Term::Literal(lexical);
  const Node& suffix = *n.children[1];
  if (suffix.is_type<grammar::LangDir>()) {
    const std::string_view tag = suffix.string_view().substr(1);
    const auto dashes = tag.find("--");
    if (dashes == std::string_view::npos) return Term::LangLiteral(lexical, AsciiLower(tag));
    return Term::LangLiteral(lexical, AsciiLower(tag.substr(0, dashes)),
                             AsciiLower(tag.substr(dashes + 2)));
  }
  return Term::Literal(lexical, Iri(suffix));
}

std::string Translator::StringValue(const Node& quoted) {
  const std::string_view text = quoted.string_view();
  const std::size_t quote = quoted.is_type<grammar::StringLiteralLongQuote>() ||
                                    quoted.is_type<grammar::StringLiteralLongSingleQuote>()
                                ? 3
                                : 1;
  std::string value;
  if (const char* error = Unescape(text.substr(quote, text.size() - 2 * quote), &value)) {
    Fail(quoted, error);
  }
  return value;
}

std::optional<Term> Translator::DataValue(const Node& n) {
  if (!CheckStack(n)) return std::nullopt;
  if (n.is_type<g::KwUndef>()) return std::nullopt;
  if (n.is_type<g::Iri>()) return Term::Iri(Iri(n));
  if (n.is_type<g::A>()) return Term::Iri(Rdf("type"));
  if (n.is_type<g::DataTripleTerm>()) {
    std::optional<Term> parts[3];
    for (int i = 0; i < 3; ++i) {
      parts[i] = DataValue(*n.children.at(static_cast<std::size_t>(i)));
      if (!parts[i]) return std::nullopt;  // the translation failed inside (an error is kept)
    }
    return Term::Triple(*parts[0], *parts[1], *parts[2]);
  }
  return Literal(n);
}

}  // namespace relata::query::translation
