// Expressions over a row: the operators, and each call through the function
// the plan resolved it to (engine/functions), the special forms that read
// the row or the query here; integer and double comparisons and string tests
// on ids and cached terms where they can.
#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <random>

#include "absl/strings/str_format.h"
#include "engine/exec/evaluator.h"
#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"
#include "query/iri.h"

namespace relata::engine::exec {

absl::StatusOr<bool> Evaluator::Exists(const query::Pattern& pattern, const Row& row, const GraphScope& scope) {
  if (const auto once = plan_.exists_once.find(&pattern); once != plan_.exists_once.end()) {
    ExistsRuns& runs = exists_runs_[&pattern];
    // A seek reads some 32 rows in the time it takes: past that many runs
    // per row of the one run's estimated rows, one run is cheaper.
    const plan::Node& all = *once->second;
    if (runs.rows == nullptr && runs.edges == nullptr && ++runs.count > 64 + all.estimated_rows / 32) {
      const auto start = std::chrono::steady_clock::now();
      const bool one_triple = all.kind == plan::Node::Kind::kIndexNestedLoop && all.scans.size() == 1 &&
                              all.scans[0].p.kind == plan::ScanTerm::Kind::kConstant &&
                              all.scans[0].s.kind != plan::ScanTerm::Kind::kTriple &&
                              all.scans[0].o.kind != plan::ScanTerm::Kind::kTriple &&
                              !(all.scans[0].s.kind == plan::ScanTerm::Kind::kVariable &&
                                all.scans[0].o.kind == plan::ScanTerm::Kind::kVariable &&
                                all.scans[0].s.var == all.scans[0].o.var);
      runs.scope = scope;
      if (one_triple) {
        ASSIGN_OR_RETURN(runs.edges, PredicateEdges(all.scans[0].p.id, true, scope, plan::kMostEdgesInMemory));
      }
      if (runs.edges == nullptr) {
        ASSIGN_OR_RETURN(Source source, Open(all, Row(ctx_.width()), scope));
        ASSIGN_OR_RETURN(std::vector<Row> rows, Drain(*source, ctx_));
        runs.rows = std::make_unique<RightRows>(std::move(rows));
      }
      if (ctx_.profiling) {  // for EXPLAIN ANALYZE, by the pattern: when and how the runs per row ended
        plan::OpStats& stats = ctx_.profile[&pattern];
        stats.opens = runs.count - 1;
        stats.in_memory = runs.edges != nullptr ? 1 : 0;
        stats.rows = runs.edges != nullptr ? runs.edges->edges() : runs.rows->size();
        stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      }
    }
    if (runs.scope == scope) {
      if (runs.edges != nullptr) {
        if (const auto found = InEdges(all.scans[0], *runs.edges, row)) return *found;
      } else if (runs.rows != nullptr) {
        const auto candidates = runs.rows->Candidates(row);
        return std::any_of(candidates.begin(), candidates.end(),
                           [&](std::size_t c) { return Compatible(row, (*runs.rows)[c]); });
      }
    }
  }
  const auto plan = plan_.exists.find(&pattern);
  if (plan == plan_.exists.end()) return absl::InternalError("EXISTS without a plan");
  ASSIGN_OR_RETURN(Source s, Open(*plan->second, row, scope));
  Row out;
  return s->Next(&out);
}

std::optional<bool> Evaluator::InEdges(const plan::ScanStep& step, const Adjacency& edges, const Row& row) {
  const auto value = [&](const plan::ScanTerm& t) {
    return t.kind == plan::ScanTerm::Kind::kConstant ? t.id : row[static_cast<std::size_t>(t.var)];
  };
  const TermId subject = value(step.s), object = value(step.o);
  if (subject == kNoTerm) return std::nullopt;  // edges by object are another table: run it per row
  const auto targets = edges.From(subject);
  if (object == kNoTerm) return !targets.empty();
  return std::binary_search(targets.begin(), targets.end(), object);
}

absl::StatusOr<std::optional<bool>> Evaluator::EvalBool(const Expr& e, const Row& row, ExprEnv& env) {
  // The logical operators and EXISTS, per row of a FILTER, without a term.
  switch (e.kind) {
    case Expr::Kind::kOr:
    case Expr::Kind::kAnd: {
      // Errors give way to a deciding operand (spec 17.2).
      ASSIGN_OR_RETURN(const auto a, EvalBool(e.args[0], row, env));
      const bool decide = e.kind == Expr::Kind::kOr;
      if (a && *a == decide) return std::optional<bool>(decide);
      ASSIGN_OR_RETURN(const auto b, EvalBool(e.args[1], row, env));
      if (b && *b == decide) return std::optional<bool>(decide);
      if (!a || !b) return std::optional<bool>();
      return std::optional<bool>(!decide);
    }
    case Expr::Kind::kNot: {
      ASSIGN_OR_RETURN(const auto a, EvalBool(e.args[0], row, env));
      if (!a) return std::optional<bool>();
      return std::optional<bool>(!*a);
    }
    case Expr::Kind::kExists:
    case Expr::Kind::kNotExists: {
      ASSIGN_OR_RETURN(const bool any, Exists(*e.pattern, row, env.scope));
      return std::optional<bool>(any == (e.kind == Expr::Kind::kExists));
    }
    default:
      break;
  }
  // A comparison of inline numbers needs no term at all.
  if (e.kind >= Expr::Kind::kLess && e.kind <= Expr::Kind::kGreaterEqual) {
    if (const auto c = CompareInline(e.args[0], e.args[1], row)) {
      switch (e.kind) {
        case Expr::Kind::kLess: return std::optional<bool>(*c < 0);
        case Expr::Kind::kGreater: return std::optional<bool>(*c > 0);
        case Expr::Kind::kLessEqual: return std::optional<bool>(*c <= 0);
        default: return std::optional<bool>(*c >= 0);
      }
    }
  }
  if (e.kind == Expr::Kind::kEqual || e.kind == Expr::Kind::kNotEqual) {
    ASSIGN_OR_RETURN(const auto same, SameAsIri(e.args[0], e.args[1], row));
    if (same) return std::optional<bool>(*same == (e.kind == Expr::Kind::kEqual));
  }
  // A comparison with a computed number: compared as numbers (the general
  // path decides when a side is not a number, or is NaN).
  if (e.kind >= Expr::Kind::kEqual && e.kind <= Expr::Kind::kGreaterEqual &&
      (IsNumericOperation(e.args[0]) || IsNumericOperation(e.args[1]))) {
    ASSIGN_OR_RETURN(const auto x, Operand(e.args[0], row, env));
    ASSIGN_OR_RETURN(const auto y, Operand(e.args[1], row, env));
    if (const auto c = x && y ? CompareNumbers(*x, *y) : std::nullopt) {
      switch (e.kind) {
        case Expr::Kind::kEqual: return std::optional<bool>(*c == 0);
        case Expr::Kind::kNotEqual: return std::optional<bool>(*c != 0);
        case Expr::Kind::kLess: return std::optional<bool>(*c < 0);
        case Expr::Kind::kGreater: return std::optional<bool>(*c > 0);
        case Expr::Kind::kLessEqual: return std::optional<bool>(*c <= 0);
        default: return std::optional<bool>(*c >= 0);
      }
    }
  }
  std::optional<Term> v;
  if (e.kind == Expr::Kind::kBuiltIn || e.kind == Expr::Kind::kFunction || e.kind == Expr::Kind::kTriple) {
    // The call's function, looked up once for the string test and the call.
    ASSIGN_OR_RETURN(const Function* f, Resolved(e));
    if (const auto b = StringTest(e, f, row)) return std::optional<bool>(*b);
    ASSIGN_OR_RETURN(v, EvalCall(e, f, row, env));
  } else {
    ASSIGN_OR_RETURN(v, Eval(e, row, env));
  }
  if (!v) return std::optional<bool>();
  return EffectiveBooleanValue(*v);
}

absl::StatusOr<const Function*> Evaluator::Resolved(const Expr& e) const {
  const auto resolved = plan_.functions.find(&e);
  if (resolved == plan_.functions.end()) return absl::InternalError("a function call the plan did not resolve");
  return resolved->second;
}

absl::StatusOr<bool> Evaluator::Holds(const std::vector<Expr>& exprs, const Row& row, const GraphScope& scope) {
  ExprEnv env{scope};
  for (const Expr& e : exprs) {
    ASSIGN_OR_RETURN(const auto b, EvalBool(e, row, env));
    if (!b.value_or(false)) return false;
  }
  return true;
}

// ---- expressions ----

absl::StatusOr<std::optional<Term>> Evaluator::Eval(const Expr& e, const Row& row, ExprEnv& env) {
  using K = Expr::Kind;
  const auto eval = [&](const Expr& x) { return Eval(x, row, env); };
  switch (e.kind) {
    case K::kConstant:
      return std::optional<Term>(e.constant);
    case K::kVariable: {
      const TermId id = row[static_cast<std::size_t>(e.var)];
      if (id == kNoTerm) return std::optional<Term>();
      ASSIGN_OR_RETURN(Term t, ctx_.Resolve(id));
      return std::optional<Term>(std::move(t));
    }
    case K::kAggregate:  // ResolveAggregates replaced these with their result variables
      return absl::InternalError("aggregate outside a group");
    case K::kOr:
    case K::kAnd:
    case K::kNot:
    case K::kExists:
    case K::kNotExists: {
      ASSIGN_OR_RETURN(const auto b, EvalBool(e, row, env));
      if (!b) return std::optional<Term>();
      return std::optional<Term>(Boolean(*b));
    }
    case K::kEqual:
    case K::kNotEqual: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      ASSIGN_OR_RETURN(const auto b, eval(e.args[1]));
      if (!a || !b) return std::optional<Term>();
      const auto eq = ValueEqual(*a, *b);
      if (!eq) return std::optional<Term>();
      return std::optional<Term>(Boolean(*eq == (e.kind == K::kEqual)));
    }
    case K::kLess:
    case K::kGreater:
    case K::kLessEqual:
    case K::kGreaterEqual: {
      // Integers and doubles stored inline compare by id, without decoding.
      if (const auto c = CompareInline(e.args[0], e.args[1], row)) {
        const bool r = e.kind == K::kLess      ? *c < 0
                       : e.kind == K::kGreater ? *c > 0
                       : e.kind == K::kLessEqual ? *c <= 0
                                                 : *c >= 0;
        return std::optional<Term>(Boolean(r));
      }
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      ASSIGN_OR_RETURN(const auto b, eval(e.args[1]));
      if (!a || !b) return std::optional<Term>();
      const auto c = ValueCompare(*a, *b);
      if (!c) return std::optional<Term>();
      const bool r = e.kind == K::kLess      ? *c < 0
                     : e.kind == K::kGreater ? *c > 0
                     : e.kind == K::kLessEqual ? *c <= 0
                                               : *c >= 0;
      return std::optional<Term>(Boolean(r));
    }
    case K::kIn:
    case K::kNotIn: {
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      if (!a) return std::optional<Term>();
      bool error = false;
      for (std::size_t i = 1; i < e.args.size(); ++i) {
        ASSIGN_OR_RETURN(const auto b, eval(e.args[i]));
        const auto eq = b ? ValueEqual(*a, *b) : std::nullopt;
        if (eq && *eq) return std::optional<Term>(Boolean(e.kind == K::kIn));
        if (!eq) error = true;
      }
      if (error) return std::optional<Term>();
      return std::optional<Term>(Boolean(e.kind == K::kNotIn));
    }
    case K::kAdd:
    case K::kSubtract:
    case K::kMultiply:
    case K::kDivide:
    case K::kNegate: {
      ASSIGN_OR_RETURN(const NumericValue v, EvalNumeric(e, row, env));
      return v.value ? std::optional<Term>(FromNumber(*v.value)) : std::optional<Term>();
    }
    case K::kPlus: {  // the operand itself, as written, when it is a number
      ASSIGN_OR_RETURN(const auto a, eval(e.args[0]));
      if (!a) return std::optional<Term>();
      return UnaryPlus(*a);
    }
    case K::kTriple:
    case K::kBuiltIn:
    case K::kFunction: {
      if (IsNumericOperation(e)) {
        ASSIGN_OR_RETURN(const NumericValue v, EvalNumeric(e, row, env));
        return v.value ? std::optional<Term>(FromNumber(*v.value)) : std::optional<Term>();
      }
      ASSIGN_OR_RETURN(const Function* f, Resolved(e));
      return EvalCall(e, f, row, env);
    }
  }
  return std::optional<Term>();
}

namespace {

// The rounding function `e` calls, if it calls one.
std::optional<Rounding> RoundingOf(const Expr& e) {
  if (e.kind != Expr::Kind::kBuiltIn || e.args.size() != 1) return std::nullopt;
  if (e.name == "ABS") return Rounding::kAbs;
  if (e.name == "CEIL") return Rounding::kCeil;
  if (e.name == "FLOOR") return Rounding::kFloor;
  if (e.name == "ROUND") return Rounding::kRound;
  return std::nullopt;
}

}  // namespace

bool Evaluator::IsNumericOperation(const Expr& e) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::kAdd:
    case K::kSubtract:
    case K::kMultiply:
    case K::kDivide:
    case K::kNegate:
      return true;
    default:
      return RoundingOf(e).has_value();
  }
}

absl::StatusOr<Evaluator::NumericValue> Evaluator::EvalNumeric(const Expr& e, const Row& row, ExprEnv& env) {
  using K = Expr::Kind;
  if (!IsNumericOperation(e)) return NumericValue{};
  NumericValue result{.numeric = true, .value = std::nullopt};
  if (const std::optional<Rounding> how = RoundingOf(e)) {
    ASSIGN_OR_RETURN(const auto x, Operand(e.args[0], row, env));
    if (x) result.value = Rounded(*how, *x);
    return result;
  }
  if (e.kind == K::kNegate) {
    ASSIGN_OR_RETURN(const auto x, Operand(e.args[0], row, env));
    if (x && x->kind == Number::kInteger) {
      result.value = NumberArithmetic('-', Number(), *x);  // -(-2^63) overflows into a decimal
    } else if (x) {
      Number negated = *x;
      negated.real = -negated.real;
      result.value = negated;
    }
    return result;
  }
  // Both sides are evaluated before either is checked, as on terms.
  ASSIGN_OR_RETURN(const auto x, Operand(e.args[0], row, env));
  ASSIGN_OR_RETURN(const auto y, Operand(e.args[1], row, env));
  if (!x || !y) return result;
  const char op = e.kind == K::kAdd ? '+' : e.kind == K::kSubtract ? '-' : e.kind == K::kMultiply ? '*' : '/';
  result.value = NumberArithmetic(op, *x, *y);
  return result;
}

absl::StatusOr<std::optional<Number>> Evaluator::Operand(const Expr& e, const Row& row, ExprEnv& env) {
  ASSIGN_OR_RETURN(const NumericValue computed, EvalNumeric(e, row, env));
  if (computed.numeric) {
    if (!computed.value) return std::optional<Number>();
    return std::optional<Number>(Normalized(*computed.value));
  }
  if (e.kind == Expr::Kind::kVariable) {
    const TermId id = row[static_cast<std::size_t>(e.var)];
    if (id == kNoTerm) return std::optional<Number>();
    if (storage::TagOf(id) == TermTag::kInteger) {
      Number n;
      n.integer = storage::IntegerOf(id);
      return std::optional<Number>(n);
    }
    if (storage::TagOf(id) == TermTag::kDecimal) {
      // mantissa / 10^scale, both exact in a long double: the division rounds
      // as reading the decimal's text does.
      static constexpr std::array<long double, 16> kPowers = {
          1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L};
      const storage::DecimalParts parts = storage::DecimalOf(id);
      Number n;
      n.kind = Number::kDecimal;
      n.real = static_cast<long double>(parts.mantissa) / kPowers[static_cast<std::size_t>(parts.scale)];
      return std::optional<Number>(n);
    }
  }
  if (e.kind == Expr::Kind::kConstant) {
    const auto [it, inserted] = constant_numbers_.try_emplace(&e);
    if (inserted) it->second = ToNumber(e.constant);
    return it->second;
  }
  ASSIGN_OR_RETURN(const auto term, Eval(e, row, env));
  if (!term) return std::optional<Number>();
  return ToNumber(*term);
}

absl::StatusOr<std::optional<bool>> Evaluator::SameAsIri(const Expr& a, const Expr& b, const Row& row) {
  const bool iri_first = a.kind == Expr::Kind::kConstant && a.constant.IsIri();
  const Expr& variable = iri_first ? b : a;
  const Expr& iri = iri_first ? a : b;
  if (variable.kind != Expr::Kind::kVariable || iri.kind != Expr::Kind::kConstant || !iri.constant.IsIri()) {
    return std::optional<bool>();
  }
  const TermId id = row[static_cast<std::size_t>(variable.var)];
  if (id == kNoTerm) return std::optional<bool>();
  auto [it, inserted] = constant_iris_.try_emplace(&iri, kNoTerm);
  if (inserted) {
    ASSIGN_OR_RETURN(it->second, ctx_.Intern(iri.constant));
  }
  return std::optional<bool>(id == it->second);
}

TermId Evaluator::InlineOf(const Expr& e, const Row& row) {
  if (e.kind == Expr::Kind::kVariable) return row[static_cast<std::size_t>(e.var)];
  if (e.kind != Expr::Kind::kConstant) return kNoTerm;
  const auto [it, inserted] = constant_ids_.try_emplace(&e, kNoTerm);
  if (inserted) it->second = storage::InlineId(e.constant).value_or(kNoTerm);
  return it->second;
}

std::optional<bool> Evaluator::StringTest(const Expr& e, const Function* f, const Row& row) {
  if (e.kind != Expr::Kind::kBuiltIn || e.args.size() != 2 || e.args[0].kind != Expr::Kind::kVariable ||
      e.args[1].kind != Expr::Kind::kConstant) {
    return std::nullopt;
  }
  static const Function* const kStarts = FindBuiltIn("STRSTARTS", 2);
  static const Function* const kEnds = FindBuiltIn("STRENDS", 2);
  static const Function* const kContains = FindBuiltIn("CONTAINS", 2);
  const bool starts = f == kStarts, ends = f == kEnds, contains = f == kContains;
  if (!starts && !ends && !contains) return std::nullopt;
  const Term& needle = e.args[1].constant;
  if (!needle.IsLiteral() || needle.datatype != kXsdString) return std::nullopt;
  const Term* hay = ctx_.Peek(row[static_cast<std::size_t>(e.args[0].var)]);
  // Not a string (or a tagged string with a plain needle is fine; other
  // literals are errors): the general path decides.
  if (hay == nullptr || !hay->IsLiteral() || (hay->datatype != kXsdString && hay->language.empty())) {
    return std::nullopt;
  }
  const std::string_view h = hay->value, n = needle.value;
  return starts ? h.starts_with(n) : ends ? h.ends_with(n) : h.find(n) != std::string_view::npos;
}

std::optional<int> Evaluator::CompareInline(const Expr& a, const Expr& b, const Row& row) {
  const TermId x = InlineOf(a, row), y = InlineOf(b, row);
  const TermTag tag = storage::TagOf(x);
  if (x == kNoTerm || y == kNoTerm || tag != storage::TagOf(y) ||
      (tag != TermTag::kInteger && tag != TermTag::kDouble)) {
    return std::nullopt;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

absl::StatusOr<std::optional<Term>> Evaluator::EvalCall(const Expr& e, const Function* f, const Row& row,
                                                        ExprEnv& env) {
  if (f == nullptr) return std::optional<Term>();  // an IRI that names no function: an error value
  switch (f->special) {
    case SpecialForm::kNone:
      break;
    case SpecialForm::kBound:
      return std::optional<Term>(Boolean(row[static_cast<std::size_t>(e.args[0].var)] != kNoTerm));
    case SpecialForm::kIf: {
      ASSIGN_OR_RETURN(const auto c, EvalBool(e.args[0], row, env));
      if (!c) return std::optional<Term>();
      return Eval(e.args[*c ? 1 : 2], row, env);
    }
    case SpecialForm::kCoalesce:
      for (const auto& a : e.args) {
        ASSIGN_OR_RETURN(auto v, Eval(a, row, env));
        if (v) return v;
      }
      return std::optional<Term>();
    case SpecialForm::kRand:
      return std::optional<Term>(Term::Literal(
          FormatDouble(std::uniform_real_distribution<double>(0, 1)(ctx_.random())), XsdIri("double")));
    case SpecialForm::kNow: {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch()).count();
      const std::time_t secs = static_cast<std::time_t>(ms / 1000);
      std::tm tm{};
      gmtime_r(&secs, &tm);
      return std::optional<Term>(Term::Literal(
          absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000)),
          XsdIri("dateTime")));
    }
    case SpecialForm::kUuid:
    case SpecialForm::kStrUuid: {
      std::uniform_int_distribution<std::uint64_t> d;
      std::uint64_t hi = d(ctx_.random()), lo = d(ctx_.random());
      hi = (hi & ~0xF000ULL) | 0x4000ULL;                           // version 4
      lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 1
      const std::string uuid =
          absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                          lo & 0xFFFFFFFFFFFFULL);
      return std::optional<Term>(f->special == SpecialForm::kUuid ? Term::Iri("urn:uuid:" + uuid)
                                                                  : Term::Literal(uuid));
    }
    case SpecialForm::kBNode: {
      if (e.args.empty()) return std::optional<Term>(Term::Blank(ctx_.fresh_blank()));
      ASSIGN_OR_RETURN(const auto v, Eval(e.args[0], row, env));
      if (!v || !v->IsLiteral() || v->datatype != kXsdString || !v->language.empty()) return std::optional<Term>();
      if (env.row_blanks == nullptr) return std::optional<Term>(Term::Blank(ctx_.fresh_blank()));
      auto [it, inserted] = env.row_blanks->try_emplace(v->value);
      if (inserted) it->second = ctx_.fresh_blank();
      return std::optional<Term>(Term::Blank(it->second));
    }
    case SpecialForm::kIri: {
      ASSIGN_OR_RETURN(const auto v, Eval(e.args[0], row, env));
      if (!v) return std::optional<Term>();
      if (v->IsIri()) return v;
      if (!v->IsLiteral() || v->datatype != kXsdString || !v->language.empty()) return std::optional<Term>();
      return std::optional<Term>(Term::Iri(query::ResolveIri(ctx_.query().base_iri, v->value)));
    }
  }
  absl::Status failure;
  // One argument, a constant or a term already decoded (a batch's terms are
  // prefetched): the function reads it where it is, without a copy.
  if (e.args.size() == 1) {
    const Expr& a = e.args[0];
    const Term* at_hand = a.kind == Expr::Kind::kConstant ? &a.constant
                          : a.kind == Expr::Kind::kVariable ? ctx_.Peek(row[static_cast<std::size_t>(a.var)])
                                                            : nullptr;
    if (at_hand != nullptr) {
      std::optional<Term> result = f->body(std::span<const Term>(at_hand, 1), &failure);
      RETURN_IF_ERROR(failure);
      return result;
    }
  }
  std::vector<Term> args;
  args.reserve(e.args.size());
  for (const auto& a : e.args) {
    ASSIGN_OR_RETURN(auto v, Eval(a, row, env));
    if (!v) return std::optional<Term>();
    args.push_back(std::move(*v));
  }
  std::optional<Term> result = f->body(args, &failure);
  RETURN_IF_ERROR(failure);
  return result;
}

}  // namespace relata::engine::exec
