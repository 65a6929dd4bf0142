// relata:search: the entities whose names match a text, as rows on top of
// the input row, best match first.
#include <cmath>

#include "absl/strings/str_format.h"
#include "engine/exec/evaluator.h"
#include "engine/exec/name_search.h"

namespace relata::engine::exec {
namespace {

using query::PatternTerm;
using plan::SearchCall;

// The rows one search binds on top of an input row, made as they are asked
// for: a LIMIT stops it after the first few of thousands of matches.
class SearchSource : public RowSource {
 public:
  SearchSource(Context& ctx, SearchCall call, Row input, NameMatches matches)
      : ctx_(ctx), call_(call), input_(std::move(input)), matches_(std::move(matches)) {}

  absl::StatusOr<bool> Next(Row* row) override {
    while (const std::optional<NameMatch> match = matches_.Next()) {
      RETURN_IF_ERROR(ctx_.Check());
      *row = input_;
      ASSIGN_OR_RETURN(bool keep, Bind(*call_.entity, match->entity, row));
      if (keep && call_.score != nullptr) {
        ASSIGN_OR_RETURN(const TermId score, ScoreTerm(match->score));
        ASSIGN_OR_RETURN(keep, Bind(*call_.score, score, row));
      }
      if (keep) return true;
    }
    return false;
  }

 private:
  // Binds `t` in `row` to `id`, or checks the value it has.
  absl::StatusOr<bool> Bind(const PatternTerm& t, TermId id, Row* row) {
    if (t.kind == PatternTerm::Kind::kConstant) {
      ASSIGN_OR_RETURN(const std::optional<TermId> want, ctx_.Lookup(t.constant));
      return want == id;
    }
    if (!t.IsVariable()) return false;
    TermId& slot = (*row)[static_cast<std::size_t>(t.var)];
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

  Context& ctx_;
  const SearchCall call_;
  const Row input_;
  NameMatches matches_;
  absl::flat_hash_map<long, TermId> score_ids_;
};

}  // namespace

absl::StatusOr<Source> Evaluator::OpenSearch(const plan::Node& node, const Row& input) {
  const SearchCall& call = node.search;
  std::optional<Term> text;
  if (call.text->IsVariable()) {
    const TermId id = input[static_cast<std::size_t>(call.text->var)];
    if (id == kNoTerm) {
      return absl::InvalidArgumentError(
          "relata:search needs the text to search for: a string, or a variable bound before it");
    }
    ASSIGN_OR_RETURN(text, ctx_.Resolve(id));
  } else if (call.text->kind == PatternTerm::Kind::kConstant) {
    text = call.text->constant;
  }
  if (!text.has_value() || !text->IsLiteral()) return Source(std::make_unique<VectorSource>(std::vector<Row>{}));
  ASSIGN_OR_RETURN(NameMatches matches, SearchNames(ctx_.store(), text->value, ctx_.snapshot()));
  RETURN_IF_ERROR(ctx_.Hold(matches.size()));
  return Source(std::make_unique<SearchSource>(ctx_, call, input, std::move(matches)));
}

}  // namespace relata::engine::exec
