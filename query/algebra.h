// The SPARQL algebra (spec section 18) a parsed query is translated to: graph
// patterns, property paths, expressions and the solution modifiers around
// them. Terms are still strings here; the engine maps them to store ids.
#ifndef RELATA_QUERY_ALGEBRA_H_
#define RELATA_QUERY_ALGEBRA_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "relata/term.h"

namespace relata::query {

// Variables are numbered per query (sub-queries and EXISTS included); blank
// nodes in patterns become variables nobody can project.
using VarId = int;

// A subject, predicate, object or graph in a pattern: a variable, a constant
// or an RDF 1.2 triple term that may hold variables.
struct PatternTerm {
  enum class Kind { kVariable, kConstant, kTriple };
  Kind kind = Kind::kConstant;
  VarId var = -1;
  Term constant;
  std::vector<PatternTerm> triple;  // subject, predicate, object

  static PatternTerm Variable(VarId v) {
    PatternTerm t;
    t.kind = Kind::kVariable;
    t.var = v;
    return t;
  }
  static PatternTerm Constant(Term c) {
    PatternTerm t;
    t.constant = std::move(c);
    return t;
  }
  static PatternTerm Triple(std::vector<PatternTerm> parts) {
    PatternTerm t;
    t.kind = Kind::kTriple;
    t.triple = std::move(parts);
    return t;
  }
  bool IsVariable() const { return kind == Kind::kVariable; }
};

struct TriplePattern {
  PatternTerm subject, predicate, object;
};

// A property path other than a plain IRI or a sequence/inverse of them,
// which the translation expands into triple patterns.
struct PropertyPath {
  enum class Kind { kLink, kInverse, kSequence, kAlternative, kZeroOrMore, kOneOrMore, kZeroOrOne,
                    kNegated };
  PropertyPath() = default;
  explicit PropertyPath(Kind k, std::vector<PropertyPath> operands = {})
      : kind(k), parts(std::move(operands)) {}
  Kind kind = Kind::kLink;
  Term iri;                           // kLink
  std::vector<PropertyPath> parts;    // the operands
  std::vector<Term> negated_forward;  // kNegated: !(a|b)
  std::vector<Term> negated_inverse;  // kNegated: !(^a|^b)
};

struct Pattern;
struct Query;
struct Expr;

// relata's PATHS pattern (docs/sparql.md): the paths between two nodes,
// each step with the document, confidence and evidence of its edge.
struct PathSearch {
  enum class Mode { kShortest, kAllShortest, kAll };  // kShortest: the k shortest simple paths
  enum class Direction { kForward, kBackward, kEither };
  Mode mode = Mode::kShortest;
  std::int64_t k = 1;
  PatternTerm from, to;
  // The steps a path is made of, repeated: a property path whose every
  // triple is one step of the path; none: any predicate whose object is an
  // IRI or a blank node, rdf:type aside.
  std::optional<PropertyPath> via;
  Direction direction = Direction::kForward;
  std::optional<std::int64_t> max_length;
  std::vector<Term> graphs;  // none: every graph
  std::optional<double> min_confidence;
  std::optional<std::int64_t> limit;
  // WEIGHT: the cost of a step, computed with the step's columns bound
  // (which `columns` names); none: each step costs 1. `weight_at` is its
  // line:column in the query, for the errors of its values.
  std::shared_ptr<const Expr> weight;
  std::string weight_at;
  // One row per step: path, step, start, predicate, end, document,
  // confidence, evidence, forward, cost (as many as given). With `compact`,
  // one row per path: its steps as a JSON literal.
  std::vector<VarId> columns;
  bool compact = false;
};

struct Expr {
  enum class Kind {
    kConstant, kVariable,
    kOr, kAnd, kNot, kEqual, kNotEqual, kLess, kGreater, kLessEqual, kGreaterEqual,
    kIn, kNotIn,  // args[0] IN (args[1..])
    kAdd, kSubtract, kMultiply, kDivide, kNegate, kPlus,
    kBuiltIn,     // `name` is the upper-cased function name (STR, REGEX, ...)
    kFunction,    // `name` is an IRI: casts (xsd:integer, ...) and extensions
    kExists, kNotExists,
    kAggregate,   // the value of aggregate `aggregate` of the enclosing query
    kTriple,      // <<( s p o )>> built from expressions
  };
  Expr() = default;
  Expr(Kind k, std::size_t offset) : kind(k), position(offset) {}
  Kind kind = Kind::kConstant;
  Term constant;
  VarId var = -1;
  std::string name;
  std::vector<Expr> args;
  std::shared_ptr<const Pattern> pattern;  // kExists, kNotExists; shared so Expr copies cheaply
  int aggregate = -1;
  std::size_t position = 0;  // byte offset in the query text, for error messages
  int depth = 1;             // levels of `args` below and including this one
};

struct Aggregate {
  enum class Kind { kCount, kSum, kMin, kMax, kAvg, kSample, kGroupConcat };
  Kind kind = Kind::kCount;
  bool distinct = false;
  std::optional<Expr> arg;  // none: COUNT(*)
  std::string separator = " ";
  VarId result = -1;
};

struct ValuesTable {
  std::vector<VarId> vars;
  std::vector<std::vector<std::optional<Term>>> rows;  // nullopt: UNDEF
};

struct Pattern {
  enum class Kind {
    kBgp,       // `triples`; an empty BGP is the one empty solution
    kPath,      // `subject` `path` `object`
    kJoin, kLeftJoin, kUnion, kMinus,  // over `children`; LeftJoin's condition in `exprs`
    kFilter,    // `exprs` (all must hold) over children[0]
    kExtend,    // children[0] extended with `var` := exprs[0]
    kGraph,     // children[0] matched in graph `graph`
    kValues,    // `values`
    kSubquery,  // `subquery`, its projection joined in
    kService,   // not supported: reported when evaluated
    kPaths,     // `paths`, per row of the patterns before it
  };
  Pattern() = default;
  explicit Pattern(Kind k) : kind(k) {}
  Kind kind = Kind::kBgp;
  std::vector<TriplePattern> triples;
  PatternTerm subject, object, graph;
  PropertyPath path;
  std::vector<Pattern> children;
  std::vector<Expr> exprs;
  VarId var = -1;
  ValuesTable values;
  std::shared_ptr<const Query> subquery;
  std::shared_ptr<const PathSearch> paths;
  int depth = 1;  // levels of `children` and `exprs` below and including this one
};

// The variables `t` names, those of a triple term's parts included.
void AddVariables(const PatternTerm& t, std::vector<VarId>* vars);
// The variables of the subject, predicate and object of `t`.
void AddVariables(const TriplePattern& t, std::vector<VarId>* vars);

// The variables a solution of `p` may bind (spec 18.2.1).
void InScope(const Pattern& p, std::set<VarId>* vars);

// The deepest algebra the parser builds: evaluation recurses over it, and a
// chain of ten thousand OPTIONALs or "1 + 1 + ..." must be an error, not a
// stack overflow.
// (The evaluator takes up to 9 KiB of stack per level under AddressSanitizer.)
inline constexpr int kMaxAlgebraDepth = 256;

struct OrderKey {
  Expr expr;
  bool descending = false;
};

struct Query {
  enum class Form { kSelect, kConstruct, kAsk, kDescribe };
  Form form = Form::kSelect;
  Pattern where;
  // FROM / FROM NAMED IRIs. With none, the default graph is the union of all
  // graphs and GRAPH ranges over every named graph.
  std::vector<Term> from, from_named;
  // An update's WITH: `from` sets the default graph only, and GRAPH still
  // ranges over every named graph.
  bool every_named_graph = false;

  // Grouping: with `grouped`, solutions are grouped by `group_by` (each
  // expression bound to its variable, a fresh one when not named) and the
  // aggregates computed per group.
  bool grouped = false;
  std::vector<std::pair<Expr, VarId>> group_by;
  std::vector<Aggregate> aggregates;
  std::vector<Expr> having;
  // SELECT expressions, evaluated in order after grouping.
  std::vector<std::pair<VarId, Expr>> select_expressions;
  // A trailing VALUES clause, joined after grouping (spec 18.2.4.3).
  std::optional<ValuesTable> values;
  std::vector<OrderKey> order_by;
  // The projected variables in order (SELECT *: every visible variable).
  std::vector<VarId> projection;
  bool distinct = false, reduced = false;
  std::int64_t offset = 0;
  std::optional<std::int64_t> limit;

  std::vector<TriplePattern> construct_template;  // blank nodes are variables there
  std::vector<PatternTerm> describe;             // DESCRIBE targets

  // The base IRI in force at the end of the prologue (IRI() resolves against it).
  std::string base_iri;
  // The prefixes in force there (the parse options' and the query's own):
  // EXPLAIN writes IRIs with them.
  std::map<std::string, std::string> prefixes;
  // Shared by the whole query, sub-queries included.
  std::shared_ptr<std::vector<std::string>> variable_names;
  // Variables PATHS starts FROM that no pattern before it binds: only a
  // prepared query's binding can bind them. Each with the positioned error a
  // run without that binding stops with.
  std::vector<std::pair<VarId, std::string>> bound_by_caller;
};

// SPARQL 1.1 Update: a request is operations run in order, all or nothing.
// A triple of an INSERT or DELETE template, or of INSERT/DELETE DATA, in a
// graph (none: the default graph, or WITH's graph).
struct QuadTemplate {
  std::optional<PatternTerm> graph;
  TriplePattern triple;
};

// What CLEAR, DROP, CREATE, LOAD INTO, ADD, MOVE and COPY name.
struct GraphTarget {
  enum class Kind { kDefault, kGraph, kNamed, kAll };  // kNamed: every named graph
  Kind kind = Kind::kDefault;
  Term iri;  // kGraph
  friend bool operator==(const GraphTarget& a, const GraphTarget& b) {
    return a.kind == b.kind && (a.kind != Kind::kGraph || a.iri == b.iri);
  }
};

struct UpdateOperation {
  enum class Kind { kInsertData, kDeleteData, kModify, kLoad, kClear, kDrop, kCreate, kAdd, kMove, kCopy };
  Kind kind = Kind::kInsertData;
  bool silent = false;
  // kInsertData, kDeleteData (constants only) and kModify. Blank nodes of an
  // INSERT template are constants here, made fresh per solution.
  std::vector<QuadTemplate> delete_templates, insert_templates;
  // kModify: the WHERE pattern as a SELECT *, USING (or WITH) as its FROM and
  // USING NAMED as its FROM NAMED.
  std::shared_ptr<const Query> where;
  // kModify: WITH's graph, where templates without GRAPH write.
  std::optional<Term> with;
  Term load_source;           // kLoad: the IRI of the file
  GraphTarget source, target;  // kAdd/kMove/kCopy: from source to target;
                               // kClear/kDrop/kCreate/kLoad (INTO): target
  std::size_t position = 0;   // byte offset of the operation in the request
};

struct Update {
  std::vector<UpdateOperation> operations;
  std::string base_iri;
  std::shared_ptr<std::vector<std::string>> variable_names;
};

// The name of variable `v` of `query` ("x" for ?x); blank nodes and fresh
// variables have names that start with a character a query cannot write.
inline const std::string& VariableName(const Query& query, VarId v) {
  return (*query.variable_names)[static_cast<std::size_t>(v)];
}
inline bool IsUserVariable(const std::string& name) { return !name.empty() && name[0] != '\x01'; }

}  // namespace relata::query

#endif  // RELATA_QUERY_ALGEBRA_H_
