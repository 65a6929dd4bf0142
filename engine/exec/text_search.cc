// Text queries are evaluated set at a time: each word's postings are read in
// literal order and combined by merging, AND intersecting, OR uniting and NOT
// subtracting sorted lists of (literal, score).
#include "engine/exec/text_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/base/status_macros.h"

namespace relata::engine {
namespace {

using storage::TermId;
using Scored = std::vector<TextHit>;  // sorted by literal

struct TermCounts {
  TermId literal;
  std::uint32_t tf, length;
};

}  // namespace

struct TextSearch::Node {
  enum class Kind { kAny, kTerm, kPrefix, kPhrase, kAnd, kOr, kNot };
  Kind kind = Kind::kAny;
  std::vector<std::string> terms;       // kTerm, kPhrase; kPrefix: its folded start
  std::vector<std::uint32_t> offsets;   // kPhrase: each term's position after the first's
  std::vector<Node> children;
};

namespace {

using Node = TextSearch::Node;

Node FromTokens(const std::vector<TextToken>& tokens) {
  Node node;
  if (tokens.empty()) return node;
  node.kind = tokens.size() == 1 ? Node::Kind::kTerm : Node::Kind::kPhrase;
  for (const TextToken& token : tokens) {
    node.terms.push_back(token.term);
    node.offsets.push_back(token.position - tokens.front().position);
  }
  return node;
}

Node Build(const query::TextQuery& q, const TextAnalyzer& analyzer) {
  using K = query::TextQuery::Kind;
  Node node;
  switch (q.kind) {
    case K::kWord:
    case K::kPhrase:
      return FromTokens(analyzer.Analyze(q.text));
    case K::kPrefix: {
      const std::string folded = TextAnalyzer::Fold(q.text);
      if (folded.empty()) return node;
      // "Russia-Chi*": the whole words as a phrase would match, the last begun.
      const std::size_t space = folded.rfind(' ');
      Node prefix;
      prefix.kind = Node::Kind::kPrefix;
      prefix.terms.push_back(space == std::string::npos ? folded : folded.substr(space + 1));
      if (space == std::string::npos) return prefix;
      node.kind = Node::Kind::kAnd;
      node.children.push_back(FromTokens(analyzer.Analyze(folded.substr(0, space))));
      node.children.push_back(std::move(prefix));
      break;
    }
    case K::kNot: {
      Node negated = Build(q.children.front(), analyzer);
      if (negated.kind == Node::Kind::kAny) return negated;
      node.kind = Node::Kind::kNot;
      node.children.push_back(std::move(negated));
      return node;
    }
    case K::kAnd:
    case K::kOr:
      node.kind = q.kind == K::kAnd ? Node::Kind::kAnd : Node::Kind::kOr;
      for (const query::TextQuery& child : q.children) node.children.push_back(Build(child, analyzer));
      break;
  }
  // A stop word constrains nothing: it leaves the AND or OR it is in.
  std::erase_if(node.children, [](const Node& child) { return child.kind == Node::Kind::kAny; });
  bool positive = false;
  for (const Node& child : node.children) positive = positive || child.kind != Node::Kind::kNot;
  if (!positive) return Node();
  if (node.children.size() == 1) return std::move(node.children.front());
  return node;
}

class Evaluation {
 public:
  Evaluation(const storage::QuadStore& store, const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot,
             const std::function<absl::Status()>& check, storage::TextTotals totals)
      : store_(store), snapshot_(snapshot), check_(check), totals_(totals),
        average_length_(totals.literals == 0 ? 1
                                             : static_cast<double>(totals.length) / static_cast<double>(totals.literals)) {}

  absl::StatusOr<Scored> Evaluate(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kAny: return Scored();
      case Node::Kind::kTerm: {
        std::vector<TermCounts> counts;
        RETURN_IF_ERROR(Scan(node.terms.front(), false, [&](const storage::TextPosting& p) {
          counts.push_back({p.literal, p.count, p.length});
        }));
        return Score(counts);
      }
      case Node::Kind::kPrefix: {
        // Postings come term by term: a literal's words that share the
        // prefix are summed as one term's occurrences.
        absl::flat_hash_map<TermId, TermCounts> by_literal;
        RETURN_IF_ERROR(Scan(node.terms.front(), true, [&](const storage::TextPosting& p) {
          auto [it, inserted] = by_literal.try_emplace(p.literal, TermCounts{p.literal, 0, p.length});
          it->second.tf += p.count;
        }));
        std::vector<TermCounts> counts;
        counts.reserve(by_literal.size());
        for (const auto& [literal, c] : by_literal) counts.push_back(c);
        std::sort(counts.begin(), counts.end(), [](const TermCounts& a, const TermCounts& b) { return a.literal < b.literal; });
        return Score(counts);
      }
      case Node::Kind::kPhrase: return Phrase(node);
      case Node::Kind::kAnd: {
        std::vector<const Node*> positive, negative;
        for (const Node& child : node.children) (child.kind == Node::Kind::kNot ? negative : positive).push_back(&child);
        // Words rarest first: the first is read whole, the others only
        // where it matched.
        std::vector<std::pair<std::uint64_t, const Node*>> by_count;
        for (const Node* child : positive) {
          std::uint64_t count = std::numeric_limits<std::uint64_t>::max();
          if (child->kind == Node::Kind::kTerm) {
            ASSIGN_OR_RETURN(count, store_.CountTextPostings(child->terms.front(), snapshot_));
          }
          by_count.emplace_back(count, child);
        }
        std::stable_sort(by_count.begin(), by_count.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (std::size_t i = 0; i < positive.size(); ++i) positive[i] = by_count[i].second;
        ASSIGN_OR_RETURN(Scored all, Evaluate(*positive.front()));
        for (std::size_t i = 1; i < positive.size() && !all.empty(); ++i) {
          if (positive[i]->kind == Node::Kind::kTerm) {
            RETURN_IF_ERROR(AddTermWithin(positive[i]->terms.front(), by_count[i].first, &all));
            continue;
          }
          ASSIGN_OR_RETURN(const Scored more, Evaluate(*positive[i]));
          all = Intersect(all, more);
        }
        for (const Node* no : negative) {
          if (all.empty()) break;
          ASSIGN_OR_RETURN(const Scored excluded, Evaluate(no->children.front()));
          all = Subtract(all, excluded);
        }
        return all;
      }
      case Node::Kind::kOr: {
        Scored all;
        for (const Node& child : node.children) {
          ASSIGN_OR_RETURN(const Scored more, Evaluate(child));
          all = Unite(all, more);
        }
        return all;
      }
      case Node::Kind::kNot:
        return absl::InternalError("NOT outside an AND");  // Build never leaves one there
    }
    return Scored();
  }

 private:
  // `all` keeps its literals that hold `term` (`df` texts in all), each
  // scored the more for it: the term's postings are merged with `all` as
  // they are read, and only the matches are kept.
  absl::Status AddTermWithin(const std::string& term, std::uint64_t df, Scored* all) {
    std::vector<TermCounts> matches;
    RETURN_IF_ERROR(Probe(term, df, *all, [&](const storage::TextPosting& p) {
      matches.push_back({p.literal, p.count, p.length});
    }));
    const double idf = Idf(df);
    Scored kept;
    kept.reserve(matches.size());
    std::size_t j = 0;
    for (const TermCounts& match : matches) {
      while ((*all)[j].literal < match.literal) ++j;
      kept.push_back({match.literal, (*all)[j].score + Weight(idf, match.tf, match.length)});
    }
    all->swap(kept);
    return absl::OkStatus();
  }

  // Calls `use` with the postings of `term` (`count` of them) for the
  // literals of `wanted` (ascending): when they are few, by skipping the
  // blocks that hold none; else by reading every block, which costs less
  // than a seek per few postings.
  template <typename Wanted>
  absl::Status Probe(const std::string& term, std::uint64_t count, const std::vector<Wanted>& wanted,
                     const std::function<void(const storage::TextPosting&)>& use) {
    if (wanted.size() * 16 > count) {
      std::size_t at = 0;
      return Scan(term, false, [&](const storage::TextPosting& p) {
        while (at < wanted.size() && LiteralOf(wanted[at]) < p.literal) ++at;
        if (at < wanted.size() && LiteralOf(wanted[at]) == p.literal) use(p);
      });
    }
    const auto cursor = store_.OpenTextCursor(term, snapshot_);
    std::size_t probed = 0;
    for (const Wanted& w : wanted) {
      const TermId literal = LiteralOf(w);
      if ((++probed & 4095) == 0) RETURN_IF_ERROR(check_());
      cursor->SeekTo(literal);
      if (!cursor->Valid()) break;
      if (cursor->posting().literal == literal) use(cursor->posting());
    }
    return cursor->status();
  }
  static TermId LiteralOf(const TextHit& hit) { return hit.literal; }
  static TermId LiteralOf(TermId literal) { return literal; }

  absl::Status Scan(const std::string& term, bool prefix, const std::function<void(const storage::TextPosting&)>& use) {
    absl::Status stopped;
    std::size_t seen = 0;
    RETURN_IF_ERROR(store_.ScanText(
        term, prefix,
        [&](const storage::TextPosting& posting) {
          if ((++seen & 4095) == 0) {
            stopped = check_();
            if (!stopped.ok()) return false;
          }
          use(posting);
          return true;
        },
        snapshot_));
    return stopped;
  }

  double Idf(std::size_t df) const {
    const double n = static_cast<double>(totals_.literals), d = static_cast<double>(df);
    return std::log(1 + (n - d + 0.5) / (d + 0.5));
  }
  double Weight(double idf, double tf, double length) const {
    return idf * tf * (kBm25K1 + 1) / (tf + kBm25K1 * (1 - kBm25B + kBm25B * length / average_length_));
  }
  Scored Score(const std::vector<TermCounts>& counts) const {
    const double idf = Idf(counts.size());
    Scored scored;
    scored.reserve(counts.size());
    for (const TermCounts& c : counts) scored.push_back({c.literal, Weight(idf, c.tf, c.length)});
    return scored;
  }

  // One pass per word, each keeping the texts that hold every word so far,
  // with where each word's positions are (their encoded deltas, copied into
  // one buffer): the positions are decoded for the texts that hold them all.
  absl::StatusOr<Scored> Phrase(const Node& node) {
    struct Span {
      std::size_t offset;
      std::uint32_t count;
    };
    // Its words rarest first: the first read whole, the others probed for
    // the texts that hold the ones before.
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    for (std::size_t i = 0; i < node.terms.size(); ++i) {
      ASSIGN_OR_RETURN(const std::uint64_t count, store_.CountTextPostings(node.terms[i], snapshot_));
      order.emplace_back(count, i);
    }
    std::stable_sort(order.begin(), order.end());
    std::vector<TermId> candidates;
    std::vector<std::uint32_t> lengths;
    std::vector<std::vector<Span>> spans(node.terms.size());  // per word, per candidate
    std::vector<std::size_t> done;  // the words read so far
    std::string arena;
    for (const auto& [count, i] : order) {
      std::vector<TermId> kept;
      std::vector<std::size_t> from;  // the candidate each kept one was
      std::vector<Span> word;
      const auto keep = [&](const storage::TextPosting& p) {
        if (done.empty()) lengths.push_back(p.length);
        kept.push_back(p.literal);
        word.push_back({arena.size(), p.count});
        arena.append(p.positions);
      };
      if (done.empty()) {
        RETURN_IF_ERROR(Scan(node.terms[i], false, keep));
      } else {
        std::size_t at = 0;
        RETURN_IF_ERROR(Probe(node.terms[i], count, candidates, [&](const storage::TextPosting& p) {
          while (candidates[at] < p.literal) ++at;
          from.push_back(at);
          keep(p);
        }));
        for (const std::size_t earlier : done) {
          std::vector<Span> narrowed(from.size());
          for (std::size_t k = 0; k < from.size(); ++k) narrowed[k] = spans[earlier][from[k]];
          spans[earlier].swap(narrowed);
        }
        std::vector<std::uint32_t> narrowed(from.size());
        for (std::size_t k = 0; k < from.size(); ++k) narrowed[k] = lengths[from[k]];
        lengths.swap(narrowed);
      }
      spans[i] = std::move(word);
      done.push_back(i);
      candidates.swap(kept);
      if (candidates.empty()) return Scored();
    }
    const auto decode = [&](const Span& span, std::vector<std::uint32_t>* out) {
      out->clear();
      std::size_t offset = span.offset;
      std::uint32_t position = 0;
      for (std::uint32_t k = 0; k < span.count; ++k) {
        position += static_cast<std::uint32_t>(storage::ReadVarint(arena, &offset));
        out->push_back(position);
      }
    };
    std::vector<TermCounts> counts;
    std::vector<std::vector<std::uint32_t>> positions(node.terms.size());
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      for (std::size_t i = 0; i < node.terms.size(); ++i) decode(spans[i][c], &positions[i]);
      std::uint32_t tf = 0;
      for (const std::uint32_t start : positions[0]) {
        bool whole = true;
        for (std::size_t i = 1; i < positions.size() && whole; ++i) {
          whole = std::binary_search(positions[i].begin(), positions[i].end(), start + node.offsets[i]);
        }
        tf += whole ? 1 : 0;
      }
      if (tf > 0) counts.push_back({candidates[c], tf, lengths[c]});
    }
    return Score(counts);
  }

  static Scored Intersect(const Scored& a, const Scored& b) {
    Scored out;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
      if (a[i].literal < b[j].literal) {
        ++i;
      } else if (b[j].literal < a[i].literal) {
        ++j;
      } else {
        out.push_back({a[i].literal, a[i].score + b[j].score});
        ++i, ++j;
      }
    }
    return out;
  }
  static Scored Unite(const Scored& a, const Scored& b) {
    Scored out;
    out.reserve(std::max(a.size(), b.size()));
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i].literal < b[j].literal)) {
        out.push_back(a[i++]);
      } else if (i == a.size() || b[j].literal < a[i].literal) {
        out.push_back(b[j++]);
      } else {
        out.push_back({a[i].literal, a[i].score + b[j].score});
        ++i, ++j;
      }
    }
    return out;
  }
  static Scored Subtract(const Scored& a, const Scored& b) {
    Scored out;
    std::size_t j = 0;
    for (const TextHit& hit : a) {
      while (j < b.size() && b[j].literal < hit.literal) ++j;
      if (j == b.size() || b[j].literal != hit.literal) out.push_back(hit);
    }
    return out;
  }

  const storage::QuadStore& store_;
  const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot_;
  const std::function<absl::Status()>& check_;
  const storage::TextTotals totals_;
  const double average_length_;
};

// What a snippet marks: the terms and prefixes the query asks for.
void Wanted(const Node& node, absl::flat_hash_set<std::string>* terms, std::vector<std::string>* prefixes) {
  switch (node.kind) {
    case Node::Kind::kTerm:
    case Node::Kind::kPhrase:
      terms->insert(node.terms.begin(), node.terms.end());
      return;
    case Node::Kind::kPrefix:
      prefixes->push_back(node.terms.front());
      return;
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
      for (const Node& child : node.children) Wanted(child, terms, prefixes);
      return;
    case Node::Kind::kAny:
    case Node::Kind::kNot:
      return;
  }
}

}  // namespace

absl::StatusOr<TextSearch> TextSearch::Prepare(std::string_view text, std::shared_ptr<const TextAnalyzer> analyzer) {
  ASSIGN_OR_RETURN(query::TextQuery parsed, query::ParseTextQuery(text));
  TextSearch search;
  auto root = std::make_shared<Node>(Build(parsed, *analyzer));
  if (root->kind == Node::Kind::kAny) {
    return absl::InvalidArgumentError("column 1: the text query has only stop words (\"the\", \"of\", ...): add a word that says what to find");
  }
  search.query_ = std::move(parsed);
  search.root_ = std::move(root);
  search.analyzer_ = std::move(analyzer);
  return search;
}

absl::StatusOr<std::vector<TextHit>> TextSearch::Run(const storage::QuadStore& store,
                                                     const std::shared_ptr<const storage::QuadStore::Snapshot>& snapshot,
                                                     const std::function<absl::Status()>& check) const {
  ASSIGN_OR_RETURN(const storage::TextTotals totals, store.ReadTextTotals(snapshot));
  Evaluation evaluation(store, snapshot, check, totals);
  ASSIGN_OR_RETURN(std::vector<TextHit> hits, evaluation.Evaluate(*root_));
  std::sort(hits.begin(), hits.end(), [](const TextHit& a, const TextHit& b) {
    return a.score != b.score ? a.score > b.score : a.literal < b.literal;
  });
  return hits;
}

std::string TextSearch::Snippet(std::string_view text, std::size_t words) const {
  absl::flat_hash_set<std::string> terms;
  std::vector<std::string> prefixes;
  Wanted(*root_, &terms, &prefixes);
  const std::vector<TextToken> tokens = analyzer_->Analyze(text);
  std::vector<bool> matched(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    matched[i] = terms.contains(tokens[i].term) ||
                 std::any_of(prefixes.begin(), prefixes.end(),
                             [&](const std::string& p) { return tokens[i].term.starts_with(p); });
  }
  // The window of `words` positions with the most distinct matched terms,
  // then the most matches; the first such.
  std::size_t best_first = 0, best_last = tokens.empty() ? 0 : tokens.size() - 1;
  std::pair<std::size_t, std::size_t> best{0, 0};
  for (std::size_t first = 0; first < tokens.size(); ++first) {
    if (!matched[first] && first > 0) continue;
    absl::flat_hash_set<std::string_view> distinct;
    std::size_t count = 0, last = first;
    for (std::size_t i = first; i < tokens.size() && tokens[i].position < tokens[first].position + words; ++i) {
      last = i;
      if (matched[i]) {
        ++count;
        distinct.insert(tokens[i].term);
      }
    }
    const std::pair<std::size_t, std::size_t> value{distinct.size(), count};
    if (value > best) {
      best = value;
      best_first = first;
      best_last = last;
    }
  }
  if (tokens.empty()) {
    // No word to show: the text's start, cut between characters.
    std::size_t end = std::min<std::size_t>(text.size(), 200);
    while (end < text.size() && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end));
  }
  // Before the first match, a few words of context when they fit.
  while (best_first > 0 && tokens[best_last].position - tokens[best_first - 1].position < words) --best_first;
  const std::size_t begin = best_first == 0 ? 0 : tokens[best_first].begin;
  const std::size_t end = best_last + 1 == tokens.size() ? text.size() : tokens[best_last].end;
  // Matched words next to each other ("national currencies", or "Power of
  // Siberia" but for stop words) share a mark.
  std::vector<std::pair<std::size_t, std::size_t>> marks;
  for (std::size_t i = best_first; i <= best_last; ++i) {
    if (!matched[i]) continue;
    if (!marks.empty() && tokens[i].begin <= marks.back().second) continue;  // another term of one word
    if (!marks.empty() && matched[i - 1]) {
      const std::string_view gap = text.substr(marks.back().second, tokens[i].begin - marks.back().second);
      if (std::all_of(gap.begin(), gap.end(), [](char c) { return c == ' ' || std::isalnum(static_cast<unsigned char>(c)); })) {
        marks.back().second = tokens[i].end;
        continue;
      }
    }
    marks.emplace_back(tokens[i].begin, tokens[i].end);
  }
  std::string out = begin > 0 ? "…" : "";
  std::size_t at = begin;
  for (const auto& [from, to] : marks) {
    out.append(text.substr(at, from - at));
    out += "«";
    out.append(text.substr(from, to - from));
    out += "»";
    at = to;
  }
  out.append(text.substr(at, end - at));
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace relata::engine
