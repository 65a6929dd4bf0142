#include "algebra.h"

namespace relata::query {

void AddVariables(const PatternTerm& t, std::vector<VarId>* vars) {
  if (t.IsVariable()) vars->push_back(t.var);
  for (const PatternTerm& part : t.triple) AddVariables(part, vars);
}

void InScope(const Pattern& p, std::set<VarId>* vars) {
  const auto term = [&](const PatternTerm& t) {
    std::vector<VarId> named;
    AddVariables(t, &named);
    vars->insert(named.begin(), named.end());
  };
  switch (p.kind) {
    case Pattern::Kind::kBgp:
      for (const auto& t : p.triples) {
        term(t.subject);
        term(t.predicate);
        term(t.object);
      }
      break;
    case Pattern::Kind::kPath:
      term(p.subject);
      term(p.object);
      break;
    case Pattern::Kind::kMinus:
      InScope(p.children[0], vars);
      break;
    case Pattern::Kind::kExtend:
      vars->insert(p.var);
      InScope(p.children[0], vars);
      break;
    case Pattern::Kind::kGraph:
      term(p.graph);
      InScope(p.children[0], vars);
      break;
    case Pattern::Kind::kValues:
      vars->insert(p.values.vars.begin(), p.values.vars.end());
      break;
    case Pattern::Kind::kSubquery:
      vars->insert(p.subquery->projection.begin(), p.subquery->projection.end());
      break;
    case Pattern::Kind::kPaths:
      term(p.paths->to);
      vars->insert(p.paths->columns.begin(), p.paths->columns.end());
      break;
    default:
      for (const auto& c : p.children) InScope(c, vars);
  }
}

}  // namespace relata::query
