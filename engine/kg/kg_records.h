// What a KG-JSONL file says, read but not yet resolved: documents, entities,
// relations, mentions, same_as links and predicate declarations, each with
// where it was written.
// See docs/extractor-format.md.
#ifndef RELATA_ENGINE_KG_KG_RECORDS_H_
#define RELATA_ENGINE_KG_KG_RECORDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relata/term.h"

namespace relata::engine::kg {

// Where a record or field starts: "file:line:column".
struct SourcePosition {
  int file = 0;  // index into the load's file names
  int line = 0, column = 0;
};

struct Extractor {
  std::string name, version, model, run_at;
};

struct Document {
  std::string id, title, text, url, published, source, lang;  // text: the article itself, when given
  std::optional<Extractor> extractor;
  SourcePosition at;
};

// A property value or a literal object: a literal term, typed already.
using Property = std::pair<std::string, Term>;

struct Entity {
  std::string id;                  // empty: resolve by name
  std::vector<std::string> types;  // the first is the one resolution keys on
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  std::vector<Property> properties;
  std::vector<std::string> same_as;  // external IRIs
  std::string document;              // empty: stated outside any document
  SourcePosition at;
};

// The subject or object of a relation, a mention's entity, an end of a
// same_as link: an entity id, a name (with an optional type), or, for
// objects only, a literal.
struct EntityRef {
  std::string id;
  std::string name;
  std::vector<std::string> types;
  std::optional<Term> literal;
  SourcePosition at;
  std::string path;  // the JSON field, for errors: "relations[2].object"
};

struct Evidence {
  std::string text;
  std::optional<std::int64_t> start, end;
  std::optional<Term> sentence;  // the sentence's text, or its number
};

struct Relation {
  EntityRef subject, object;
  std::string predicate;
  std::string document;
  std::optional<Term> confidence;
  std::optional<Evidence> evidence;
  std::vector<Property> properties;
  SourcePosition at;
};

struct Mention {
  EntityRef entity;
  std::string document, text;
  std::optional<std::int64_t> start, end;
  SourcePosition at;
};

struct SameAs {
  EntityRef a, b;
  std::optional<double> score;
  SourcePosition at;
};

// A predicate of the extractors' vocabulary: the other names extractors use
// for it, the name of the same relation read the other way, and whether a
// subject has at most one value of it (functional) or it holds both ways.
struct PredicateDeclaration {
  std::string name;
  std::vector<std::string> synonyms;
  std::string inverse;
  bool functional = false, symmetric = false;
  SourcePosition at;
};

// Everything read from the files of one load, in file order.
struct Records {
  std::vector<std::string> files;
  std::vector<Document> documents;
  std::vector<Entity> entities;
  std::vector<Relation> relations;
  std::vector<Mention> mentions;
  std::vector<SameAs> same_as;
  std::vector<PredicateDeclaration> predicates;
};

}  // namespace relata::engine::kg

#endif  // RELATA_ENGINE_KG_KG_RECORDS_H_
