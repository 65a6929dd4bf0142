#include "algebra.h"

namespace relata::query {

void AddVariables(const PatternTerm& t, std::vector<VarId>* vars) {
  if (t.IsVariable()) vars->push_back(t.var);
  for (const PatternTerm& part : t.triple) AddVariables(part, vars);
}

void AddVariables(const TriplePattern& t, std::vector<VarId>* vars) {
  for (const PatternTerm* term : {&t.subject, &t.predicate, &t.object}) AddVariables(*term, vars);
}

// With a stack of its own: a left-deep chain of twenty thousand OPTIONALs is
// asked about before the translation refuses it as too deep.
void InScope(const Pattern& p, std::set<VarId>* vars) {
  const auto term = [&](const auto& t) {  // a PatternTerm or a TriplePattern
    std::vector<VarId> named;
    AddVariables(t, &named);
    vars->insert(named.begin(), named.end());
  };
  std::vector<const Pattern*> pending = {&p};
  while (!pending.empty()) {
    const Pattern& next = *pending.back();
    pending.pop_back();
    switch (next.kind) {
      case Pattern::Kind::kBgp:
        for (const auto& t : next.triples) term(t);
        break;
      case Pattern::Kind::kPath:
        term(next.subject);
        term(next.object);
        break;
      case Pattern::Kind::kMinus:
        pending.push_back(&next.children[0]);
        break;
      case Pattern::Kind::kExtend:
        vars->insert(next.var);
        pending.push_back(&next.children[0]);
        break;
      case Pattern::Kind::kGraph:
        term(next.graph);
        pending.push_back(&next.children[0]);
        break;
      case Pattern::Kind::kValues:
        vars->insert(next.values.vars.begin(), next.values.vars.end());
        break;
      case Pattern::Kind::kSubquery:
        vars->insert(next.subquery->projection.begin(), next.subquery->projection.end());
        break;
      case Pattern::Kind::kPaths:
        term(next.paths->to);
        vars->insert(next.paths->columns.begin(), next.paths->columns.end());
        break;
      default:
        for (const auto& c : next.children) pending.push_back(&c);
    }
  }
}

}  // namespace relata::query
