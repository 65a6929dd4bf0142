// Query forms (SELECT, CONSTRUCT, ASK, DESCRIBE), datasets, solution
// modifiers, and the scope rules of SELECT and grouping.
#include "query/translator.h"

namespace relata::query::translation {

Query Translator::QueryForm(const Node& n) {
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

void Translator::FinishWhere(Query& q) {
  std::set<VarId> in_scope;
  InScope(q.where, &in_scope);
  for (VarId v : in_scope) {
    if (IsUserVariable((*names_)[static_cast<std::size_t>(v)])) q.projection.push_back(v);
  }
  q.variable_names = names_;
  q.base_iri = base_;
}

void Translator::Modifiers(const Node& n, Query* q) {
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

std::int64_t Translator::Integer(const Node& n) {
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

Query Translator::Select(const Node& n) {
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

void Translator::CheckGrouping(const Query& q, const std::vector<std::pair<VarId, const Node*>>& projected) {
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

}  // namespace relata::query::translation
