// The string functions of SPARQL 1.1 (17.4.3) and the hashes (17.4.6):
// lengths and substrings in characters, case by Unicode's mappings, REGEX
// and REPLACE by PCRE2 with limits, digests by OpenSSL.
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/base/strings.h"
#include "engine/base/unicode_case.h"
#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine {
namespace {

std::string Hash(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) absl::StrAppend(&hex, absl::StrFormat("%02x", digest[i]));
  return hex;
}

// Compiled with the flags of REGEX/REPLACE (s m i x q); nullptr when invalid.
struct Regex {
  pcre2_code* code = nullptr;
  ~Regex() { pcre2_code_free(code); }
};
bool CompileRegex(std::string_view pattern, std::string_view flags, Regex* regex) {
  std::uint32_t options = PCRE2_UTF;
  for (char f : flags) {
    switch (f) {
      case 'i': options |= PCRE2_CASELESS; break;
      case 's': options |= PCRE2_DOTALL; break;
      case 'm': options |= PCRE2_MULTILINE; break;
      case 'x': options |= PCRE2_EXTENDED; break;
      case 'q': options |= PCRE2_LITERAL; break;
      default: return false;
    }
  }
  int error = 0;
  PCRE2_SIZE offset = 0;
  regex->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options,
                              &error, &offset, nullptr);
  return regex->code != nullptr;
}
// A FILTER runs the same REGEX on every row: compiled patterns are kept per
// thread (a few dozen at most).
const Regex* CachedRegex(std::string_view pattern, std::string_view flags) {
  thread_local std::map<std::string, std::unique_ptr<Regex>, std::less<>> cache;
  std::string key = absl::StrCat(ToAbsl(flags), "/", ToAbsl(pattern));
  if (const auto it = cache.find(key); it != cache.end()) return it->second.get();
  auto regex = std::make_unique<Regex>();
  if (!CompileRegex(pattern, flags, regex.get())) return nullptr;
  if (cache.size() >= 64) cache.clear();
  return cache.emplace(std::move(key), std::move(regex)).first->second.get();
}

// A pattern that backtracks catastrophically ("(a+)+$") stops after this
// many steps, or this much backtracking memory, instead of running for
// hours on one value: a few milliseconds' work.
constexpr std::uint32_t kRegexMatchLimit = 1'000'000;
constexpr std::uint32_t kRegexHeapLimitKib = 16 * 1024;

pcre2_match_context* LimitedMatchContext() {
  thread_local const std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> context = [] {
    std::unique_ptr<pcre2_match_context, decltype(&pcre2_match_context_free)> made(
        pcre2_match_context_create(nullptr), &pcre2_match_context_free);
    pcre2_set_match_limit(made.get(), kRegexMatchLimit);
    pcre2_set_heap_limit(made.get(), kRegexHeapLimitKib);
    return made;
  }();
  return context.get();
}

bool IsLimitError(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT;
}

absl::Status TooCostly(std::string_view function, std::string_view pattern, std::size_t text_size) {
  return absl::ResourceExhaustedError(absl::StrCat(
      ToAbsl(function), ": the pattern \"", ToAbsl(pattern.substr(0, 80)), pattern.size() > 80 ? "…" : "",
      "\" backtracks too much on a value of ", text_size, " bytes (more than ", kRegexMatchLimit,
      " steps); simplify the pattern"));
}

std::optional<bool> RegexMatch(std::string_view text, std::string_view pattern, std::string_view flags,
                               absl::Status* failure) {
  const Regex* regex = CachedRegex(pattern, flags);
  if (regex == nullptr) return std::nullopt;
  pcre2_match_data* match = pcre2_match_data_create_from_pattern(regex->code, nullptr);
  const int rc = pcre2_match(regex->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                             match, LimitedMatchContext());
  pcre2_match_data_free(match);
  if (IsLimitError(rc)) *failure = TooCostly("REGEX", pattern, text.size());
  if (rc < -1) return std::nullopt;
  return rc >= 0;
}
std::optional<std::string> RegexReplace(std::string_view text, std::string_view pattern,
                                        std::string_view replacement, std::string_view flags,
                                        absl::Status* failure) {
  Regex regex;
  if (!CompileRegex(pattern, flags, &regex)) return std::nullopt;
  std::string out(text.size() * 2 + replacement.size() + 16, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    PCRE2_SIZE length = out.size();
    const int rc = pcre2_substitute(
        regex.code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
        PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH | PCRE2_SUBSTITUTE_UNSET_EMPTY, nullptr,
        LimitedMatchContext(), reinterpret_cast<PCRE2_SPTR>(replacement.data()), replacement.size(),
        reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
    if (rc >= 0) {
      out.resize(length);
      return out;
    }
    if (IsLimitError(rc)) {
      *failure = TooCostly("REPLACE", pattern, text.size());
      return std::nullopt;
    }
    if (rc != PCRE2_ERROR_NOMEMORY) return std::nullopt;
    out.resize(length);
  }
  return std::nullopt;
}

std::optional<Term> StrLen(std::span<const Term> args, absl::Status*) {
  if (!IsStringLike(args[0])) return std::nullopt;
  return Integer(static_cast<std::int64_t>(CharStarts(args[0].value).size()));
}

std::optional<Term> Substr(std::span<const Term> args, absl::Status*) {
  if (!IsStringLike(args[0])) return std::nullopt;
  const auto start = ToNumber(args[1]);
  if (!start) return std::nullopt;
  const auto starts = CharStarts(args[0].value);
  const auto count = static_cast<long double>(starts.size());
  // XPath fn:substring: characters at positions p with
  // round(start) <= p < round(start) + round(length).
  const long double from = std::floor(start->AsReal() + 0.5L);
  long double to = count + 1;
  if (args.size() == 3) {
    const auto length = ToNumber(args[2]);
    if (!length) return std::nullopt;
    to = from + std::floor(length->AsReal() + 0.5L);
  }
  if (std::isnan(from) || std::isnan(to)) return StringLike(args[0], "");
  const long double first = std::max<long double>(from, 1), last = std::min<long double>(to, count + 1);
  if (first >= last) return StringLike(args[0], "");
  const auto b = static_cast<std::size_t>(first - 1), e = static_cast<std::size_t>(last - 1);
  const std::size_t byte_begin = starts[b];
  const std::size_t byte_end = e < starts.size() ? starts[e] : args[0].value.size();
  return StringLike(args[0], args[0].value.substr(byte_begin, byte_end - byte_begin));
}

template <bool kUpper>
std::optional<Term> ChangeCaseOf(std::span<const Term> args, absl::Status*) {
  if (!IsStringLike(args[0])) return std::nullopt;
  return StringLike(args[0], ChangeCase(args[0].value, kUpper));
}

std::optional<Term> EncodeForUri(std::span<const Term> args, absl::Status*) {
  if (!IsStringLike(args[0])) return std::nullopt;
  std::string out;
  for (const char c : args[0].value) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppend(&out, absl::StrFormat("%%%02X", u));
    }
  }
  return Term::Literal(out);
}

enum class SubstringTest { kContains, kStarts, kEnds, kBefore, kAfter };
template <SubstringTest kFind>
std::optional<Term> FindIn(std::span<const Term> args, absl::Status*) {
  if (!ArgumentsCompatible(args[0], args[1])) return std::nullopt;
  const std::string& s = args[0].value;
  const std::string& t = args[1].value;
  if constexpr (kFind == SubstringTest::kContains) return Boolean(s.find(t) != std::string::npos);
  if constexpr (kFind == SubstringTest::kStarts) return Boolean(s.starts_with(t));
  if constexpr (kFind == SubstringTest::kEnds) return Boolean(s.ends_with(t));
  const auto at = s.find(t);
  if (at == std::string::npos) return Term::Literal("");
  if constexpr (kFind == SubstringTest::kBefore) return StringLike(args[0], s.substr(0, at));
  return StringLike(args[0], s.substr(at + t.size()));
}

std::optional<Term> Concat(std::span<const Term> args, absl::Status*) {
  // The result keeps a language (and direction) all arguments share.
  std::string out;
  for (const Term& a : args) {
    if (!IsStringLike(a)) return std::nullopt;
    out += a.value;
  }
  const bool shared = !args.empty() && std::all_of(args.begin(), args.end(), [&](const Term& a) {
    return a.language == args[0].language && a.direction == args[0].direction;
  });
  if (shared && !args[0].language.empty()) return Term::LangLiteral(out, args[0].language, args[0].direction);
  return Term::Literal(out);
}

std::optional<Term> RegexCall(std::span<const Term> args, absl::Status* failure) {
  if (!IsStringLike(args[0]) || !IsStringLiteral(args[1])) return std::nullopt;
  if (args.size() == 3 && !IsStringLiteral(args[2])) return std::nullopt;
  const auto m = RegexMatch(args[0].value, args[1].value, args.size() == 3 ? args[2].value : "", failure);
  if (!m) return std::nullopt;
  return Boolean(*m);
}

std::optional<Term> ReplaceCall(std::span<const Term> args, absl::Status* failure) {
  if (!IsStringLike(args[0]) || !IsStringLiteral(args[1]) || !IsStringLiteral(args[2])) return std::nullopt;
  if (args.size() == 4 && !IsStringLiteral(args[3])) return std::nullopt;
  const auto r =
      RegexReplace(args[0].value, args[1].value, args[2].value, args.size() == 4 ? args[3].value : "", failure);
  if (!r) return std::nullopt;
  return StringLike(args[0], *r);
}

template <const EVP_MD* (*kDigest)()>
std::optional<Term> Digest(std::span<const Term> args, absl::Status*) {
  if (!IsStringLiteral(args[0])) return std::nullopt;
  return Term::Literal(Hash(kDigest(), args[0].value));
}

constexpr Function kStringFunctions[] = {
    {"STRLEN", 1, 1, StrLen},
    {"SUBSTR", 2, 3, Substr},
    {"UCASE", 1, 1, ChangeCaseOf<true>},
    {"LCASE", 1, 1, ChangeCaseOf<false>},
    {"ENCODE_FOR_URI", 1, 1, EncodeForUri},
    {"CONTAINS", 2, 2, FindIn<SubstringTest::kContains>},
    {"STRSTARTS", 2, 2, FindIn<SubstringTest::kStarts>},
    {"STRENDS", 2, 2, FindIn<SubstringTest::kEnds>},
    {"STRBEFORE", 2, 2, FindIn<SubstringTest::kBefore>},
    {"STRAFTER", 2, 2, FindIn<SubstringTest::kAfter>},
    {"CONCAT", 0, -1, Concat},
    {"REGEX", 2, 3, RegexCall},
    {"REPLACE", 3, 4, ReplaceCall},
    {"MD5", 1, 1, Digest<EVP_md5>},
    {"SHA1", 1, 1, Digest<EVP_sha1>},
    {"SHA256", 1, 1, Digest<EVP_sha256>},
    {"SHA384", 1, 1, Digest<EVP_sha384>},
    {"SHA512", 1, 1, Digest<EVP_sha512>},
};

}  // namespace

std::span<const Function> StringFunctions() { return kStringFunctions; }

}  // namespace relata::engine
