// Walks the parse tree the grammar leaves (only the rules the selector in
// sparql_parser.cc keeps) and builds the algebra. Every token's text runs on
// over the white space after it, so an operator is read from the gap between
// two operand nodes.
#include "query/translate.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/base/strings.h"
#include "query/grammar/sparql.h"
#include "query/iri.h"
#include "query/stack_guard.h"
#include "query/uchar.h"

namespace relata::query {
namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar::sparql;
using Node = pegtl::parse_tree::node;

constexpr std::string_view kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema#";

std::string Rdf(std::string_view local) { return absl::StrCat(ToAbsl(kRdf), ToAbsl(local)); }
std::string Xsd(std::string_view local) { return absl::StrCat(ToAbsl(kXsd), ToAbsl(local)); }

// The token without the white space and comments the grammar let it swallow.
std::string_view Core(std::string_view token) {
  return token.substr(0, token.find_first_of(" \t\r\n#"));
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// The name a built-in call starts with ("REGEX" in "regex(?x, ...)").
std::string LeadingName(std::string_view text) {
  std::size_t n = 0;
  while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_')) ++n;
  return Upper(text.substr(0, n));
}

class Translator {
 public:
  Translator(std::string_view text, const ParseOptions& options)
      : text_(text), base_(options.base_iri), prefixes_(options.prefixes),
        names_(std::make_shared<std::vector<std::string>>()) {}

  // The first error of the translation (QueryUnit, UpdateUnit), if any.
  const absl::Status& error() const { return error_; }

  Query QueryUnit(const Node& root) {
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
    return query;
  }

  ::relata::query::Update UpdateUnit(const Node& root) {
    ::relata::query::Update update;
    for (const auto& child : root.children) {
      if (!Prologue(*child)) update.operations.push_back(Operation(*child));
    }
    update.base_iri = base_;
    update.variable_names = names_;
    return update;
  }

 private:
  // BASE and PREFIX take effect for what follows them; false for any other node.
  bool Prologue(const Node& n) {
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

  // Keeps the first error: from then on the recursive steps (CheckStack)
  // stop descending, and the unit returns the error instead of its algebra.
  void Fail(const Node& at, std::string_view message) const {
    if (error_.ok()) {
      error_ = absl::InvalidArgumentError(absl::StrCat(TextPosition(text_, Offset(at)), ": ", ToAbsl(message)));
    }
  }
  bool failed() const { return !error_.ok(); }
  std::size_t Offset(const Node& n) const { return static_cast<std::size_t>(n.m_begin.data - text_.data()); }
  // The text between the end of `a` and the start of `b`: an operator.
  static std::string_view Gap(const Node& a, const Node& b) {
    return {a.m_end.data, static_cast<std::size_t>(b.m_begin.data - a.m_end.data)};
  }

  // ---- variables ----
  VarId Variable(const std::string& name) {
    const auto [it, inserted] = var_ids_.try_emplace(name, static_cast<VarId>(names_->size()));
    if (inserted) names_->push_back(name);
    return it->second;
  }
  VarId Fresh() { return Variable(absl::StrCat("\x01", fresh_++)); }
  VarId Var(const Node& n) { return Variable(std::string(Core(n.string_view()).substr(1))); }

  // ---- terms ----
  std::string IriRefText(const Node& n) {
    const std::string_view text = n.string_view();
    std::string iri;
    if (const char* error = Unescape(text.substr(1, text.size() - 2), &iri)) Fail(n, error);
    return iri;
  }
  // An Iri node: <...> resolved against the base, or a prefixed name.
  std::string Iri(const Node& n) {
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

  static bool IsLiteralNode(const Node& n) {
    return n.is_type<g::RdfLiteral>() || n.is_type<g::NumericLiteralUnsigned>() ||
           n.is_type<g::NumericLiteralPositive>() || n.is_type<g::NumericLiteralNegative>() ||
           n.is_type<g::KwTrue>() || n.is_type<g::KwFalse>();
  }
  Term Literal(const Node& n) {
    if (n.is_type<g::KwTrue>()) return Term::Literal("true", Xsd("boolean"));
    if (n.is_type<g::KwFalse>()) return Term::Literal("false", Xsd("boolean"));
    if (!n.is_type<g::RdfLiteral>()) {
      const std::string_view number = Core(n.string_view());
      const char* type = number.find_first_of("eE") != std::string_view::npos ? "double"
                         : number.find('.') != std::string_view::npos        ? "decimal"
                                                                             : "integer";
      return Term::Literal(number, Xsd(type));
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

  // The text of a quoted string node, unescaped.
  std::string StringValue(const Node& quoted) {
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

  // A constant in VALUES or a DataTripleTerm; nullopt for UNDEF.
  std::optional<Term> DataValue(const Node& n) {
    if (!CheckStack(n)) return std::nullopt;
    if (n.is_type<g::KwUndef>()) return std::nullopt;
    if (n.is_type<g::Iri>()) return Term::Iri(Iri(n));
    if (n.is_type<g::A>()) return Term::Iri(Rdf("type"));
    if (n.is_type<g::DataTripleTerm>()) {
      return Term::Triple(*DataValue(*n.children.at(0)), *DataValue(*n.children.at(1)),
                          *DataValue(*n.children.at(2)));
    }
    return Literal(n);
  }

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
  PatternTerm GraphNode(const Node& n, Emitter& out) {
    if (!CheckStack(n)) return {};
    if (n.is_type<g::GraphNode>() || n.is_type<g::GraphNodePath>()) return GraphNode(*n.children.at(0), out);
    if (n.is_type<g::Var>()) return PatternTerm::Variable(Var(n));
    if (n.is_type<g::Iri>()) return IriTerm(Iri(n));
    if (n.is_type<g::A>()) return IriTerm(Rdf("type"));
    if (n.is_type<g::Nil>()) return IriTerm(Rdf("nil"));
    if (n.is_type<grammar::BlankNodeLabel>()) return BlankNode(n.string_view().substr(2));
    if (n.is_type<g::Anon>()) return FreshBlank();
    if (IsLiteralNode(n)) return PatternTerm::Constant(Literal(n));
    if (n.is_type<g::TripleTerm>() || n.is_type<g::ExprTripleTerm>()) {
      PatternTerm t = PatternTerm::Triple({});
      bool constant = true;
      for (const auto& part : n.children) {
        t.triple.push_back(GraphNode(*part, out));
        constant = constant && t.triple.back().kind == PatternTerm::Kind::kConstant;
      }
      if (!constant) return t;
      return PatternTerm::Constant(
          Term::Triple(t.triple[0].constant, t.triple[1].constant, t.triple[2].constant));
    }
    if (n.is_type<g::BlankNodePropertyList>() || n.is_type<g::BlankNodePropertyListPath>()) {
      PatternTerm node = FreshBlank();
      PropertyList(node, *n.children.at(0), out);
      return node;
    }
    if (n.is_type<g::Collection>() || n.is_type<g::CollectionPath>()) {
      PatternTerm head = FreshBlank(), cell = head;
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        PatternTerm item = GraphNode(*n.children[i], out);
        out.Triple(cell, IriTerm(Rdf("first")), item);
        PatternTerm next = i + 1 < n.children.size() ? FreshBlank() : IriTerm(Rdf("nil"));
        out.Triple(cell, IriTerm(Rdf("rest")), next);
        cell = next;
      }
      return head;
    }
    if (n.is_type<g::ReifiedTriple>()) {
      PatternTerm s = GraphNode(*n.children.at(0), out);
      PatternTerm p = GraphNode(*n.children.at(1), out);
      PatternTerm o = GraphNode(*n.children.at(2), out);
      PatternTerm reifier = n.children.size() > 3 ? Reifier(*n.children[3]) : FreshBlank();
      out.Triple(reifier, IriTerm(Rdf("reifies")), TripleOf(s, p, o));
      return reifier;
    }
    Fail(n, absl::StrCat("unexpected ", ToAbsl(n.type)));
    return {};
  }
  static PatternTerm TripleOf(const PatternTerm& s, const PatternTerm& p, const PatternTerm& o) {
    if (s.kind == PatternTerm::Kind::kConstant && p.kind == PatternTerm::Kind::kConstant &&
        o.kind == PatternTerm::Kind::kConstant) {
      return PatternTerm::Constant(Term::Triple(s.constant, p.constant, o.constant));
    }
    return PatternTerm::Triple({s, p, o});
  }
  PatternTerm Reifier(const Node& reifier) {
    if (reifier.children.empty()) return FreshBlank();
    Emitter unused;
    return GraphNode(*reifier.children[0], unused);
  }

  // An object with its annotations: `s p o ~r {| ... |}`.
  void Object(const PatternTerm& s, const PatternTerm& p, const Node& object, Emitter& out) {
    PatternTerm o = GraphNode(*object.children.at(0), out);
    out.Triple(s, p, o);
    std::optional<PatternTerm> reifier;
    for (std::size_t i = 1; i < object.children.size(); ++i) {
      const Node& a = *object.children[i];
      if (a.is_type<g::Reifier>()) {
        reifier = Reifier(a);
        out.Triple(*reifier, IriTerm(Rdf("reifies")), TripleOf(s, p, o));
        continue;
      }
      if (!reifier) {
        reifier = FreshBlank();
        out.Triple(*reifier, IriTerm(Rdf("reifies")), TripleOf(s, p, o));
      }
      PropertyList(*reifier, *a.children.at(0), out);
      reifier.reset();
    }
  }

  // PropertyListNotEmpty or PropertyListPathNotEmpty.
  void PropertyList(const PatternTerm& subject, const Node& list, Emitter& out) {
    if (list.is_type<g::PropertyListNotEmpty>()) {
      PatternTerm verb;
      for (const auto& child : list.children) {
        if (child->is_type<g::Verb>()) {
          verb = GraphNode(*child->children.at(0), out);
        } else {
          Object(subject, verb, *child, out);
        }
      }
      return;
    }
    for (const auto& vol : list.children) {  // VerbObjectListPath
      const Node& verb = *vol->children.at(0);
      if (verb.is_type<g::SimpleVerb>()) {
        const PatternTerm p = GraphNode(*verb.children.at(0), out);
        for (std::size_t i = 1; i < vol->children.size(); ++i) Object(subject, p, *vol->children[i], out);
        continue;
      }
      const PropertyPath path = Path(verb);
      for (std::size_t i = 1; i < vol->children.size(); ++i) {
        PatternTerm o = GraphNode(*vol->children[i], out);
        EmitPath(subject, path, o, out);
      }
    }
  }

  // Spec 18.2.2.4: links, inverses and sequences become triple patterns.
  void EmitPath(const PatternTerm& s, const PropertyPath& path, const PatternTerm& o, Emitter& out) {
    switch (path.kind) {
      case PropertyPath::Kind::kLink:
        out.Triple(s, PatternTerm::Constant(path.iri), o);
        return;
      case PropertyPath::Kind::kInverse:
        EmitPath(o, path.parts[0], s, out);
        return;
      case PropertyPath::Kind::kSequence: {
        PatternTerm from = s;
        for (std::size_t i = 0; i < path.parts.size(); ++i) {
          PatternTerm to = i + 1 < path.parts.size() ? PatternTerm::Variable(Fresh()) : o;
          EmitPath(from, path.parts[i], to, out);
          from = to;
        }
        return;
      }
      default: {
        Pattern p(Pattern::Kind::kPath);
        p.subject = s;
        p.object = o;
        p.path = path;
        out.parts.push_back(std::move(p));
      }
    }
  }

  // Moves `operand` in (a braced list would copy it).
  static PropertyPath Wrap(PropertyPath::Kind kind, PropertyPath operand) {
    PropertyPath path(kind);
    path.parts.push_back(std::move(operand));
    return path;
  }

  PropertyPath Path(const Node& n) {
    if (!CheckStack(n)) return {};
    if (n.is_type<g::Path>() || n.is_type<g::PathSequence>()) {
      if (n.children.size() == 1) return Path(*n.children[0]);
      PropertyPath p(n.is_type<g::Path>() ? PropertyPath::Kind::kAlternative
                                          : PropertyPath::Kind::kSequence);
      for (const auto& child : n.children) p.parts.push_back(Path(*child));
      return p;
    }
    if (n.is_type<g::PathEltOrInverse>()) {
      PropertyPath elt = Path(*n.children.at(0));
      if (n.string_view()[0] != '^') return elt;
      return Wrap(PropertyPath::Kind::kInverse, std::move(elt));
    }
    if (n.is_type<g::PathElt>()) {
      PropertyPath primary = Path(*n.children.at(0));
      if (n.children.size() == 1) return primary;
      const char mod = n.children[1]->string_view()[0];
      const auto kind = mod == '?'   ? PropertyPath::Kind::kZeroOrOne
                        : mod == '*' ? PropertyPath::Kind::kZeroOrMore
                                     : PropertyPath::Kind::kOneOrMore;
      return Wrap(kind, std::move(primary));
    }
    if (n.is_type<g::Iri>() || n.is_type<g::A>()) {
      PropertyPath link;
      link.iri = Term::Iri(n.is_type<g::A>() ? Rdf("type") : Iri(n));
      return link;
    }
    if (n.is_type<g::PathNegatedPropertySet>()) {
      PropertyPath p(PropertyPath::Kind::kNegated);
      for (const auto& one : n.children) {
        const Node& iri = *one->children.at(0);
        Term t = Term::Iri(iri.is_type<g::A>() ? Rdf("type") : Iri(iri));
        (one->string_view()[0] == '^' ? p.negated_inverse : p.negated_forward).push_back(std::move(t));
      }
      return p;
    }
    Fail(n, absl::StrCat("unexpected ", ToAbsl(n.type), " in a path"));
    return {};
  }

  // TriplesBlock / TriplesTemplate / ConstructTriples: the triples
  // (TriplesSameSubject[Path]) in it.
  void Triples(const Node& block, Emitter& out) {
    for (const auto& tss : block.children) {
      const PatternTerm subject = GraphNode(*tss->children.at(0), out);
      if (tss->children.size() > 1) PropertyList(subject, *tss->children[1], out);
    }
  }

  // ---- graph patterns ----
  static Pattern JoinPatterns(Pattern a, Pattern b) {
    if (a.kind == Pattern::Kind::kBgp && a.triples.empty()) return b;
    if (b.kind == Pattern::Kind::kBgp && b.triples.empty()) return a;
    if (a.kind == Pattern::Kind::kBgp && b.kind == Pattern::Kind::kBgp) {
      for (auto& t : b.triples) a.triples.push_back(std::move(t));
      return a;
    }
    Pattern join(Pattern::Kind::kJoin);
    join.children.push_back(std::move(a));
    join.children.push_back(std::move(b));
    return join;
  }

  Pattern Group(const Node& ggp) {
    if (!CheckStack(ggp)) return {};
    if (!ggp.children.empty() && ggp.children[0]->is_type<g::SubSelect>()) {
      auto sub = std::make_shared<Query>(Select(*ggp.children[0]));
      Pattern p(Pattern::Kind::kSubquery);
      p.subquery = std::move(sub);
      return p;
    }
    const bool saved_allowed = aggregates_allowed_;
    aggregates_allowed_ = false;
    Pattern g = GroupElements(ggp);
    aggregates_allowed_ = saved_allowed;
    return g;
  }

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
  Pattern Deeper(Pattern p, const Node& at) const {
    p.depth = 1;
    for (const Pattern& child : p.children) p.depth = std::max(p.depth, child.depth + 1);
    for (const Expr& e : p.exprs) p.depth = std::max(p.depth, e.depth + 1);
    CheckDepth(p.depth, at);
    return p;
  }

  Pattern GroupElements(const Node& ggp) {
    Pattern g;
    std::vector<Expr> filters;
    for (const auto& child : ggp.children) {
      const Node& n = *child;
      // Each element may put the group's pattern one level deeper.
      g = Deeper(std::move(g), n);
      if (n.is_type<g::TriplesBlock>()) {
        Emitter out;
        Triples(n, out);
        for (auto& part : out.parts) g = JoinPatterns(std::move(g), std::move(part));
      } else if (n.is_type<g::GroupOrUnionGraphPattern>()) {
        // UNION is associative: balanced, its solutions still come in the
        // order written.
        std::vector<Pattern> alternatives;
        for (const auto& group : n.children) alternatives.push_back(Group(*group));
        g = JoinPatterns(std::move(g), Balanced(std::move(alternatives), [&](Pattern a, Pattern b) {
                           Pattern un(Pattern::Kind::kUnion);
                           un.children.push_back(std::move(a));
                           un.children.push_back(std::move(b));
                           return Deeper(std::move(un), n);
                         }));
      } else if (n.is_type<g::OptionalGraphPattern>()) {
        const Node& group = *n.children.at(0);
        Pattern a = Group(group);
        Pattern lj(Pattern::Kind::kLeftJoin);
        // Only the OPTIONAL group's own FILTERs become the LeftJoin's
        // condition, not those of a group nested in it.
        const bool own_filter = std::any_of(group.children.begin(), group.children.end(),
                                            [](const auto& c) { return c->template is_type<g::Filter>(); });
        if (a.kind == Pattern::Kind::kFilter && own_filter) {
          lj.exprs = std::move(a.exprs);
          Pattern inner = std::move(a.children[0]);  // not straight into its own parent
          a = std::move(inner);
        }
        lj.children.push_back(std::move(g));
        lj.children.push_back(std::move(a));
        g = std::move(lj);
      } else if (n.is_type<g::MinusGraphPattern>()) {
        Pattern m(Pattern::Kind::kMinus);
        m.children.push_back(std::move(g));
        m.children.push_back(Group(*n.children.at(0)));
        g = std::move(m);
      } else if (n.is_type<g::GraphGraphPattern>()) {
        Emitter unused;
        Pattern gr(Pattern::Kind::kGraph);
        gr.graph = GraphNode(*n.children.at(0), unused);
        gr.children.push_back(Group(*n.children.at(1)));
        g = JoinPatterns(std::move(g), std::move(gr));
      } else if (n.is_type<g::ServiceGraphPattern>()) {
        g = JoinPatterns(std::move(g), Pattern(Pattern::Kind::kService));
      } else if (n.is_type<g::Filter>()) {
        filters.push_back(Expression(*n.children.at(0)));
      } else if (n.is_type<g::Bind>()) {
        const VarId v = Var(*n.children.at(1));
        std::set<VarId> in_scope;
        InScope(g, &in_scope);
        if (in_scope.contains(v)) {
          Fail(*n.children[1], absl::StrCat("BIND assigns ?", (*names_)[static_cast<std::size_t>(v)],
                                            ", which the group pattern already binds"));
        }
        Pattern e(Pattern::Kind::kExtend);
        e.exprs.push_back(Expression(*n.children[0]));
        e.var = v;
        e.children.push_back(std::move(g));
        g = std::move(e);
      } else if (n.is_type<g::InlineData>()) {
        Pattern values(Pattern::Kind::kValues);
        values.values = Values(n);
        g = JoinPatterns(std::move(g), std::move(values));
      }
    }
    g = Deeper(std::move(g), ggp);
    if (filters.empty()) return g;
    Pattern f(Pattern::Kind::kFilter);
    f.exprs = std::move(filters);
    f.children.push_back(std::move(g));
    return Deeper(std::move(f), ggp);
  }

  ValuesTable Values(const Node& inline_data) {
    ValuesTable table;
    for (const auto& child : inline_data.children) {
      if (child->is_type<g::ValuesVar>()) {
        table.vars.push_back(Var(*child->children.at(0)));
      } else if (child->is_type<g::ValuesValue>()) {  // one variable, no parentheses
        table.rows.push_back({DataValue(*child->children.at(0))});
      } else if (child->is_type<g::ValuesRow>()) {
        auto& row = table.rows.emplace_back();
        for (const auto& value : child->children) {
          if (value->is_type<g::ValuesValue>()) row.push_back(DataValue(*value->children.at(0)));
        }
      }
    }
    return table;
  }

  // The variables a pattern may bind (spec 18.2.1).
  void InScope(const Pattern& p, std::set<VarId>* vars) const {
    const auto term = [&](const PatternTerm& t, const auto& self) -> void {
      if (t.IsVariable()) vars->insert(t.var);
      for (const auto& part : t.triple) self(part, self);
    };
    switch (p.kind) {
      case Pattern::Kind::kBgp:
        for (const auto& t : p.triples) {
          term(t.subject, term);
          term(t.predicate, term);
          term(t.object, term);
        }
        break;
      case Pattern::Kind::kPath:
        term(p.subject, term);
        term(p.object, term);
        break;
      case Pattern::Kind::kMinus:
        InScope(p.children[0], vars);
        break;
      case Pattern::Kind::kExtend:
        vars->insert(p.var);
        InScope(p.children[0], vars);
        break;
      case Pattern::Kind::kGraph:
        term(p.graph, term);
        InScope(p.children[0], vars);
        break;
      case Pattern::Kind::kValues:
        vars->insert(p.values.vars.begin(), p.values.vars.end());
        break;
      case Pattern::Kind::kSubquery:
        vars->insert(p.subquery->projection.begin(), p.subquery->projection.end());
        break;
      default:
        for (const auto& c : p.children) InScope(c, vars);
    }
  }

  // ---- expressions ----
  Expr Constant(Term t, const Node& at) {
    Expr e(Expr::Kind::kConstant, Offset(at));
    e.constant = std::move(t);
    return e;
  }
  static Expr VariableExpr(VarId v, std::size_t offset) {
    Expr e(Expr::Kind::kVariable, offset);
    e.var = v;
    return e;
  }
  Expr Make(Expr::Kind kind, std::vector<Expr> args, const Node& at) {
    Expr e(kind, Offset(at));
    e.args = std::move(args);
    for (const Expr& arg : e.args) e.depth = std::max(e.depth, arg.depth + 1);
    CheckDepth(e.depth, at);
    return e;
  }
  // Not through an initializer list, whose elements can only be copied: a
  // chain "1 + 1 + ..." would copy the whole left side at every step.
  Expr Make(Expr::Kind kind, Expr only, const Node& at) {
    std::vector<Expr> args;
    args.push_back(std::move(only));
    return Make(kind, std::move(args), at);
  }
  Expr Make(Expr::Kind kind, Expr left, Expr right, const Node& at) {
    std::vector<Expr> args;
    args.reserve(2);
    args.push_back(std::move(left));
    args.push_back(std::move(right));
    return Make(kind, std::move(args), at);
  }

  // Every expression is made here: its depth is known, and bounded.
  Expr Expression(const Node& n) {
    if (!CheckStack(n)) return {};
    Expr e = ExpressionOf(n);
    for (const Expr& arg : e.args) e.depth = std::max(e.depth, arg.depth + 1);
    CheckDepth(e.depth, n);
    return e;
  }
  // The translation recurses as deep as the parse did, with larger frames.
  // False once the translation failed, or when the stack is nearly
  // exhausted (an error then): the caller returns at once.
  bool CheckStack(const Node& at) const {
    if (!failed() && stack_.Exhausted()) Fail(at, "the query nests too deeply here");
    return !failed();
  }
  void CheckDepth(int depth, const Node& at) const {
    if (depth > kMaxAlgebraDepth) {
      Fail(at, absl::StrCat("the query nests too deeply here (more than ", kMaxAlgebraDepth,
                            " levels of operators, functions or patterns)"));
    }
  }

  Expr ExpressionOf(const Node& n) {
    if (n.is_type<g::Expression>() || n.is_type<g::ConditionalAndExpression>()) {
      // || and && are associative, also with errors.
      const auto kind = n.is_type<g::Expression>() ? Expr::Kind::kOr : Expr::Kind::kAnd;
      std::vector<Expr> operands;
      for (const auto& child : n.children) operands.push_back(Expression(*child));
      return Balanced(std::move(operands),
                      [&](Expr a, Expr b) { return Make(kind, std::move(a), std::move(b), n); });
    }
    if (n.is_type<g::RelationalExpression>()) return Relational(n);
    if (n.is_type<g::AdditiveExpression>()) return Additive(n);
    if (n.is_type<g::MultiplicativeExpression>()) {
      Expr e = Expression(*n.children.at(0));
      for (std::size_t i = 1; i < n.children.size(); ++i) {
        const auto kind = Gap(*n.children[i - 1], *n.children[i])[0] == '*' ? Expr::Kind::kMultiply
                                                                            : Expr::Kind::kDivide;
        e = Make(kind, std::move(e), Expression(*n.children[i]), *n.children[i - 1]);
      }
      return e;
    }
    if (n.is_type<g::UnaryExpression>()) {
      const char op = n.string_view()[0];
      const auto kind = op == '!' ? Expr::Kind::kNot : op == '-' ? Expr::Kind::kNegate : Expr::Kind::kPlus;
      return Make(kind, Expression(*n.children.at(0)), n);
    }
    if (n.is_type<g::Var>()) return VariableExpr(Var(n), Offset(n));
    if (IsLiteralNode(n)) return Constant(Literal(n), n);
    if (n.is_type<g::IriOrFunction>() || n.is_type<g::FunctionCall>()) {
      std::string iri = Iri(*n.children.at(0));
      if (n.children.size() == 1) return Constant(Term::Iri(iri), n);
      const Node& args = *n.children[1];
      Expr call(Expr::Kind::kFunction, Offset(n));
      call.name = std::move(iri);
      for (const auto& a : args.children) {
        if (a->is_type<g::KwDistinct>()) Fail(*a, "DISTINCT is only for aggregates");
        if (!a->is_type<g::Nil>()) call.args.push_back(Expression(*a));
      }
      return call;
    }
    if (n.is_type<g::BuiltInCall>()) return BuiltIn(n);
    if (n.is_type<g::ExprTripleTerm>()) {
      std::vector<Expr> parts;
      for (const auto& c : n.children) {
        parts.push_back(c->is_type<g::A>() ? Constant(Term::Iri(Rdf("type")), *c) : Expression(*c));
      }
      return Make(Expr::Kind::kTriple, std::move(parts), n);
    }
    if (n.is_type<g::Iri>()) return Constant(Term::Iri(Iri(n)), n);
    Fail(n, absl::StrCat("unexpected ", ToAbsl(n.type), " in an expression"));
    return {};
  }

  Expr Relational(const Node& n) {
    Expr left = Expression(*n.children.at(0));
    const Node& right = *n.children.at(1);
    const std::string_view op = Gap(*n.children[0], right);
    if (right.is_type<g::ExpressionList>()) {
      std::vector<Expr> args;
      args.push_back(std::move(left));
      for (const auto& c : right.children) {
        if (!c->is_type<g::Nil>()) args.push_back(Expression(*c));
      }
      return Make(op[0] == 'N' || op[0] == 'n' ? Expr::Kind::kNotIn : Expr::Kind::kIn, std::move(args), n);
    }
    Expr::Kind kind = Expr::Kind::kEqual;
    if (op.starts_with("!=")) kind = Expr::Kind::kNotEqual;
    else if (op.starts_with("<=")) kind = Expr::Kind::kLessEqual;
    else if (op.starts_with(">=")) kind = Expr::Kind::kGreaterEqual;
    else if (op.starts_with("<")) kind = Expr::Kind::kLess;
    else if (op.starts_with(">")) kind = Expr::Kind::kGreater;
    return Make(kind, std::move(left), Expression(right), n);
  }

  // "?a + 1 * 2", and "?a +1 * 2" where the sign came with the number.
  Expr Additive(const Node& n) {
    Expr sum = Expression(*n.children.at(0));
    std::size_t i = 1;
    while (i < n.children.size()) {
      const Node& c = *n.children[i];
      const std::string_view gap = Gap(*n.children[i - 1], c);
      Expr::Kind kind;
      Expr term;
      if (gap.empty()) {  // a signed number: its sign is the operator
        const std::string_view number = c.string_view();
        kind = number[0] == '-' ? Expr::Kind::kSubtract : Expr::Kind::kAdd;
        const std::string_view digits = Core(number.substr(1));
        const char* type = digits.find_first_of("eE") != std::string_view::npos ? "double"
                           : digits.find('.') != std::string_view::npos        ? "decimal"
                                                                               : "integer";
        term = Constant(Term::Literal(digits, Xsd(type)), c);
        for (++i; i < n.children.size(); ++i) {
          const char op = Gap(*n.children[i - 1], *n.children[i])[0];
          if (op != '*' && op != '/') break;
          term = Make(op == '*' ? Expr::Kind::kMultiply : Expr::Kind::kDivide, std::move(term),
                      Expression(*n.children[i]), c);
        }
      } else {
        kind = gap[0] == '-' ? Expr::Kind::kSubtract : Expr::Kind::kAdd;
        term = Expression(c);
        ++i;
      }
      sum = Make(kind, std::move(sum), std::move(term), n);
    }
    return sum;
  }

  Expr BuiltIn(const Node& n) {
    const Node* first = n.children.empty() ? nullptr : n.children[0].get();
    if (first != nullptr && first->is_type<g::Aggregate>()) return AggregateCall(*first);
    if (first != nullptr && (first->is_type<g::ExistsFunc>() || first->is_type<g::NotExistsFunc>())) {
      const bool saved = aggregates_allowed_;
      aggregates_allowed_ = false;
      auto pattern = std::make_shared<Pattern>(Group(*first->children.at(0)));
      aggregates_allowed_ = saved;
      Expr e(first->is_type<g::ExistsFunc>() ? Expr::Kind::kExists : Expr::Kind::kNotExists, Offset(n));
      e.pattern = std::move(pattern);
      return e;
    }
    Expr call(Expr::Kind::kBuiltIn, Offset(n));
    call.name = LeadingName(n.string_view());
    for (const auto& c : n.children) {
      if (c->is_type<g::Nil>()) continue;
      if (c->is_type<g::ExpressionList>()) {
        for (const auto& e : c->children) {
          if (!e->is_type<g::Nil>()) call.args.push_back(Expression(*e));
        }
        continue;
      }
      call.args.push_back(Expression(*c));
    }
    return call;
  }

  Expr AggregateCall(const Node& n) {
    if (!aggregates_allowed_ || current_ == nullptr) {
      Fail(n, "aggregates are allowed only in SELECT, HAVING and ORDER BY");
      return {};
    }
    Aggregate a;
    const std::string name = LeadingName(n.string_view());
    a.kind = name == "COUNT"    ? Aggregate::Kind::kCount
             : name == "SUM"    ? Aggregate::Kind::kSum
             : name == "MIN"    ? Aggregate::Kind::kMin
             : name == "MAX"    ? Aggregate::Kind::kMax
             : name == "AVG"    ? Aggregate::Kind::kAvg
             : name == "SAMPLE" ? Aggregate::Kind::kSample
                                : Aggregate::Kind::kGroupConcat;
    aggregates_allowed_ = false;  // no aggregate inside another
    for (const auto& c : n.children) {
      if (c->is_type<g::KwDistinct>()) {
        a.distinct = true;
      } else if (c->is_type<g::Separator>()) {
        a.separator = StringValue(*c->children.at(0));
      } else {
        a.arg = Expression(*c);
      }
    }
    aggregates_allowed_ = true;
    a.result = Fresh();
    current_->aggregates.push_back(std::move(a));
    Expr e(Expr::Kind::kAggregate, Offset(n));
    e.aggregate = static_cast<int>(current_->aggregates.size() - 1);
    return e;
  }

  // Variables `e` reads outside aggregates.
  static void FreeVariables(const Expr& e, std::set<VarId>* vars) {
    if (e.kind == Expr::Kind::kVariable) vars->insert(e.var);
    if (e.kind == Expr::Kind::kAggregate) return;
    for (const auto& a : e.args) FreeVariables(a, vars);
  }

  // ---- queries ----
  Query QueryForm(const Node& n) {
    if (n.is_type<g::SelectQuery>()) return Select(n);
    Query q;
    Query* saved = current_;
    current_ = &q;
    const Node* where = nullptr;
    for (const auto& child : n.children) {
      const Node& c = *child;
      if (c.is_type<g::DatasetClause>()) {
        Dataset(c, &q);
      } else if (c.is_type<g::GroupGraphPattern>()) {
        where = &c;
      } else if (c.is_type<g::ConstructTemplate>()) {
        in_template_ = true;
        Emitter out;
        out.template_triples = &q.construct_template;
        for (const auto& t : c.children) Triples(*t, out);
        in_template_ = false;
      } else if (c.is_type<g::TriplesTemplate>()) {  // CONSTRUCT WHERE { triples }
        // The triples are the pattern and, with fresh blank nodes per
        // solution, the template.
        in_template_ = true;
        Emitter templ;
        templ.template_triples = &q.construct_template;
        Triples(c, templ);
        in_template_ = false;
        Emitter out;
        Triples(c, out);
        for (auto& part : out.parts) q.where = JoinPatterns(std::move(q.where), std::move(part));
      } else if (c.is_type<g::Var>() || c.is_type<g::Iri>()) {
        Emitter unused;
        q.describe.push_back(GraphNode(c, unused));
      }
    }
    if (where != nullptr) q.where = Group(*where);
    q.form = n.is_type<g::ConstructQuery>() ? Query::Form::kConstruct
             : n.is_type<g::AskQuery>()     ? Query::Form::kAsk
                                            : Query::Form::kDescribe;
    Modifiers(n, &q);
    if (q.form == Query::Form::kDescribe && q.describe.empty()) {  // DESCRIBE *
      std::set<VarId> vars;
      InScope(q.where, &vars);
      for (VarId v : vars) {
        if (IsUserVariable((*names_)[static_cast<std::size_t>(v)])) q.describe.push_back(PatternTerm::Variable(v));
      }
    }
    current_ = saved;
    return q;
  }

  // ---- updates ----
  UpdateOperation Operation(const Node& n) {
    using K = UpdateOperation::Kind;
    UpdateOperation op;
    op.position = Offset(n);
    for (const auto& child : n.children) {
      if (child->is_type<g::KwSilent>()) op.silent = true;
    }
    const auto last = [&]() -> const Node& { return *n.children.back(); };
    if (n.is_type<g::InsertData>() || n.is_type<g::DeleteData>()) {
      const bool insert = n.is_type<g::InsertData>();
      op.kind = insert ? K::kInsertData : K::kDeleteData;
      auto& templates = insert ? op.insert_templates : op.delete_templates;
      templates = QuadTemplates(last(), insert ? "INSERT DATA" : "DELETE DATA", /*ground=*/true);
      if (insert) {
        // A label names one node in the whole request (spec 19.6): not two
        // INSERT DATA operations' nodes.
        for (const auto& t : templates) {
          for (const PatternTerm* term : {&t.triple.subject, &t.triple.object}) {
            if (term->kind != PatternTerm::Kind::kConstant || !term->constant.IsBlank()) continue;
            const auto [it, inserted] = data_blank_operation_.try_emplace(term->constant.value, operation_count_);
            if (!inserted && it->second != operation_count_) {
              Fail(n, absl::StrCat("blank node _:", ToAbsl(term->constant.value),
                                   " is used in two operations of this request"));
            }
          }
        }
      }
    } else if (n.is_type<g::DeleteWhere>()) {
      op.kind = K::kModify;
      op.delete_templates = QuadTemplates(last(), "DELETE WHERE", /*ground=*/false);
      auto where = std::make_shared<Query>();
      where->where = PatternOf(op.delete_templates);
      FinishWhere(*where);
      op.where = std::move(where);
    } else if (n.is_type<g::Modify>()) {
      op.kind = K::kModify;
      auto where = std::make_shared<Query>();
      for (const auto& child : n.children) {
        const Node& c = *child;
        if (c.is_type<g::WithClause>()) {
          op.with = Term::Iri(Iri(*c.children.at(0)));
        } else if (c.is_type<g::DeleteClause>()) {
          op.delete_templates = QuadTemplates(*c.children.at(0), "DELETE", /*ground=*/false);
        } else if (c.is_type<g::InsertClause>()) {
          op.insert_templates = QuadTemplates(*c.children.at(0), "INSERT", /*ground=*/false);
        } else if (c.is_type<g::UsingClause>()) {
          Dataset(c, where.get());
        } else if (c.is_type<g::GroupGraphPattern>()) {
          where->where = Group(c);
        }
      }
      if (op.with && where->from.empty() && where->from_named.empty()) {
        where->from.push_back(*op.with);
        where->every_named_graph = true;
      }
      FinishWhere(*where);
      op.where = std::move(where);
    } else if (n.is_type<g::Load>()) {
      op.kind = K::kLoad;
      for (const auto& child : n.children) {
        if (child->is_type<g::Iri>()) op.load_source = Term::Iri(Iri(*child));
        if (child->is_type<g::GraphRef>()) op.target = Target(*child);
      }
    } else if (n.is_type<g::Clear>() || n.is_type<g::Drop>() || n.is_type<g::Create>()) {
      op.kind = n.is_type<g::Clear>() ? K::kClear : n.is_type<g::Drop>() ? K::kDrop : K::kCreate;
      op.target = Target(last());
    } else {
      op.kind = n.is_type<g::AddGraph>() ? K::kAdd : n.is_type<g::MoveGraph>() ? K::kMove : K::kCopy;
      op.source = Target(*n.children.at(n.children.size() - 2));
      op.target = Target(last());
    }
    ++operation_count_;
    return op;
  }

  // GraphRef, GraphRefAll or GraphOrDefault.
  GraphTarget Target(const Node& n) {
    GraphTarget t;
    if (n.is_type<g::GraphRef>() || n.is_type<g::GraphRefAll>() || n.is_type<g::GraphOrDefault>()) {
      if (n.children.empty()) return t;
      return Target(*n.children.front());
    }
    if (n.is_type<g::Iri>()) {
      t.kind = GraphTarget::Kind::kGraph;
      t.iri = Term::Iri(Iri(n));
    } else if (n.is_type<g::KwNamed>()) {
      t.kind = GraphTarget::Kind::kNamed;
    } else if (n.is_type<g::KwAll>()) {
      t.kind = GraphTarget::Kind::kAll;
    }
    return t;
  }

  // The triples of a QuadPattern with their graphs. `ground`: INSERT/DELETE
  // DATA, which may not hold variables. DELETE forms may not hold blank
  // nodes (spec 19.6).
  std::vector<QuadTemplate> QuadTemplates(const Node& quad_pattern, std::string_view form, bool ground) {
    std::vector<QuadTemplate> out;
    const bool deleting = form.starts_with("DELETE");
    const auto add = [&](const Node& triples, const std::optional<PatternTerm>& graph) {
      in_template_ = true;
      Emitter emitter;
      std::vector<TriplePattern> made;
      emitter.template_triples = &made;
      Triples(triples, emitter);
      in_template_ = false;
      for (auto& t : made) {
        for (const PatternTerm* term : {&t.subject, &t.predicate, &t.object}) Check(*term, triples, form, ground, deleting);
        out.push_back({graph, std::move(t)});
      }
    };
    for (const auto& child : quad_pattern.children) {
      const Node& c = *child;
      if (c.is_type<g::TriplesTemplate>()) {
        add(c, std::nullopt);
      } else if (c.is_type<g::QuadsNotTriples>()) {
        Emitter unused;
        const Node& graph_node = *c.children.at(0);
        PatternTerm graph = GraphNode(graph_node, unused);
        if (ground && graph.IsVariable()) Fail(graph_node, absl::StrCat("variables are not allowed in ", ToAbsl(form)));
        if (c.children.size() > 1) add(*c.children[1], graph);
      }
    }
    return out;
  }
  void Check(const PatternTerm& term, const Node& at, std::string_view form, bool ground, bool deleting) {
    if (term.kind == PatternTerm::Kind::kTriple) {
      for (const auto& part : term.triple) Check(part, at, form, ground, deleting);
      return;
    }
    if (ground && term.IsVariable()) Fail(at, absl::StrCat("variables are not allowed in ", ToAbsl(form)));
    if (deleting && term.kind == PatternTerm::Kind::kConstant) {
      if (term.constant.IsBlank()) Fail(at, absl::StrCat("blank nodes are not allowed in ", ToAbsl(form)));
      if (term.constant.IsTriple()) {
        for (const Term& part : term.constant.triple) {
          if (part.IsBlank()) Fail(at, absl::StrCat("blank nodes are not allowed in ", ToAbsl(form)));
        }
      }
    }
  }
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
  void FinishWhere(Query& q) {
    std::set<VarId> in_scope;
    InScope(q.where, &in_scope);
    for (VarId v : in_scope) {
      if (IsUserVariable((*names_)[static_cast<std::size_t>(v)])) q.projection.push_back(v);
    }
    q.variable_names = names_;
    q.base_iri = base_;
  }

  void Dataset(const Node& c, Query* q) {
    const bool named = c.children.size() == 2;
    (named ? q->from_named : q->from).push_back(Term::Iri(Iri(*c.children.back())));
  }

  // GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET and a sub-query's VALUES.
  void Modifiers(const Node& n, Query* q) {
    for (const auto& child : n.children) {
      const Node& c = *child;
      if (c.is_type<g::GroupClause>()) {
        q->grouped = true;
        aggregates_allowed_ = false;
        for (const auto& cond : c.children) {
          const Node& first = *cond->children.at(0);
          if (first.is_type<g::Var>() && cond->children.size() == 1) {
            const VarId v = Var(first);
            q->group_by.emplace_back(VariableExpr(v, Offset(first)), v);
          } else {
            const VarId v = cond->children.size() == 2 ? Var(*cond->children[1]) : Fresh();
            q->group_by.emplace_back(Expression(first), v);
          }
        }
        aggregates_allowed_ = true;
      } else if (c.is_type<g::HavingClause>()) {
        for (const auto& cond : c.children) q->having.push_back(Expression(*cond));
      } else if (c.is_type<g::OrderClause>()) {
        for (const auto& cond : c.children) {
          const std::string_view text = cond->string_view();
          const bool desc = Upper(text.substr(0, 4)) == "DESC";
          q->order_by.push_back({Expression(*cond->children.at(0)), desc});
        }
      } else if (c.is_type<g::LimitClause>()) {
        q->limit = Integer(*c.children.at(0));
      } else if (c.is_type<g::OffsetClause>()) {
        q->offset = Integer(*c.children.at(0));
      } else if (c.is_type<g::InlineData>()) {
        q->values = Values(c);
      }
    }
    if (!q->aggregates.empty()) q->grouped = true;
  }
  std::int64_t Integer(const Node& n) {
    const std::string_view digits = Core(n.string_view());
    std::int64_t v = 0;
    for (char d : digits) {
      if (v > (INT64_MAX - 9) / 10) {
        Fail(n, "number too large");
        return 0;
      }
      v = v * 10 + (d - '0');
    }
    return v;
  }

  Query Select(const Node& n) {
    Query q;
    Query* saved = current_;
    current_ = &q;
    const bool saved_allowed = aggregates_allowed_;
    aggregates_allowed_ = true;
    const Node* clause = nullptr;
    for (const auto& child : n.children) {
      const Node& c = *child;
      if (c.is_type<g::SelectClause>()) clause = &c;
      if (c.is_type<g::DatasetClause>()) Dataset(c, &q);
      if (c.is_type<g::GroupGraphPattern>()) q.where = Group(c);
    }
    std::set<VarId> in_scope;
    InScope(q.where, &in_scope);
    // Grouping comes before the SELECT expressions that may use its results.
    Modifiers(n, &q);
    bool star = true;
    std::vector<std::pair<VarId, const Node*>> projected;
    for (const auto& child : clause->children) {
      const Node& c = *child;
      if (c.is_type<g::KwDistinct>()) q.distinct = true;
      if (c.is_type<g::KwReduced>()) q.reduced = true;
      if (c.is_type<g::Var>()) {
        star = false;
        projected.emplace_back(Var(c), &c);
      } else if (c.is_type<g::SelectExpression>()) {
        star = false;
        Expr e = Expression(*c.children.at(0));
        q.select_expressions.emplace_back(Var(*c.children.at(1)), std::move(e));
        projected.emplace_back(q.select_expressions.back().first, &c);
      }
    }
    if (!q.aggregates.empty()) q.grouped = true;
    // AS needs a variable not bound before it: by the pattern, or in an
    // aggregate query by the grouping only.
    std::set<VarId> bound;
    if (q.grouped) {
      for (const auto& [e, v] : q.group_by) bound.insert(v);
    } else {
      bound = in_scope;
    }
    for (const auto& [v, at] : projected) {
      if (!at->is_type<g::SelectExpression>()) continue;
      if (!bound.insert(v).second) {
        Fail(*at->children[1], absl::StrCat("?", (*names_)[static_cast<std::size_t>(v)],
                                            " is already bound; AS needs a new variable"));
      }
    }
    for (const auto& [e, v] : q.group_by) in_scope.insert(v);
    if (star) {
      if (q.grouped) Fail(*clause, "SELECT * cannot be used with GROUP BY or aggregates");
      for (VarId v : in_scope) {
        if (IsUserVariable((*names_)[static_cast<std::size_t>(v)])) q.projection.push_back(v);
      }
    } else {
      for (const auto& [v, at] : projected) q.projection.push_back(v);
    }
    if (q.grouped) CheckGrouping(q, projected);
    current_ = saved;
    aggregates_allowed_ = saved_allowed;
    return q;
  }

  // In an aggregate query only grouped variables may be used outside
  // aggregates (spec 18.2.4.1).
  void CheckGrouping(const Query& q, const std::vector<std::pair<VarId, const Node*>>& projected) {
    std::set<VarId> allowed;
    for (const auto& [e, v] : q.group_by) allowed.insert(v);
    std::size_t next_expression = 0;
    for (const auto& [v, at] : projected) {
      if (at->is_type<g::SelectExpression>()) {
        std::set<VarId> used;
        FreeVariables(q.select_expressions[next_expression++].second, &used);
        for (VarId u : used) {
          if (!allowed.contains(u)) {
            Fail(*at, absl::StrCat("?", (*names_)[static_cast<std::size_t>(u)],
                                   " is neither grouped nor aggregated"));
          }
        }
        allowed.insert(v);
      } else if (!allowed.contains(v)) {
        Fail(*at, absl::StrCat("?", (*names_)[static_cast<std::size_t>(v)],
                               " is neither grouped nor aggregated"));
      }
    }
  }

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
  // INSERT DATA blank node labels and the operation each was first used in.
  std::map<std::string, int> data_blank_operation_;
  int operation_count_ = 0;
  mutable absl::Status error_;  // the first error (Fail)
};

}  // namespace

absl::StatusOr<Query> Translate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                const ParseOptions& options) {
  Translator translator(text, options);
  Query query = translator.QueryUnit(root);
  if (!translator.error().ok()) return translator.error();
  return query;
}

absl::StatusOr<Update> TranslateUpdate(const tao::pegtl::parse_tree::node& root, std::string_view text,
                                       const ParseOptions& options) {
  Translator translator(text, options);
  Update update = translator.UpdateUnit(root);
  if (!translator.error().ok()) return translator.error();
  return update;
}

}  // namespace relata::query
