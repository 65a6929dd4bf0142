// Triple patterns with their blank nodes, collections and reifiers,
// property paths (expanded to triples where they can be), and group graph
// patterns with OPTIONAL, MINUS, UNION, FILTER, BIND, VALUES and GRAPH.
#include "query/translator.h"

namespace relata::query::translation {

PatternTerm Translator::GraphNode(const Node& n, Emitter& out) {
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

PatternTerm Translator::TripleOf(const PatternTerm& s, const PatternTerm& p, const PatternTerm& o) {
  if (s.kind == PatternTerm::Kind::kConstant && p.kind == PatternTerm::Kind::kConstant &&
      o.kind == PatternTerm::Kind::kConstant) {
    return PatternTerm::Constant(Term::Triple(s.constant, p.constant, o.constant));
  }
  return PatternTerm::Triple({s, p, o});
}

PatternTerm Translator::Reifier(const Node& reifier) {
  if (reifier.children.empty()) return FreshBlank();
  Emitter unused;
  return GraphNode(*reifier.children[0], unused);
}

void Translator::Object(const PatternTerm& s, const PatternTerm& p, const Node& object, Emitter& out) {
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

void Translator::PropertyList(const PatternTerm& subject, const Node& list, Emitter& out) {
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

void Translator::EmitPath(const PatternTerm& s, const PropertyPath& path, const PatternTerm& o, Emitter& out) {
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

PropertyPath Translator::Wrap(PropertyPath::Kind kind, PropertyPath operand) {
  PropertyPath path(kind);
  path.parts.push_back(std::move(operand));
  return path;
}

PropertyPath Translator::Path(const Node& n) {
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

void Translator::Triples(const Node& block, Emitter& out) {
  for (const auto& tss : block.children) {
    const PatternTerm subject = GraphNode(*tss->children.at(0), out);
    if (tss->children.size() > 1) PropertyList(subject, *tss->children[1], out);
  }
}

Pattern Translator::JoinPatterns(Pattern a, Pattern b) {
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

Pattern Translator::Group(const Node& ggp) {
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

Pattern Translator::Deeper(Pattern p, const Node& at) const {
  p.depth = 1;
  for (const Pattern& child : p.children) p.depth = std::max(p.depth, child.depth + 1);
  for (const Expr& e : p.exprs) p.depth = std::max(p.depth, e.depth + 1);
  CheckDepth(p.depth, at);
  return p;
}

Pattern Translator::GroupElements(const Node& ggp) {
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
    } else if (n.is_type<g::PathsPattern>()) {
      Pattern paths = Paths(n, g);
      g = JoinPatterns(std::move(g), std::move(paths));
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

Pattern Translator::Paths(const Node& n, const Pattern& before) {
  auto search = std::make_shared<PathSearch>();
  std::set<VarId> in_scope;
  InScope(before, &in_scope);
  Emitter unused;
  const Node* limit = nullptr;
  const Node* max = nullptr;
  const Node* weight = nullptr;
  for (const auto& child : n.children) {
    const Node& c = *child;
    if (c.is_type<g::PathsAllShortest>()) {
      search->mode = PathSearch::Mode::kAllShortest;
    } else if (c.is_type<g::PathsAll>()) {
      search->mode = PathSearch::Mode::kAll;
    } else if (c.is_type<g::PathsShortest>()) {
      if (!c.children.empty()) search->k = Integer(*c.children[0]);
      if (search->k < 1) Fail(c, "SHORTEST takes a number of paths of at least 1");
    } else if (c.is_type<g::PathsFrom>() || c.is_type<g::PathsTo>()) {
      PatternTerm t = GraphNode(*c.children.at(0), unused);
      if (c.is_type<g::PathsFrom>()) {
        if (t.IsVariable() && !in_scope.contains(t.var)) {
          unbound_starts_.emplace_back(
              t.var, absl::StrCat(TextPosition(text_, Offset(*c.children[0])), ": PATHS starts FROM ?",
                                  (*names_)[static_cast<std::size_t>(t.var)],
                                  ", which no pattern before it binds: bind it first, or give an IRI"));
        }
        search->from = std::move(t);
      } else {
        search->to = std::move(t);
      }
    } else if (c.is_type<g::PathsVia>()) {
      search->via = Path(*c.children.at(0));
    } else if (c.is_type<g::KwForward>()) {
      search->direction = PathSearch::Direction::kForward;
    } else if (c.is_type<g::KwBackward>()) {
      search->direction = PathSearch::Direction::kBackward;
    } else if (c.is_type<g::KwEither>()) {
      search->direction = PathSearch::Direction::kEither;
    } else if (c.is_type<g::PathsMax>()) {
      max = &c;
      search->max_length = Integer(*c.children.at(0));
      if (*search->max_length < 1) Fail(c, "MAX takes a path length of at least 1");
    } else if (c.is_type<g::PathsGraphs>()) {
      for (const auto& iri : c.children) search->graphs.push_back(Term::Iri(Iri(*iri)));
    } else if (c.is_type<g::PathsConfidence>()) {
      const Term number = Literal(*c.children.at(0));
      search->min_confidence = std::strtod(number.value.c_str(), nullptr);
    } else if (c.is_type<g::PathsLimit>()) {
      limit = &c;
      search->limit = Integer(*c.children.at(0));
    } else if (c.is_type<g::PathsWeight>()) {
      weight = &c;
      search->weight = std::make_shared<Expr>(Expression(*c.children.at(0)));
      search->weight_at = TextPosition(text_, Offset(c));
    } else if (c.is_type<g::PathsColumns>()) {
      search->compact = c.children.size() == 1 && c.string_view()[0] != '(';
      for (const auto& var : c.children) {
        const VarId v = Var(*var);
        if (in_scope.contains(v) || std::find(search->columns.begin(), search->columns.end(), v) != search->columns.end()) {
          Fail(*var, absl::StrCat("PATHS binds ?", (*names_)[static_cast<std::size_t>(v)],
                                  ", which is bound already: name its columns with new variables"));
        }
        search->columns.push_back(v);
      }
      if (!search->compact && search->columns.size() > 10) {
        Fail(*c.children[10], "PATHS has ten columns: path, step, start, predicate, end, document, confidence, "
                              "evidence, forward, cost");
      }
    }
  }
  if (search->mode == PathSearch::Mode::kAll && (max == nullptr || limit == nullptr)) {
    Fail(n, "PATHS ALL (every simple path) needs a MAX length and a LIMIT on the paths");
  }
  if (weight != nullptr) {
    if (search->mode == PathSearch::Mode::kAllShortest) {
      Fail(*weight, "ALL SHORTEST counts steps; for the cheapest paths by WEIGHT ask for SHORTEST k");
    }
    // The weight sees the step's columns and what the patterns before bind.
    std::set<VarId> visible = in_scope;
    if (!search->compact) visible.insert(search->columns.begin(), search->columns.end());
    std::vector<const Expr*> todo = {search->weight.get()};
    while (!todo.empty()) {
      const Expr* e = todo.back();
      todo.pop_back();
      if (e->kind == Expr::Kind::kVariable && !visible.contains(e->var)) {
        Fail(*weight, absl::StrCat("WEIGHT uses ?", (*names_)[static_cast<std::size_t>(e->var)],
                                   ", which is neither a column of AS (...) nor bound before PATHS"));
        break;
      }
      for (const Expr& arg : e->args) todo.push_back(&arg);
    }
  }
  Pattern p(Pattern::Kind::kPaths);
  p.paths = std::move(search);
  return p;
}

ValuesTable Translator::Values(const Node& inline_data) {
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

}  // namespace relata::query::translation
