// The table of functions: every family's entries by name, looked up once
// per call site when a query is planned.
#include "engine/functions/functions.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace relata::engine {
namespace {

// The forms the executor evaluates itself (expressions.cc).
constexpr Function kSpecialForms[] = {
    {"BOUND", 1, 1, nullptr, SpecialForm::kBound},     {"IF", 3, 3, nullptr, SpecialForm::kIf},
    {"COALESCE", 0, -1, nullptr, SpecialForm::kCoalesce}, {"RAND", 0, 0, nullptr, SpecialForm::kRand},
    {"NOW", 0, 0, nullptr, SpecialForm::kNow},         {"UUID", 0, 0, nullptr, SpecialForm::kUuid},
    {"STRUUID", 0, 0, nullptr, SpecialForm::kStrUuid}, {"BNODE", 0, 1, nullptr, SpecialForm::kBNode},
    {"IRI", 1, 1, nullptr, SpecialForm::kIri},         {"URI", 1, 1, nullptr, SpecialForm::kIri},
};

using Table = absl::flat_hash_map<std::string_view, std::vector<const Function*>>;

const Table& Functions() {
  static const Table* table = [] {
    auto* made = new Table;
    for (const std::span<const Function> family :
         {std::span<const Function>(kSpecialForms), StringFunctions(), TermFunctions(), NumberFunctions(), Casts()}) {
      for (const Function& f : family) (*made)[f.name].push_back(&f);
    }
    return made;
  }();
  return *table;
}

const Function* Find(std::string_view name, std::size_t arity) {
  const auto it = Functions().find(name);
  if (it == Functions().end()) return nullptr;
  for (const Function* f : it->second) {
    const auto n = static_cast<int>(arity);
    if (n >= f->min_args && (f->max_args < 0 || n <= f->max_args)) return f;
  }
  return nullptr;
}

}  // namespace

const Function* FindBuiltIn(std::string_view name, std::size_t arity) { return Find(name, arity); }

const Function* FindCast(std::string_view iri, std::size_t arity) {
  return iri.find(':') == std::string_view::npos ? nullptr : Find(iri, arity);
}

}  // namespace relata::engine
