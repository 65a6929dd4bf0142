// Runs the SPARQL grammar and, on failure, reports the furthest token the
// parser tried and could not match: for a PEG that is where the text stops
// making sense, and the tokens tried there are what could have come next.
#include "query/sparql_parser.h"

#include <algorithm>
#include <map>
#include <set>
#include <type_traits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "query/grammar/sparql.h"
#include "query/stack_guard.h"
#include "query/translate.h"
#include "query/uchar.h"
#include "tao/pegtl/contrib/parse_tree.hpp"

namespace relata::query {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar::sparql;

// What a token is called in an error message; rules without a name are not
// tokens and do not count. Keywords and punctuation are named by their text,
// also through the rules derived from them (LBrace, KwSelect, ...).
template <char... Cs>
struct Text {
  static constexpr char value[] = {Cs..., '\0'};
};
template <char... Cs>
struct Quoted {
  static constexpr char value[] = {'\'', Cs..., '\'', '\0'};
};
template <char... Cs>
constexpr const char* NameOf(const g::Keyword<pegtl::ascii::istring<Cs...>>*) {
  return Text<Cs...>::value;
}
template <char... Cs>
constexpr const char* NameOf(const g::Punct<Cs...>*) {
  return Quoted<Cs...>::value;
}
// Whether NameOf finds a name, asked without comparing addresses (which the
// sanitizers keep from being constant).
constexpr bool Named(const void*) { return false; }
template <char... Cs>
constexpr bool Named(const g::Keyword<pegtl::ascii::istring<Cs...>>*) { return true; }
template <char... Cs>
constexpr bool Named(const g::Punct<Cs...>*) { return true; }

template <typename Rule>
struct TokenName {
  static constexpr bool named = Named(static_cast<const Rule*>(nullptr));
  static constexpr const char* value = NameOf(static_cast<const Rule*>(nullptr));
};
#define RELATA_TOKEN_NAME(rule, text)          \
  template <>                                  \
  struct TokenName<rule> {                     \
    static constexpr bool named = true;        \
    static constexpr const char* value = text; \
  }
RELATA_TOKEN_NAME(g::Var, "a variable");
RELATA_TOKEN_NAME(g::Iri, "an IRI");
// Not the string token itself: it holds selected nodes, and the parse tree
// calls the control of such rules only for the nodes it builds.
RELATA_TOKEN_NAME(g::RdfLiteral, "a string");
RELATA_TOKEN_NAME(g::NumericLiteralUnsigned, "a number");
RELATA_TOKEN_NAME(g::IntegerValue, "an integer");
RELATA_TOKEN_NAME(g::Star, "'*'");
RELATA_TOKEN_NAME(g::Nil, "'()'");
RELATA_TOKEN_NAME(g::Anon, "'[]'");
RELATA_TOKEN_NAME(g::A, "'a'");
RELATA_TOKEN_NAME(g::TtOpen, "'<<('");
RELATA_TOKEN_NAME(g::TtClose, "')>>'");
RELATA_TOKEN_NAME(g::RtOpen, "'<<'");
RELATA_TOKEN_NAME(g::RtClose, "'>>'");
RELATA_TOKEN_NAME(pegtl::eof, "the end of the query");
#undef RELATA_TOKEN_NAME

// What the parse keeps besides the grammar: the furthest failure for the
// error message, and what the scope rules checked during the parse need.
struct ParseState {
  StackGuard stack;
  std::vector<const char*> starts;  // where each token being tried began
  const char* furthest = nullptr;
  std::set<std::string> expected;
  // Blank node labels: the basic graph pattern each was first used in. A
  // triples block starts a basic graph pattern unless only FILTERs stand
  // between it and the block before it in the same group.
  struct Group {
    int last_bgp = -1;  // the pattern a following block may continue
    bool filter_seen = false;
  };
  std::vector<Group> groups;
  int next_bgp = 0;
  std::vector<int> bgps;  // the open triples blocks' patterns
  std::map<std::string, int> label_bgp;
  // VALUES: variables in the header, values in the current row.
  std::set<std::string> values_vars;
  std::size_t values_row = 0;
};

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};
// \u escapes must name a Unicode scalar value: not half of a UTF-16
// surrogate pair, not beyond U+10FFFF.
template <>
struct Action<grammar::Uchar> {
  template <typename Input>
  static void apply(const Input& in, ParseState&) {
    if (const char* error = DecodeUcharEscape(in.string_view()).error) throw pegtl::parse_error(error, in);
  }
};

template <>
struct Action<grammar::BlankNodeLabel> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    if (st.bgps.empty()) return;  // CONSTRUCT templates make fresh nodes
    const auto [it, inserted] = st.label_bgp.try_emplace(in.string(), st.bgps.back());
    if (!inserted && it->second != st.bgps.back()) {
      throw pegtl::parse_error("blank node " + in.string() +
                                   " is used in two basic graph patterns; use a variable to join them",
                               in);
    }
  }
};

template <>
struct Action<g::ValuesHeaderStart> {
  template <typename Input>
  static void apply(const Input&, ParseState& st) {
    st.values_vars.clear();
  }
};
template <>
struct Action<g::ValuesVar> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    // The token runs on over the white space and comments after the name,
    // which holds neither.
    const std::string_view token = in.string_view();
    const std::string name(token.substr(0, token.find_first_of(" \t\r\n#")));
    if (!st.values_vars.insert(name.substr(1)).second) {
      throw pegtl::parse_error("variable " + name + " appears twice in the VALUES header", in);
    }
  }
};
template <>
struct Action<g::ValuesRowStart> {
  template <typename Input>
  static void apply(const Input&, ParseState& st) {
    st.values_row = 0;
  }
};
template <>
struct Action<g::ValuesValue> {
  template <typename Input>
  static void apply(const Input&, ParseState& st) { ++st.values_row; }
};
template <>
struct Action<g::ValuesRowEnd> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    if (st.values_row != st.values_vars.size()) {
      throw pegtl::parse_error("this VALUES row has " + std::to_string(st.values_row) +
                                   " values for " + std::to_string(st.values_vars.size()) +
                                   " variables",
                               in);
    }
  }
};

template <typename Rule>
struct Control : pegtl::normal<Rule> {
  template <typename Input, typename... States>
  [[noreturn]] static void raise(const Input& in, States&&...) {
    const char* message = grammar::TerminalMessage<Rule>::value;
    throw pegtl::parse_error(message != nullptr ? message : "syntax error", in);
  }
  template <typename Input>
  static void start(const Input& in, ParseState& st) {
    // Every level of nesting passes here: through a token or a node of the tree.
    if (st.stack.Exhausted()) throw pegtl::parse_error("the query nests too deeply here", in);
    if constexpr (TokenName<Rule>::named) st.starts.push_back(in.current());
    if constexpr (std::is_same_v<Rule, g::GroupGraphPattern>) st.groups.emplace_back();
    if constexpr (std::is_same_v<Rule, g::TriplesBlock>) {
      ParseState::Group* group = st.groups.empty() ? nullptr : &st.groups.back();
      const bool continues = group != nullptr && group->filter_seen && group->last_bgp >= 0;
      const int bgp = continues ? group->last_bgp : st.next_bgp++;
      st.bgps.push_back(bgp);
      if (group != nullptr) {
        group->last_bgp = bgp;
        group->filter_seen = false;
      }
    }
  }
  template <typename Input>
  static void success(const Input&, ParseState& st) {
    if constexpr (TokenName<Rule>::named) st.starts.pop_back();
    if constexpr (std::is_same_v<Rule, g::GroupGraphPattern>) st.groups.pop_back();
    if constexpr (std::is_same_v<Rule, g::TriplesBlock>) st.bgps.pop_back();
    if constexpr (std::is_same_v<Rule, g::Filter>) {
      if (!st.groups.empty()) st.groups.back().filter_seen = true;
    }
    // Any other pattern between two triples blocks ends the first one's BGP.
    if constexpr (std::is_same_v<Rule, g::GraphPatternNotTriples>) {
      if (!st.groups.empty() && !st.groups.back().filter_seen) st.groups.back().last_bgp = -1;
    }
  }
  template <typename Input>
  static void failure(const Input&, ParseState& st) {
    if constexpr (std::is_same_v<Rule, g::GroupGraphPattern>) st.groups.pop_back();
    if constexpr (std::is_same_v<Rule, g::TriplesBlock>) st.bgps.pop_back();
    if constexpr (TokenName<Rule>::named) {
      const char* at = st.starts.back();
      st.starts.pop_back();
      if (st.furthest == nullptr || at > st.furthest) {
        st.furthest = at;
        st.expected.clear();
      }
      if (at == st.furthest) st.expected.insert(TokenName<Rule>::value);
    }
  }
};



// The rules the translation reads; the rest only hold them together.
template <typename Rule>
struct Selector : std::false_type {};
#define RELATA_SELECT(rule) \
  template <>               \
  struct Selector<rule> : std::true_type {}
RELATA_SELECT(grammar::IriRef); RELATA_SELECT(g::PrefixedName); RELATA_SELECT(grammar::PnameNs);
RELATA_SELECT(grammar::BlankNodeLabel); RELATA_SELECT(grammar::LangDir);
RELATA_SELECT(grammar::StringLiteralQuote); RELATA_SELECT(grammar::StringLiteralSingleQuote);
RELATA_SELECT(grammar::StringLiteralLongQuote); RELATA_SELECT(grammar::StringLiteralLongSingleQuote);
RELATA_SELECT(g::Var); RELATA_SELECT(g::Iri); RELATA_SELECT(g::Anon); RELATA_SELECT(g::Nil);
RELATA_SELECT(g::A); RELATA_SELECT(g::RdfLiteral); RELATA_SELECT(g::NumericLiteralUnsigned);
RELATA_SELECT(g::NumericLiteralPositive); RELATA_SELECT(g::NumericLiteralNegative);
RELATA_SELECT(g::KwTrue); RELATA_SELECT(g::KwFalse); RELATA_SELECT(g::KwUndef);
RELATA_SELECT(g::KwDistinct); RELATA_SELECT(g::KwReduced); RELATA_SELECT(g::KwNamed);
RELATA_SELECT(g::KwSilent); RELATA_SELECT(g::IntegerValue);
RELATA_SELECT(g::BuiltInCall); RELATA_SELECT(g::Aggregate); RELATA_SELECT(g::Separator);
RELATA_SELECT(g::ExistsFunc); RELATA_SELECT(g::NotExistsFunc); RELATA_SELECT(g::IriOrFunction);
RELATA_SELECT(g::FunctionCall); RELATA_SELECT(g::ArgList); RELATA_SELECT(g::ExpressionList);
RELATA_SELECT(g::ExprTripleTerm); RELATA_SELECT(g::TripleTerm); RELATA_SELECT(g::ReifiedTriple);
RELATA_SELECT(g::Reifier); RELATA_SELECT(g::AnnotationBlock); RELATA_SELECT(g::AnnotationPathBlock);
RELATA_SELECT(g::Verb); RELATA_SELECT(g::SimpleVerb); RELATA_SELECT(g::GraphNode);
RELATA_SELECT(g::GraphNodePath); RELATA_SELECT(g::Object); RELATA_SELECT(g::ObjectPath);
RELATA_SELECT(g::PropertyListNotEmpty); RELATA_SELECT(g::PropertyListPathNotEmpty);
RELATA_SELECT(g::VerbObjectListPath); RELATA_SELECT(g::Path); RELATA_SELECT(g::PathSequence);
RELATA_SELECT(g::PathEltOrInverse); RELATA_SELECT(g::PathElt); RELATA_SELECT(g::PathMod);
RELATA_SELECT(g::PathNegatedPropertySet); RELATA_SELECT(g::PathOneInPropertySet);
RELATA_SELECT(g::BlankNodePropertyList); RELATA_SELECT(g::BlankNodePropertyListPath);
RELATA_SELECT(g::Collection); RELATA_SELECT(g::CollectionPath);
RELATA_SELECT(g::TriplesSameSubject); RELATA_SELECT(g::TriplesSameSubjectPath);
RELATA_SELECT(g::TriplesBlock); RELATA_SELECT(g::TriplesTemplate); RELATA_SELECT(g::ConstructTriples);
RELATA_SELECT(g::ConstructTemplate); RELATA_SELECT(g::DataTripleTerm); RELATA_SELECT(g::ValuesVar);
RELATA_SELECT(g::ValuesValue); RELATA_SELECT(g::ValuesRow); RELATA_SELECT(g::InlineData);
RELATA_SELECT(g::OptionalGraphPattern); RELATA_SELECT(g::GraphGraphPattern);
RELATA_SELECT(g::ServiceGraphPattern); RELATA_SELECT(g::Bind); RELATA_SELECT(g::MinusGraphPattern);
RELATA_SELECT(g::GroupOrUnionGraphPattern); RELATA_SELECT(g::Filter); RELATA_SELECT(g::GroupGraphPattern);
RELATA_SELECT(g::SelectExpression); RELATA_SELECT(g::SelectClause); RELATA_SELECT(g::GroupCondition);
RELATA_SELECT(g::GroupClause); RELATA_SELECT(g::HavingClause); RELATA_SELECT(g::OrderCondition);
RELATA_SELECT(g::OrderClause); RELATA_SELECT(g::LimitClause); RELATA_SELECT(g::OffsetClause);
RELATA_SELECT(g::SubSelect); RELATA_SELECT(g::DatasetClause); RELATA_SELECT(g::SelectQuery);
RELATA_SELECT(g::ConstructQuery); RELATA_SELECT(g::DescribeQuery); RELATA_SELECT(g::AskQuery);
RELATA_SELECT(g::BaseDecl); RELATA_SELECT(g::PrefixDecl); RELATA_SELECT(g::VersionDecl);
RELATA_SELECT(g::GraphRef); RELATA_SELECT(g::GraphRefAll); RELATA_SELECT(g::GraphOrDefault);
RELATA_SELECT(g::KwDefault); RELATA_SELECT(g::KwAll); RELATA_SELECT(g::QuadsNotTriples);
RELATA_SELECT(g::QuadPattern); RELATA_SELECT(g::Load); RELATA_SELECT(g::Clear); RELATA_SELECT(g::Drop);
RELATA_SELECT(g::Create); RELATA_SELECT(g::AddGraph); RELATA_SELECT(g::MoveGraph);
RELATA_SELECT(g::CopyGraph); RELATA_SELECT(g::InsertData); RELATA_SELECT(g::DeleteData);
RELATA_SELECT(g::DeleteWhere); RELATA_SELECT(g::DeleteClause); RELATA_SELECT(g::InsertClause);
RELATA_SELECT(g::WithClause); RELATA_SELECT(g::UsingClause); RELATA_SELECT(g::Modify);
RELATA_SELECT(g::PathsPattern); RELATA_SELECT(g::PathsAllShortest); RELATA_SELECT(g::PathsShortest);
RELATA_SELECT(g::PathsAll); RELATA_SELECT(g::PathsFrom); RELATA_SELECT(g::PathsTo); RELATA_SELECT(g::PathsVia);
RELATA_SELECT(g::KwForward); RELATA_SELECT(g::KwBackward); RELATA_SELECT(g::KwEither); RELATA_SELECT(g::PathsMax);
RELATA_SELECT(g::PathsGraphs); RELATA_SELECT(g::PathsConfidence); RELATA_SELECT(g::PathsLimit);
RELATA_SELECT(g::PathsWeight);
RELATA_SELECT(g::PathsColumns);
#undef RELATA_SELECT

// Every expression passes through seven levels of the grammar; a level with
// one operand and no operator is only its operand.
struct FoldSingle : std::true_type {
  template <typename Node, typename... States>
  static void transform(std::unique_ptr<Node>& n, States&&...) {
    if (n->children.size() == 1) n = std::move(n->children.front());
  }
};
// A unary expression keeps its node only when it has an operator (a
// bracketed operand starts later than the node too, with '(').
struct FoldUnary : std::true_type {
  template <typename Node, typename... States>
  static void transform(std::unique_ptr<Node>& n, States&&...) {
    const char first = n->string_view()[0];
    if (first != '!' && first != '+' && first != '-') n = std::move(n->children.front());
  }
};
template <> struct Selector<g::Expression> : FoldSingle {};
template <> struct Selector<g::ConditionalAndExpression> : FoldSingle {};
template <> struct Selector<g::RelationalExpression> : FoldSingle {};
template <> struct Selector<g::AdditiveExpression> : FoldSingle {};
template <> struct Selector<g::MultiplicativeExpression> : FoldSingle {};
template <> struct Selector<g::UnaryExpression> : FoldUnary {};

absl::Status SyntaxError(std::string_view text, const ParseState& state, std::string_view what) {
  if (state.furthest == nullptr) return absl::InvalidArgumentError("1:1: expected " + std::string(what));
  const auto offset = static_cast<std::size_t>(state.furthest - text.data());
  // Keywords first, then punctuation and kinds of term, at most twenty.
  std::vector<std::string> expected(state.expected.begin(), state.expected.end());
  std::stable_sort(expected.begin(), expected.end(), [](const std::string& a, const std::string& b) {
    return (a[0] == '\'' || a[0] == 'a') < (b[0] == '\'' || b[0] == 'a');
  });
  constexpr std::size_t kMostShown = 20;
  const bool cut = expected.size() > kMostShown;
  if (cut) expected.resize(kMostShown);
  return absl::InvalidArgumentError(
      absl::StrCat(TextPosition(text, offset), ": expected ", expected.size() == 1 ? "" : "one of ",
                   absl::StrJoin(expected, ", "), cut ? ", ..." : ""));
}

// Parses `text` as `Root` and translates its tree with `translate`.
template <typename Root, typename Result, typename Translate>
absl::StatusOr<Result> Parse(std::string_view text, std::string_view what, const Translate& translate) {
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data(), text.size(), "query");
  ParseState state;
  try {
    auto root = pegtl::parse_tree::parse<Root, Selector, Action, Control>(in, state);
    if (root == nullptr) return SyntaxError(text, state, what);
    return translate(*root);
  } catch (const pegtl::parse_error& e) {
    const auto& p = e.positions().front();
    return absl::InvalidArgumentError(absl::StrCat(TextPosition(text, p.byte), ": ", std::string(e.message())));
  }
}

}  // namespace

std::string TextPosition(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return absl::StrCat(line, ":", column);
}

absl::StatusOr<Query> ParseQuery(std::string_view text, const ParseOptions& options) {
  return Parse<g::QueryUnit, Query>(text, "a query", [&](const pegtl::parse_tree::node& root) {
    return Translate(root, text, options);
  });
}

absl::StatusOr<Update> ParseUpdate(std::string_view text, const ParseOptions& options) {
  return Parse<g::UpdateUnit, Update>(text, "an update", [&](const pegtl::parse_tree::node& root) {
    return TranslateUpdate(root, text, options);
  });
}

absl::Status CheckQuerySyntax(std::string_view text) { return ParseQuery(text).status(); }
absl::Status CheckUpdateSyntax(std::string_view text) { return ParseUpdate(text).status(); }

bool IsUpdateRequest(std::string_view text) {
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data(), text.size(), "request");
  try {
    return pegtl::parse<g::UpdateStart>(in);
  } catch (const pegtl::parse_error&) {
    return false;  // a broken prologue: the query parser tells where
  }
}

namespace {

template <typename Rule>
struct ExplainAction : pegtl::nothing<Rule> {};
template <>
struct ExplainAction<g::ExplainAnalyze> {
  template <typename Input>
  static void apply(const Input&, ExplainPrefix& prefix) {
    prefix.analyze = true;
  }
};

}  // namespace

std::optional<ExplainPrefix> FindExplainPrefix(std::string_view text) {
  pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data(), text.size(), "request");
  ExplainPrefix prefix;
  try {
    if (!pegtl::parse<g::ExplainPrefix, ExplainAction>(in, prefix)) return std::nullopt;
  } catch (const pegtl::parse_error&) {
    return std::nullopt;
  }
  prefix.length = static_cast<std::size_t>(in.current() - text.data());
  return prefix;
}

}  // namespace relata::query
