// Expressions: operators from the gaps between operands, built-in calls,
// aggregates, each with its depth bounded.
#include "query/translator.h"

namespace relata::query::translation {

Expr Translator::Constant(Term t, const Node& at) {
  Expr e(Expr::Kind::kConstant, Offset(at));
  e.constant = std::move(t);
  return e;
}

Expr Translator::VariableExpr(VarId v, std::size_t offset) {
  Expr e(Expr::Kind::kVariable, offset);
  e.var = v;
  return e;
}

Expr Translator::Make(Expr::Kind kind, std::vector<Expr> args, const Node& at) {
  Expr e(kind, Offset(at));
  e.args = std::move(args);
  for (const Expr& arg : e.args) e.depth = std::max(e.depth, arg.depth + 1);
  CheckDepth(e.depth, at);
  return e;
}

Expr Translator::Make(Expr::Kind kind, Expr only, const Node& at) {
  std::vector<Expr> args;
  args.push_back(std::move(only));
  return Make(kind, std::move(args), at);
}

Expr Translator::Make(Expr::Kind kind, Expr left, Expr right, const Node& at) {
  std::vector<Expr> args;
  args.reserve(2);
  args.push_back(std::move(left));
  args.push_back(std::move(right));
  return Make(kind, std::move(args), at);
}

Expr Translator::Expression(const Node& n) {
  if (!CheckStack(n)) return {};
  Expr e = ExpressionOf(n);
  for (const Expr& arg : e.args) e.depth = std::max(e.depth, arg.depth + 1);
  CheckDepth(e.depth, n);
  return e;
}

void Translator::CheckDepth(int depth, const Node& at) const {
  if (depth > kMaxAlgebraDepth) {
    Fail(at, absl::StrCat("the query nests too deeply here (more than ", kMaxAlgebraDepth,
                          " levels of operators, functions or patterns)"));
  }
}

Expr Translator::ExpressionOf(const Node& n) {
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

Expr Translator::Relational(const Node& n) {
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

Expr Translator::Additive(const Node& n) {
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
      term = Constant(Term::Literal(digits, XsdIri(type)), c);
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

Expr Translator::BuiltIn(const Node& n) {
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

Expr Translator::AggregateCall(const Node& n) {
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

void Translator::FreeVariables(const Expr& e, std::set<VarId>* vars) {
  if (e.kind == Expr::Kind::kVariable) vars->insert(e.var);
  if (e.kind == Expr::Kind::kAggregate) return;
  for (const auto& a : e.args) FreeVariables(a, vars);
}

}  // namespace relata::query::translation
