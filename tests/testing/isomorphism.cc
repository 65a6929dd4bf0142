// Colour refinement over blank nodes, then backtracking within colour classes.
#include "tests/testing/isomorphism.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "query/rdf_writer.h"

namespace relata::testing {
namespace {

using Labels = std::map<std::string, std::string>;

void CollectBlanks(const Term& t, std::set<std::string>* out) {
  if (t.IsBlank()) out->insert(t.value);
  for (const Term& part : t.triple) CollectBlanks(part, out);
}

Term Rename(const Term& t, const Labels& names) {
  Term r = t;
  if (t.IsBlank()) {
    const auto it = names.find(t.value);
    if (it != names.end()) r.value = it->second;
  }
  for (Term& part : r.triple) part = Rename(part, names);
  return r;
}

std::string Line(const Quad& q, const Labels& names) {
  return query::ToNQuadsLine(Quad{Rename(q.subject, names), Rename(q.predicate, names),
                                  Rename(q.object, names), Rename(q.graph, names)});
}

struct Side {
  std::vector<Quad> quads;
  std::vector<std::string> blanks;
  std::map<std::string, std::size_t> colour;
};

Side Prepare(const std::vector<Quad>& input) {
  Side side;
  std::set<std::string> seen, blanks;
  for (const Quad& q : input) {
    if (!seen.insert(Line(q, {})).second) continue;
    side.quads.push_back(q);
    CollectBlanks(q.subject, &blanks);
    CollectBlanks(q.object, &blanks);
    CollectBlanks(q.graph, &blanks);
  }
  side.blanks.assign(blanks.begin(), blanks.end());
  return side;
}

// Refines colours so that two blank nodes share a colour only when their
// neighbourhoods look alike; colours are comparable across both sides.
void Refine(Side& a, Side& b) {
  for (Side* s : {&a, &b}) {
    for (const auto& blank : s->blanks) s->colour[blank] = 0;
  }
  for (int round = 0; round < 4; ++round) {
    std::map<std::string, std::size_t> palette;
    std::vector<std::pair<Side*, std::map<std::string, std::string>>> signatures;
    for (Side* s : {&a, &b}) {
      std::map<std::string, std::string> sig;
      for (const auto& blank : s->blanks) {
        std::vector<std::string> lines;
        for (const Quad& q : s->quads) {
          std::set<std::string> in;
          CollectBlanks(q.subject, &in);
          CollectBlanks(q.object, &in);
          CollectBlanks(q.graph, &in);
          if (!in.count(blank)) continue;
          Labels names;
          for (const auto& other : in) {
            names[other] = other == blank ? "self" : "c" + std::to_string(s->colour[other]);
          }
          lines.push_back(Line(q, names));
        }
        std::sort(lines.begin(), lines.end());
        std::string joined = std::to_string(s->colour[blank]);
        for (const auto& l : lines) joined += l;
        sig[blank] = joined;
      }
      signatures.emplace_back(s, std::move(sig));
    }
    for (auto& [side, sig] : signatures) {
      for (const auto& [blank, text] : sig) {
        const auto [it, inserted] = palette.emplace(text, palette.size());
        side->colour[blank] = it->second;
      }
    }
  }
}

}  // namespace

bool Isomorphic(const std::vector<Quad>& a_in, const std::vector<Quad>& b_in) {
  Side a = Prepare(a_in), b = Prepare(b_in);
  if (a.quads.size() != b.quads.size() || a.blanks.size() != b.blanks.size()) return false;
  Refine(a, b);
  std::multiset<std::size_t> ca, cb;
  for (const auto& [k, v] : a.colour) ca.insert(v);
  for (const auto& [k, v] : b.colour) cb.insert(v);
  if (ca != cb) return false;

  std::set<std::string> target;
  Labels identity;
  for (const auto& blank : b.blanks) identity[blank] = blank;
  for (const Quad& q : b.quads) target.insert(Line(q, identity));

  Labels mapping;
  std::set<std::string> used;
  std::function<bool(std::size_t)> search = [&](std::size_t i) {
    if (i == a.blanks.size()) {
      for (const Quad& q : a.quads) {
        if (!target.count(Line(q, mapping))) return false;
      }
      return true;
    }
    const std::string& blank = a.blanks[i];
    for (const auto& candidate : b.blanks) {
      if (used.count(candidate) || b.colour[candidate] != a.colour[blank]) continue;
      mapping[blank] = candidate;
      used.insert(candidate);
      if (search(i + 1)) return true;
      used.erase(candidate);
    }
    mapping.erase(blank);
    return false;
  };
  return search(0);
}

std::string Describe(const std::vector<Quad>& quads) {
  std::vector<std::string> lines;
  for (const Quad& q : quads) lines.push_back(query::ToNQuadsLine(q));
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l;
  return out;
}

}  // namespace relata::testing
