// simdjson's On-Demand API reads each line in one pass without building a
// tree; every value's position in the line comes from current_location(),
// which is how errors name their column.
#include "engine/kg/kg_reader.h"

#include <simdjson.h>

#include <cstring>
#include <functional>
#include <string_view>

#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "query/iri.h"
#include "query/rdf_reader.h"

namespace relata::engine::kg {
namespace {

namespace od = simdjson::ondemand;

bool Digits(std::string_view s, std::size_t from, std::size_t count) {
  if (from + count > s.size()) return false;
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool IsIsoDate(std::string_view s) {
  return s.size() == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
         Digits(s, 8, 2);
}

// YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]
bool IsIsoDateTime(std::string_view s) {
  if (s.size() < 16 || !IsIsoDate(s.substr(0, 10)) || s[10] != 'T' || !Digits(s, 11, 2) ||
      s[13] != ':' || !Digits(s, 14, 2)) {
    return false;
  }
  std::size_t i = 16;
  if (i < s.size() && s[i] == ':') {
    if (!Digits(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start) return false;
    }
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z') return i + 1 == s.size();
  return (s[i] == '+' || s[i] == '-') && s.size() == i + 6 && Digits(s, i + 1, 2) &&
         s[i + 3] == ':' && Digits(s, i + 4, 2);
}

std::string ExpandDatatype(std::string_view datatype) {
  if (datatype.starts_with("xsd:")) return Cat(kXsd, datatype.substr(4));
  if (datatype.starts_with("rdf:")) {
    return Cat("http://www.w3.org/1999/02/22-rdf-syntax-ns#", datatype.substr(4));
  }
  return std::string(datatype);
}

// Reads one line's JSON object. Every error names the field path and the
// column of the value at fault.
class LineReader {
 public:
  LineReader(const std::string& file, int file_index, int line, const char* line_start,
             Records* out)
      : file_(file), file_index_(file_index), line_(line), line_start_(line_start), out_(out) {}

  absl::Status Read(od::document& doc) {
    doc_ = &doc;
    od::object object;
    if (const auto error = doc.get_object().get(object)) {
      return Fail(Where(doc), "", error == simdjson::INCORRECT_TYPE ? "expected a JSON object"
                                                                     : simdjson::error_message(error));
    }
    std::string_view kind;
    const char* kind_at = nullptr;
    {
      od::value value;
      const auto error = object.find_field_unordered("kind").get(value);
      if (error == simdjson::SUCCESS) {
        kind_at = At(value);
        if (value.get_string().get(kind)) return Fail(kind_at, "kind", "expected a string");
      } else if (error != simdjson::NO_SUCH_FIELD) {
        return Fail(Where(doc), "", simdjson::error_message(error));
      }
      bool ignored;
      if (object.reset().get(ignored)) return Fail(Where(doc), "", "cannot read the object again");
    }
    absl::Status status;
    if (kind_at == nullptr) {
      status = Bundle(object);
    } else if (kind == "document") {
      status = DocumentRecord(object, "");
    } else if (kind == "entity") {
      status = EntityRecord(object, "", "");
    } else if (kind == "relation") {
      status = RelationRecord(object, "", "");
    } else if (kind == "mention") {
      status = MentionRecord(object, "", "");
    } else if (kind == "same_as") {
      status = SameAsRecord(object);
    } else if (kind == "predicate") {
      status = PredicateRecord(object);
    } else {
      return Fail(kind_at, "kind",
                  Cat("unknown kind \"", kind,
                               "\" (expected document, entity, relation, mention, same_as or predicate)"));
    }
    RETURN_IF_ERROR(status);
    // Past the object's end, there is no current location unless more text follows.
    if (const char* rest = Where(doc); rest != nullptr) {
      return Fail(rest, "", "text after the JSON object");
    }
    return absl::OkStatus();
  }

 private:
  using FieldHandler = std::function<absl::Status(std::string_view key, od::value value,
                                                  const std::string& path)>;

  const char* Where(od::document& doc) {
    const char* at = nullptr;
    if (doc.current_location().get(at)) return nullptr;
    return at;
  }
  const char* At(od::value& value) {
    const char* at = nullptr;
    if (value.current_location().get(at)) return nullptr;
    return at;
  }
  // `at`, or where the parser stopped when the error has no value to point
  // at (a missing comma is found between two values).
  SourcePosition Position(const char* at) const {
    if (at == nullptr && doc_ != nullptr) {
      const char* stopped = nullptr;
      if (!doc_->current_location().get(stopped)) at = stopped;
    }
    return {file_index_, line_, at == nullptr ? 1 : static_cast<int>(at - line_start_) + 1};
  }
  // OK when `iri` is one RDF takes as it is, else an error at `at`.
  absl::Status RequireAbsoluteIri(const char* at, const std::string& path, const std::string& iri) const {
    if (query::IsAbsoluteIri(iri)) return absl::OkStatus();
    return Fail(at, path, Cat("not an absolute IRI: \"", iri, "\""));
  }
  absl::Status Fail(const char* at, const std::string& path, std::string_view reason) const {
    const SourcePosition p = Position(at);
    return absl::InvalidArgumentError(Cat(file_, ":", p.line, ":", p.column, ": ",
                                                   path.empty() ? "" : path + ": ", reason));
  }
  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : Cat(path, ".", key);
  }

  // Calls `handle` for each field; `allowed` lists the keys it knows.
  absl::Status Fields(od::object& object, const std::string& path,
                      std::initializer_list<std::string_view> allowed, const FieldHandler& handle) {
    for (auto field : object) {
      std::string_view key;
      if (const auto error = field.unescaped_key().get(key)) {
        return Fail(nullptr, path, simdjson::error_message(error));
      }
      od::value value;
      if (const auto error = field.value().get(value)) {
        return Fail(nullptr, Join(path, key), simdjson::error_message(error));
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string known;
        for (const std::string_view k : allowed) known += Cat(known.empty() ? "" : ", ", k);
        return Fail(At(value), Join(path, key),
                    Cat("unknown field (expected one of ", known, ")"));
      }
      RETURN_IF_ERROR(handle(key, value, Join(path, key)));
    }
    return absl::OkStatus();
  }

  // Calls `handle` with each element of the list `value` and its path
  // "path[i]"; anything but a list fails with `not_a_list`.
  absl::Status Items(od::value& value, const std::string& path, std::string_view not_a_list,
                     const std::function<absl::Status(od::value&, const std::string&)>& handle) {
    od::array array;
    if (value.get_array().get(array)) return Fail(At(value), path, not_a_list);
    std::size_t i = 0;
    for (auto element : array) {
      od::value item;
      const std::string item_path = Cat(path, "[", i++, "]");
      if (element.get(item)) return Fail(nullptr, item_path, "malformed list");
      RETURN_IF_ERROR(handle(item, item_path));
    }
    return absl::OkStatus();
  }
  // A number or boolean as written, without the white space after it.
  static std::string_view Token(od::value& value) {
    std::string_view token = value.raw_json_token();
    while (!token.empty() && std::strchr(" \t\r\n", token.back()) != nullptr) token.remove_suffix(1);
    return token;
  }

  absl::Status Object(od::value& value, const std::string& path, od::object* out) {
    if (value.get_object().get(*out)) return Fail(At(value), path, "expected an object");
    return absl::OkStatus();
  }
  absl::Status String(od::value& value, const std::string& path, std::string* out) {
    std::string_view text;
    if (value.get_string().get(text)) return Fail(At(value), path, "expected a string");
    out->assign(text);
    return absl::OkStatus();
  }
  // A string or a list of strings.
  absl::Status Strings(od::value& value, const std::string& path, std::vector<std::string>* out) {
    od::json_type type;
    if (value.type().get(type)) return Fail(At(value), path, "expected a string or a list of strings");
    if (type == od::json_type::string) {
      out->emplace_back();
      return String(value, path, &out->back());
    }
    constexpr std::string_view kExpected = "expected a string or a list of strings";
    if (type != od::json_type::array) return Fail(At(value), path, kExpected);
    return Items(value, path, kExpected, [&](od::value& item, const std::string& item_path) {
      out->emplace_back();
      return String(item, item_path, &out->back());
    });
  }
  absl::Status Integer(od::value& value, const std::string& path, std::optional<std::int64_t>* out) {
    std::int64_t n;
    if (value.get_int64().get(n)) return Fail(At(value), path, "expected an integer");
    *out = n;
    return absl::OkStatus();
  }
  // A JSON scalar, or {"value": …, "datatype": …, "lang": …}, as a literal.
  absl::Status Literal(od::value& value, const std::string& path, Term* out) {
    const char* at = At(value);
    od::json_type type;
    if (value.type().get(type)) return Fail(at, path, "malformed value");
    switch (type) {
      case od::json_type::string: {
        std::string_view text;
        if (value.get_string().get(text)) return Fail(at, path, "malformed string");
        *out = LiteralFromJson(text, true);
        return absl::OkStatus();
      }
      case od::json_type::number:
      case od::json_type::boolean: {
        const std::string_view token = Token(value);
        if (type == od::json_type::boolean) {
          bool b;
          if (value.get_bool().get(b)) return Fail(at, path, "malformed boolean");
        } else {
          double d;
          if (value.get_double().get(d)) return Fail(at, path, "malformed number");
        }
        *out = LiteralFromJson(token, false);
        return absl::OkStatus();
      }
      case od::json_type::object: {
        od::object object;
        RETURN_IF_ERROR(Object(value, path, &object));
        std::optional<std::string> lexical, datatype, language;
        std::optional<Term> inferred;
        RETURN_IF_ERROR(Fields(object, path, {"value", "datatype", "lang"},
                               [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
          if (key == "value") {
            Term term;
            RETURN_IF_ERROR(Literal(v, p, &term));
            lexical = term.value;
            inferred = std::move(term);
            return absl::OkStatus();
          }
          const char* value_at = At(v);
          std::string text;
          RETURN_IF_ERROR(String(v, p, &text));
          if (key == "datatype") {
            text = ExpandDatatype(text);
            RETURN_IF_ERROR(RequireAbsoluteIri(value_at, p, text));
            datatype = std::move(text);
          } else {
            if (!query::IsLanguageTag(text)) return Fail(value_at, p, Cat("not a language tag: \"", text, "\""));
            language = AsciiLower(text);
          }
          return absl::OkStatus();
        }));
        if (!lexical) return Fail(at, path, "a literal object needs \"value\"");
        if (language) {
          *out = Term::LangLiteral(*lexical, *language);
        } else if (datatype) {
          *out = Term::Literal(*lexical, *datatype);
        } else {
          *out = std::move(*inferred);
        }
        return absl::OkStatus();
      }
      default:
        return Fail(at, path, "expected a string, number, boolean or {\"value\": …}");
    }
  }
  absl::Status Properties(od::value& value, const std::string& path, std::vector<Property>* out) {
    od::object object;
    RETURN_IF_ERROR(Object(value, path, &object));
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return Fail(nullptr, path, "malformed key");
      const std::string name(key);
      od::value v;
      if (field.value().get(v)) return Fail(nullptr, Join(path, name), "malformed value");
      const std::string p = Join(path, name);
      od::json_type type;
      if (v.type().get(type)) return Fail(At(v), p, "malformed value");
      if (type == od::json_type::null) continue;
      if (type == od::json_type::array) {
        RETURN_IF_ERROR(Items(v, p, "malformed list", [&](od::value& item, const std::string& item_path) {
          Term term;
          RETURN_IF_ERROR(Literal(item, item_path, &term));
          out->emplace_back(name, std::move(term));
          return absl::OkStatus();
        }));
        continue;
      }
      Term term;
      RETURN_IF_ERROR(Literal(v, p, &term));
      out->emplace_back(name, std::move(term));
    }
    return absl::OkStatus();
  }

  // An entity id, {"name": …, "type": …}, {"id": …} or, when
  // `literal_allowed`, {"value": …, "datatype": …}.
  absl::Status Ref(od::value& value, const std::string& path, bool literal_allowed, EntityRef* out) {
    const char* at = At(value);
    out->at = Position(at);
    out->path = path;
    od::json_type type;
    if (value.type().get(type)) return Fail(at, path, "malformed value");
    if (type == od::json_type::string) return String(value, path, &out->id);
    const std::string_view expected = literal_allowed
                                          ? "expected an entity id, {\"name\": …, \"type\": …} or {\"value\": …}"
                                          : "expected an entity id or {\"name\": …, \"type\": …}";
    if (type != od::json_type::object) {
      if (literal_allowed && (type == od::json_type::number || type == od::json_type::boolean)) {
        out->literal.emplace();
        return Literal(value, path, &*out->literal);
      }
      return Fail(at, path, expected);
    }
    // A literal object is told apart by its "value" key.
    od::object object;
    RETURN_IF_ERROR(Object(value, path, &object));
    od::value probe;
    const auto found = object.find_field_unordered("value").get(probe);
    // After any other error the iterator is spent: reset() would use it.
    if (found != simdjson::SUCCESS && found != simdjson::NO_SUCH_FIELD) {
      return Fail(at, path, simdjson::error_message(found));
    }
    const bool is_literal = found == simdjson::SUCCESS;
    bool ignored;
    if (object.reset().get(ignored)) return Fail(at, path, "cannot read the object again");
    if (is_literal) {
      if (!literal_allowed) return Fail(at, path, expected);
      out->literal.emplace();
      return Literal(value, path, &*out->literal);
    }
    RETURN_IF_ERROR(Fields(object, path, {"id", "name", "type"},
                           [&](std::string_view key, od::value v, const std::string& p) {
      if (key == "id") return String(v, p, &out->id);
      if (key == "name") return String(v, p, &out->name);
      return Strings(v, p, &out->types);
    }));
    if (out->id.empty() && out->name.empty()) return Fail(at, path, "needs \"id\" or \"name\"");
    return absl::OkStatus();
  }

  absl::Status DocumentRecord(od::object& object, const std::string& path) {
    Document d;
    d.at = Position(nullptr);
    RETURN_IF_ERROR(Fields(object, path,
                           {"kind", "id", "title", "text", "url", "published", "source", "lang", "extractor"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "extractor") {
        od::object e;
        RETURN_IF_ERROR(Object(v, p, &e));
        d.extractor.emplace();
        return Fields(e, p, {"name", "version", "model", "run_at"},
                      [&](std::string_view k, od::value ev, const std::string& ep) {
          Extractor& x = *d.extractor;
          return String(ev, ep, k == "name" ? &x.name : k == "version" ? &x.version
                                            : k == "model" ? &x.model : &x.run_at);
        });
      }
      std::string* field = key == "id" ? &d.id : key == "title" ? &d.title : key == "text" ? &d.text : key == "url" ? &d.url
                         : key == "published" ? &d.published : key == "source" ? &d.source : &d.lang;
      return String(v, p, field);
    }));
    if (d.id.empty()) return Fail(nullptr, path, "a document needs \"id\"");
    if (!d.published.empty() && !IsIsoDate(d.published) && !IsIsoDateTime(d.published)) {
      return Fail(nullptr, Join(path, "published"), "expected an ISO date (2025-06-21) or date-time");
    }
    last_document_ = d.id;
    out_->documents.push_back(std::move(d));
    return absl::OkStatus();
  }

  absl::Status EntityRecord(od::object& object, const std::string& path, const std::string& document) {
    Entity e;
    e.at = Position(nullptr);
    e.document = document;
    RETURN_IF_ERROR(Fields(object, path,
                           {"kind", "id", "type", "name", "aliases", "description", "properties",
                            "same_as", "document"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "type") return Strings(v, p, &e.types);
      if (key == "aliases") return Strings(v, p, &e.aliases);
      if (key == "same_as") {
        const char* at = At(v);
        RETURN_IF_ERROR(Strings(v, p, &e.same_as));
        for (const std::string& iri : e.same_as) {
          RETURN_IF_ERROR(RequireAbsoluteIri(at, p, iri));
        }
        return absl::OkStatus();
      }
      if (key == "properties") return Properties(v, p, &e.properties);
      return String(v, p, key == "id" ? &e.id : key == "name" ? &e.name
                          : key == "description" ? &e.description : &e.document);
    }));
    if (e.id.empty() && e.name.empty()) return Fail(nullptr, path, "an entity needs \"id\" or \"name\"");
    out_->entities.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::Status RelationRecord(od::object& object, const std::string& path, const std::string& document) {
    Relation r;
    r.at = Position(nullptr);
    r.document = document;
    bool has_subject = false, has_object = false;
    RETURN_IF_ERROR(Fields(object, path,
                           {"kind", "subject", "predicate", "object", "document", "confidence",
                            "evidence", "properties"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "subject") {
        has_subject = true;
        return Ref(v, p, false, &r.subject);
      }
      if (key == "object") {
        has_object = true;
        return Ref(v, p, true, &r.object);
      }
      if (key == "predicate") return String(v, p, &r.predicate);
      if (key == "document") return String(v, p, &r.document);
      if (key == "properties") return Properties(v, p, &r.properties);
      if (key == "confidence") {
        double c;
        const char* at = At(v);
        if (v.get_double().get(c) || c < 0 || c > 1) return Fail(at, p, "expected a number from 0 to 1");
        r.confidence = LiteralFromJson(Token(v), false);
        return absl::OkStatus();
      }
      od::object e;
      RETURN_IF_ERROR(Object(v, p, &e));
      r.evidence.emplace();
      return Fields(e, p, {"text", "start", "end", "sentence"},
                    [&](std::string_view k, od::value ev, const std::string& ep) -> absl::Status {
        Evidence& x = *r.evidence;
        if (k == "text") return String(ev, ep, &x.text);
        if (k == "start") return Integer(ev, ep, &x.start);
        if (k == "end") return Integer(ev, ep, &x.end);
        x.sentence.emplace();
        return Literal(ev, ep, &*x.sentence);
      });
    }));
    if (!has_subject) return Fail(nullptr, path, "a relation needs \"subject\"");
    if (r.predicate.empty()) return Fail(nullptr, path, "a relation needs \"predicate\"");
    if (!has_object) return Fail(nullptr, path, "a relation needs \"object\"");
    out_->relations.push_back(std::move(r));
    return absl::OkStatus();
  }

  absl::Status MentionRecord(od::object& object, const std::string& path, const std::string& document) {
    Mention m;
    m.at = Position(nullptr);
    m.document = document;
    bool has_entity = false;
    RETURN_IF_ERROR(Fields(object, path, {"kind", "entity", "document", "text", "start", "end"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "entity") {
        has_entity = true;
        return Ref(v, p, false, &m.entity);
      }
      if (key == "start") return Integer(v, p, &m.start);
      if (key == "end") return Integer(v, p, &m.end);
      return String(v, p, key == "document" ? &m.document : &m.text);
    }));
    if (!has_entity) return Fail(nullptr, path, "a mention needs \"entity\"");
    if (m.document.empty()) return Fail(nullptr, path, "a mention needs \"document\"");
    out_->mentions.push_back(std::move(m));
    return absl::OkStatus();
  }

  absl::Status SameAsRecord(od::object& object) {
    SameAs s;
    s.at = Position(nullptr);
    int ends = 0;
    RETURN_IF_ERROR(Fields(object, "", {"kind", "a", "b", "score"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "score") {
        double score;
        if (v.get_double().get(score)) return Fail(At(v), p, "expected a number");
        s.score = score;
        return absl::OkStatus();
      }
      ++ends;
      return Ref(v, p, false, key == "a" ? &s.a : &s.b);
    }));
    if (ends != 2) return Fail(nullptr, "", "a same_as link needs \"a\" and \"b\"");
    out_->same_as.push_back(std::move(s));
    return absl::OkStatus();
  }

  absl::Status PredicateRecord(od::object& object) {
    PredicateDeclaration d;
    d.at = Position(nullptr);
    RETURN_IF_ERROR(Fields(object, "", {"kind", "name", "synonyms", "inverse", "functional", "symmetric"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "kind") return absl::OkStatus();
      if (key == "synonyms") return Strings(v, p, &d.synonyms);
      if (key == "functional" || key == "symmetric") {
        bool flag = false;
        if (v.get_bool().get(flag)) return Fail(At(v), p, "expected true or false");
        (key == "functional" ? d.functional : d.symmetric) = flag;
        return absl::OkStatus();
      }
      return String(v, p, key == "name" ? &d.name : &d.inverse);
    }));
    if (d.name.empty()) return Fail(nullptr, "", "a predicate needs \"name\"");
    if (d.symmetric && !d.inverse.empty()) {
      return Fail(nullptr, "inverse", "a symmetric predicate is its own inverse");
    }
    out_->predicates.push_back(std::move(d));
    return absl::OkStatus();
  }

  // {"document": {…}, "entities": […], "relations": […], "mentions": […]}:
  // the records inside belong to the document unless they name another.
  absl::Status Bundle(od::object& object) {
    const std::size_t entities = out_->entities.size(), relations = out_->relations.size(),
                      mentions = out_->mentions.size();
    bool has_document = false;
    RETURN_IF_ERROR(Fields(object, "", {"document", "entities", "relations", "mentions"},
                           [&](std::string_view key, od::value v, const std::string& p) -> absl::Status {
      if (key == "document") {
        has_document = true;
        od::object d;
        RETURN_IF_ERROR(Object(v, p, &d));
        return DocumentRecord(d, p);
      }
      return Items(v, p, "expected a list", [&](od::value& item, const std::string& item_path) {
        od::object o;
        RETURN_IF_ERROR(Object(item, item_path, &o));
        if (key == "entities") return EntityRecord(o, item_path, "");
        if (key == "relations") return RelationRecord(o, item_path, "");
        return MentionRecord(o, item_path, "?");
      });
    }));
    if (!has_document) {
      return Fail(nullptr, "", "a line without \"kind\" is a bundle and needs \"document\"");
    }
    for (std::size_t i = entities; i < out_->entities.size(); ++i) {
      if (out_->entities[i].document.empty()) out_->entities[i].document = last_document_;
    }
    for (std::size_t i = relations; i < out_->relations.size(); ++i) {
      if (out_->relations[i].document.empty()) out_->relations[i].document = last_document_;
    }
    for (std::size_t i = mentions; i < out_->mentions.size(); ++i) {
      if (out_->mentions[i].document == "?") out_->mentions[i].document = last_document_;
    }
    return absl::OkStatus();
  }

  const std::string& file_;
  int file_index_, line_;
  const char* line_start_;
  Records* out_;
  od::document* doc_ = nullptr;  // the line being read (Read)
  std::string last_document_;
};

}  // namespace

absl::StatusOr<InputFile> ReadInputFile(query::InputSource& input, Records* records) {
  InputFile file{static_cast<int>(records->files.size()), {}};
  records->files.push_back(input.name());
  char buffer[1 << 16];
  while (const std::size_t n = input.Read(buffer, sizeof buffer)) file.text.append(buffer, n);
  if (!input.error().empty()) return absl::UnavailableError(input.error());
  return file;
}

Term LiteralFromJson(std::string_view lexical, bool is_string) {
  if (is_string) {
    if (IsIsoDate(lexical)) return Term::Literal(lexical, Cat(kXsd, "date"));
    if (IsIsoDateTime(lexical)) return Term::Literal(lexical, Cat(kXsd, "dateTime"));
    return Term::Literal(lexical);
  }
  if (lexical == "true" || lexical == "false") return Term::Literal(lexical, Cat(kXsd, "boolean"));
  if (lexical.find_first_of("eE") != std::string_view::npos) {
    return Term::Literal(lexical, Cat(kXsd, "double"));
  }
  if (lexical.find('.') != std::string_view::npos) {
    return Term::Literal(lexical, Cat(kXsd, "decimal"));
  }
  return Term::Literal(lexical, Cat(kXsd, "integer"));
}

absl::Status ReadKgJsonl(query::InputSource& input, bool lenient, Records* records,
                         std::vector<std::string>* skipped) {
  ASSIGN_OR_RETURN(const InputFile input_file, ReadInputFile(input, records));
  const int file_index = input_file.index;
  const std::string& text = input_file.text;
  const std::string& file = records->files.back();
  od::parser parser;
  std::string line;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    std::string_view content(text.data() + start, end - start);
    start = end + 1;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    line.assign(content);
    line.resize(content.size() + simdjson::SIMDJSON_PADDING);
    // A line's records go in only when all of it reads, so that a skipped
    // line is skipped whole.
    Records parsed;
    LineReader reader(file, file_index, line_number, line.data(), &parsed);
    od::document doc;
    absl::Status status;
    if (const auto error = parser.iterate(line.data(), content.size(), line.size()).get(doc)) {
      status = absl::InvalidArgumentError(
          Cat(file, ":", line_number, ":1: ", simdjson::error_message(error)));
    } else {
      status = reader.Read(doc);
    }
    if (!status.ok()) {
      if (!lenient) return status;
      skipped->emplace_back(status.message());
      continue;
    }
    for (auto& d : parsed.documents) records->documents.push_back(std::move(d));
    for (auto& e : parsed.entities) records->entities.push_back(std::move(e));
    for (auto& r : parsed.relations) records->relations.push_back(std::move(r));
    for (auto& m : parsed.mentions) records->mentions.push_back(std::move(m));
    for (auto& s : parsed.same_as) records->same_as.push_back(std::move(s));
    for (auto& p : parsed.predicates) records->predicates.push_back(std::move(p));
  }
  return absl::OkStatus();
}

}  // namespace relata::engine::kg
