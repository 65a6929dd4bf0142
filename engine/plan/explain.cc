// The plan printed: what runs is what is shown, shortcuts included.
#include "engine/plan/explain.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace relata::engine::plan {
namespace {

using query::PatternTerm;
using query::PropertyPath;

class Printer {
 public:
  Printer(const Plan& plan, const std::vector<std::string>& names, const Profile* profile,
          const query::PrefixList& prefixes)
      : plan_(plan), names_(names), profile_(profile), prefixes_(prefixes) {}

  void Print(const Node& node, int depth) {
    Line(depth, Describe(node), &node, node.estimated_rows);
    if (node.kind == Node::Kind::kIndexNestedLoop) {
      for (std::size_t k = 0; k < node.scans.size(); ++k) {
        const ScanStep& step = node.scans[k];
        // A step's time is its loop's: only rows and opens are its own.
        Line(depth + 1, absl::StrCat(k + 1, ". ", Step(step)), &step, step.estimated_rows, /*timed=*/false);
      }
    }
    if (node.exprs != nullptr) {
      for (const query::Expr& e : *node.exprs) Exists(e, depth + 1);
    }
    for (const auto& [var, expr] : node.bindings) Exists(*expr, depth + 1);
    for (const auto& [expr, descending] : node.order) Exists(*expr, depth + 1);
    for (const auto& child : node.children) Print(*child, depth + 1);
  }

  std::string text() && { return std::move(out_); }

 private:
  std::string Name(VarId v) const {
    const std::string& n = names_[static_cast<std::size_t>(v)];
    if (query::IsUserVariable(n)) return "?" + n;
    if (n.size() > 1 && n[1] == '_') return n.substr(1);  // a blank node
    return "?_" + n.substr(1);
  }
  std::string TermText(const PatternTerm& t) const {
    switch (t.kind) {
      case PatternTerm::Kind::kVariable: return Name(t.var);
      case PatternTerm::Kind::kConstant: return query::ToTurtleTerm(t.constant, prefixes_);
      case PatternTerm::Kind::kTriple:
        return absl::StrCat("<<( ", TermText(t.triple[0]), " ", TermText(t.triple[1]), " ", TermText(t.triple[2]),
                            " )>>");
    }
    return "";
  }
  std::string Vars(const std::vector<VarId>& vars) const {
    std::string text;
    for (VarId v : vars) absl::StrAppend(&text, " ", Name(v));
    return text;
  }

  std::string Step(const ScanStep& step) const {
    const query::TriplePattern& t = *step.pattern;
    const std::string triple = absl::StrCat(TermText(t.subject), " ", TermText(t.predicate), " ", TermText(t.object));
    switch (step.access) {
      case Access::kSeek: return "scan " + triple;
      case Access::kHashProbe: return "probe a hash set of " + triple;
      case Access::kEdgeProbe: return "probe the edges in memory of " + triple;
      case Access::kFollowEdges: return "follow the edges in memory of " + triple;
      case Access::kSeekThenEdges:
        return absl::StrCat("scan ", triple, ", or follow its edges in memory from the ",
                            step.forward ? "subject" : "object", " once they are read or pay");
      case Access::kSeekThenProbe:
        return absl::StrCat("scan ", triple, ", or probe its edges in memory once they are read or pay");
    }
    return triple;
  }

  std::string Describe(const Node& node) const {
    using K = Node::Kind;
    const query::Query* q = node.query;
    switch (node.kind) {
      case K::kNoRows: return absl::StrCat("NoRows: ", node.reason);
      case K::kUnit: return "Unit (one empty solution)";
      case K::kIndexNestedLoop: return absl::StrCat("IndexNestedLoop over ", node.scans.size(), " triple pattern(s)");
      case K::kSearch: {
        const SearchCall& call = node.search;
        if (call.index == SearchCall::Index::kText) {
          std::string binds;
          for (const auto& [t, what] : {std::pair{call.score, "score"}, std::pair{call.snippet, "snippet"},
                                        std::pair{call.literal, "text"}}) {
            if (t != nullptr) absl::StrAppend(&binds, binds.empty() ? " with " : ", ", what, " ", TermText(*t));
          }
          return absl::StrCat("TextSearch ", TermText(*call.entity), binds, " for ", TermText(*call.text),
                              call.probe ? ": the hits found once, probed for each row's holder"
                                         : ", best first (BM25), each hit's holders in turn");
        }
        return absl::StrCat("NameSearch ", TermText(*call.entity),
                            call.score != nullptr ? absl::StrCat(" with score ", TermText(*call.score)) : "",
                            " for ", TermText(*call.text), ", best match first");
      }
      case K::kPropertyPath: {
        static constexpr const char* kStarts[] = {"between both ends, stopping at the target", "from the subject",
                                                  "from the object", "from every node"};
        return absl::StrCat("PropertyPath ", TermText(node.pattern->subject), " ", PathText(node.pattern->path, prefixes_),
                            " ", TermText(node.pattern->object), " (breadth-first ",
                            kStarts[static_cast<int>(node.path_start)], ")");
      }
      case K::kPaths: {
        const query::PathSearch& search = *node.pattern->paths;
        static constexpr const char* kModes[] = {"SHORTEST", "ALL SHORTEST", "ALL"};
        static constexpr const char* kDirections[] = {"forwards", "backwards", "either way"};
        std::string mode = kModes[static_cast<int>(search.mode)];
        if (search.mode == query::PathSearch::Mode::kShortest && search.k > 1) absl::StrAppend(&mode, " ", search.k);
        const bool weighted = search.weight != nullptr;
        const char* how = search.mode == query::PathSearch::Mode::kAll ? "depth-first, simple paths"
                          : weighted && search.k > 1                   ? "Dijkstra, then Yen's k cheapest simple paths"
                          : weighted                                   ? "Dijkstra"
                          : search.k > 1                               ? "breadth-first from both ends, then Yen's k shortest simple paths"
                          : node.target_bound                          ? "breadth-first from both ends"
                                                                       : "breadth-first";
        return absl::StrCat("Paths ", mode, " from ", TermText(search.from), " to ", TermText(search.to), ", ",
                            search.via ? absl::StrCat("via ", PathText(*search.via, prefixes_))
                                       : "over any entity-valued predicate",
                            " ", kDirections[static_cast<int>(search.direction)],
                            search.max_length ? absl::StrCat(", at most ", *search.max_length, " steps") : "",
                            weighted ? ", weighted" : "", " (", how, ")");
      }
      case K::kNestedJoin: return "Join, nested loop: the right side runs per left row";
      case K::kHashJoin: return "Join, hash: the right side runs once";
      case K::kNestedLeftJoin: return "LeftJoin (OPTIONAL), nested loop: the right side runs per left row";
      case K::kHashLeftJoin: return "LeftJoin (OPTIONAL), hash: the right side runs once";
      case K::kUnion: return "Union";
      case K::kMinus: return "Minus (hash)";
      case K::kFilter:
        return absl::StrCat("Filter (", node.exprs->size(), " condition(s))", node.reason.empty() ? "" : ": ",
                            node.reason);
      case K::kExtend: {
        std::vector<VarId> vars;
        for (const auto& [var, expr] : node.bindings) vars.push_back(var);
        return absl::StrCat(node.pattern != nullptr ? "Bind" : "Extend", Vars(vars));
      }
      case K::kGraph:
        return absl::StrCat("Graph ", TermText(node.pattern->graph));
      case K::kEachGraph:
        return absl::StrCat("Graph ", TermText(node.pattern->graph), " (each named graph in turn)");
      case K::kValues: return absl::StrCat("Values (", node.pattern->values.rows.size(), " rows)");
      case K::kSubquery: return "Subquery";
      case K::kService: return "Service (not supported)";
      case K::kSlice:
        return absl::StrCat("Slice offset ", node.offset, node.limit ? absl::StrCat(" limit ", *node.limit) : "");
      case K::kDistinct: return "Distinct";
      case K::kProject: return "Project" + Vars(node.vars);
      case K::kSort: return absl::StrCat("Sort by ", node.order.size(), " key(s)");
      case K::kValuesJoin: return absl::StrCat("HashJoin with VALUES (", q->values->rows.size(), " rows)");
      case K::kHaving: return absl::StrCat("Having (", node.exprs->size(), " condition(s))");
      case K::kGroup:
        return absl::StrCat("Group by ", q->group_by.size(), " key(s), ", q->aggregates.size(), " aggregate(s)");
      case K::kGroupCounts:
        return absl::StrCat("Group by ", q->group_by.size(), " key(s), ", q->aggregates.size(),
                            " count(s), counted as the rows stream");
      case K::kCountProduct:
        return absl::StrCat("Count the product of ", node.children.size(),
                            " patterns that share no variable: each counted, the counts multiplied");
      case K::kCountEdges: {
        const query::TriplePattern& t = q->where.triples[0];
        return absl::StrCat("Group by ", TermText(node.forward ? t.subject : t.object), ", counting the edges in memory of ",
                            TermText(t.subject), " ", TermText(t.predicate), " ", TermText(t.object));
      }
      case K::kReadInOrder: {
        const query::TriplePattern& t = q->where.triples[0];
        return absl::StrCat("Read ", TermText(t.predicate), " in ", node.descending ? "descending" : "ascending",
                            " order of ", TermText(t.object), ", stopping after ", node.wanted, " row(s)",
                            node.dates ? " and 28 hours more (time zones)" : "");
      }
    }
    return KindName(node.kind);
  }

  // The plans of the EXISTS patterns in `e`, under the node that evaluates it.
  void Exists(const query::Expr& e, int depth) {
    if (e.kind == query::Expr::Kind::kExists || e.kind == query::Expr::Kind::kNotExists) {
      if (const auto it = plan_.exists.find(e.pattern.get()); it != plan_.exists.end()) {
        Line(depth, e.kind == query::Expr::Kind::kExists ? "Exists" : "NotExists", nullptr, -1);
        Print(*it->second, depth + 1);
        Once(e, depth + 1);
      }
    }
    for (const query::Expr& a : e.args) Exists(a, depth);
  }

  // How an EXISTS pattern that only matches triples answers the rows once
  // the runs per row have cost what one run costs: EXPLAIN shows that run's
  // plan; ANALYZE, when the switch came and what it read.
  void Once(const query::Expr& e, int depth) {
    const auto once = plan_.exists_once.find(e.pattern.get());
    if (once == plan_.exists_once.end()) return;
    if (profile_ == nullptr) {
      Line(depth, "or, once the runs per row cost as much, one run with nothing bound for the rest:", nullptr, -1);
      Print(*once->second, depth + 1);
      return;
    }
    const auto switched = profile_->find(e.pattern.get());
    if (switched == profile_->end()) return;
    const OpStats& stats = switched->second;
    if (stats.in_memory > 0) {
      Line(depth, absl::StrFormat("after %d runs per row, the rest looked in the predicate's edges in memory  "
                                  "[%d edges, %.3f ms]", stats.opens, stats.rows, stats.seconds * 1000),
           nullptr, -1);
      return;
    }
    Line(depth, absl::StrFormat("after %d runs per row, one run with nothing bound answered the rest  "
                                "[%d rows hashed, %.3f ms]", stats.opens, stats.rows, stats.seconds * 1000),
         nullptr, -1);
    Print(*once->second, depth + 1);
  }

  static std::string Rows(double rows) {
    return rows >= 100 ? absl::StrFormat("%.0f rows", rows) : absl::StrFormat("%.2g rows", rows);
  }

  void Line(int depth, const std::string& text, const void* key, double estimate, bool timed = true) {
    std::string line(static_cast<std::size_t>(depth) * 2, ' ');
    line += text;
    if (estimate >= 0) absl::StrAppend(&line, "  (est ", Rows(estimate), ")");
    if (profile_ != nullptr && key != nullptr) {
      const auto it = profile_->find(key);
      const OpStats stats = it == profile_->end() ? OpStats{} : it->second;
      absl::StrAppend(&line, "  [rows ", stats.rows, ", opened ", stats.opens, "x");
      if (stats.in_memory > 0) absl::StrAppend(&line, ", ", stats.in_memory, "x from edges in memory");
      if (timed) absl::StrAppend(&line, absl::StrFormat(", %.3f ms", stats.seconds * 1000));
      line += "]";
    }
    out_ += line + "\n";
  }

  const Plan& plan_;
  const std::vector<std::string>& names_;
  const Profile* profile_;
  const query::PrefixList& prefixes_;
  std::string out_;
};

int Precedence(PropertyPath::Kind kind) {
  switch (kind) {
    case PropertyPath::Kind::kAlternative: return 0;
    case PropertyPath::Kind::kSequence: return 1;
    case PropertyPath::Kind::kInverse: return 2;
    case PropertyPath::Kind::kZeroOrMore:
    case PropertyPath::Kind::kOneOrMore:
    case PropertyPath::Kind::kZeroOrOne: return 3;
    default: return 4;  // links and negated sets
  }
}

std::string Operand(const PropertyPath& part, int precedence, const query::PrefixList& prefixes) {
  const std::string text = PathText(part, prefixes);
  return Precedence(part.kind) < precedence ? absl::StrCat("(", text, ")") : text;
}

}  // namespace

std::string PathText(const PropertyPath& path, const query::PrefixList& prefixes) {
  using K = PropertyPath::Kind;
  switch (path.kind) {
    case K::kLink: return query::ToTurtleTerm(path.iri, prefixes);
    case K::kInverse: return "^" + Operand(path.parts[0], 3, prefixes);
    case K::kSequence:
    case K::kAlternative: {
      std::vector<std::string> parts;
      const int precedence = Precedence(path.kind) + 1;
      for (const PropertyPath& part : path.parts) parts.push_back(Operand(part, precedence, prefixes));
      return absl::StrJoin(parts, path.kind == K::kSequence ? "/" : "|");
    }
    case K::kZeroOrMore: return Operand(path.parts[0], 4, prefixes) + "*";
    case K::kOneOrMore: return Operand(path.parts[0], 4, prefixes) + "+";
    case K::kZeroOrOne: return Operand(path.parts[0], 4, prefixes) + "?";
    case K::kNegated: {
      std::vector<std::string> parts;
      for (const Term& t : path.negated_forward) parts.push_back(query::ToTurtleTerm(t, prefixes));
      for (const Term& t : path.negated_inverse) parts.push_back("^" + query::ToTurtleTerm(t, prefixes));
      return parts.size() == 1 ? "!" + parts[0] : absl::StrCat("!(", absl::StrJoin(parts, "|"), ")");
    }
  }
  return "";
}

std::string Explain(const Plan& plan, const std::vector<std::string>& variable_names, const Profile* profile,
                    const query::PrefixList& prefixes) {
  Printer printer(plan, variable_names, profile, prefixes);
  printer.Print(*plan.root, 0);
  return std::move(printer).text();
}

}  // namespace relata::engine::plan
