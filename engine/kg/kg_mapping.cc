// Resolution runs in a fixed order so that the same input always gives the
// same graph: records with an id, then with same_as IRIs, then with aliases,
// then the rest, each in file order; then same_as links; then the
// references of relations and mentions.
#include "engine/kg/kg_mapping.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "engine/base/names.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/kg/kg_reader.h"
#include "query/iri.h"

namespace relata::engine::kg {
namespace {

constexpr std::string_view kRdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
constexpr std::string_view kRdfReifies = "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies";
constexpr std::string_view kRdfsLabel = "http://www.w3.org/2000/01/rdf-schema#label";
constexpr std::string_view kOwlSameAs = "http://www.w3.org/2002/07/owl#sameAs";
constexpr std::string_view kOwlInverseOf = "http://www.w3.org/2002/07/owl#inverseOf";
constexpr std::string_view kOwlFunctional = "http://www.w3.org/2002/07/owl#FunctionalProperty";
constexpr std::string_view kOwlSymmetric = "http://www.w3.org/2002/07/owl#SymmetricProperty";
constexpr std::string_view kRdfProperty = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property";
// same_as links scored below this are review candidates, not merges.
constexpr double kSameAsMergeScore = 0.9;
// Names this similar, of one type, in different entities are candidates.
constexpr double kFuzzyScore = 0.85;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// A predicate, type or property name as a local name: other characters
// become '_' ("member of" -> member_of).
// The loader's own classes, for what the input is rather than what it is
// about. The documents' class is not "Document": extractors give that type
// to entities (a charter, a resolution), and `?d a kg:Document` would mix
// them with the articles.
constexpr std::string_view kSourceDocument = "SourceDocument";
constexpr std::string_view kExtractor = "Extractor";
constexpr std::string_view kMention = "Mention";
constexpr std::string_view kMerge = "Merge";

std::string VocabularyLocal(std::string_view name) {
  std::string out;
  for (const char c : name) out.push_back(IsNameChar(c) ? c : '_');
  while (!out.empty() && out.back() == '.') out.back() = '_';
  return out.empty() ? "_" : out;
}

// An id as a local name, kept exact: other bytes are percent-encoded.
std::string IdLocal(std::string_view id) {
  std::string out;
  for (const char c : id) {
    if (IsNameChar(c)) {
      out.push_back(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

// A stable 128-bit content hash (two FNV-1a streams): generated IRIs must
// not change between runs, builds or machines.
class ContentHash {
 public:
  ContentHash& Add(std::string_view part) {
    const std::uint64_t size = part.size();
    for (int i = 0; i < 8; ++i) Byte(static_cast<unsigned char>(size >> (8 * i)));
    for (const char c : part) Byte(static_cast<unsigned char>(c));
    return *this;
  }
  ContentHash& Add(const Term& term) { return Add(term.ToNTriples()); }
  std::string Hex() const {
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a_),
                  static_cast<unsigned long long>(b_));
    return out;
  }

 private:
  void Byte(unsigned char c) {
    a_ = (a_ ^ c) * 0x100000001b3ULL;
    b_ = (b_ ^ c) * 0x100000001b3ULL;
  }
  std::uint64_t a_ = 0xcbf29ce484222325ULL, b_ = 0x84222325cbf29ce4ULL;
};

std::string TypeKey(std::string_view type) { return NormalizeName(type); }

// 1 - edit distance / the longer length, or 0 as soon as the distance must
// exceed what `at_least` allows (most pairs of a block are far apart).
// `row` is scratch space, kept by callers that compare many pairs.
double EditSimilarity(std::string_view a, std::string_view b, std::vector<std::size_t>& row, double at_least = 0) {
  if (a.empty() || b.empty()) return 0;
  const double longer = static_cast<double>(std::max(a.size(), b.size()));
  const auto most = static_cast<std::size_t>((1.0 - at_least) * longer);
  row.resize(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    std::size_t lowest = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      lowest = std::min(lowest, row[j]);
      diagonal = above;
    }
    if (lowest > most) return 0;  // every path through this row costs more already
  }
  return 1.0 - static_cast<double>(row[b.size()]) / longer;
}

// How often each byte value occurs in a name, folded into 32 bins (the
// letters get one each). One edit changes the counts by at most 2 in sum,
// so half the difference of two profiles is a lower bound on the edit
// distance: most pairs of a block fail on that bound without the distance.
using LetterCounts = std::array<std::uint8_t, 32>;

LetterCounts CountLetters(std::string_view name) {
  LetterCounts counts{};
  for (const char c : name) {
    std::uint8_t& count = counts[static_cast<unsigned char>(c) % 32];
    if (count < 255) ++count;
  }
  return counts;
}

std::size_t LeastEditDistance(const LetterCounts& a, const LetterCounts& b) {
  std::size_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
  return (difference + 1) / 2;
}

// Whether the words `part` appear, in order and next to each other, among
// the words `whole` (which has more of them).
bool IsShortFormOf(const std::vector<std::string_view>& part, const std::vector<std::string_view>& whole) {
  if (part.empty() || part.size() >= whole.size()) return false;
  for (std::size_t start = 0; start + part.size() <= whole.size(); ++start) {
    if (std::equal(part.begin(), part.end(), whole.begin() + static_cast<std::ptrdiff_t>(start))) return true;
  }
  return false;
}
// The words of a name that are numbers, in order.
std::vector<std::string_view> Numbers(const std::vector<std::string_view>& words) {
  std::vector<std::string_view> numbers;
  for (const std::string_view word : words) {
    if (!word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      numbers.push_back(word);
    }
  }
  return numbers;
}

bool IsShortFormOf(std::string_view part, std::string_view whole) {
  return IsShortFormOf(NameTokens(part), NameTokens(whole));
}

class Mapper {
 public:
  Mapper(const Records& records, const Vocabulary& vocabulary, KnownEntities& known,
         const std::function<absl::Status(Quad&)>& emit, MappingReport* report)
      : records_(records), v_(vocabulary), known_(known), emit_(emit), report_(report) {}

  absl::Status Run() {
    RETURN_IF_ERROR(ReadVocabulary());
    RETURN_IF_ERROR(CheckDocuments());
    RETURN_IF_ERROR(ResolveRecords());
    RETURN_IF_ERROR(LinkSameAs());
    RETURN_IF_ERROR(ResolveReferences());
    FindCandidates();
    return Emit();
  }

 private:
  struct EntityState {
    std::string iri;
    std::vector<std::string> types;  // as written; the first is the primary
    std::string name, normalized;
    std::set<std::string> documents;
    bool stored = false;  // the store had it before this load
    // Its one rdfs:label (PreferredLabel), once settled.
    std::optional<std::string> label;
  };
  struct Merge {
    std::string form;
    int entity;
    std::string rule, document;
  };
  struct Candidate {
    int a, b;
    double score;
    std::string rule;
  };

  std::string Position(const SourcePosition& at) const {
    return Cat(records_.files[static_cast<std::size_t>(at.file)], ":", at.line, ":", at.column);
  }
  absl::Status Fail(const SourcePosition& at, const std::string& path, std::string_view reason) const {
    return absl::InvalidArgumentError(
        Cat(Position(at), ": ", path.empty() ? "" : path + ": ", reason));
  }

  int Find(int i) {
    while (parent_[static_cast<std::size_t>(i)] != i) {
      parent_[static_cast<std::size_t>(i)] = parent_[static_cast<std::size_t>(parent_[static_cast<std::size_t>(i)])];
      i = parent_[static_cast<std::size_t>(i)];
    }
    return i;
  }
  EntityState& At(int i) { return entities_[static_cast<std::size_t>(Find(i))]; }

  std::string DocumentIri(std::string_view id) const { return v_.DocumentIri(id); }
  // Asked once per quad: each document's term is made once.
  const Term& GraphOf(const std::string& document) {
    auto [it, inserted] = graphs_.try_emplace(document);
    if (inserted && !document.empty()) it->second = Term::Iri(DocumentIri(document));
    return it->second;
  }

  // ---- the predicate vocabulary ----

  // What a relation's predicate, as an extractor wrote it, is stored as.
  struct PredicateMapping {
    std::string canonical;  // the local name of the declared predicate
    bool flipped = false;   // the name of its inverse: subject and object trade places
  };

  // Declarations of earlier loads (the store's vocabulary graph), then this
  // input's: each synonym and inverse name maps to one declared predicate.
  absl::Status ReadVocabulary() {
    ASSIGN_OR_RETURN(const std::vector<Quad> stored, known_.QuadsOfGraph(v_.vocabulary_graph));
    const std::string synonym = KgIri("synonym");
    const auto local = [&](const std::string& iri) {
      return iri.starts_with(v_.kg) ? iri.substr(v_.kg.size()) : iri;
    };
    for (const Quad& q : stored) {
      if (q.predicate.value == kRdfType && q.object.value == kRdfProperty) declared_.insert(local(q.subject.value));
    }
    const SourcePosition nowhere;
    for (const Quad& q : stored) {
      if (q.predicate.value == synonym && q.object.IsLiteral()) {
        RETURN_IF_ERROR(MapPredicateName(q.object.value, {local(q.subject.value), false}, nowhere));
      } else if (q.predicate.value == kOwlInverseOf && q.object.IsIri()) {
        RETURN_IF_ERROR(MapPredicateName(local(q.object.value), {local(q.subject.value), true}, nowhere));
      }
    }
    for (const PredicateDeclaration& d : records_.predicates) declared_.insert(VocabularyLocal(d.name));
    for (const PredicateDeclaration& d : records_.predicates) {
      const std::string canonical = VocabularyLocal(d.name);
      for (const std::string& name : d.synonyms) RETURN_IF_ERROR(MapPredicateName(name, {canonical, false}, d.at));
      if (!d.inverse.empty()) RETURN_IF_ERROR(MapPredicateName(d.inverse, {canonical, true}, d.at));
    }
    return absl::OkStatus();
  }

  absl::Status MapPredicateName(const std::string& name, PredicateMapping mapping, const SourcePosition& at) {
    const std::string key = VocabularyLocal(name);
    if (key == mapping.canonical && !mapping.flipped) return absl::OkStatus();
    if (declared_.contains(key)) {
      return Fail(at, "predicate", Cat("\"", name, "\" is declared as a predicate of its own; it cannot also be ",
                                       mapping.flipped ? "the inverse" : "a synonym", " of ", mapping.canonical));
    }
    const auto [it, inserted] = predicate_names_.try_emplace(key, mapping);
    if (!inserted && (it->second.canonical != mapping.canonical || it->second.flipped != mapping.flipped)) {
      return Fail(at, "predicate", Cat("\"", name, "\" already stands for ", it->second.flipped ? "the inverse of " : "",
                                       it->second.canonical, "; it cannot also stand for ",
                                       mapping.flipped ? "the inverse of " : "", mapping.canonical));
    }
    return absl::OkStatus();
  }

  absl::Status EmitVocabulary() {
    const Term graph = Term::Iri(v_.vocabulary_graph);
    for (const PredicateDeclaration& d : records_.predicates) {
      const Term p = Kg(d.name);
      RETURN_IF_ERROR(Put(p, kRdfType, Term::Iri(kRdfProperty), graph));
      for (const std::string& name : d.synonyms) RETURN_IF_ERROR(Put(p, KgIri("synonym"), Term::Literal(name), graph));
      if (d.functional) RETURN_IF_ERROR(Put(p, kRdfType, Term::Iri(kOwlFunctional), graph));
      if (d.symmetric) RETURN_IF_ERROR(Put(p, kRdfType, Term::Iri(kOwlSymmetric), graph));
      if (!d.inverse.empty()) RETURN_IF_ERROR(Put(p, kOwlInverseOf, Kg(d.inverse), graph));
    }
    return absl::OkStatus();
  }

  // Every document a record names is in this load or in the store.
  absl::Status CheckDocuments() {
    std::set<std::string> loaded;
    for (const Document& d : records_.documents) loaded.insert(d.id);
    std::set<std::string> stored;
    const auto check = [&](const std::string& document, const SourcePosition& at,
                           const std::string& path) -> absl::Status {
      if (document.empty() || loaded.count(document) || stored.count(document)) return absl::OkStatus();
      ASSIGN_OR_RETURN(const bool exists, known_.IsSubject(DocumentIri(document)));
      if (!exists) {
        return Fail(at, path, Cat("document \"", document,
                                           "\" is neither in this input nor in the store"));
      }
      stored.insert(document);
      return absl::OkStatus();
    };
    for (const Entity& e : records_.entities) RETURN_IF_ERROR(check(e.document, e.at, "document"));
    for (const Relation& r : records_.relations) RETURN_IF_ERROR(check(r.document, r.at, "document"));
    for (const Mention& m : records_.mentions) RETURN_IF_ERROR(check(m.document, m.at, "document"));
    return absl::OkStatus();
  }

  absl::StatusOr<const std::vector<KnownEntities::Known>*> Stored(const std::string& normalized) {
    auto it = stored_names_.find(normalized);
    if (it == stored_names_.end()) {
      ASSIGN_OR_RETURN(auto found, known_.WithName(normalized));
      it = stored_names_.emplace(normalized, std::move(found)).first;
    }
    return &it->second;
  }

  // Whether a stored subject's type IRIs hold one of the types a record
  // names.
  bool HasAnyType(const std::vector<std::string>& type_iris, const std::vector<std::string>& types) const {
    return std::any_of(types.begin(), types.end(), [&](const std::string& type) {
      return std::find(type_iris.begin(), type_iris.end(), v_.kg + VocabularyLocal(type)) != type_iris.end();
    });
  }

  // The entity the store has under this name and type, if exactly one:
  // labels first (rule 2), then aliases (rule 3).
  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> StoredMatch(
      const std::string& normalized, const std::vector<std::string>& types) {
    ASSIGN_OR_RETURN(const auto* known, Stored(normalized));
    for (const bool label : {true, false}) {
      std::set<std::string> iris;
      for (const auto& k : *known) {
        if (k.label != label) continue;
        if (types.empty() || HasAnyType(k.types, types)) iris.insert(k.iri);
      }
      if (iris.size() == 1) {
        return std::make_optional(std::make_pair(*iris.begin(), std::string(label ? "stored-name" : "stored-alias")));
      }
    }
    return std::optional<std::pair<std::string, std::string>>();
  }

  // The IRI for a new entity: the name, then the name and type, then
  // numbered (e:georgia, e:georgia-person, e:georgia-person-2, ...), the
  // first no other entity has. An IRI the store already has, unnamed or
  // labelled with this name, and of no other type (a triple file mentioned
  // it), is this entity: taken over
  // (`adopted`), so that the outcome does not depend on which came first.
  // One the store has as something else is passed over with a warning.
  struct NewIri {
    std::string iri;
    bool adopted = false;
  };
  absl::StatusOr<NewIri> FreshIri(const std::string& normalized, const std::vector<std::string>& types,
                                  const std::string& name, const SourcePosition& at) {
    const std::string base = v_.e + (normalized.empty() ? "entity" : SlugOf(normalized));
    const std::string typed = types.empty() ? base : base + "-" + SlugOf(TypeKey(types[0]));
    std::string passed_over;
    for (int n = 0; n < 1000; ++n) {
      const std::string iri = n == 0 ? base : n == 1 ? typed : Cat(typed, "-", n);
      if (iri_owner_.count(iri)) continue;
      ASSIGN_OR_RETURN(const bool taken, known_.IsSubject(iri));
      if (!taken) {
        if (!passed_over.empty()) {
          report_->warnings.push_back(Cat(Position(at), ": \"", name, "\": ", passed_over,
                                          "; the entity was named ", iri));
        }
        return NewIri{iri, false};
      }
      if (n > 0 || !passed_over.empty()) continue;
      ASSIGN_OR_RETURN(const KnownEntities::Described stored, known_.Describe(iri));
      const bool typed_alike = stored.types.empty() || HasAnyType(stored.types, types);
      const bool named_alike = !stored.named || (stored.label.has_value() && NormalizeName(*stored.label) == normalized);
      if (typed_alike && named_alike) return NewIri{iri, true};
      std::string what;
      for (const std::string& type : stored.types) {
        what += Cat(what.empty() ? "" : ", ", type.starts_with(v_.kg) ? "kg:" + type.substr(v_.kg.size()) : type);
      }
      if (what.empty() && stored.label.has_value()) what = Cat("named \"", *stored.label, "\"");
      passed_over = Cat(iri, " is already another entity in the store", what.empty() ? "" : Cat(" (", what, ")"));
    }
    return absl::ResourceExhaustedError("no free IRI for " + base);
  }

  // The one rdfs:label of entity `index`: the store's when it had one, else
  // the first name this load gave it. Its other names are kg:alias.
  absl::StatusOr<std::string> PreferredLabel(int index) {
    EntityState& state = At(index);
    if (!state.label.has_value()) {
      if (state.stored) {
        ASSIGN_OR_RETURN(KnownEntities::Described stored, known_.Describe(state.iri));
        state.label = std::move(stored.label);
      }
      if (!state.label.has_value()) state.label = state.name;
    }
    return *state.label;
  }

  int AddEntity(std::string iri, const std::string& name, const std::vector<std::string>& types,
                bool stored) {
    const int index = static_cast<int>(entities_.size());
    EntityState state;
    state.iri = std::move(iri);
    state.name = name;
    state.normalized = NormalizeName(name);
    state.types = types;
    state.stored = stored;
    iri_owner_[state.iri] = index;
    entities_.push_back(std::move(state));
    parent_.push_back(index);
    if (!stored) ++report_->entities;
    Register(index, name, types, false);
    return index;
  }

  // Makes `name` (a label, or an alias) find entity `index`.
  void Register(int index, const std::string& name, const std::vector<std::string>& types, bool alias) {
    const std::string normalized = NormalizeName(name);
    if (normalized.empty()) return;
    auto& table = alias ? by_alias_ : by_key_;
    for (const std::string& type : types) {
      auto& list = table[normalized + '\x1f' + TypeKey(type)];
      if (std::find(list.begin(), list.end(), index) == list.end()) list.push_back(index);
    }
    auto& any = alias ? alias_any_type_ : name_any_type_;
    auto& list = any[normalized];
    if (std::find(list.begin(), list.end(), index) == list.end()) list.push_back(index);
  }

  // The entities registered under `normalized` for one of `types` (any type
  // when none is given), deduplicated after merges.
  std::vector<int> Lookup(const std::string& normalized, const std::vector<std::string>& types, bool alias) {
    std::set<int> found;
    if (types.empty()) {
      const auto& any = alias ? alias_any_type_ : name_any_type_;
      if (const auto it = any.find(normalized); it != any.end()) {
        for (const int i : it->second) found.insert(Find(i));
      }
    } else {
      const auto& table = alias ? by_alias_ : by_key_;
      for (const std::string& type : types) {
        if (const auto it = table.find(normalized + '\x1f' + TypeKey(type)); it != table.end()) {
          for (const int i : it->second) found.insert(Find(i));
        }
      }
    }
    return {found.begin(), found.end()};
  }

  // An entity type that is also one of the loader's classes mixes with it
  // in `?x a kg:…`: said once per type.
  void NoteTypes(const std::vector<std::string>& types, const SourcePosition& at) {
    for (const std::string& type : types) {
      const std::string local = VocabularyLocal(type);
      if (local != kSourceDocument && local != kExtractor && local != kMention && local != kMerge) continue;
      if (!noted_types_.insert(local).second) continue;
      report_->warnings.push_back(Cat(Position(at), ": entity type \"", type, "\" is also the loader's class kg:",
                                      local, "; `?x a kg:", local, "` finds both (rename the type to keep them apart)"));
    }
  }

  void RecordMerge(const std::string& form, int entity, const std::string& rule, const std::string& document) {
    ++report_->merges;
    merges_.push_back({form, entity, rule, document});
  }

  void Ambiguous(const SourcePosition& at, const std::string& name, const std::vector<int>& found) {
    std::string which;
    for (const int i : found) which += Cat(which.empty() ? "" : ", ", At(i).iri);
    report_->warnings.push_back(Cat(Position(at), ": \"", name, "\" could be any of ", which,
                                             "; kept apart (see relata resolve)"));
  }

  // An entity record, or a name reference: resolves by name and type to one
  // entity; creates it when nothing matches. `rule_for_alias` etc. say why.
  absl::StatusOr<int> ResolveName(const std::string& name, const std::vector<std::string>& types,
                                  const SourcePosition& at, const std::string& document,
                                  bool short_forms) {
    const std::string normalized = NormalizeName(name);
    // Rule 2: normalised name and type.
    std::vector<int> found = Lookup(normalized, types, false);
    if (found.size() == 1) {
      if (At(found[0]).name != name) RecordMerge(name, found[0], "name", document);
      return found[0];
    }
    // Rule 3: an alias of exactly one entity of the type.
    std::vector<int> aliased = Lookup(normalized, types, true);
    if (found.empty() && aliased.size() == 1) {
      RecordMerge(name, aliased[0], "alias", document);
      return aliased[0];
    }
    std::vector<int> ambiguous = found.size() > 1 ? found : aliased;
    // Rule 4: a short form of a longer name of the same document.
    if (found.empty() && aliased.empty() && short_forms && !document.empty()) {
      // Per longer (normalised name, type) of the document, its first
      // spelling in name order with that type.
      std::map<std::string, std::pair<std::string, std::vector<std::string>>> longer;
      if (const auto it = document_names_.find(document); it != document_names_.end()) {
        for (const DocumentName& other : it->second) {
          bool typed = types.empty() || other.types.empty();
          for (const std::string& t : types) {
            for (const std::string& o : other.types) typed = typed || TypeKey(t) == TypeKey(o);
          }
          if (!typed || !IsShortFormOf(normalized, other.normalized)) continue;
          std::vector<std::string> primary;
          if (!other.types.empty()) primary.push_back(other.types[0]);
          std::pair<std::string, std::vector<std::string>> spelling{other.name, std::move(primary)};
          const std::string key = other.normalized + '\x1f' + (spelling.second.empty() ? "" : TypeKey(spelling.second[0]));
          auto [at_key, inserted] = longer.emplace(key, spelling);
          if (!inserted && spelling < at_key->second) at_key->second = std::move(spelling);
        }
      }
      for (const auto& [key, spelling] : longer) {
        ASSIGN_OR_RETURN(const int full, ResolveName(spelling.first, spelling.second, at, document, false));
        if (longer.size() == 1) {
          RecordMerge(name, full, "short-form", document);
          return full;
        }
        if (std::find(ambiguous.begin(), ambiguous.end(), full) == ambiguous.end()) ambiguous.push_back(full);
      }
    }
    // Across loads: what the store knows by this name.
    if (ambiguous.empty()) {
      ASSIGN_OR_RETURN(const auto stored, StoredMatch(normalized, types));
      if (stored.has_value()) {
        const auto owner = iri_owner_.find(stored->first);
        const int index = owner != iri_owner_.end() ? owner->second
                                                    : AddEntity(stored->first, name, types, true);
        // The store's entity under its own label is no merge, only a
        // match by alias is.
        if (stored->second == "stored-alias") RecordMerge(name, index, stored->second, document);
        return index;
      }
    }
    ASSIGN_OR_RETURN(NewIri fresh, FreshIri(normalized, types, name, at));
    const int index = AddEntity(std::move(fresh.iri), name, types, fresh.adopted);
    if (fresh.adopted) RecordMerge(name, index, "stored-iri", document);
    if (!ambiguous.empty()) {
      Ambiguous(at, name, ambiguous);
      for (const int other : ambiguous) candidates_.push_back({index, other, 0.5, "ambiguous"});
    }
    return index;
  }

  absl::Status ResolveRecords() {
    record_entity_.assign(records_.entities.size(), -1);
    // Names each document uses, for short forms.
    for (const Entity& e : records_.entities) {
      if (!e.document.empty() && !e.name.empty()) {
        document_names_[e.document].push_back({e.name, NormalizeName(e.name), e.types});
      }
    }
    for (const Relation& r : records_.relations) {
      for (const EntityRef* ref : {&r.subject, &r.object}) {
        if (!ref->name.empty() && !r.document.empty()) {
          document_names_[r.document].push_back({ref->name, NormalizeName(ref->name), ref->types});
        }
      }
    }
    std::vector<std::size_t> order(records_.entities.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto rank = [&](std::size_t i) {
      const Entity& e = records_.entities[i];
      return !e.id.empty() ? 0 : !e.same_as.empty() ? 1 : !e.aliases.empty() ? 2 : 3;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    for (const std::size_t i : order) {
      const Entity& e = records_.entities[i];
      NoteTypes(e.types, e.at);
      int index = -1;
      if (!e.id.empty()) {
        if (const auto it = by_id_.find(e.id); it != by_id_.end()) {
          index = it->second;
          RecordMerge(e.id, index, "id", e.document);
        } else {
          const std::string iri = v_.e + IdLocal(e.id);
          ASSIGN_OR_RETURN(const bool stored, known_.IsSubject(iri));
          index = AddEntity(iri, e.name, e.types, stored);
          by_id_[e.id] = index;
        }
      }
      for (const std::string& iri : e.same_as) {
        const auto it = by_same_as_.find(iri);
        if (it == by_same_as_.end()) continue;
        if (index < 0) {
          index = it->second;
          RecordMerge(e.name, index, "same_as", e.document);
        } else if (Find(index) != Find(it->second)) {
          RecordMerge(e.name, it->second, "same_as", e.document);
          parent_[static_cast<std::size_t>(Find(index))] = Find(it->second);
        }
      }
      if (index < 0) {
        ASSIGN_OR_RETURN(index, ResolveName(e.name, e.types, e.at, e.document, false));
      }
      for (const std::string& iri : e.same_as) by_same_as_.try_emplace(iri, index);
      EntityState& state = At(index);
      if (state.name.empty()) {
        state.name = e.name;
        state.normalized = NormalizeName(e.name);
      }
      for (const std::string& type : e.types) {
        if (std::find(state.types.begin(), state.types.end(), type) == state.types.end()) state.types.push_back(type);
      }
      if (!e.name.empty()) Register(index, e.name, e.types.empty() ? state.types : e.types, false);
      for (const std::string& alias : e.aliases) Register(index, alias, state.types, true);
      if (!e.document.empty()) state.documents.insert(e.document);
      record_entity_[i] = index;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int> ResolveRef(const EntityRef& ref, const std::string& document) {
    NoteTypes(ref.types, ref.at);
    if (!ref.id.empty()) {
      if (const auto it = by_id_.find(ref.id); it != by_id_.end()) return it->second;
      const std::string iri = v_.e + IdLocal(ref.id);
      ASSIGN_OR_RETURN(const bool stored, known_.IsSubject(iri));
      if (!stored) {
        return Fail(ref.at, ref.path,
                    Cat("no entity has id \"", ref.id, "\" (in this input or in the store)"));
      }
      const int index = AddEntity(iri, ref.name, ref.types, true);
      by_id_[ref.id] = index;
      return index;
    }
    ASSIGN_OR_RETURN(const int index, ResolveName(ref.name, ref.types, ref.at, document, true));
    EntityState& state = At(index);
    for (const std::string& type : ref.types) {
      if (std::find(state.types.begin(), state.types.end(), type) == state.types.end()) state.types.push_back(type);
    }
    if (!document.empty()) state.documents.insert(document);
    return index;
  }

  absl::Status LinkSameAs() {
    for (const SameAs& link : records_.same_as) {
      ASSIGN_OR_RETURN(const int a, ResolveRef(link.a, ""));
      ASSIGN_OR_RETURN(const int b, ResolveRef(link.b, ""));
      if (Find(a) == Find(b)) continue;
      if (!link.score.has_value() || *link.score >= kSameAsMergeScore) {
        RecordMerge(At(b).name, a, "same_as", "");
        parent_[static_cast<std::size_t>(Find(b))] = Find(a);
      } else {
        candidates_.push_back({a, b, *link.score, "same_as"});
      }
    }
    return absl::OkStatus();
  }

  absl::Status ResolveReferences() {
    relation_ends_.resize(records_.relations.size(), {-1, -1});
    for (std::size_t i = 0; i < records_.relations.size(); ++i) {
      const Relation& r = records_.relations[i];
      ASSIGN_OR_RETURN(relation_ends_[i].first, ResolveRef(r.subject, r.document));
      if (!r.object.literal.has_value()) {
        ASSIGN_OR_RETURN(relation_ends_[i].second, ResolveRef(r.object, r.document));
      }
      implicit_.emplace_back(relation_ends_[i].first, &r.subject, r.document);
      if (!r.object.literal.has_value()) implicit_.emplace_back(relation_ends_[i].second, &r.object, r.document);
    }
    mention_entity_.resize(records_.mentions.size(), -1);
    for (std::size_t i = 0; i < records_.mentions.size(); ++i) {
      ASSIGN_OR_RETURN(mention_entity_[i], ResolveRef(records_.mentions[i].entity, records_.mentions[i].document));
    }
    return absl::OkStatus();
  }

  // Rule 5: names of one type in different entities that are close, by
  // words one contains of the other or by edit distance, become candidates.
  void FindCandidates() {
    struct Profile {
      std::vector<std::string_view> words;
      LetterCounts letters;
    };
    std::map<std::string, std::vector<int>> blocks;  // word (3+ letters) + type -> entities
    absl::flat_hash_map<int, Profile> profiles;       // of each entity in a block
    for (std::size_t i = 0; i < entities_.size(); ++i) {
      const int root = Find(static_cast<int>(i));
      const EntityState& e = entities_[static_cast<std::size_t>(root)];
      if (e.stored || e.types.empty() || profiles.contains(root)) continue;
      Profile& profile = profiles[root];
      profile.words = NameTokens(e.normalized);
      profile.letters = CountLetters(e.normalized);
      for (const std::string_view word : profile.words) {
        if (word.size() >= 3) blocks[Cat(word.substr(0, 3), "\x1f", TypeKey(e.types[0]))].push_back(root);
      }
    }
    std::set<std::pair<int, int>> seen;
    for (const auto& c : candidates_) seen.emplace(std::min(Find(c.a), Find(c.b)), std::max(Find(c.a), Find(c.b)));
    constexpr std::size_t kMaxBlock = 200;  // a common word says nothing
    std::vector<std::size_t> row;
    for (auto& [word, members] : blocks) {
      if (members.size() < 2 || members.size() > kMaxBlock) continue;
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      for (std::size_t x = 0; x < members.size(); ++x) {
        for (std::size_t y = x + 1; y < members.size(); ++y) {
          const EntityState& a = entities_[static_cast<std::size_t>(members[x])];
          const EntityState& b = entities_[static_cast<std::size_t>(members[y])];
          // .at(): references into the map stay valid, nothing is inserted now.
          const Profile& a_profile = profiles.at(members[x]);
          const Profile& b_profile = profiles.at(members[y]);
          const double shorter = static_cast<double>(std::min(a.normalized.size(), b.normalized.size()));
          const double longer = static_cast<double>(std::max(a.normalized.size(), b.normalized.size()));
          // "the 2013 visit" and "the 2023 visit" are two visits: names whose
          // numbers differ name different things, however alike the rest.
          if (Numbers(a_profile.words) != Numbers(b_profile.words)) continue;
          double score = 0;
          if (IsShortFormOf(a_profile.words, b_profile.words) || IsShortFormOf(b_profile.words, a_profile.words)) {
            score = std::max({EditSimilarity(a.normalized, b.normalized, row), shorter / longer, 0.5});
          } else if (1.0 - (longer - shorter) / longer < kFuzzyScore ||
                     1.0 - static_cast<double>(LeastEditDistance(a_profile.letters, b_profile.letters)) / longer <
                         kFuzzyScore) {
            continue;  // the lengths or the letters alone differ by more than the score allows
          } else {
            score = EditSimilarity(a.normalized, b.normalized, row, kFuzzyScore);
            if (score < kFuzzyScore) continue;
          }
          if (seen.emplace(members[x], members[y]).second) {
            candidates_.push_back({members[x], members[y], score, "similar-name"});
          }
        }
      }
    }
  }

  // ---- output ----

  // Copies into the quad's own strings, whose buffers the pipe hands back,
  // so that emitting a quad allocates nothing once they are warm.
  absl::Status Put(const Term& s, std::string_view p, const Term& o, const Term& g) {
    quad_.subject = s;
    quad_.predicate.kind = TermKind::kIri;
    quad_.predicate.value.assign(p);
    quad_.object = o;
    quad_.graph = g;
    return emit_(quad_);
  }
  Term Kg(std::string_view local) { return Term::Iri(KgIri(local)); }
  // The same few names for every relation: each IRI is made once (a node
  // map, so an IRI handed out stays where it is).
  const std::string& KgIri(std::string_view local) {
    auto [it, inserted] = kg_iris_.try_emplace(ToAbsl(local));
    if (inserted) it->second = v_.kg + VocabularyLocal(local);
    return it->second;
  }
  static Term Integer(std::int64_t n) { return Term::Literal(std::to_string(n), Cat(kXsd, "integer")); }

  absl::Status EmitEntityFacts(int index, const Entity& record, const Term& g) {
    const Term e = Term::Iri(At(index).iri);
    for (const std::string& type : record.types) RETURN_IF_ERROR(Put(e, kRdfType, Kg(type), g));
    if (!record.name.empty()) {
      ASSIGN_OR_RETURN(const std::string label, PreferredLabel(index));
      RETURN_IF_ERROR(Put(e, record.name == label ? kRdfsLabel : KgIri("alias"), Term::Literal(record.name), g));
    }
    for (const std::string& alias : record.aliases) RETURN_IF_ERROR(Put(e, KgIri("alias"), Term::Literal(alias), g));
    if (!record.description.empty()) {
      RETURN_IF_ERROR(Put(e, KgIri("description"), Term::Literal(record.description), g));
    }
    for (const auto& [name, value] : record.properties) RETURN_IF_ERROR(Put(e, KgIri(name), value, g));
    for (const std::string& iri : record.same_as) RETURN_IF_ERROR(Put(e, kOwlSameAs, Term::Iri(iri), g));
    return absl::OkStatus();
  }

  absl::Status Emit() {
    RETURN_IF_ERROR(EmitVocabulary());
    for (const Document& d : records_.documents) {
      const Term doc = Term::Iri(DocumentIri(d.id));
      RETURN_IF_ERROR(Put(doc, kRdfType, Kg(kSourceDocument), doc));
      if (!d.title.empty()) RETURN_IF_ERROR(Put(doc, KgIri("title"), Term::Literal(d.title), doc));
      if (!d.text.empty()) RETURN_IF_ERROR(Put(doc, KgIri("content"), Term::Literal(d.text), doc));
      if (!d.url.empty()) {
        const bool iri = d.url.find("://") != std::string::npos && query::IsAbsoluteIri(d.url);
        RETURN_IF_ERROR(Put(doc, KgIri("url"), iri ? Term::Iri(d.url) : Term::Literal(d.url), doc));
      }
      if (!d.published.empty()) {
        RETURN_IF_ERROR(Put(doc, KgIri("published"), LiteralOf(d.published), doc));
      }
      if (!d.source.empty()) RETURN_IF_ERROR(Put(doc, KgIri("source"), Term::Literal(d.source), doc));
      if (!d.lang.empty()) RETURN_IF_ERROR(Put(doc, KgIri("lang"), Term::Literal(d.lang), doc));
      if (d.extractor.has_value()) {
        const Extractor& x = *d.extractor;
        const Term node = Term::Iri(v_.r + ContentHash().Add("extractor").Add(x.name).Add(x.version).Add(x.model).Add(x.run_at).Hex());
        RETURN_IF_ERROR(Put(doc, KgIri("extractor"), node, doc));
        RETURN_IF_ERROR(Put(node, kRdfType, Kg(kExtractor), doc));
        for (const auto& [field, value] : {std::pair{"name", &x.name}, std::pair{"version", &x.version},
                                           std::pair{"model", &x.model}, std::pair{"run_at", &x.run_at}}) {
          if (!value->empty()) RETURN_IF_ERROR(Put(node, KgIri(field), LiteralOf(*value), doc));
        }
      }
    }
    for (std::size_t i = 0; i < records_.entities.size(); ++i) {
      const Entity& record = records_.entities[i];
      RETURN_IF_ERROR(EmitEntityFacts(record_entity_[i], record, GraphOf(record.document)));
    }
    // Entities known only from references: their name and type, in the
    // document that names them.
    for (const auto& [index, ref, document] : implicit_) {
      if (ref->name.empty()) continue;
      const EntityState& state = At(index);
      if (state.stored && !ref->types.empty()) continue;
      const Term e = Term::Iri(state.iri);
      const Term& g = GraphOf(document);
      if (NormalizeName(ref->name) == state.normalized) {
        ASSIGN_OR_RETURN(const std::string label, PreferredLabel(index));
        RETURN_IF_ERROR(Put(e, kRdfsLabel, Term::Literal(label), g));
      }
      for (const std::string& type : ref->types) RETURN_IF_ERROR(Put(e, kRdfType, Kg(type), g));
    }
    for (std::size_t i = 0; i < records_.relations.size(); ++i) {
      const Relation& r = records_.relations[i];
      ++report_->relations;
      const Term& g = GraphOf(r.document);
      Term s = Term::Iri(At(relation_ends_[i].first).iri);
      Term o = r.object.literal.has_value() ? *r.object.literal : Term::Iri(At(relation_ends_[i].second).iri);
      // A synonym is stored as its predicate, an inverse's name flipped;
      // the reifier keeps the name the extractor wrote.
      const auto mapped = predicate_names_.find(VocabularyLocal(r.predicate));
      const bool renamed = mapped != predicate_names_.end();
      if (renamed && mapped->second.flipped) {
        if (r.object.literal.has_value()) {
          return Fail(r.at, "object", Cat("\"", r.predicate, "\" is declared the inverse of ", mapped->second.canonical,
                                          ": its object must be an entity, not a literal"));
        }
        std::swap(s, o);
      }
      const std::string& p = KgIri(renamed ? mapped->second.canonical : r.predicate);
      RETURN_IF_ERROR(Put(s, p, o, g));
      if (!r.confidence && !r.evidence && r.properties.empty() && !renamed) continue;
      ContentHash hash;
      hash.Add("relation").Add(g.value).Add(s).Add(p).Add(o);
      if (renamed) hash.Add("stated").Add(r.predicate);
      if (r.confidence) hash.Add(*r.confidence);
      if (r.evidence) {
        hash.Add(r.evidence->text).Add(r.evidence->start ? std::to_string(*r.evidence->start) : "")
            .Add(r.evidence->end ? std::to_string(*r.evidence->end) : "");
        if (r.evidence->sentence) hash.Add(*r.evidence->sentence);
      }
      for (const auto& [name, value] : r.properties) hash.Add(name).Add(value);
      const Term reifier = Term::Iri(v_.r + hash.Hex());
      RETURN_IF_ERROR(Put(reifier, kRdfReifies, Term::Triple(s, Term::Iri(p), o), g));
      if (renamed) RETURN_IF_ERROR(Put(reifier, KgIri("stated_predicate"), Term::Literal(r.predicate), g));
      if (r.confidence) RETURN_IF_ERROR(Put(reifier, KgIri("confidence"), *r.confidence, g));
      if (r.evidence) {
        const Evidence& ev = *r.evidence;
        if (!ev.text.empty()) RETURN_IF_ERROR(Put(reifier, KgIri("evidence"), Term::Literal(ev.text), g));
        if (ev.start) RETURN_IF_ERROR(Put(reifier, KgIri("start"), Integer(*ev.start), g));
        if (ev.end) RETURN_IF_ERROR(Put(reifier, KgIri("end"), Integer(*ev.end), g));
        if (ev.sentence) RETURN_IF_ERROR(Put(reifier, KgIri("sentence"), *ev.sentence, g));
      }
      for (const auto& [name, value] : r.properties) RETURN_IF_ERROR(Put(reifier, KgIri(name), value, g));
    }
    for (std::size_t i = 0; i < records_.mentions.size(); ++i) {
      const Mention& m = records_.mentions[i];
      const Term& g = GraphOf(m.document);
      const Term e = Term::Iri(At(mention_entity_[i]).iri);
      ContentHash hash;
      hash.Add("mention").Add(g.value).Add(e.value).Add(m.text)
          .Add(m.start ? std::to_string(*m.start) : "").Add(m.end ? std::to_string(*m.end) : "");
      const Term node = Term::Iri(v_.r + hash.Hex());
      RETURN_IF_ERROR(Put(node, kRdfType, Kg(kMention), g));
      RETURN_IF_ERROR(Put(node, KgIri("entity"), e, g));
      if (!m.text.empty()) RETURN_IF_ERROR(Put(node, KgIri("text"), Term::Literal(m.text), g));
      if (m.start) RETURN_IF_ERROR(Put(node, KgIri("start"), Integer(*m.start), g));
      if (m.end) RETURN_IF_ERROR(Put(node, KgIri("end"), Integer(*m.end), g));
    }
    const Term resolution = Term::Iri(v_.resolution_graph);
    for (const Merge& merge : merges_) {
      const Term e = Term::Iri(At(merge.entity).iri);
      const Term node = Term::Iri(v_.r + ContentHash().Add("merge").Add(merge.form).Add(e.value)
                                             .Add(merge.rule).Add(merge.document).Hex());
      RETURN_IF_ERROR(Put(node, kRdfType, Kg(kMerge), resolution));
      RETURN_IF_ERROR(Put(node, KgIri("form"), Term::Literal(merge.form), resolution));
      RETURN_IF_ERROR(Put(node, KgIri("entity"), e, resolution));
      RETURN_IF_ERROR(Put(node, KgIri("rule"), Term::Literal(merge.rule), resolution));
      if (!merge.document.empty()) {
        RETURN_IF_ERROR(Put(node, KgIri("document"), Term::Iri(DocumentIri(merge.document)), resolution));
      }
    }
    for (const Candidate& c : candidates_) {
      const int a = Find(c.a), b = Find(c.b);
      if (a == b) continue;
      ++report_->candidates;
      const Term ta = Term::Iri(entities_[static_cast<std::size_t>(a)].iri);
      const Term tb = Term::Iri(entities_[static_cast<std::size_t>(b)].iri);
      const std::string& p = KgIri("possibleSameAs");
      RETURN_IF_ERROR(Put(ta, p, tb, resolution));
      const Term node = Term::Iri(v_.r + ContentHash().Add("candidate").Add(ta.value).Add(tb.value).Hex());
      RETURN_IF_ERROR(Put(node, kRdfReifies, Term::Triple(ta, Term::Iri(p), tb), resolution));
      char score[16];
      std::snprintf(score, sizeof score, "%.2f", c.score);
      RETURN_IF_ERROR(Put(node, KgIri("score"), Term::Literal(score, Cat(kXsd, "decimal")), resolution));
      RETURN_IF_ERROR(Put(node, KgIri("rule"), Term::Literal(c.rule), resolution));
    }
    return absl::OkStatus();
  }

  static Term LiteralOf(const std::string& text) { return LiteralFromJson(text, true); }

  const Records& records_;
  const Vocabulary& v_;
  KnownEntities& known_;
  const std::function<absl::Status(Quad&)>& emit_;
  MappingReport* report_;

  std::vector<EntityState> entities_;
  std::vector<int> parent_;
  absl::flat_hash_map<std::string, int> by_id_, by_same_as_, iri_owner_;
  absl::flat_hash_map<std::string, std::vector<int>> by_key_, by_alias_, name_any_type_, alias_any_type_;
  // The names each document uses, for short forms.
  struct DocumentName {
    std::string name, normalized;
    std::vector<std::string> types;
  };
  std::map<std::string, std::vector<DocumentName>> document_names_;
  absl::flat_hash_map<std::string, std::vector<KnownEntities::Known>> stored_names_;
  std::set<std::string> noted_types_;
  absl::flat_hash_map<std::string, PredicateMapping> predicate_names_;  // by local name
  std::set<std::string> declared_;  // local names of declared predicates
  std::vector<int> record_entity_, mention_entity_;
  std::vector<std::pair<int, int>> relation_ends_;
  std::vector<std::tuple<int, const EntityRef*, std::string>> implicit_;
  std::vector<Merge> merges_;
  std::vector<Candidate> candidates_;
  absl::node_hash_map<std::string, Term> graphs_;
  absl::node_hash_map<std::string, std::string> kg_iris_;
  Quad quad_;
};

}  // namespace

Vocabulary::Vocabulary(std::string base_iri)
    : base(std::move(base_iri)), e(base + "e/"), kg(base + "kg/"), doc(base + "doc/"), r(base + "r/"),
      resolution_graph(base + "resolution"), vocabulary_graph(base + "vocabulary") {}

std::string Vocabulary::DocumentIri(std::string_view id) const { return doc + IdLocal(id); }

absl::Status MapRecords(const Records& records, const Vocabulary& vocabulary, KnownEntities& known,
                        const std::function<absl::Status(Quad&)>& emit, MappingReport* report) {
  return Mapper(records, vocabulary, known, emit, report).Run();
}

}  // namespace relata::engine::kg
