// A recursive-descent parser: the grammar is six rules, and its errors
// ("the phrase's quote is not closed") read better written by hand.
#include "query/text_query.h"

#include "absl/strings/str_cat.h"

namespace relata::query {
namespace {

constexpr int kMaxDepth = 64;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool EndsWord(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<TextQuery> Parse() {
    SkipSpace();
    if (at_ == text_.size()) return Error(at_, "the text query is empty");
    absl::StatusOr<TextQuery> query = Or();
    if (!query.ok()) return query;
    SkipSpace();
    if (at_ < text_.size()) return Error(at_, "unexpected ')'");
    if (query->kind == TextQuery::Kind::kNot) return Excluding(*query);
    return query;
  }

 private:
  absl::StatusOr<TextQuery> Or() {
    absl::StatusOr<TextQuery> first = And();
    if (!first.ok()) return first;
    TextQuery either;
    either.kind = TextQuery::Kind::kOr;
    either.column = first->column;
    either.children.push_back(*std::move(first));
    for (;;) {
      SkipSpace();
      const std::size_t keyword = at_;
      if (!Keyword("OR")) break;
      SkipSpace();
      if (at_ == text_.size()) return Error(keyword, "OR needs a term after it");
      absl::StatusOr<TextQuery> next = And();
      if (!next.ok()) return next;
      either.children.push_back(*std::move(next));
    }
    if (either.children.size() == 1) return std::move(either.children.front());
    for (const TextQuery& child : either.children) {
      if (child.kind == TextQuery::Kind::kNot) return Excluding(child);
    }
    return either;
  }

  absl::StatusOr<TextQuery> And() {
    TextQuery all;
    all.kind = TextQuery::Kind::kAnd;
    all.column = Column(at_);
    for (;;) {
      SkipSpace();
      if (at_ == text_.size() || text_[at_] == ')' || AtKeyword("OR")) break;
      const std::size_t keyword = at_;
      if (!all.children.empty() && Keyword("AND")) {
        SkipSpace();
        if (at_ == text_.size() || text_[at_] == ')' || AtKeyword("OR")) {
          return Error(keyword, "AND needs a term after it");
        }
      }
      absl::StatusOr<TextQuery> next = Unary();
      if (!next.ok()) return next;
      all.children.push_back(*std::move(next));
    }
    if (all.children.empty()) {
      if (at_ < text_.size() && text_[at_] == ')') return Error(at_, "a term is missing before ')'");
      if (at_ < text_.size()) return Error(at_, "OR needs a term before it");
      return Error(at_, "a term is missing at the end");
    }
    if (all.children.size() == 1) return std::move(all.children.front());
    bool positive = false;
    for (const TextQuery& child : all.children) positive = positive || child.kind != TextQuery::Kind::kNot;
    if (!positive) return Excluding(all.children.front());
    return all;
  }

  absl::StatusOr<TextQuery> Unary() {
    const std::size_t start = at_;
    // "-gas" excludes gas; "--" begins a word, so that what TextQueryString
    // prints parses back the same.
    const bool dash = text_[at_] == '-' && at_ + 1 < text_.size() && !EndsWord(text_[at_ + 1]) && text_[at_ + 1] != '-';
    if (dash || Keyword("NOT")) {
      if (dash) ++at_;
      SkipSpace();
      if (at_ == text_.size()) return Error(start, "NOT needs a term after it");
      absl::StatusOr<TextQuery> negated = dash ? Primary() : Unary();
      if (!negated.ok()) return negated;
      if (negated->kind == TextQuery::Kind::kNot) return Error(start, "NOT NOT is not a query; leave both out");
      TextQuery no;
      no.kind = TextQuery::Kind::kNot;
      no.column = Column(start);
      no.children.push_back(*std::move(negated));
      return no;
    }
    return Primary();
  }

  absl::StatusOr<TextQuery> Primary() {
    const std::size_t start = at_;
    TextQuery term;
    term.column = Column(start);
    if (AtKeyword("AND") || AtKeyword("OR")) {
      return Error(start, AtKeyword("OR") ? "OR needs a term before it" : "AND needs a term before it");
    }
    if (AtKeyword("NOT")) return Error(start, "NOT is an operator here: to find the word, write \"NOT\"");
    const char c = text_[at_];
    if (c == ')') return Error(start, "a term is missing before ')'");
    if (c == '(') {
      if (++depth_ > kMaxDepth) return Error(start, "parentheses nested too deep");
      ++at_;
      SkipSpace();
      if (at_ < text_.size() && text_[at_] == ')') return Error(start, "empty parentheses");
      absl::StatusOr<TextQuery> inner = Or();
      if (!inner.ok()) return inner;
      SkipSpace();
      if (at_ == text_.size() || text_[at_] != ')') return Error(start, "'(' is not closed");
      ++at_;
      --depth_;
      return inner;
    }
    if (c == '"') {
      const std::size_t close = text_.find('"', start + 1);
      if (close == std::string_view::npos) return Error(start, "the phrase's quote is not closed");
      term.kind = TextQuery::Kind::kPhrase;
      term.text = std::string(text_.substr(start + 1, close - start - 1));
      at_ = close + 1;
      if (term.text.find_first_not_of(" \t\n\r\f\v") == std::string::npos) return Error(start, "the phrase is empty");
      return term;
    }
    while (at_ < text_.size() && !EndsWord(text_[at_])) ++at_;
    term.text = std::string(text_.substr(start, at_ - start));
    if (term.text.size() > 1 && term.text.back() == '*') {
      term.kind = TextQuery::Kind::kPrefix;
      term.text.pop_back();
    } else if (term.text == "*") {
      return Error(start, "'*' ends a prefix: write the word's first letters before it");
    }
    return term;
  }

  void SkipSpace() {
    while (at_ < text_.size() && IsSpace(text_[at_])) ++at_;
  }
  bool AtKeyword(std::string_view keyword) const {
    return text_.substr(at_, keyword.size()) == keyword &&
           (at_ + keyword.size() == text_.size() || EndsWord(text_[at_ + keyword.size()]));
  }
  bool Keyword(std::string_view keyword) {
    if (!AtKeyword(keyword)) return false;
    at_ += keyword.size();
    return true;
  }
  // Columns count characters, not bytes.
  std::size_t Column(std::size_t offset) const {
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }
  absl::Status Error(std::size_t offset, std::string_view message) const {
    return absl::InvalidArgumentError(absl::StrCat("column ", Column(offset), ": ", std::string(message)));
  }
  absl::Status Excluding(const TextQuery& no) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "column ", no.column, ": a query needs a term that is not excluded (NOT alone would match everything else)"));
  }

  std::string_view text_;
  std::size_t at_ = 0;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<TextQuery> ParseTextQuery(std::string_view text) { return Parser(text).Parse(); }

std::string TextQueryString(const TextQuery& query) {
  switch (query.kind) {
    case TextQuery::Kind::kWord: return query.text;
    case TextQuery::Kind::kPrefix: return query.text + "*";
    case TextQuery::Kind::kPhrase: return "\"" + query.text + "\"";
    case TextQuery::Kind::kNot: return "NOT " + TextQueryString(query.children.front());
    case TextQuery::Kind::kAnd:
    case TextQuery::Kind::kOr: {
      std::string out = "(";
      for (std::size_t i = 0; i < query.children.size(); ++i) {
        if (i > 0) out += query.kind == TextQuery::Kind::kAnd ? " AND " : " OR ";
        out += TextQueryString(query.children[i]);
      }
      return out + ")";
    }
  }
  return "";
}

}  // namespace relata::query
