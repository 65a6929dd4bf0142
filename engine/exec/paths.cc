// PATHS: the shortest path, the k shortest simple paths (Yen), all shortest
// paths and every simple path up to a length, between two nodes over the
// store's triples, each step with the document, confidence and evidence of
// the triple it follows (from its reifiers).
#include <algorithm>
#include <cstdlib>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/evaluator.h"

namespace relata::engine::exec {
namespace {

using query::PathSearch;
using plan::ScanTerm;

constexpr char kRdfType[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
constexpr char kRdfReifies[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#reifies";
constexpr char kRdfJson[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
constexpr char kXsdInteger[] = "http://www.w3.org/2001/XMLSchema#integer";
constexpr char kXsdBoolean[] = "http://www.w3.org/2001/XMLSchema#boolean";
// The extractor loader's vocabulary (docs/extractor-format.md).
constexpr char kConfidence[] = "https://relata.dev/kg/confidence";
constexpr char kEvidence[] = "https://relata.dev/kg/evidence";

// One step of a path: the predicate followed, the node it reaches, and
// whether it went from the triple's subject to its object.
struct Hop {
  TermId predicate = kNoTerm, to = kNoTerm;
  bool forward = true;
  friend auto operator<=>(const Hop&, const Hop&) = default;
};

struct Path {
  TermId start = kNoTerm;
  std::vector<Hop> hops;
  TermId NodeAt(std::size_t i) const { return i == 0 ? start : hops[i - 1].to; }
  TermId end() const { return NodeAt(hops.size()); }
  // Shorter first, then by their hops: the order paths are given in.
  friend bool operator<(const Path& a, const Path& b) {
    if (a.hops.size() != b.hops.size()) return a.hops.size() < b.hops.size();
    return std::tie(a.start, a.hops) < std::tie(b.start, b.hops);
  }
  friend bool operator==(const Path&, const Path&) = default;
};

// The statement of a triple a step shows: the most confident one in the
// search's graphs (without reifiers, a graph that holds the triple).
struct Statement {
  TermId document = kNoTerm, confidence = kNoTerm, evidence = kNoTerm;
  double value = -1;  // the confidence as a number; -1 when none is given
  bool stated = false;
};

class PathFinder {
 public:
  PathFinder(Context& ctx, const plan::Node& node, GraphScope scope)
      : ctx_(ctx), search_(*node.pattern->paths), node_(node), scope_(std::move(scope)) {}

  absl::Status Init() {
    ASSIGN_OR_RETURN(type_, ctx_.Lookup(type_iri_));
    ASSIGN_OR_RETURN(reifies_, ctx_.Lookup(reifies_iri_));
    ASSIGN_OR_RETURN(confidence_, ctx_.Lookup(confidence_iri_));
    ASSIGN_OR_RETURN(evidence_, ctx_.Lookup(evidence_iri_));
    return absl::OkStatus();
  }

  std::int64_t MaxLength() const { return search_.max_length.value_or(std::numeric_limits<std::int64_t>::max()); }

  // The steps out of `node`, read once per search.
  absl::StatusOr<const std::vector<Hop>*> Hops(TermId node) {
    if (const auto it = hops_.find(node); it != hops_.end()) return &it->second;
    std::vector<Hop> hops;
    const auto want = [&](bool forward) {
      switch (search_.direction) {
        case PathSearch::Direction::kForward: return forward;
        case PathSearch::Direction::kBackward: return !forward;
        case PathSearch::Direction::kEither: return true;
      }
      return true;
    };
    if (node_.via.empty()) {
      for (const bool forward : {true, false}) {
        if (want(forward)) RETURN_IF_ERROR(Read(node, kNoTerm, forward, &hops));
      }
    } else {
      for (const auto& [predicate, written_forward] : node_.via) {
        for (const bool forward : {true, false}) {
          // ^p BACKWARD follows p forwards; EITHER both ways.
          if (want(forward == written_forward)) RETURN_IF_ERROR(Read(node, predicate, forward, &hops));
        }
      }
    }
    std::sort(hops.begin(), hops.end());
    hops.erase(std::unique(hops.begin(), hops.end()), hops.end());
    if (search_.min_confidence) {
      std::vector<Hop> kept;
      for (const Hop& hop : hops) {
        ASSIGN_OR_RETURN(const Statement statement, StatementOf(node, hop));
        if (statement.value >= *search_.min_confidence) kept.push_back(hop);
      }
      hops = std::move(kept);
    }
    RETURN_IF_ERROR(ctx_.Hold(1 + hops.size() / 4));
    return &hops_.emplace(node, std::move(hops)).first->second;
  }

  // A shortest path from `from` to `to` of at most `max` steps that
  // passes none of `banned_nodes` and starts with none of `banned_first`.
  absl::StatusOr<std::optional<Path>> Shortest(TermId from, TermId to, std::int64_t max,
                                               const absl::flat_hash_set<TermId>& banned_nodes,
                                               const std::set<Hop>& banned_first) {
    absl::flat_hash_map<TermId, std::pair<TermId, Hop>> parent;
    parent.emplace(from, std::pair{kNoTerm, Hop{}});
    std::vector<TermId> level = {from};
    for (std::int64_t depth = 0; depth < max && !level.empty(); ++depth) {
      std::vector<TermId> next;
      for (const TermId u : level) {
        ASSIGN_OR_RETURN(const std::vector<Hop>* hops, Hops(u));
        for (const Hop& hop : *hops) {
          RETURN_IF_ERROR(ctx_.Check());
          if (banned_nodes.contains(hop.to) || (u == from && banned_first.contains(hop))) continue;
          if (!parent.try_emplace(hop.to, std::pair{u, hop}).second) continue;
          if (hop.to == to) return Unwind(parent, from, to);
          next.push_back(hop.to);
        }
      }
      RETURN_IF_ERROR(ctx_.Hold(next.size() / 4));
      level = std::move(next);
    }
    return std::nullopt;
  }

  // The k shortest simple paths, by Yen's algorithm: each next one is the
  // shortest that leaves one of the found ones somewhere along it.
  absl::StatusOr<std::vector<Path>> KShortest(TermId from, TermId to, std::size_t k) {
    std::vector<Path> found;
    ASSIGN_OR_RETURN(std::optional<Path> first, Shortest(from, to, MaxLength(), {}, {}));
    if (!first) return found;
    found.push_back(std::move(*first));
    std::set<Path> candidates;
    while (found.size() < k) {
      const Path last = found.back();
      for (std::size_t i = 0; i < last.hops.size(); ++i) {
        const TermId spur = last.NodeAt(i);
        const auto same_root = [&](const Path& p) {
          return p.hops.size() > i && std::equal(last.hops.begin(), last.hops.begin() + static_cast<long>(i), p.hops.begin());
        };
        std::set<Hop> banned_first;
        for (const Path& p : found) {
          if (same_root(p)) banned_first.insert(p.hops[i]);
        }
        absl::flat_hash_set<TermId> banned_nodes;
        for (std::size_t j = 0; j < i; ++j) banned_nodes.insert(last.NodeAt(j));
        ASSIGN_OR_RETURN(std::optional<Path> rest,
                         Shortest(spur, to, MaxLength() - static_cast<std::int64_t>(i), banned_nodes, banned_first));
        if (!rest) continue;
        Path whole{from, std::vector<Hop>(last.hops.begin(), last.hops.begin() + static_cast<long>(i))};
        whole.hops.insert(whole.hops.end(), rest->hops.begin(), rest->hops.end());
        if (std::find(found.begin(), found.end(), whole) == found.end()) candidates.insert(std::move(whole));
      }
      if (candidates.empty()) break;
      found.push_back(*candidates.begin());
      candidates.erase(candidates.begin());
      RETURN_IF_ERROR(ctx_.Hold(candidates.size() / 4));
    }
    return found;
  }

  // Every shortest path from `from` to `to`, or (`to` none) to each node
  // within reach; with `all` every one of them, else one per target.
  absl::StatusOr<std::vector<Path>> BreadthFirst(TermId from, TermId to, bool all, std::size_t most) {
    absl::flat_hash_map<TermId, std::int64_t> depth_of;
    absl::flat_hash_map<TermId, std::vector<std::pair<TermId, Hop>>> parents;
    depth_of.emplace(from, 0);
    std::vector<TermId> level = {from}, reached;
    for (std::int64_t depth = 1; depth <= MaxLength() && !level.empty(); ++depth) {
      std::vector<TermId> next;
      for (const TermId u : level) {
        ASSIGN_OR_RETURN(const std::vector<Hop>* hops, Hops(u));
        for (const Hop& hop : *hops) {
          RETURN_IF_ERROR(ctx_.Check());
          const auto [it, fresh] = depth_of.try_emplace(hop.to, depth);
          if (fresh) {
            next.push_back(hop.to);
            if (to == kNoTerm || hop.to == to) reached.push_back(hop.to);
          }
          if (it->second == depth && (fresh || all)) parents[hop.to].emplace_back(u, hop);
        }
      }
      RETURN_IF_ERROR(ctx_.Hold(next.size() / 2));
      if (to != kNoTerm && depth_of.contains(to)) break;
      level = std::move(next);
    }
    std::vector<Path> paths;
    for (const TermId target : reached) {
      // Back from the target through every parent: each way is a path.
      std::vector<Hop> reversed;
      RETURN_IF_ERROR(Enumerate(parents, from, target, &reversed, most, &paths));
      if (paths.size() >= most) break;
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }

  // Every simple path from `from` to `to` of at most MAX steps, shorter
  // ones first, up to `most` of them.
  absl::StatusOr<std::vector<Path>> Simple(TermId from, TermId to, std::size_t most) {
    std::vector<Path> paths;
    for (std::int64_t length = 1; length <= MaxLength() && paths.size() < most; ++length) {
      Path path{from, {}};
      absl::flat_hash_set<TermId> on_path = {from};
      RETURN_IF_ERROR(Extend(&path, &on_path, to, static_cast<std::size_t>(length), most, &paths));
    }
    return paths;
  }

  // The statement of the triple `hop` follows from `from`, read once.
  absl::StatusOr<Statement> StatementOf(TermId from, const Hop& hop) {
    const TermId s = hop.forward ? from : hop.to, o = hop.forward ? hop.to : from;
    const std::array<TermId, 3> key = {s, hop.predicate, o};
    if (const auto it = statements_.find(key); it != statements_.end()) return it->second;
    Statement best;
    ASSIGN_OR_RETURN(const std::optional<TermId> triple, ctx_.store().LookupTriple(s, hop.predicate, o, ctx_.snapshot().get()));
    if (triple && reifies_) {
      QuadStore::Pattern reifiers;
      reifiers.ids.p = *reifies_;
      reifiers.ids.o = *triple;
      std::vector<QuadIds> found;
      RETURN_IF_ERROR(ctx_.store().Scan(reifiers, false, [&](const QuadIds& q) {
        if (InScope(q.g)) found.push_back(q);
        return true;
      }));
      for (const QuadIds& r : found) {
        Statement one{.document = r.g, .stated = true};
        ASSIGN_OR_RETURN(one.confidence, Value(r.s, confidence_, r.g));
        ASSIGN_OR_RETURN(one.evidence, Value(r.s, evidence_, r.g));
        if (one.confidence != kNoTerm) {
          ASSIGN_OR_RETURN(const Term c, ctx_.Resolve(one.confidence));
          one.value = std::strtod(c.value.c_str(), nullptr);
        }
        if (!best.stated || one.value > best.value) best = one;
      }
    }
    if (!best.stated) {
      QuadStore::Pattern stated;
      stated.ids = {.s = s, .p = hop.predicate, .o = o};
      RETURN_IF_ERROR(ctx_.store().Scan(stated, false, [&](const QuadIds& q) {
        if (!InScope(q.g)) return true;
        best.document = q.g;
        best.stated = true;
        return false;
      }));
    }
    statements_.emplace(key, best);
    return best;
  }

 private:
  absl::Status Read(TermId node, TermId predicate, bool forward, std::vector<Hop>* out) {
    QuadStore::Pattern pattern;
    (forward ? pattern.ids.s : pattern.ids.o) = node;
    pattern.ids.p = predicate;
    const auto add = [&](const QuadIds& q) {
      const TermId other = forward ? q.o : q.s;
      if (predicate == kNoTerm) {
        // Any predicate: links between entities, not values or classes.
        const storage::TermTag tag = storage::TagOf(other);
        if ((tag != storage::TermTag::kIri && tag != storage::TermTag::kBlank) || (type_ && q.p == *type_)) return;
      }
      if (other != node) out->push_back(Hop{q.p, other, forward});
    };
    if (scope_.kind == GraphScope::Kind::kUnion) {
      return ctx_.store().Scan(pattern, true, [&](const QuadIds& q) {
        add(q);
        return true;
      });
    }
    const std::vector<TermId> graphs = scope_.kind == GraphScope::Kind::kGraph ? std::vector<TermId>{scope_.graph} : scope_.graphs;
    pattern.graph_bound = true;
    for (const TermId g : graphs) {
      pattern.ids.g = g;
      RETURN_IF_ERROR(ctx_.store().Scan(pattern, false, [&](const QuadIds& q) {
        add(q);
        return true;
      }));
    }
    return absl::OkStatus();
  }

  bool InScope(TermId graph) const {
    switch (scope_.kind) {
      case GraphScope::Kind::kUnion: return true;
      case GraphScope::Kind::kGraph: return graph == scope_.graph;
      case GraphScope::Kind::kGraphs: return std::find(scope_.graphs.begin(), scope_.graphs.end(), graph) != scope_.graphs.end();
    }
    return false;
  }

  // The first object of (subject, predicate, ?, graph), or kNoTerm.
  absl::StatusOr<TermId> Value(TermId subject, std::optional<TermId> predicate, TermId graph) {
    if (!predicate) return kNoTerm;
    QuadStore::Pattern pattern;
    pattern.ids = {.s = subject, .p = *predicate, .g = graph};
    pattern.graph_bound = true;
    TermId value = kNoTerm;
    RETURN_IF_ERROR(ctx_.store().Scan(pattern, false, [&](const QuadIds& q) {
      value = q.o;
      return false;
    }));
    return value;
  }

  static Path Unwind(const absl::flat_hash_map<TermId, std::pair<TermId, Hop>>& parent, TermId from, TermId to) {
    Path path{from, {}};
    for (TermId at = to; at != from;) {
      const auto& [previous, hop] = parent.at(at);
      path.hops.push_back(hop);
      at = previous;
    }
    std::reverse(path.hops.begin(), path.hops.end());
    return path;
  }

  absl::Status Enumerate(const absl::flat_hash_map<TermId, std::vector<std::pair<TermId, Hop>>>& parents, TermId from,
                         TermId at, std::vector<Hop>* reversed, std::size_t most, std::vector<Path>* out) {
    RETURN_IF_ERROR(ctx_.Check());
    if (out->size() >= most) return absl::OkStatus();
    if (at == from) {
      out->push_back(Path{from, std::vector<Hop>(reversed->rbegin(), reversed->rend())});
      if ((out->size() & 255) == 0) return ctx_.Hold(256);
      return absl::OkStatus();
    }
    for (const auto& [previous, hop] : parents.at(at)) {
      reversed->push_back(hop);
      RETURN_IF_ERROR(Enumerate(parents, from, previous, reversed, most, out));
      reversed->pop_back();
    }
    return absl::OkStatus();
  }

  absl::Status Extend(Path* path, absl::flat_hash_set<TermId>* on_path, TermId to, std::size_t length,
                      std::size_t most, std::vector<Path>* out) {
    const TermId at = path->end();
    ASSIGN_OR_RETURN(const std::vector<Hop>* hops, Hops(at));
    for (const Hop& hop : *hops) {
      RETURN_IF_ERROR(ctx_.Check());
      if (out->size() >= most) return absl::OkStatus();
      if (on_path->contains(hop.to)) continue;
      if (path->hops.size() + 1 == length) {
        if (hop.to != to) continue;
        path->hops.push_back(hop);
        out->push_back(*path);
        path->hops.pop_back();
        if ((out->size() & 255) == 0) RETURN_IF_ERROR(ctx_.Hold(256));
        continue;
      }
      if (hop.to == to) continue;  // a longer path through the target is not simple
      path->hops.push_back(hop);
      on_path->insert(hop.to);
      RETURN_IF_ERROR(Extend(path, on_path, to, length, most, out));
      on_path->erase(hop.to);
      path->hops.pop_back();
    }
    return absl::OkStatus();
  }

  Context& ctx_;
  const PathSearch& search_;
  const plan::Node& node_;
  const GraphScope scope_;
  const Term type_iri_ = Term::Iri(kRdfType);
  const Term reifies_iri_ = Term::Iri(kRdfReifies);
  const Term confidence_iri_ = Term::Iri(kConfidence);
  const Term evidence_iri_ = Term::Iri(kEvidence);
  std::optional<TermId> type_, reifies_, confidence_, evidence_;
  absl::flat_hash_map<TermId, std::vector<Hop>> hops_;
  absl::flat_hash_map<std::array<TermId, 3>, Statement, absl::Hash<std::array<TermId, 3>>> statements_;
};

void AppendJson(std::string* out, std::string_view text) {
  out->push_back('"');
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

absl::StatusOr<Source> Evaluator::OpenPaths(const plan::Node& node, const Row& input, const GraphScope& scope) {
  const PathSearch& search = *node.pattern->paths;
  const auto value = [&](const ScanTerm& t) {
    return t.kind == ScanTerm::Kind::kVariable ? input[static_cast<std::size_t>(t.var)] : t.id;
  };
  const TermId from = value(node.subject), to = value(node.object);
  if (from == kNoTerm) {
    return absl::InvalidArgumentError("PATHS needs FROM bound: an IRI, or a variable the patterns before it bind");
  }
  const bool one_to_all = to == kNoTerm;
  if (one_to_all && (search.mode == PathSearch::Mode::kAll || search.k > 1)) {
    return absl::InvalidArgumentError(
        "PATHS ALL and SHORTEST k need TO bound; without it, SHORTEST and ALL SHORTEST give the paths to every node "
        "within reach");
  }
  GraphScope edges = scope;
  if (!node.graphs.empty()) edges = GraphScope{.kind = GraphScope::Kind::kGraphs, .graphs = node.graphs};
  PathFinder finder(ctx_, node, std::move(edges));
  RETURN_IF_ERROR(finder.Init());
  const std::size_t most = search.limit ? static_cast<std::size_t>(*search.limit) : std::numeric_limits<std::size_t>::max();
  std::vector<Path> paths;
  if (from != to) {
    absl::StatusOr<std::vector<Path>> found;
    switch (search.mode) {
      case PathSearch::Mode::kShortest:
        found = search.k == 1 ? finder.BreadthFirst(from, to, false, most)
                              : finder.KShortest(from, to, static_cast<std::size_t>(search.k));
        break;
      case PathSearch::Mode::kAllShortest:
        found = finder.BreadthFirst(from, to, true, most);
        break;
      case PathSearch::Mode::kAll:
        found = finder.Simple(from, to, most);
        break;
    }
    if (!found.ok()) return found.status();
    paths = std::move(*found);
  }
  if (paths.size() > most) paths.resize(most);

  const auto integer = [&](std::size_t n) { return ctx_.Intern(Term::Literal(std::to_string(n), kXsdInteger)); };
  const auto column = [&](std::size_t i) { return i < search.columns.size() ? search.columns[i] : -1; };
  std::vector<Row> rows;
  for (std::size_t p = 0; p < paths.size(); ++p) {
    const Path& path = paths[p];
    Row base = input;
    if (node.object.kind == ScanTerm::Kind::kVariable) base[static_cast<std::size_t>(node.object.var)] = path.end();
    if (search.compact) {
      std::string json = absl::StrCat("{\"length\":", path.hops.size(), ",\"steps\":[");
      for (std::size_t i = 0; i < path.hops.size(); ++i) {
        const Hop& hop = path.hops[i];
        ASSIGN_OR_RETURN(const Statement statement, finder.StatementOf(path.NodeAt(i), hop));
        const std::pair<const char*, TermId> parts[] = {{"start", path.NodeAt(i)}, {"predicate", hop.predicate},
                                                        {"end", hop.to}, {"document", statement.document},
                                                        {"confidence", statement.confidence},
                                                        {"evidence", statement.evidence}};
        absl::StrAppend(&json, i ? "," : "", "{\"forward\":", hop.forward ? "true" : "false");
        for (const auto& [name, id] : parts) {
          if (id == kNoTerm) continue;
          ASSIGN_OR_RETURN(const Term t, ctx_.Resolve(id));
          absl::StrAppend(&json, ",\"", name, "\":");
          if (std::string_view(name) == "confidence") {
            json += t.value;
          } else {
            AppendJson(&json, t.IsBlank() ? "_:" + t.value : t.value);
          }
        }
        json += "}";
      }
      json += "]}";
      ASSIGN_OR_RETURN(base[static_cast<std::size_t>(search.columns[0])],
                       ctx_.Intern(Term::Literal(json, kRdfJson)));
      rows.push_back(std::move(base));
      continue;
    }
    for (std::size_t i = 0; i < path.hops.size(); ++i) {
      const Hop& hop = path.hops[i];
      ASSIGN_OR_RETURN(const Statement statement, finder.StatementOf(path.NodeAt(i), hop));
      Row row = base;
      const auto set = [&](std::size_t c, TermId id) {
        if (const query::VarId v = column(c); v >= 0) row[static_cast<std::size_t>(v)] = id;
      };
      ASSIGN_OR_RETURN(const TermId path_number, integer(p + 1));
      ASSIGN_OR_RETURN(const TermId step_number, integer(i + 1));
      ASSIGN_OR_RETURN(const TermId forward, ctx_.Intern(Term::Literal(hop.forward ? "true" : "false", kXsdBoolean)));
      set(0, path_number);
      set(1, step_number);
      set(2, path.NodeAt(i));
      set(3, hop.predicate);
      set(4, hop.to);
      set(5, statement.document);
      set(6, statement.confidence);
      set(7, statement.evidence);
      set(8, forward);
      rows.push_back(std::move(row));
      if ((rows.size() & 1023) == 0) RETURN_IF_ERROR(ctx_.Hold(1024));
    }
  }
  return Source(std::make_unique<VectorSource>(std::move(rows)));
}

}  // namespace relata::engine::exec
