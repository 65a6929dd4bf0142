// Small readers for the result formats the tests use: enough XML and JSON for
// what the W3C result files contain, nothing more.
#include "tests/conformance/results.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "query/uchar.h"
#include "tests/testing/isomorphism.h"
#include "tests/testing/xml.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::testing {
namespace {

using xml::Element;

Term XmlTerm(const Element& e) {
  if (e.name == "uri") return Term::Iri(e.text);
  if (e.name == "bnode") return Term::Blank(e.text);
  if (e.name == "triple") {
    const auto part = [&](const char* n) { return XmlTerm(*e.Child(n)->children.at(0)); };
    return Term::Triple(part("subject"), part("predicate"), part("object"));
  }
  const auto lang = e.attributes.find("xml:lang");
  if (lang != e.attributes.end()) {
    const auto dir = e.attributes.find("its:dir");
    return Term::LangLiteral(e.text, lang->second, dir == e.attributes.end() ? "" : dir->second);
  }
  const auto dt = e.attributes.find("datatype");
  return Term::Literal(e.text, dt == e.attributes.end() ? std::string(kXsdString) : dt->second);
}

// ---- JSON ----
struct JsonMember;
struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  bool b = false;
  std::string s;
  std::vector<Json> items;
  // A vector may hold a type not yet complete; a std::pair may not.
  std::vector<JsonMember> members;
  const Json* Get(std::string_view k) const;
};
struct JsonMember {
  std::string key;
  Json value;
};
const Json* Json::Get(std::string_view k) const {
  for (const auto& [key, v] : members) {
    if (key == k) return &v;
  }
  return nullptr;
}

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : s_(text) {}
  Json Value() {
    Skip();
    Json j;
    const char c = s_[pos_];
    if (c == '{') {
      j.kind = Json::kObject;
      ++pos_;
      Skip();
      if (s_[pos_] == '}') return ++pos_, j;
      while (true) {
        Skip();
        std::string key = String();
        Skip();
        ++pos_;  // ':'
        j.members.push_back(JsonMember{std::move(key), Value()});
        Skip();
        if (s_[pos_++] == '}') return j;
      }
    }
    if (c == '[') {
      j.kind = Json::kArray;
      ++pos_;
      Skip();
      if (s_[pos_] == ']') return ++pos_, j;
      while (true) {
        j.items.push_back(Value());
        Skip();
        if (s_[pos_++] == ']') return j;
      }
    }
    if (c == '"') {
      j.kind = Json::kString;
      j.s = String();
      return j;
    }
    if (s_.substr(pos_, 4) == "true" || s_.substr(pos_, 5) == "false") {
      j.kind = Json::kBool;
      j.b = s_[pos_] == 't';
      pos_ += j.b ? 4 : 5;
      return j;
    }
    if (s_.substr(pos_, 4) == "null") {
      pos_ += 4;
      return j;
    }
    const auto end = s_.find_first_of(",}] \t\r\n", pos_);
    j.kind = Json::kNumber;
    j.s = std::string(s_.substr(pos_, end - pos_));
    pos_ = end;
    return j;
  }

 private:
  void Skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  std::string String() {
    std::string out;
    ++pos_;
    while (s_[pos_] != '"') {
      if (s_[pos_] != '\\') {
        out.push_back(s_[pos_++]);
        continue;
      }
      const char e = s_[pos_ + 1];
      pos_ += 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          char32_t c = static_cast<char32_t>(std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16));
          pos_ += 4;
          if (c >= 0xD800 && c <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
            const auto low = static_cast<char32_t>(std::stoul(std::string(s_.substr(pos_ + 2, 4)), nullptr, 16));
            c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
            pos_ += 6;
          }
          query::AppendUtf8(c, &out);
          break;
        }
        default: out += e;
      }
    }
    ++pos_;
    return out;
  }
  std::string_view s_;
  std::size_t pos_ = 0;
};

Term JsonTerm(const Json& j) {
  const std::string type = j.Get("type") ? j.Get("type")->s : "";
  const Json* value = j.Get("value");
  if (type == "uri") return Term::Iri(value->s);
  if (type == "bnode") return Term::Blank(value->s);
  if (type == "triple") {
    return Term::Triple(JsonTerm(*value->Get("subject")), JsonTerm(*value->Get("predicate")),
                        JsonTerm(*value->Get("object")));
  }
  if (const Json* lang = j.Get("xml:lang")) {
    const Json* dir = j.Get("its:dir");
    return Term::LangLiteral(value->s, lang->s, dir != nullptr ? dir->s : "");
  }
  if (const Json* dt = j.Get("datatype")) return Term::Literal(value->s, dt->s);
  return Term::Literal(value->s);
}

bool IsNumericType(std::string_view datatype) {
  constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema#";
  if (!datatype.starts_with(kXsd)) return false;
  const std::string_view local = datatype.substr(kXsd.size());
  return local == "integer" || local == "decimal" || local == "double" || local == "float" || local == "int";
}

const char kRs[] = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A solution as triples about one fresh blank node per row, so that graph
// isomorphism compares result multisets with a blank node bijection.
std::vector<Quad> AsQuads(const ResultSet& r, bool ordered) {
  std::vector<Quad> quads;
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const Term row = Term::Blank(absl::StrCat("row", i));
    for (const auto& [var, value] : r.rows[i]) {
      Term v = value;
      // Language tags compare case-insensitively, numbers by value (the
      // expected files do not agree on one lexical form).
      if (v.IsLiteral() && !v.language.empty()) v = Term::LangLiteral(v.value, Lower(v.language), v.direction);
      if (v.IsLiteral() && IsNumericType(v.datatype)) {
        char* end = nullptr;
        const long double number = std::strtold(v.value.c_str(), &end);
        if (end != v.value.c_str() && *end == '\0') v.value = absl::StrFormat("%.15Lg", number);
      }
      quads.push_back({row, Term::Iri("var:" + var), v, {}});
    }
    if (ordered) quads.push_back({row, Term::Iri("var:#index"), Term::Literal(std::to_string(i)), {}});
    if (r.rows[i].empty()) quads.push_back({row, Term::Iri("var:#empty"), Term::Literal("row"), {}});
  }
  return quads;
}

}  // namespace

absl::StatusOr<ResultSet> ParseSrx(std::string_view text) {
  const auto doc = xml::Parse(text);
  const Element* sparql = doc->Child("sparql");
  if (sparql == nullptr) return absl::InvalidArgumentError("no <sparql> element");
  ResultSet r;
  if (const Element* head = sparql->Child("head")) {
    for (const auto& v : head->children) {
      if (v->name == "variable") r.variables.push_back(v->attributes["name"]);
    }
  }
  if (const Element* b = sparql->Child("boolean")) {
    r.is_boolean = true;
    r.boolean = b->text.find("true") != std::string::npos;
    return r;
  }
  if (const Element* results = sparql->Child("results")) {
    for (const auto& result : results->children) {
      auto& row = r.rows.emplace_back();
      for (const auto& binding : result->children) {
        if (!binding->children.empty()) row[binding->attributes["name"]] = XmlTerm(*binding->children[0]);
      }
    }
  }
  return r;
}

absl::StatusOr<ResultSet> ParseSrj(std::string_view text) {
  const Json doc = JsonParser(text).Value();
  ResultSet r;
  if (const Json* head = doc.Get("head"); head && head->Get("vars")) {
    for (const Json& v : head->Get("vars")->items) r.variables.push_back(v.s);
  }
  if (const Json* b = doc.Get("boolean")) {
    r.is_boolean = true;
    r.boolean = b->b;
    return r;
  }
  if (const Json* results = doc.Get("results")) {
    for (const Json& binding : results->Get("bindings")->items) {
      auto& row = r.rows.emplace_back();
      for (const auto& [var, term] : binding.members) row[var] = JsonTerm(term);
    }
  }
  return r;
}

absl::StatusOr<ResultSet> ParseTsv(std::string_view text) {
  ResultSet r;
  std::vector<std::string> lines = absl::StrSplit(std::string(text), '\n');
  if (lines.empty()) return r;
  const std::vector<std::string> header = absl::StrSplit(lines[0], '\t');
  for (const std::string& v : header) {
    if (!v.empty()) r.variables.push_back(v.substr(1));
  }
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(lines[i], '\t');
    auto& row = r.rows.emplace_back();
    for (std::size_t k = 0; k < fields.size() && k < r.variables.size(); ++k) {
      if (fields[k].empty()) continue;
      auto quads = ParseRdf("<x:s> <x:p> " + fields[k] + " .", query::RdfFormat::kTurtle, "");
      if (!quads.ok() || quads->size() != 1) return absl::InvalidArgumentError("bad TSV term " + fields[k]);
      row[r.variables[k]] = (*quads)[0].object;
    }
  }
  return r;
}

absl::StatusOr<ResultSet> FromResultGraph(const std::vector<Quad>& quads) {
  const auto rs = [](const char* local) { return absl::StrCat(kRs, local); };
  std::map<std::string, std::vector<const Quad*>> by_subject;
  for (const Quad& q : quads) by_subject[q.subject.ToNTriples()].push_back(&q);
  ResultSet r;
  for (const Quad& q : quads) {
    if (q.predicate.value == rs("resultVariable")) r.variables.push_back(q.object.value);
    if (q.predicate.value == rs("boolean")) {
      r.is_boolean = true;
      r.boolean = q.object.value == "true";
    }
  }
  std::vector<std::pair<int, std::map<std::string, Term>>> rows;
  for (const Quad& q : quads) {
    if (q.predicate.value != rs("solution")) continue;
    std::map<std::string, Term> row;
    int index = 0;
    for (const Quad* s : by_subject[q.object.ToNTriples()]) {
      if (s->predicate.value == rs("index")) index = std::stoi(s->object.value);
      if (s->predicate.value != rs("binding")) continue;
      std::string var;
      std::optional<Term> value;
      for (const Quad* b : by_subject[s->object.ToNTriples()]) {
        if (b->predicate.value == rs("variable")) var = b->object.value;
        if (b->predicate.value == rs("value")) value = b->object;
      }
      if (value) row[var] = *value;
    }
    rows.emplace_back(index, std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, row] : rows) r.rows.push_back(std::move(row));
  return r;
}

bool SameResults(const ResultSet& expected, const ResultSet& actual, bool ordered) {
  if (expected.is_boolean || actual.is_boolean) {
    return expected.is_boolean == actual.is_boolean && expected.boolean == actual.boolean;
  }
  if (expected.rows.size() != actual.rows.size()) return false;
  return Isomorphic(AsQuads(expected, ordered), AsQuads(actual, ordered));
}

std::string Describe(const ResultSet& r) {
  if (r.is_boolean) return r.boolean ? "true" : "false";
  std::string out;
  for (const auto& row : r.rows) {
    for (const auto& [var, value] : row) absl::StrAppend(&out, "?", var, "=", value.ToNTriples(), " ");
    out += "\n";
  }
  return absl::StrCat(r.rows.size(), " rows\n", out);
}

}  // namespace relata::testing
