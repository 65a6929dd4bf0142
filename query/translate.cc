// The entry points: a query or update unit and its prologue, translated
// by the Translator (query/translator.h).
#include "query/translate.h"

#include "query/iri.h"
#include "query/translator.h"

namespace relata::query::translation {

Query Translator::QueryUnit(const Node& root) {
  Query query;
  for (const auto& child : root.children) {
    const Node& n = *child;
    if (Prologue(n)) {
      continue;
    } else if (n.is_type<g::SelectQuery>() || n.is_type<g::ConstructQuery>() ||
               n.is_type<g::AskQuery>() || n.is_type<g::DescribeQuery>()) {
      query = QueryForm(n);
    } else if (n.is_type<g::InlineData>()) {
      query.values = Values(n);
    }
  }
  query.variable_names = names_;
  query.base_iri = base_;
  query.prefixes = prefixes_;
  return query;
}

::relata::query::Update Translator::UpdateUnit(const Node& root) {
  ::relata::query::Update update;
  for (const auto& child : root.children) {
    if (!Prologue(*child)) update.operations.push_back(Operation(*child));
  }
  update.base_iri = base_;
  update.variable_names = names_;
  return update;
}

bool Translator::Prologue(const Node& n) {
  // SPARQL 1.2 lets a VERSION declaration stand before any operation of an
  // update; it says which language the text is written in and changes
  // nothing we do.
  if (n.is_type<g::VersionDecl>()) return true;
  if (n.is_type<g::BaseDecl>()) {
    base_ = ResolveIri(base_, IriRefText(*n.children.at(0)));
    return true;
  }
  if (n.is_type<g::PrefixDecl>()) {
    const std::string_view prefix = Core(n.children.at(0)->string_view());
    prefixes_[std::string(prefix.substr(0, prefix.size() - 1))] = ResolveIri(base_, IriRefText(*n.children.at(1)));
    return true;
  }
  return false;
}

void Translator::Fail(const Node& at, std::string_view message) const {
  if (error_.ok()) {
    error_ = absl::InvalidArgumentError(absl::StrCat(TextPosition(text_, Offset(at)), ": ", ToAbsl(message)));
  }
}

}  // namespace relata::query::translation

namespace relata::query {


absl::StatusOr<Query> Translate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                const ParseOptions& options) {
  translation::Translator translator(text, options);
  Query query = translator.QueryUnit(root);
  if (!translator.error().ok()) return translator.error();
  query.bound_by_caller = std::move(translator.unbound_starts());
  return query;
}

absl::StatusOr<Update> TranslateUpdate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                       const ParseOptions& options) {
  translation::Translator translator(text, options);
  Update update = translator.UpdateUnit(root);
  if (!translator.error().ok()) return translator.error();
  // An update has no bindings of its caller.
  if (!translator.unbound_starts().empty()) return absl::InvalidArgumentError(translator.unbound_starts()[0].second);
  return update;
}

}  // namespace relata::query

