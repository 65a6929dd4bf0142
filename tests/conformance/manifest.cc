// Manifest graph walking: mf:entries is an RDF list of test IRIs.
#include "tests/conformance/manifest.h"

#include <filesystem>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/rdf_test_util.h"

namespace relata::testing {
namespace {

constexpr char kRdf[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr char kMf[] = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
constexpr char kQt[] = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#";
constexpr char kUt[] = "http://www.w3.org/2009/sparql/tests/test-update#";
constexpr char kHt[] = "http://www.w3.org/2011/http#";
constexpr char kHts[] = "http://www.w3.org/2011/http-statusCodes#";
constexpr char kCnt[] = "http://www.w3.org/2011/content#";

class Graph {
 public:
  explicit Graph(const std::vector<Quad>& quads) {
    for (const Quad& q : quads) edges_[Key(q.subject)].emplace(q.predicate.value, q.object);
  }
  const Term* One(const Term& subject, const std::string& predicate) const {
    const auto it = edges_.find(Key(subject));
    if (it == edges_.end()) return nullptr;
    const auto e = it->second.find(predicate);
    return e == it->second.end() ? nullptr : &e->second;
  }
  std::vector<Term> All(const Term& subject, const std::string& predicate) const {
    std::vector<Term> out;
    const auto it = edges_.find(Key(subject));
    if (it == edges_.end()) return out;
    const auto [begin, end] = it->second.equal_range(predicate);
    for (auto e = begin; e != end; ++e) out.push_back(e->second);
    return out;
  }
  std::vector<Term> List(const Term* head) const {
    std::vector<Term> items;
    while (head != nullptr && !(head->IsIri() && head->value == absl::StrCat(kRdf, "nil"))) {
      if (const Term* first = One(*head, absl::StrCat(kRdf, "first"))) items.push_back(*first);
      head = One(*head, absl::StrCat(kRdf, "rest"));
    }
    return items;
  }
  const Term* ManifestNode() const {
    for (const auto& [key, edges] : edges_) {
      for (const auto& [p, o] : edges) {
        if (p == absl::StrCat(kRdf, "type") && o.value == absl::StrCat(kMf, "Manifest")) {
          return &subjects_.try_emplace(key, key[0] == 'b' ? Term::Blank(key.substr(1))
                                                            : Term::Iri(key.substr(1)))
                      .first->second;
        }
      }
    }
    return nullptr;
  }

 private:
  static std::string Key(const Term& t) { return (t.IsBlank() ? "b" : "i") + t.value; }
  std::map<std::string, std::multimap<std::string, Term>> edges_;
  mutable std::map<std::string, Term> subjects_;
};

std::string LocalName(std::string_view iri) {
  const auto cut = iri.find_last_of("#/");
  return std::string(cut == std::string_view::npos ? iri : iri.substr(cut + 1));
}

std::string FilePath(const std::string& iri) {
  return absl::StartsWith(iri, "file://") ? iri.substr(7) : iri;
}

}  // namespace

absl::StatusOr<std::vector<ManifestEntry>> ReadManifest(const std::string& manifest_path) {
  const std::string absolute = std::filesystem::absolute(manifest_path).lexically_normal().string();
  const std::string dir_iri = "file://" + absolute.substr(0, absolute.rfind('/') + 1);
  auto quads = ParseRdfFile(absolute, query::RdfFormat::kTurtle, "file://" + absolute);
  if (!quads.ok()) return quads.status();
  const Graph graph(*quads);
  const Term* manifest = graph.ManifestNode();
  if (manifest == nullptr) return absl::NotFoundError(manifest_path + ": no mf:Manifest");
  std::string test_base = dir_iri;
  if (const Term* base = graph.One(*manifest, absl::StrCat(kMf, "assumedTestBase"))) {
    test_base = base->value;
  }
  const auto rebase = [&](const std::string& iri) {
    return absl::StartsWith(iri, dir_iri) ? test_base + iri.substr(dir_iri.size()) : iri;
  };
  // ut:data files and ut:graphData [ ut:graph FILE; rdfs:label "graph IRI" ].
  const auto update_data = [&](const Term& node, std::vector<std::string>* files,
                               std::vector<std::pair<std::string, std::string>>* graph_files) {
    for (const Term& d : graph.All(node, absl::StrCat(kUt, "data"))) files->push_back(FilePath(d.value));
    for (const Term& g : graph.All(node, absl::StrCat(kUt, "graphData"))) {
      const Term* file = graph.One(g, absl::StrCat(kUt, "graph"));
      const Term* label = graph.One(g, "http://www.w3.org/2000/01/rdf-schema#label");
      if (file != nullptr && label != nullptr) graph_files->emplace_back(FilePath(file->value), label->value);
    }
  };
  std::vector<ManifestEntry> entries;
  for (const Term& test : graph.List(graph.One(*manifest, absl::StrCat(kMf, "entries")))) {
    ManifestEntry e;
    e.id = test.value;
    const Term* name = graph.One(test, absl::StrCat(kMf, "name"));
    e.name = name != nullptr ? name->value : LocalName(test.value);
    if (const Term* type = graph.One(test, absl::StrCat(kRdf, "type"))) e.type = LocalName(type->value);
    e.test_base = test_base;
    e.directory = dir_iri.substr(7);
    if (const Term* action = graph.One(test, absl::StrCat(kMf, "action"))) {
      if (action->IsBlank()) {
        if (const Term* q = graph.One(*action, absl::StrCat(kQt, "query"))) {
          e.query_path = FilePath(q->value);
          e.query_base = rebase(q->value);
        }
        for (const Term& d : graph.All(*action, absl::StrCat(kQt, "data"))) e.data_paths.push_back(FilePath(d.value));
        for (const Term& d : graph.All(*action, absl::StrCat(kQt, "graphData"))) {
          e.graph_data.emplace_back(FilePath(d.value), rebase(d.value));
        }
        if (const Term* r = graph.One(*action, absl::StrCat(kUt, "request"))) {
          e.request_path = FilePath(r->value);
          e.request_base = rebase(r->value);
        }
        update_data(*action, &e.data_paths, &e.graph_data);
        for (const Term& request : graph.List(graph.One(*action, absl::StrCat(kHt, "requests")))) {
          HttpExchange x;
          if (const Term* m = graph.One(request, absl::StrCat(kHt, "methodName"))) x.method = m->value;
          if (const Term* p = graph.One(request, absl::StrCat(kHt, "absolutePath"))) x.path = p->value;
          if (const Term* body = graph.One(request, absl::StrCat(kHt, "body"))) {
            if (const Term* chars = graph.One(*body, absl::StrCat(kCnt, "chars"))) x.body = chars->value;
          }
          for (const Term& h : graph.List(graph.One(request, absl::StrCat(kHt, "headers")))) {
            const Term* field = graph.One(h, absl::StrCat(kHt, "fieldName"));
            const Term* value = graph.One(h, absl::StrCat(kHt, "fieldValue"));
            if (field != nullptr && value != nullptr) x.headers.emplace_back(field->value, value->value);
          }
          if (const Term* resp = graph.One(request, absl::StrCat(kHt, "resp"))) {
            static const std::map<std::string, int> kNamed = {
                {"OK", 200}, {"Created", 201}, {"NoContent", 204}, {"BadRequest", 400}, {"NotFound", 404}};
            for (const Term& status : graph.All(*resp, absl::StrCat(kMf, "expectedStatus"))) {
              const std::string local = status.value.substr(std::string_view(kHts).size());
              if (absl::StartsWith(local, "StatusCode") && local.size() == 13) x.status_classes.push_back(local[10] - '0');
              if (const auto named = kNamed.find(local); named != kNamed.end()) x.statuses.push_back(named->second);
            }
            if (const Term* l = graph.One(*resp, absl::StrCat(kMf, "expectedLocation"))) x.location_variable = l->value;
            if (const Term* body = graph.One(*resp, absl::StrCat(kHt, "body"))) {
              if (const Term* chars = graph.One(*body, absl::StrCat(kCnt, "chars"))) x.expected_body = chars->value;
            }
            for (const Term& h : graph.List(graph.One(*resp, absl::StrCat(kHt, "headers")))) {
              const Term* field = graph.One(h, absl::StrCat(kHt, "fieldName"));
              const Term* value = graph.One(h, absl::StrCat(kHt, "fieldValue"));
              if (field != nullptr && value != nullptr && absl::EqualsIgnoreCase(field->value, "content-type")) {
                x.expected_content_type = value->value;
              }
            }
            if (const Term* b = graph.One(*resp, absl::StrCat(kMf, "expectedBoolean"))) x.boolean = b->value == "true";
            if (const Term* f = graph.One(*resp, absl::StrCat(kMf, "expectedFormat"))) x.format = f->value;
          }
          e.requests.push_back(std::move(x));
        }
      } else {
        e.action_path = FilePath(action->value);
        e.action_base = rebase(action->value);
      }
    }
    if (e.type == "ProtocolTest") update_data(test, &e.data_paths, &e.graph_data);
    if (const Term* result = graph.One(test, absl::StrCat(kMf, "result"))) {
      e.result_path = FilePath(result->value);
      e.result_base = rebase(result->value);
      if (result->IsBlank()) update_data(*result, &e.result_data, &e.result_graph_data);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace relata::testing
