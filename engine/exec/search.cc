// relata:search and relata:text: the entities whose names match a text, or
// the holders of the texts a full-text query matches, as rows on top of the
// input row, best match first; for relata:text with the holder bound, a
// probe of the query's hits.
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "engine/exec/evaluator.h"
#include "engine/exec/name_search.h"
#include "engine/exec/text_search.h"

namespace relata::engine::exec {

using query::PatternTerm;
using plan::SearchCall;

// A text query's hits, found once per query and text: a probe per row reads
// them, and so do later opens of the same search.
struct Evaluator::TextHits {
  std::string text;
  TextSearch search;
  std::vector<TextHit> hits;  // best first
  absl::flat_hash_map<TermId, double> score_of;
  std::vector<TermId> text_predicates;  // sorted
};

namespace {

// What both searches' rows share: binding a pattern term, and scores as
// decimal terms.
class SearchRows : public RowSource {
 protected:
  SearchRows(Context& ctx, SearchCall call, Row input) : ctx_(ctx), call_(call), input_(std::move(input)) {}

  // Binds `t` in `row` to `id`, or checks the value it has.
  absl::StatusOr<bool> Bind(const PatternTerm* t, TermId id, Row* row) {
    if (t == nullptr) return true;
    if (t->kind == PatternTerm::Kind::kConstant) {
      ASSIGN_OR_RETURN(const std::optional<TermId> want, ctx_.Lookup(t->constant));
      return want == id;
    }
    if (!t->IsVariable()) return false;
    TermId& slot = (*row)[static_cast<std::size_t>(t->var)];
    if (slot != kNoTerm) return slot == id;
    slot = id;
    return true;
  }
  // Scores have three decimals, so thousands of matches share a few hundred
  // of them: each is made a term once.
  absl::StatusOr<TermId> ScoreTerm(double score) {
    const long thousandths = std::lround(score * 1000);
    auto [it, inserted] = score_ids_.try_emplace(thousandths, kNoTerm);
    if (inserted) {
      std::string lexical = absl::StrFormat("%.3f", static_cast<double>(thousandths) / 1000);
      while (lexical.ends_with('0') && !lexical.ends_with(".0")) lexical.pop_back();
      ASSIGN_OR_RETURN(it->second,
                       ctx_.Intern(Term::Literal(lexical, "http://www.w3.org/2001/XMLSchema#decimal")));
    }
    return it->second;
  }
  absl::StatusOr<bool> BindScore(double score, Row* row) {
    if (call_.score == nullptr) return true;
    ASSIGN_OR_RETURN(const TermId id, ScoreTerm(score));
    return Bind(call_.score, id, row);
  }

  Context& ctx_;
  const SearchCall call_;
  const Row input_;

 private:
  absl::flat_hash_map<long, TermId> score_ids_;
};

// The rows one name search binds, made as they are asked for: a LIMIT stops
// it after the first few of thousands of matches.
class NameSource : public SearchRows {
 public:
  NameSource(Context& ctx, SearchCall call, Row input, NameMatches matches)
      : SearchRows(ctx, call, std::move(input)), matches_(std::move(matches)) {}

  absl::StatusOr<bool> Next(Row* row) override {
    while (const std::optional<NameMatch> match = matches_.Next()) {
      RETURN_IF_ERROR(ctx_.Check());
      *row = input_;
      ASSIGN_OR_RETURN(bool keep, Bind(call_.entity, match->entity, row));
      if (keep) {
        ASSIGN_OR_RETURN(keep, BindScore(match->score, row));
      }
      if (keep) return true;
    }
    return false;
  }

 private:
  NameMatches matches_;
};

// What a text row binds besides the holder and score.
class TextRows : public SearchRows {
 protected:
  TextRows(Context& ctx, SearchCall call, Row input, std::shared_ptr<const Evaluator::TextHits> hits)
      : SearchRows(ctx, call, std::move(input)), hits_(std::move(hits)) {}

  absl::StatusOr<bool> BindHit(TermId holder, TermId literal, double score, Row* row) {
    *row = input_;
    ASSIGN_OR_RETURN(bool keep, Bind(call_.entity, holder, row));
    if (keep) {
      ASSIGN_OR_RETURN(keep, BindScore(score, row));
    }
    if (keep) {
      ASSIGN_OR_RETURN(keep, Bind(call_.literal, literal, row));
    }
    if (keep && call_.snippet != nullptr) {
      ASSIGN_OR_RETURN(const Term text, ctx_.Resolve(literal));
      ASSIGN_OR_RETURN(const TermId snippet, ctx_.Intern(Term::Literal(hits_->search.Snippet(text.value))));
      ASSIGN_OR_RETURN(keep, Bind(call_.snippet, snippet, row));
    }
    return keep;
  }
  bool IsTextPredicate(TermId predicate) const {
    return std::binary_search(hits_->text_predicates.begin(), hits_->text_predicates.end(), predicate);
  }

  std::shared_ptr<const Evaluator::TextHits> hits_;
};

// The holders of each hit in turn, best hit first; a holder of several hits
// comes once, with its best.
class TextListing : public TextRows {
 public:
  TextListing(Context& ctx, SearchCall call, Row input, std::shared_ptr<const Evaluator::TextHits> hits)
      : TextRows(ctx, call, std::move(input), std::move(hits)) {}

  absl::StatusOr<bool> Next(Row* row) override {
    for (;;) {
      RETURN_IF_ERROR(ctx_.Check());
      while (next_holder_ < holders_.size()) {
        const TermId holder = holders_[next_holder_++];
        if (!seen_.insert(holder).second) continue;
        const TextHit& hit = hits_->hits[next_hit_ - 1];
        ASSIGN_OR_RETURN(const bool keep, BindHit(holder, hit.literal, hit.score, row));
        if (keep) return true;
      }
      if (next_hit_ == hits_->hits.size()) return false;
      const TermId literal = hits_->hits[next_hit_++].literal;
      holders_.clear();
      next_holder_ = 0;
      storage::QuadStore::Pattern pattern;
      pattern.ids.o = literal;
      auto cursor = ctx_.store().OpenCursor(pattern, true, ctx_.snapshot());
      for (; cursor->Valid(); cursor->Next()) {
        if (IsTextPredicate(cursor->quad().p)) holders_.push_back(cursor->quad().s);
      }
      RETURN_IF_ERROR(cursor->status());
      std::sort(holders_.begin(), holders_.end());
    }
  }

 private:
  std::size_t next_hit_ = 0, next_holder_ = 0;
  std::vector<TermId> holders_;
  absl::flat_hash_set<TermId> seen_;
};

// The one row of a holder the input binds.
class TextProbe : public TextRows {
 public:
  TextProbe(Context& ctx, SearchCall call, Row input, std::shared_ptr<const Evaluator::TextHits> hits,
            TermId holder, TextHit hit)
      : TextRows(ctx, call, std::move(input), std::move(hits)), holder_(holder), hit_(hit) {}
  absl::StatusOr<bool> Next(Row* row) override {
    if (done_) return false;
    done_ = true;
    return BindHit(holder_, hit_.literal, hit_.score, row);
  }

 private:
  const TermId holder_;
  const TextHit hit_;
  bool done_ = false;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const Evaluator::TextHits>> Evaluator::FindText(const plan::Node& node,
                                                                              const Term& text) {
  auto& cached = text_hits_[&node];
  if (cached != nullptr && cached->text == text.value) return cached;
  if (!ctx_.store().text_settings()->options.enabled) {
    return absl::FailedPreconditionError("relata:text: this store keeps no text index (it was made with --no-text-index)");
  }
  ASSIGN_OR_RETURN(TextSearch search, TextSearch::Prepare(text.value, ctx_.store().text_analyzer()));
  ASSIGN_OR_RETURN(std::vector<TextHit> hits,
                   search.Run(ctx_.store(), ctx_.snapshot(), [this] { return ctx_.Check(); }));
  RETURN_IF_ERROR(ctx_.Hold(hits.size()));
  auto found = std::make_shared<TextHits>(TextHits{text.value, std::move(search), std::move(hits), {}, {}});
  found->score_of.reserve(found->hits.size());
  for (const TextHit& hit : found->hits) found->score_of.emplace(hit.literal, hit.score);
  ASSIGN_OR_RETURN(found->text_predicates, ctx_.store().TextPredicateIds(ctx_.snapshot()));
  std::sort(found->text_predicates.begin(), found->text_predicates.end());
  cached = std::move(found);
  return cached;
}

absl::StatusOr<Source> Evaluator::OpenSearch(const plan::Node& node, const Row& input) {
  const SearchCall& call = node.search;
  const bool text_index = call.index == SearchCall::Index::kText;
  const char* name = text_index ? "relata:text" : "relata:search";
  std::optional<Term> text;
  if (call.text->IsVariable()) {
    const TermId id = input[static_cast<std::size_t>(call.text->var)];
    if (id == kNoTerm) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, " needs the text to search for: a string, or a variable bound before it"));
    }
    ASSIGN_OR_RETURN(text, ctx_.Resolve(id));
  } else if (call.text->kind == PatternTerm::Kind::kConstant) {
    text = call.text->constant;
  }
  const auto none = [] { return Source(std::make_unique<VectorSource>(std::vector<Row>{})); };
  if (!text.has_value() || !text->IsLiteral()) return none();
  if (!text_index) {
    ASSIGN_OR_RETURN(NameMatches matches, SearchNames(ctx_.store(), text->value, ctx_.snapshot()));
    RETURN_IF_ERROR(ctx_.Hold(matches.size()));
    return Source(std::make_unique<NameSource>(ctx_, call, input, std::move(matches)));
  }
  absl::StatusOr<std::shared_ptr<const TextHits>> hits = FindText(node, *text);
  if (!hits.ok() && absl::IsInvalidArgument(hits.status())) {
    return absl::InvalidArgumentError(absl::StrCat("relata:text \"", text->value, "\": ", hits.status().message()));
  }
  RETURN_IF_ERROR(hits.status());
  const TermId holder =
      call.entity->IsVariable() ? input[static_cast<std::size_t>(call.entity->var)] : kNoTerm;
  if (holder == kNoTerm && call.entity->IsVariable()) {
    return Source(std::make_unique<TextListing>(ctx_, call, input, *std::move(hits)));
  }
  // A holder given: one row, for its best text among the hits, if any.
  std::optional<TermId> bound = holder;
  if (!call.entity->IsVariable()) {
    if (call.entity->kind != PatternTerm::Kind::kConstant) return none();
    ASSIGN_OR_RETURN(bound, ctx_.Lookup(call.entity->constant));
    if (!bound) return none();
  }
  const TextHits& found = **hits;
  std::optional<TextHit> best;
  storage::QuadStore::Pattern pattern;
  pattern.ids.s = *bound;
  auto cursor = ctx_.store().OpenCursor(pattern, true, ctx_.snapshot());
  for (; cursor->Valid(); cursor->Next()) {
    const storage::QuadIds& quad = cursor->quad();
    if (!std::binary_search(found.text_predicates.begin(), found.text_predicates.end(), quad.p)) continue;
    const auto it = found.score_of.find(quad.o);
    if (it != found.score_of.end() && (!best || it->second > best->score)) best = TextHit{quad.o, it->second};
  }
  RETURN_IF_ERROR(cursor->status());
  if (!best) return none();
  return Source(std::make_unique<TextProbe>(ctx_, call, input, *std::move(hits), *bound, *best));
}

}  // namespace relata::engine::exec
