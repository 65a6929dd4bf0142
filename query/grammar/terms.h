// Terminal rules shared by N-Triples, N-Quads, Turtle, TriG and SPARQL:
// IRIs, prefixed names, blank node labels, literals and numbers. Numbers in
// comments are the Turtle 1.2 grammar productions ("s" = from SPARQL).
#ifndef RELATA_QUERY_GRAMMAR_TERMS_H_
#define RELATA_QUERY_GRAMMAR_TERMS_H_

#include <tao/pegtl.hpp>

namespace relata::query::grammar {

namespace pegtl = tao::pegtl;

// clang-format off
struct Hex : pegtl::xdigit {};
// [26] UCHAR ::= '\u' HEX HEX HEX HEX | '\U' HEX HEX HEX HEX HEX HEX HEX HEX
struct Uchar : pegtl::seq<pegtl::one<'\\'>, pegtl::sor<
    pegtl::seq<pegtl::one<'u'>, pegtl::rep<4, Hex>>,
    pegtl::seq<pegtl::one<'U'>, pegtl::rep<8, Hex>>>> {};
// [159s] ECHAR ::= '\' [tbnrf"'\]
struct Echar : pegtl::seq<pegtl::one<'\\'>, pegtl::one<'t', 'b', 'n', 'r', 'f', '"', '\'', '\\'>> {};

// [18] IRIREF ::= '<' ([^#x00-#x20<>"{}|^`\] | UCHAR)* '>'
struct IriRefChar : pegtl::sor<
    pegtl::not_one<'<', '>', '"', '{', '}', '|', '^', '`', '\\',
                   0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                   21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32>,
    Uchar> {};
// The bytes an IRIREF may hold unescaped.
struct IriPlainBytes {
  bool plain[256] = {};
  constexpr IriPlainBytes() {
    for (int c = 0x21; c < 256; ++c) plain[c] = true;
    for (const char c : {'<', '>', '"', '{', '}', '|', '^', '`', '\\'}) plain[static_cast<unsigned char>(c)] = false;
  }
};
inline constexpr IriPlainBytes kIriPlainBytes{};

// star<IriRefChar>, matched by a table scan: IRIs are most of the bytes of
// a typical N-Triples file, and the generic rule costs a dispatch per byte.
// It analyses as the star it stands for.
struct IriRefBody {
  using rule_t = pegtl::star<IriRefChar>::rule_t;
  using subs_t = pegtl::star<IriRefChar>::subs_t;

  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  static bool match(Input& in, States&&... st) {
    while (true) {
      const std::size_t available = in.size(4096);
      const char* const begin = in.current();
      std::size_t n = 0;
      while (n < available && kIriPlainBytes.plain[static_cast<unsigned char>(begin[n])]) ++n;
      in.bump_in_this_line(n);  // IRIs hold no line breaks
      if (n < available) {
        if (begin[n] != '\\' || !Control<Uchar>::template match<A, M, Action, Control>(in, st...)) {
          return true;
        }
      } else if (available < 4096) {
        return true;  // the end of the input
      }
    }
  }
};
struct IriRefClose : pegtl::one<'>'> {};
struct IriRef : pegtl::seq<pegtl::one<'<'>, pegtl::not_at<pegtl::one<'<'>>, IriRefBody, pegtl::must<IriRefClose>> {};

// [163s] PN_CHARS_BASE
struct PnCharsBase : pegtl::sor<
    pegtl::ranges<'A', 'Z', 'a', 'z'>,
    pegtl::utf8::ranges<0x00C0, 0x00D6, 0x00D8, 0x00F6, 0x00F8, 0x02FF, 0x0370, 0x037D,
                        0x037F, 0x1FFF, 0x200C, 0x200D, 0x2070, 0x218F, 0x2C00, 0x2FEF,
                        0x3001, 0xD7FF, 0xF900, 0xFDCF, 0xFDF0, 0xFFFD, 0x10000, 0xEFFFF>> {};
// [164s] PN_CHARS_U ::= PN_CHARS_BASE | '_'
struct PnCharsU : pegtl::sor<PnCharsBase, pegtl::one<'_'>> {};
// [166s] PN_CHARS ::= PN_CHARS_U | '-' | [0-9] | #x00B7 | [#x0300-#x036F] | [#x203F-#x2040]
struct PnChars : pegtl::sor<PnCharsU, pegtl::one<'-'>, pegtl::digit,
    pegtl::utf8::ranges<0x00B7, 0x00B7, 0x0300, 0x036F, 0x203F, 0x2040>> {};
// The "(X | '.')* X" tail: dots only where more name characters follow.
template <typename Char>
struct DottedTail : pegtl::star<pegtl::sor<Char, pegtl::seq<pegtl::plus<pegtl::one<'.'>>, Char>>> {};
// [167s] PN_PREFIX ::= PN_CHARS_BASE ((PN_CHARS | '.')* PN_CHARS)?
struct PnPrefix : pegtl::seq<PnCharsBase, DottedTail<PnChars>> {};
// [170s] PERCENT ::= '%' HEX HEX
struct Percent : pegtl::seq<pegtl::one<'%'>, Hex, Hex> {};
// [172s] PN_LOCAL_ESC
struct PnLocalEsc : pegtl::seq<pegtl::one<'\\'>, pegtl::one<'_', '~', '.', '-', '!', '$', '&',
    '\'', '(', ')', '*', '+', ',', ';', '=', '/', '?', '#', '@', '%'>> {};
// [169s] PLX ::= PERCENT | PN_LOCAL_ESC
struct Plx : pegtl::sor<Percent, PnLocalEsc> {};
struct PnLocalChar : pegtl::sor<PnChars, pegtl::one<':'>, Plx> {};
// [168s] PN_LOCAL ::= (PN_CHARS_U | ':' | [0-9] | PLX) ((PN_CHARS | '.' | ':' | PLX)* (PN_CHARS | ':' | PLX))?
struct PnLocal : pegtl::seq<pegtl::sor<PnCharsU, pegtl::one<':'>, pegtl::digit, Plx>,
                            DottedTail<PnLocalChar>> {};
// [139s] PNAME_NS ::= PN_PREFIX? ':'
struct PnameNs : pegtl::seq<pegtl::opt<PnPrefix>, pegtl::one<':'>> {};
// [140s] PNAME_LN ::= PNAME_NS PN_LOCAL
struct PnameLn : pegtl::seq<PnameNs, PnLocal> {};
// [136s] PrefixedName ::= PNAME_LN | PNAME_NS
struct PrefixedName : pegtl::seq<PnameNs, pegtl::opt<PnLocal>> {};

// [141s] BLANK_NODE_LABEL ::= '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?
struct BlankNodeLabelName : pegtl::seq<pegtl::sor<PnCharsU, pegtl::digit>, DottedTail<PnChars>> {};
struct BlankNodeLabel : pegtl::seq<pegtl::string<'_', ':'>, pegtl::must<BlankNodeLabelName>> {};

// [144s] LANG_DIR ::= '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)* ('--' [a-zA-Z]+)?
// BCP 47 subtags are at most 8 characters long.
struct LangTag : pegtl::seq<pegtl::rep_min_max<1, 8, pegtl::alpha>, pegtl::not_at<pegtl::alpha>,
                            pegtl::star<pegtl::one<'-'>, pegtl::rep_min_max<1, 8, pegtl::alnum>,
                                        pegtl::not_at<pegtl::alnum>>> {};
struct LangDirection : pegtl::plus<pegtl::alpha> {};
struct LangDir : pegtl::seq<pegtl::one<'@'>, pegtl::must<LangTag>,
                            pegtl::opt<pegtl::string<'-', '-'>, pegtl::must<LangDirection>>> {};

// [154s] EXPONENT ::= [eE] [+-]? [0-9]+
struct Exponent : pegtl::seq<pegtl::one<'e', 'E'>, pegtl::opt<pegtl::one<'+', '-'>>, pegtl::plus<pegtl::digit>> {};
// [21] DOUBLE ::= [+-]? ([0-9]+ '.' [0-9]* EXPONENT | '.' [0-9]+ EXPONENT | [0-9]+ EXPONENT)
struct Double : pegtl::seq<pegtl::opt<pegtl::one<'+', '-'>>, pegtl::sor<
    pegtl::seq<pegtl::plus<pegtl::digit>, pegtl::one<'.'>, pegtl::star<pegtl::digit>, Exponent>,
    pegtl::seq<pegtl::one<'.'>, pegtl::plus<pegtl::digit>, Exponent>,
    pegtl::seq<pegtl::plus<pegtl::digit>, Exponent>>> {};
// [20] DECIMAL ::= [+-]? [0-9]* '.' [0-9]+
struct Decimal : pegtl::seq<pegtl::opt<pegtl::one<'+', '-'>>, pegtl::star<pegtl::digit>,
                            pegtl::one<'.'>, pegtl::plus<pegtl::digit>> {};
// [19] INTEGER ::= [+-]? [0-9]+
struct Integer : pegtl::seq<pegtl::opt<pegtl::one<'+', '-'>>, pegtl::plus<pegtl::digit>> {};
// [18] NumericLiteral ::= INTEGER | DECIMAL | DOUBLE
struct NumericLiteral : pegtl::sor<Double, Decimal, Integer> {};

struct StringEnd : pegtl::success {};
template <char Q>
struct ShortStringChar : pegtl::sor<pegtl::not_one<Q, '\\', '\n', '\r'>, Echar, Uchar> {};
template <char Q>
struct LongStringChar : pegtl::sor<pegtl::not_one<Q, '\\'>, Echar, Uchar,
    pegtl::seq<pegtl::one<Q>, pegtl::not_at<pegtl::one<Q>, pegtl::one<Q>>>> {};
struct UnterminatedString : pegtl::one<'"'> {};
struct UnterminatedSingle : pegtl::one<'\''> {};
struct UnterminatedLong : pegtl::string<'"', '"', '"'> {};
struct UnterminatedLongSingle : pegtl::string<'\'', '\'', '\''> {};
// [22] STRING_LITERAL_QUOTE ::= '"' ([^#x22#x5C#xA#xD] | ECHAR | UCHAR)* '"'
struct StringLiteralQuote : pegtl::seq<pegtl::one<'"'>, pegtl::star<ShortStringChar<'"'>>, pegtl::must<UnterminatedString>> {};
// [23] STRING_LITERAL_SINGLE_QUOTE
struct StringLiteralSingleQuote : pegtl::seq<pegtl::one<'\''>, pegtl::star<ShortStringChar<'\''>>, pegtl::must<UnterminatedSingle>> {};
// [25] STRING_LITERAL_LONG_QUOTE ::= '"""' (('"' | '""')? ([^"\] | ECHAR | UCHAR))* '"""'
struct StringLiteralLongQuote : pegtl::seq<pegtl::string<'"', '"', '"'>, pegtl::star<LongStringChar<'"'>>, pegtl::must<UnterminatedLong>> {};
// [24] STRING_LITERAL_LONG_SINGLE_QUOTE
struct StringLiteralLongSingleQuote : pegtl::seq<pegtl::string<'\'', '\'', '\''>, pegtl::star<LongStringChar<'\''>>, pegtl::must<UnterminatedLongSingle>> {};
// [17] String
struct String : pegtl::sor<StringLiteralLongQuote, StringLiteralLongSingleQuote,
                           StringLiteralQuote, StringLiteralSingleQuote> {};
// clang-format on

// What a reader says when a must<> on one of these terminals fails.
template <typename Rule>
struct TerminalMessage {
  static constexpr const char* value = nullptr;
};
#define RELATA_TERMINAL_MESSAGE(rule, text)      \
  template <>                                    \
  struct TerminalMessage<rule> {                 \
    static constexpr const char* value = text;   \
  }
RELATA_TERMINAL_MESSAGE(IriRefClose,
                        "expected '>' to end the IRI (IRIs cannot contain spaces or any of <>\"{}|^`\\)");
RELATA_TERMINAL_MESSAGE(BlankNodeLabelName, "expected a blank node label after '_:'");
RELATA_TERMINAL_MESSAGE(LangTag, "expected a language tag after '@'");
RELATA_TERMINAL_MESSAGE(LangDirection, "expected 'ltr' or 'rtl' after '--' in the language tag");
RELATA_TERMINAL_MESSAGE(UnterminatedString, "unterminated string: expected '\"' before the end of the line");
RELATA_TERMINAL_MESSAGE(UnterminatedSingle, "unterminated string: expected \"'\" before the end of the line");
RELATA_TERMINAL_MESSAGE(UnterminatedLong, "unterminated long string: expected '\"\"\"'");
RELATA_TERMINAL_MESSAGE(UnterminatedLongSingle, "unterminated long string: expected \"'''\"");
#undef RELATA_TERMINAL_MESSAGE

}  // namespace relata::query::grammar

#endif  // RELATA_QUERY_GRAMMAR_TERMS_H_
