// SPARQL 1.1 Update operations and their quad templates, with the rules
// on variables and blank nodes in them.
#include "query/translator.h"

namespace relata::query::translation {

UpdateOperation Translator::Operation(const Node& n) {
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

GraphTarget Translator::Target(const Node& n) {
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

std::vector<QuadTemplate> Translator::QuadTemplates(const Node& quad_pattern, std::string_view form, bool ground) {
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

void Translator::Check(const PatternTerm& term, const Node& at, std::string_view form, bool ground, bool deleting) {
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

}  // namespace relata::query::translation
