// The translator from a SPARQL parse tree to the algebra, shared by the
// files that hold its parts by what they translate: translate.cc (the
// units, the prologue), translate_terms.cc (variables, IRIs, literals),
// translate_patterns.cc (triples, paths, group patterns), translate_
// expressions.cc, translate_query.cc (query forms, modifiers, SELECT and
// its scope rules), translate_update.cc. Internal to query/.
#ifndef RELATA_QUERY_TRANSLATOR_H_
#define RELATA_QUERY_TRANSLATOR_H_

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/strings.h"
#include "query/algebra.h"
#include "query/grammar/sparql.h"
#include "query/sparql_parser.h"
#include "query/stack_guard.h"
#include "tao/pegtl/contrib/parse_tree.hpp"

namespace relata::query::translation {

namespace pegtl = tao::pegtl;
namespace g = grammar::sparql;
using Node = pegtl::parse_tree::node;

inline constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

inline std::string Rdf(std::string_view local) { return absl::StrCat(ToAbsl(kRdf), ToAbsl(local)); }

// The token without the white space and comments the grammar let it swallow.
inline std::string_view Core(std::string_view token) {
  return token.substr(0, token.find_first_of(" \t\r\n#"));
}

inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The name a built-in call starts with ("REGEX" in "regex(?x, ...)").
inline std::string LeadingName(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_')) ++n;
  return Upper(text.substr(0, n));
}

// Reports the first error it meets (Fail) and stops descending from there:
// the unit's result is then the error, not the algebra.
class Translator {
 public:
  Translator(std::string_view text, const ParseOptions& options)
      : text_(text), base_(options.base_iri), prefixes_(options.prefixes),
        names_(std::make_shared<std::vector<std::string>>()) {}

  // The first error of the translation (QueryUnit, UpdateUnit), if any.
  const absl::Status& error() const { return error_; }
  std::vector<std::pair<VarId, std::string>>& unbound_starts() { return unbound_starts_; }

  Query QueryUnit(const Node& root);

  ::relata::query::Update UpdateUnit(const Node& root);

 private:
  // BASE and PREFIX take effect for what follows them; false for any other node.
  bool Prologue(const Node& n);

  // Keeps the first error: from then on the recursive steps (CheckStack)
  // stop descending, and the unit returns the error instead of its algebra.
  void Fail(const Node& at, std::string_view message) const;
  bool failed() const { return !error_.ok(); }
  std::size_t Offset(const Node& n) const { return static_cast<std::size_t>(n.m_begin.data - text_.data()); }
  // The operator between operands `a` and `b`: the text between them after
  // what may close `a` (white space, comments, the ')' of a bracketed
  // expression, whose node ends inside it); empty when there is none (a
  // signed number's sign is part of it).
  static std::string_view Gap(const Node& a, const Node& b) {
    std::string_view gap(a.m_end.data, static_cast<std::size_t>(b.m_begin.data - a.m_end.data));
    while (!gap.empty()) {
      if (gap[0] == '#') {
        const std::size_t line_end = gap.find_first_of("\r\n");
        gap.remove_prefix(line_end == std::string_view::npos ? gap.size() : line_end);
      } else if (gap[0] == ' ' || gap[0] == '\t' || gap[0] == '\r' || gap[0] == '\n' || gap[0] == ')') {
        gap.remove_prefix(1);
      } else {
        break;
      }
    }
    return gap;
  }

  // ---- variables ----
  VarId Variable(const std::string& name);
  VarId Fresh() { return Variable(absl::StrCat("\x01", fresh_++)); }
  VarId Var(const Node& n) { return Variable(std::string(Core(n.string_view()).substr(1))); }

  // ---- terms ----
  std::string IriRefText(const Node& n);
  // An Iri node: <...> resolved against the base, or a prefixed name.
  std::string Iri(const Node& n);

  static bool IsLiteralNode(const Node& n);
  Term Literal(const Node& n);

  // The text of a quoted string node, unescaped.
  std::string StringValue(const Node& quoted);

  // A constant in VALUES or a DataTripleTerm; nullopt for UNDEF.
  std::optional<Term> DataValue(const Node& n);

  // ---- triple patterns ----
  // Triple patterns and paths of a block, in order; adjacent triples are
  // one BGP.
  struct Emitter {
    std::vector<Pattern> parts;
    std::vector<TriplePattern>* template_triples = nullptr;  // CONSTRUCT: triples only
    void Triple(PatternTerm s, PatternTerm p, PatternTerm o) {
      TriplePattern t{std::move(s), std::move(p), std::move(o)};
      if (template_triples != nullptr) {
        template_triples->push_back(std::move(t));
        return;
      }
      if (parts.empty() || parts.back().kind != Pattern::Kind::kBgp) parts.emplace_back();
      parts.back().triples.push_back(std::move(t));
    }
  };

  PatternTerm BlankNode(std::string_view label) {
    if (in_template_) return PatternTerm::Constant(Term::Blank(label));
    return PatternTerm::Variable(Variable(absl::StrCat("\x01_:", ToAbsl(label))));
  }
  PatternTerm FreshBlank() {
    if (in_template_) return PatternTerm::Constant(Term::Blank(absl::StrCat("t", fresh_++)));
    return PatternTerm::Variable(Fresh());
  }
  static PatternTerm IriTerm(std::string iri) { return PatternTerm::Constant(Term::Iri(iri)); }

  // A node of a triple pattern; blank node property lists, collections and
  // reified triples emit their triples and stand for their node.
  PatternTerm GraphNode(const Node& n, Emitter& out);
  static PatternTerm TripleOf(const PatternTerm& s, const PatternTerm& p, const PatternTerm& o);
  PatternTerm Reifier(const Node& reifier);

  // An object with its annotations: `s p o ~r {| ... |}`.
  void Object(const PatternTerm& s, const PatternTerm& p, const Node& object, Emitter& out);

  // PropertyListNotEmpty or PropertyListPathNotEmpty.
  void PropertyList(const PatternTerm& subject, const Node& list, Emitter& out);

  // Spec 18.2.2.4: links, inverses and sequences become triple patterns.
  void EmitPath(const PatternTerm& s, const PropertyPath& path, const PatternTerm& o, Emitter& out);

  // Moves `operand` in (a braced list would copy it).
  static PropertyPath Wrap(PropertyPath::Kind kind, PropertyPath operand);

  PropertyPath Path(const Node& n);

  // TriplesBlock / TriplesTemplate / ConstructTriples: the triples
  // (TriplesSameSubject[Path]) in it.
  void Triples(const Node& block, Emitter& out);

  // ---- graph patterns ----
  static Pattern JoinPatterns(Pattern a, Pattern b);

  Pattern Group(const Node& ggp);

  // `items` (at least one) joined pairwise, level by level, into a balanced
  // tree of `join`s that keeps their order: for associative operators, so
  // that a chain of thousands stays shallow.
  template <typename T, typename Join>
  static T Balanced(std::vector<T> items, const Join& join) {
    while (items.size() > 1) {
      std::vector<T> paired;
      for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
        paired.push_back(join(std::move(items[i]), std::move(items[i + 1])));
      }
      if (items.size() % 2 == 1) paired.push_back(std::move(items.back()));
      items = std::move(paired);
    }
    return std::move(items.front());
  }

  // `p` with its depth set from its parts, which must not be too deep.
  Pattern Deeper(Pattern p, const Node& at) const;

  Pattern GroupElements(const Node& ggp);

  ValuesTable Values(const Node& inline_data);

  // A PATHS pattern after the group's patterns `before`.
  Pattern Paths(const Node& n, const Pattern& before);


  // ---- expressions ----
  Expr Constant(Term t, const Node& at);
  static Expr VariableExpr(VarId v, std::size_t offset);
  Expr Make(Expr::Kind kind, std::vector<Expr> args, const Node& at);
  // Not through an initializer list, whose elements can only be copied: a
  // chain "1 + 1 + ..." would copy the whole left side at every step.
  Expr Make(Expr::Kind kind, Expr only, const Node& at);
  Expr Make(Expr::Kind kind, Expr left, Expr right, const Node& at);

  // Every expression is made here: its depth is known, and bounded.
  Expr Expression(const Node& n);
  // The translation recurses as deep as the parse did, with larger frames.
  // False once the translation failed, or when the stack is nearly
  // exhausted (an error then): the caller returns at once.
  bool CheckStack(const Node& at) const {
    if (!failed() && stack_.Exhausted()) Fail(at, "the query nests too deeply here");
    return !failed();
  }
  void CheckDepth(int depth, const Node& at) const;

  Expr ExpressionOf(const Node& n);

  Expr Relational(const Node& n);

  // "?a + 1 * 2", and "?a +1 * 2" where the sign came with the number.
  Expr Additive(const Node& n);

  Expr BuiltIn(const Node& n);

  Expr AggregateCall(const Node& n);

  // Variables `e` reads outside aggregates.
  static void FreeVariables(const Expr& e, std::set<VarId>* vars);

  // ---- queries ----
  Query QueryForm(const Node& n);

  // ---- updates ----
  UpdateOperation Operation(const Node& n);

  // GraphRef, GraphRefAll or GraphOrDefault.
  GraphTarget Target(const Node& n);

  // The triples of a QuadPattern with their graphs. `ground`: INSERT/DELETE
  // DATA, which may not hold variables. DELETE forms may not hold blank
  // nodes (spec 19.6).
  std::vector<QuadTemplate> QuadTemplates(const Node& quad_pattern, std::string_view form, bool ground);
  void Check(const PatternTerm& term, const Node& at, std::string_view form, bool ground, bool deleting);
  // DELETE WHERE's templates as the pattern they are too.
  static Pattern PatternOf(const std::vector<QuadTemplate>& templates) {
    Pattern all;
    std::vector<std::pair<std::optional<PatternTerm>, Pattern>> groups;
    for (const QuadTemplate& t : templates) {
      if (!t.graph) {
        all.triples.push_back(t.triple);
        continue;
      }
      Pattern bgp;
      bgp.triples.push_back(t.triple);
      Pattern graph(Pattern::Kind::kGraph);
      graph.graph = *t.graph;
      graph.children.push_back(std::move(bgp));
      all = JoinPatterns(std::move(all), std::move(graph));
    }
    return all;
  }
  // The WHERE of an update is a SELECT * over its pattern.
  void FinishWhere(Query& q);

  void Dataset(const Node& c, Query* q) {
    const bool named = c.children.size() == 2;
    (named ? q->from_named : q->from).push_back(Term::Iri(Iri(*c.children.back())));
  }

  // GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and a sub-query's VALUES.
  void Modifiers(const Node& n, Query* q);
  std::int64_t Integer(const Node& n);

  Query Select(const Node& n);

  // In an aggregate query only grouped variables may be used outside
  // aggregates (spec 18.2.4.1).
  void CheckGrouping(const Query& q, const std::vector<std::pair<VarId, const Node*>>& projected);

  std::string_view text_;
  StackGuard stack_;
  std::string base_;
  std::map<std::string, std::string> prefixes_;
  std::shared_ptr<std::vector<std::string>> names_;
  absl::flat_hash_map<std::string, VarId> var_ids_;
  int fresh_ = 0;
  bool in_template_ = false;
  bool aggregates_allowed_ = true;
  Query* current_ = nullptr;
  std::vector<std::pair<VarId, std::string>> unbound_starts_;  // Query::bound_by_caller
  // INSERT DATA blank node labels and the operation each was first used in.
  std::map<std::string, int> data_blank_operation_;
  int operation_count_ = 0;
  mutable absl::Status error_;  // the first error (Fail)
};

}  // namespace relata::query::translation

#endif  // RELATA_QUERY_TRANSLATOR_H_
