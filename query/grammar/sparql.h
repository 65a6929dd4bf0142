// PEGTL grammar of SPARQL 1.1 Query and Update with the SPARQL 1.2 additions (triple
// terms, reified triples, annotations, VERSION, LANGDIR and the triple
// functions). Numbers in comments are the SPARQL 1.1 grammar productions;
// the terminals are shared with the RDF readers (terms.h). Every token
// swallows the white space and comments after it.
#ifndef RELATA_QUERY_GRAMMAR_SPARQL_H_
#define RELATA_QUERY_GRAMMAR_SPARQL_H_

#include "query/grammar/terms.h"

namespace relata::query::grammar::sparql {

namespace pegtl = tao::pegtl;
using grammar::BlankNodeLabel;
using grammar::IriRef;
using grammar::PnameLn;
using grammar::PnameNs;
using grammar::String;

// clang-format off
// [162] WS, and comments, which may sit between any two tokens.
struct Comment : pegtl::seq<pegtl::one<'#'>, pegtl::until<pegtl::eolf>> {};
struct Skip : pegtl::star<pegtl::sor<pegtl::one<' ', '\t', '\r', '\n'>, Comment>> {};
template <typename... Rules>
struct Tok : pegtl::seq<Rules..., Skip> {};

// Keywords are case-insensitive and end where a name would not go on.
struct NameChar : pegtl::sor<pegtl::identifier_other, pegtl::one<'-'>, pegtl::utf8::range<0x80, 0x10FFFF>> {};
template <typename Text>
struct Keyword : pegtl::seq<Text, pegtl::not_at<NameChar>, Skip> {};
#define RELATA_KEYWORD(name, text) struct name : Keyword<TAO_PEGTL_ISTRING(text)> {}
RELATA_KEYWORD(KwBase, "BASE"); RELATA_KEYWORD(KwPrefix, "PREFIX"); RELATA_KEYWORD(KwVersion, "VERSION");
RELATA_KEYWORD(KwSelect, "SELECT"); RELATA_KEYWORD(KwConstruct, "CONSTRUCT");
RELATA_KEYWORD(KwDescribe, "DESCRIBE"); RELATA_KEYWORD(KwAsk, "ASK");
RELATA_KEYWORD(KwDistinct, "DISTINCT"); RELATA_KEYWORD(KwReduced, "REDUCED"); RELATA_KEYWORD(KwAs, "AS");
RELATA_KEYWORD(KwFrom, "FROM"); RELATA_KEYWORD(KwNamed, "NAMED"); RELATA_KEYWORD(KwWhere, "WHERE");
RELATA_KEYWORD(KwGroup, "GROUP"); RELATA_KEYWORD(KwBy, "BY"); RELATA_KEYWORD(KwHaving, "HAVING");
RELATA_KEYWORD(KwOrder, "ORDER"); RELATA_KEYWORD(KwAsc, "ASC"); RELATA_KEYWORD(KwDesc, "DESC");
RELATA_KEYWORD(KwLimit, "LIMIT"); RELATA_KEYWORD(KwOffset, "OFFSET"); RELATA_KEYWORD(KwValues, "VALUES");
RELATA_KEYWORD(KwOptional, "OPTIONAL"); RELATA_KEYWORD(KwGraph, "GRAPH"); RELATA_KEYWORD(KwService, "SERVICE");
RELATA_KEYWORD(KwSilent, "SILENT"); RELATA_KEYWORD(KwBind, "BIND"); RELATA_KEYWORD(KwUndef, "UNDEF");
RELATA_KEYWORD(KwMinus, "MINUS"); RELATA_KEYWORD(KwUnion, "UNION"); RELATA_KEYWORD(KwFilter, "FILTER");
RELATA_KEYWORD(KwNot, "NOT"); RELATA_KEYWORD(KwIn, "IN"); RELATA_KEYWORD(KwExists, "EXISTS");
RELATA_KEYWORD(KwSeparator, "SEPARATOR"); RELATA_KEYWORD(KwTrue, "true"); RELATA_KEYWORD(KwFalse, "false");
RELATA_KEYWORD(KwCount, "COUNT"); RELATA_KEYWORD(KwSum, "SUM"); RELATA_KEYWORD(KwMin, "MIN");
RELATA_KEYWORD(KwMax, "MAX"); RELATA_KEYWORD(KwAvg, "AVG"); RELATA_KEYWORD(KwSample, "SAMPLE");
RELATA_KEYWORD(KwGroupConcat, "GROUP_CONCAT"); RELATA_KEYWORD(KwRegex, "REGEX");
RELATA_KEYWORD(KwSubstr, "SUBSTR"); RELATA_KEYWORD(KwReplace, "REPLACE"); RELATA_KEYWORD(KwBound, "BOUND");
RELATA_KEYWORD(KwBnode, "BNODE"); RELATA_KEYWORD(KwRand, "RAND"); RELATA_KEYWORD(KwNow, "NOW");
RELATA_KEYWORD(KwUuid, "UUID"); RELATA_KEYWORD(KwStruuid, "STRUUID"); RELATA_KEYWORD(KwConcat, "CONCAT");
RELATA_KEYWORD(KwCoalesce, "COALESCE");
RELATA_KEYWORD(KwLoad, "LOAD"); RELATA_KEYWORD(KwInto, "INTO"); RELATA_KEYWORD(KwClear, "CLEAR");
RELATA_KEYWORD(KwDrop, "DROP"); RELATA_KEYWORD(KwCreate, "CREATE"); RELATA_KEYWORD(KwAdd, "ADD");
RELATA_KEYWORD(KwMove, "MOVE"); RELATA_KEYWORD(KwCopy, "COPY"); RELATA_KEYWORD(KwTo, "TO");
RELATA_KEYWORD(KwDefault, "DEFAULT"); RELATA_KEYWORD(KwAll, "ALL"); RELATA_KEYWORD(KwInsert, "INSERT");
RELATA_KEYWORD(KwDelete, "DELETE"); RELATA_KEYWORD(KwData, "DATA"); RELATA_KEYWORD(KwWith, "WITH");
RELATA_KEYWORD(KwExplain, "EXPLAIN"); RELATA_KEYWORD(KwAnalyze, "ANALYZE");  // relata's, not SPARQL's
RELATA_KEYWORD(KwUsing, "USING");
// relata's PATHS pattern.
RELATA_KEYWORD(KwShortest, "SHORTEST"); RELATA_KEYWORD(KwVia, "VIA"); RELATA_KEYWORD(KwForward, "FORWARD");
RELATA_KEYWORD(KwBackward, "BACKWARD"); RELATA_KEYWORD(KwEither, "EITHER"); RELATA_KEYWORD(KwGraphs, "GRAPHS");
RELATA_KEYWORD(KwConfidence, "CONFIDENCE"); RELATA_KEYWORD(KwWeight, "WEIGHT");
#undef RELATA_KEYWORD
// Not a prefix name either (`paths:x` begins a triple).
struct KwPaths : pegtl::seq<TAO_PEGTL_ISTRING("PATHS"), pegtl::not_at<pegtl::sor<NameChar, pegtl::one<':'>>>, Skip> {};

template <char... Cs>
struct Punct : Tok<pegtl::string<Cs...>> {};
struct LBrace : Punct<'{'> {};
struct RBrace : Punct<'}'> {};
struct LParen : Punct<'('> {};
struct RParen : Punct<')'> {};
struct LBracket : Punct<'['> {};
struct RBracket : Punct<']'> {};
struct Dot : Punct<'.'> {};
struct Comma : Punct<','> {};
struct Semicolon : Punct<';'> {};
struct Star : Tok<pegtl::one<'*'>> {};

// ---- terminals ----
// [166] VARNAME, [143] VAR1, [144] VAR2
struct VarNameStart : pegtl::sor<PnCharsU, pegtl::digit> {};
struct VarNameChar : pegtl::sor<PnCharsU, pegtl::digit,
    pegtl::utf8::ranges<0x00B7, 0x00B7, 0x0300, 0x036F, 0x203F, 0x2040>> {};
struct VarName : pegtl::seq<VarNameStart, pegtl::star<VarNameChar>> {};
struct Var : Tok<pegtl::one<'?', '$'>, VarName> {};
// [136] iri, [137] PrefixedName
struct PrefixedName : pegtl::seq<PnameNs, pegtl::opt<PnLocal>> {};
struct Iri : Tok<pegtl::sor<IriRef, PrefixedName>> {};
// [138] BlankNode, [163] ANON
struct Anon : Tok<pegtl::one<'['>, Skip, pegtl::one<']'>> {};
struct BlankNode : pegtl::sor<Tok<BlankNodeLabel>, Anon> {};
// [161] NIL
struct Nil : Tok<pegtl::one<'('>, Skip, pegtl::one<')'>> {};
// [146]-[151] numbers without a sign; signs belong to [131]-[133].
struct UnsignedDouble : pegtl::sor<
    pegtl::seq<pegtl::plus<pegtl::digit>, pegtl::one<'.'>, pegtl::star<pegtl::digit>, Exponent>,
    pegtl::seq<pegtl::one<'.'>, pegtl::plus<pegtl::digit>, Exponent>,
    pegtl::seq<pegtl::plus<pegtl::digit>, Exponent>> {};
struct UnsignedDecimal : pegtl::seq<pegtl::star<pegtl::digit>, pegtl::one<'.'>, pegtl::plus<pegtl::digit>> {};
struct UnsignedInteger : pegtl::plus<pegtl::digit> {};
struct UnsignedNumber : pegtl::sor<UnsignedDouble, UnsignedDecimal, UnsignedInteger> {};
// [131] NumericLiteralUnsigned, [132] NumericLiteralPositive, [133] NumericLiteralNegative
struct NumericLiteralUnsigned : Tok<UnsignedNumber> {};
struct NumericLiteralPositive : Tok<pegtl::one<'+'>, UnsignedNumber> {};
struct NumericLiteralNegative : Tok<pegtl::one<'-'>, UnsignedNumber> {};
// [130] NumericLiteral
struct NumericLiteral : pegtl::sor<NumericLiteralUnsigned, NumericLiteralPositive, NumericLiteralNegative> {};
// [134] BooleanLiteral
struct BooleanLiteral : pegtl::sor<KwTrue, KwFalse> {};
// [129] RDFLiteral ::= String ( LANGTAG | ( '^^' iri ) )?  (LANG_DIR in 1.2)
struct Datatype : pegtl::seq<Tok<pegtl::string<'^', '^'>>, Iri> {};
struct RdfLiteral : pegtl::seq<Tok<String>, pegtl::opt<pegtl::sor<Tok<LangDir>, Datatype>>> {};
// [97] Integer
struct IntegerValue : Tok<UnsignedInteger> {};

// ---- expressions ----
struct Expression;
struct GroupGraphPattern;
// [120] BrackettedExpression
struct BrackettedExpression : pegtl::seq<LParen, Expression, RParen> {};
// [71] ArgList ::= NIL | '(' 'DISTINCT'? Expression ( ',' Expression )* ')'
struct ArgList : pegtl::sor<Nil, pegtl::seq<LParen, pegtl::opt<KwDistinct>, pegtl::list<Expression, Comma>, RParen>> {};
// [72] ExpressionList
struct ExpressionList : pegtl::sor<Nil, pegtl::seq<LParen, pegtl::list<Expression, Comma>, RParen>> {};
// [128] iriOrFunction ::= iri ArgList?
struct IriOrFunction : pegtl::seq<Iri, pegtl::opt<ArgList>> {};
// [70] FunctionCall ::= iri ArgList
struct FunctionCall : pegtl::seq<Iri, ArgList> {};

template <typename Name, typename... Args>
struct Call : pegtl::seq<Name, LParen, Args..., RParen> {};
template <typename... Args>
struct CommaThen : pegtl::seq<Comma, Args...> {};
// Functions of one, two or three arguments.
template <typename Text>
struct Fn1 : Call<Keyword<Text>, Expression> {};
template <typename Text>
struct Fn2 : Call<Keyword<Text>, Expression, Comma, Expression> {};
template <typename Text>
struct Fn3 : Call<Keyword<Text>, Expression, Comma, Expression, Comma, Expression> {};
template <typename Text>
struct Fn0 : pegtl::seq<Keyword<Text>, Nil> {};

// [127] Aggregate
struct AggregateArgument : pegtl::seq<pegtl::opt<KwDistinct>, Expression> {};
struct Separator : pegtl::seq<Semicolon, KwSeparator, Punct<'='>, Tok<String>> {};
struct Aggregate : pegtl::sor<
    Call<KwCount, pegtl::opt<KwDistinct>, pegtl::sor<Star, Expression>>,
    Call<KwSum, AggregateArgument>, Call<KwMin, AggregateArgument>, Call<KwMax, AggregateArgument>,
    Call<KwAvg, AggregateArgument>, Call<KwSample, AggregateArgument>,
    Call<KwGroupConcat, AggregateArgument, pegtl::opt<Separator>>> {};
// [122] RegexExpression, [123] SubstringExpression, [124] StrReplaceExpression
struct RegexExpression : Call<KwRegex, Expression, Comma, Expression, pegtl::opt<CommaThen<Expression>>> {};
struct SubstringExpression : Call<KwSubstr, Expression, Comma, Expression, pegtl::opt<CommaThen<Expression>>> {};
struct StrReplaceExpression : Call<KwReplace, Expression, Comma, Expression, Comma, Expression,
                                   pegtl::opt<CommaThen<Expression>>> {};
// [125] ExistsFunc, [126] NotExistsFunc
struct ExistsFunc : pegtl::seq<KwExists, GroupGraphPattern> {};
struct NotExistsFunc : pegtl::seq<KwNot, KwExists, GroupGraphPattern> {};

// [121] BuiltInCall. Longer names first where one is a prefix of another
// is not needed: keywords end at a name boundary.
struct BuiltInCall : pegtl::sor<
    Aggregate,
    Fn1<TAO_PEGTL_ISTRING("STR")>, Fn1<TAO_PEGTL_ISTRING("LANG")>, Fn2<TAO_PEGTL_ISTRING("LANGMATCHES")>,
    Fn1<TAO_PEGTL_ISTRING("LANGDIR")>, Fn1<TAO_PEGTL_ISTRING("DATATYPE")>, Call<KwBound, Var>,
    Fn1<TAO_PEGTL_ISTRING("IRI")>, Fn1<TAO_PEGTL_ISTRING("URI")>,
    pegtl::seq<KwBnode, pegtl::sor<Nil, pegtl::seq<LParen, Expression, RParen>>>,
    pegtl::seq<KwRand, Nil>, Fn1<TAO_PEGTL_ISTRING("ABS")>, Fn1<TAO_PEGTL_ISTRING("CEIL")>,
    Fn1<TAO_PEGTL_ISTRING("FLOOR")>, Fn1<TAO_PEGTL_ISTRING("ROUND")>, pegtl::seq<KwConcat, ExpressionList>,
    SubstringExpression, Fn1<TAO_PEGTL_ISTRING("STRLEN")>, StrReplaceExpression,
    Fn1<TAO_PEGTL_ISTRING("UCASE")>, Fn1<TAO_PEGTL_ISTRING("LCASE")>, Fn1<TAO_PEGTL_ISTRING("ENCODE_FOR_URI")>,
    Fn2<TAO_PEGTL_ISTRING("CONTAINS")>, Fn2<TAO_PEGTL_ISTRING("STRSTARTS")>, Fn2<TAO_PEGTL_ISTRING("STRENDS")>,
    Fn2<TAO_PEGTL_ISTRING("STRBEFORE")>, Fn2<TAO_PEGTL_ISTRING("STRAFTER")>,
    Fn1<TAO_PEGTL_ISTRING("YEAR")>, Fn1<TAO_PEGTL_ISTRING("MONTH")>, Fn1<TAO_PEGTL_ISTRING("DAY")>,
    Fn1<TAO_PEGTL_ISTRING("HOURS")>, Fn1<TAO_PEGTL_ISTRING("MINUTES")>, Fn1<TAO_PEGTL_ISTRING("SECONDS")>,
    Fn1<TAO_PEGTL_ISTRING("TIMEZONE")>, Fn1<TAO_PEGTL_ISTRING("TZ")>, pegtl::seq<KwNow, Nil>,
    pegtl::seq<KwUuid, Nil>, pegtl::seq<KwStruuid, Nil>, Fn1<TAO_PEGTL_ISTRING("MD5")>,
    Fn1<TAO_PEGTL_ISTRING("SHA1")>, Fn1<TAO_PEGTL_ISTRING("SHA256")>, Fn1<TAO_PEGTL_ISTRING("SHA384")>,
    Fn1<TAO_PEGTL_ISTRING("SHA512")>, pegtl::seq<KwCoalesce, ExpressionList>, Fn3<TAO_PEGTL_ISTRING("IF")>,
    Fn2<TAO_PEGTL_ISTRING("STRLANG")>, Fn3<TAO_PEGTL_ISTRING("STRLANGDIR")>, Fn2<TAO_PEGTL_ISTRING("STRDT")>,
    Fn2<TAO_PEGTL_ISTRING("sameTerm")>, Fn1<TAO_PEGTL_ISTRING("isIRI")>, Fn1<TAO_PEGTL_ISTRING("isURI")>,
    Fn1<TAO_PEGTL_ISTRING("isBLANK")>, Fn1<TAO_PEGTL_ISTRING("isLITERAL")>, Fn1<TAO_PEGTL_ISTRING("isNUMERIC")>,
    Fn1<TAO_PEGTL_ISTRING("hasLANG")>, Fn1<TAO_PEGTL_ISTRING("hasLANGDIR")>,
    Fn1<TAO_PEGTL_ISTRING("isTRIPLE")>, Fn3<TAO_PEGTL_ISTRING("TRIPLE")>, Fn1<TAO_PEGTL_ISTRING("SUBJECT")>,
    Fn1<TAO_PEGTL_ISTRING("PREDICATE")>, Fn1<TAO_PEGTL_ISTRING("OBJECT")>,
    RegexExpression, ExistsFunc, NotExistsFunc> {};

// SPARQL 1.2 [ExprTripleTerm] <<( subject predicate object )>> in expressions.
struct ExprTripleTerm;
// [119] PrimaryExpression
struct PrimaryExpression : pegtl::sor<BrackettedExpression, BuiltInCall, IriOrFunction, RdfLiteral,
                                      NumericLiteral, BooleanLiteral, Var, ExprTripleTerm> {};
// [118] UnaryExpression (SPARQL 1.2: '!' may repeat, "!!?x")
struct UnaryExpression;
struct UnaryExpression : pegtl::sor<pegtl::seq<Tok<pegtl::one<'!'>, pegtl::not_at<pegtl::one<'='>>>, UnaryExpression>,
                                    pegtl::seq<Punct<'+'>, PrimaryExpression>,
                                    pegtl::seq<Punct<'-'>, PrimaryExpression>, PrimaryExpression> {};
// [117] MultiplicativeExpression
struct MultiplicativeExpression : pegtl::seq<UnaryExpression,
    pegtl::star<pegtl::sor<Star, Punct<'/'>>, UnaryExpression>> {};
// [116] AdditiveExpression: "?a +1" is ?a plus 1, the sign read with the number.
struct AdditiveExpression : pegtl::seq<MultiplicativeExpression, pegtl::star<pegtl::sor<
    pegtl::seq<pegtl::sor<NumericLiteralPositive, NumericLiteralNegative>,
               pegtl::star<pegtl::sor<Star, Punct<'/'>>, UnaryExpression>>,
    pegtl::seq<pegtl::sor<Punct<'+'>, Punct<'-'>>, MultiplicativeExpression>>>> {};
// [114] RelationalExpression
// Tokens are the longest match: in "?x<?a&&?b>?y", "<?a&&?b>" is an IRI.
// (IriRef itself would raise its "expected '>'" error on "< ?a".)
struct IriRefAhead : pegtl::seq<pegtl::one<'<'>, IriRefBody, pegtl::one<'>'>> {};
struct LessThan : pegtl::seq<pegtl::not_at<IriRefAhead>, Punct<'<'>> {};
struct RelationalOperator : pegtl::sor<Punct<'!', '='>, Punct<'<', '='>, Punct<'>', '='>,
                                       Punct<'='>, LessThan, Punct<'>'>> {};
struct RelationalExpression : pegtl::seq<AdditiveExpression, pegtl::opt<pegtl::sor<
    pegtl::seq<RelationalOperator, AdditiveExpression>,
    pegtl::seq<KwIn, ExpressionList>, pegtl::seq<KwNot, KwIn, ExpressionList>>>> {};
// [112] ConditionalAndExpression, [111] ConditionalOrExpression, [110] Expression
struct ConditionalAndExpression : pegtl::list<RelationalExpression, Punct<'&', '&'>> {};
struct ConditionalOrExpression : pegtl::list<ConditionalAndExpression, Punct<'|', '|'>> {};
struct Expression : ConditionalOrExpression {};
// [69] Constraint
struct Constraint : pegtl::sor<BrackettedExpression, BuiltInCall, FunctionCall> {};

// ---- triple patterns ----
struct TriplesNode;
struct TriplesNodePath;
struct ReifiedTriple;
struct TripleTerm;
// [109] GraphTerm
struct GraphTerm : pegtl::sor<Iri, RdfLiteral, NumericLiteral, BooleanLiteral, BlankNode, Nil, TripleTerm> {};
// [106] VarOrTerm, [107] VarOrIri
struct VarOrTerm : pegtl::sor<Var, GraphTerm> {};
struct VarOrIri : pegtl::sor<Var, Iri> {};
// SPARQL 1.2 triple terms <<( s p o )>> (no blank node property lists inside).
struct TtOpen : Tok<pegtl::string<'<', '<', '('>> {};
struct TtClose : Tok<pegtl::string<')', '>', '>'>> {};
struct TripleTermSubject : pegtl::sor<Var, Iri, BlankNode, TripleTerm> {};
struct TripleTermObject : pegtl::sor<Var, Iri, RdfLiteral, NumericLiteral, BooleanLiteral, BlankNode, TripleTerm> {};
struct A : Keyword<pegtl::one<'a'>> {};
struct TripleTerm : pegtl::seq<TtOpen, TripleTermSubject, pegtl::sor<Var, Iri, A>, TripleTermObject, TtClose> {};
struct ExprTripleTerm : pegtl::seq<TtOpen, pegtl::sor<Var, Iri>, pegtl::sor<Var, Iri, A>,
    pegtl::sor<Var, Iri, RdfLiteral, NumericLiteral, BooleanLiteral, ExprTripleTerm>, TtClose> {};
// Reified triples << s p o ~ r >> and annotations ~ r {| ... |}.
struct RtOpen : Tok<pegtl::string<'<', '<'>, pegtl::not_at<pegtl::one<'('>>> {};
struct RtClose : Tok<pegtl::string<'>', '>'>> {};
struct Reifier : pegtl::seq<Punct<'~'>, pegtl::opt<pegtl::sor<Var, Iri, BlankNode>>> {};
struct ReifiedSubject : pegtl::sor<Var, Iri, RdfLiteral, NumericLiteral, BooleanLiteral, BlankNode, ReifiedTriple, TripleTerm> {};
struct ReifiedTriple : pegtl::seq<RtOpen, ReifiedSubject, pegtl::sor<Var, Iri, A>, ReifiedSubject,
                                  pegtl::opt<Reifier>, RtClose> {};

// [78] Verb
struct Verb : pegtl::sor<VarOrIri, A> {};
struct PropertyListNotEmpty;
struct PropertyListPathNotEmpty;
struct AnnotationBlock : pegtl::seq<Punct<'{', '|'>, PropertyListNotEmpty, Punct<'|', '}'>> {};
struct AnnotationPathBlock : pegtl::seq<Punct<'{', '|'>, PropertyListPathNotEmpty, Punct<'|', '}'>> {};
struct Annotation : pegtl::star<pegtl::sor<Reifier, AnnotationBlock>> {};
struct AnnotationPath : pegtl::star<pegtl::sor<Reifier, AnnotationPathBlock>> {};
// [104] GraphNode, [105] GraphNodePath
struct GraphNode : pegtl::sor<VarOrTerm, TriplesNode, ReifiedTriple> {};
struct GraphNodePath : pegtl::sor<VarOrTerm, TriplesNodePath, ReifiedTriple> {};
// [80] Object, [79] ObjectList, [87] ObjectPath, [86] ObjectListPath
struct Object : pegtl::seq<GraphNode, Annotation> {};
struct ObjectList : pegtl::list<Object, Comma> {};
struct ObjectPath : pegtl::seq<GraphNodePath, AnnotationPath> {};
struct ObjectListPath : pegtl::list<ObjectPath, Comma> {};
// [77] PropertyListNotEmpty, [76] PropertyList
struct PropertyListNotEmpty : pegtl::seq<Verb, ObjectList, pegtl::star<Semicolon, pegtl::opt<Verb, ObjectList>>> {};
struct PropertyList : pegtl::opt<PropertyListNotEmpty> {};

// ---- property paths ----
struct Path;
// [96] PathOneInPropertySet
struct PathOneInPropertySet : pegtl::sor<Iri, A, pegtl::seq<Punct<'^'>, pegtl::sor<Iri, A>>> {};
// [95] PathNegatedPropertySet
struct PathNegatedPropertySet : pegtl::sor<PathOneInPropertySet,
    pegtl::seq<LParen, pegtl::opt<pegtl::list<PathOneInPropertySet, Punct<'|'>>>, RParen>> {};
// [94] PathPrimary
struct PathPrimary : pegtl::sor<Iri, A, pegtl::seq<Punct<'!'>, PathNegatedPropertySet>,
                                pegtl::seq<LParen, Path, RParen>> {};
// [93] PathMod: '?' '*' '+' — a '?' right before a name is a variable, not a modifier.
struct PathMod : pegtl::sor<Tok<pegtl::one<'?'>, pegtl::not_at<VarNameStart>>, Star, Punct<'+'>> {};
// [91] PathElt, [92] PathEltOrInverse
struct PathElt : pegtl::seq<PathPrimary, pegtl::opt<PathMod>> {};
struct PathEltOrInverse : pegtl::sor<pegtl::seq<Punct<'^'>, PathElt>, PathElt> {};
// [90] PathSequence, [89] PathAlternative, [88] Path
struct PathSequence : pegtl::list<PathEltOrInverse, Punct<'/'>> {};
struct PathAlternative : pegtl::list<PathSequence, Tok<pegtl::one<'|'>, pegtl::not_at<pegtl::one<'|', '}'>>>> {};
struct Path : PathAlternative {};
// [84] VerbPath, [85] VerbSimple. Only a variable, an IRI or 'a' may have
// annotated objects (SPARQL 1.2); a longer path may not.
struct PathOperatorNext : pegtl::sor<pegtl::one<'/', '|', '*', '+'>,
                                     pegtl::seq<pegtl::one<'?'>, pegtl::not_at<VarNameStart>>> {};
struct SimpleVerb : pegtl::sor<Var, pegtl::seq<pegtl::sor<Iri, A>, pegtl::not_at<PathOperatorNext>>> {};
struct ObjectListPlainPath : pegtl::list<GraphNodePath, Comma> {};
struct VerbObjectListPath : pegtl::sor<pegtl::seq<SimpleVerb, ObjectListPath>,
                                       pegtl::seq<Path, ObjectListPlainPath>> {};
// [83] PropertyListPathNotEmpty, [82] PropertyListPath
struct PropertyListPathNotEmpty : pegtl::seq<VerbObjectListPath,
    pegtl::star<Semicolon, pegtl::opt<VerbObjectListPath>>> {};
struct PropertyListPath : pegtl::opt<PropertyListPathNotEmpty> {};

// [99] BlankNodePropertyList, [102] Collection, [98] TriplesNode
struct BlankNodePropertyList : pegtl::seq<LBracket, PropertyListNotEmpty, RBracket> {};
struct Collection : pegtl::seq<LParen, pegtl::plus<GraphNode>, RParen> {};
struct TriplesNode : pegtl::sor<Collection, BlankNodePropertyList> {};
// [101] BlankNodePropertyListPath, [103] CollectionPath, [100] TriplesNodePath
struct BlankNodePropertyListPath : pegtl::seq<LBracket, PropertyListPathNotEmpty, RBracket> {};
struct CollectionPath : pegtl::seq<LParen, pegtl::plus<GraphNodePath>, RParen> {};
struct TriplesNodePath : pegtl::sor<CollectionPath, BlankNodePropertyListPath> {};

// [75] TriplesSameSubject, [81] TriplesSameSubjectPath (1.2: a reified triple may lead)
struct TriplesSameSubject : pegtl::sor<pegtl::seq<VarOrTerm, PropertyListNotEmpty>,
                                       pegtl::seq<TriplesNode, PropertyList>,
                                       pegtl::seq<ReifiedTriple, PropertyList>> {};
struct TriplesSameSubjectPath : pegtl::sor<pegtl::seq<VarOrTerm, PropertyListPathNotEmpty>,
                                           pegtl::seq<TriplesNodePath, PropertyListPath>,
                                           pegtl::seq<ReifiedTriple, PropertyListPath>> {};
// [55] TriplesBlock, [52] TriplesTemplate, [74] ConstructTriples
// "a . b ." but not "a . . b": the recursive form of the spec, unrolled.
struct TriplesBlock : pegtl::seq<TriplesSameSubjectPath, pegtl::star<Dot, TriplesSameSubjectPath>, pegtl::opt<Dot>> {};
struct TriplesTemplate : pegtl::seq<TriplesSameSubject, pegtl::star<Dot, TriplesSameSubject>, pegtl::opt<Dot>> {};
struct ConstructTriples : TriplesTemplate {};
// [73] ConstructTemplate
struct ConstructTemplate : pegtl::seq<LBrace, pegtl::opt<ConstructTriples>, RBrace> {};

// ---- graph patterns ----
// [65] DataBlockValue (1.2: triple terms of constants)
struct DataTripleTerm;
struct DataBlockValue : pegtl::sor<Iri, RdfLiteral, NumericLiteral, BooleanLiteral, KwUndef, DataTripleTerm> {};
struct DataTripleTerm : pegtl::seq<TtOpen, Iri, pegtl::sor<Iri, A>,
    pegtl::sor<Iri, RdfLiteral, NumericLiteral, BooleanLiteral, DataTripleTerm>, TtClose> {};
// [63] InlineDataOneVar, [64] InlineDataFull, [62] DataBlock
// Every row has as many values as there are variables; actions check it on
// these markers.
struct ValuesVar : pegtl::seq<Var> {};
struct ValuesValue : pegtl::seq<DataBlockValue> {};
struct ValuesRowStart : pegtl::success {};
struct ValuesRowEnd : pegtl::success {};
struct ValuesRow : pegtl::sor<pegtl::seq<Nil, ValuesRowStart, ValuesRowEnd>,
                              pegtl::seq<LParen, ValuesRowStart, pegtl::star<ValuesValue>, RParen, ValuesRowEnd>> {};
struct ValuesHeaderStart : pegtl::success {};
struct InlineDataOneVar : pegtl::seq<ValuesHeaderStart, ValuesVar, LBrace, pegtl::star<ValuesValue>, RBrace> {};
struct InlineDataFull : pegtl::seq<ValuesHeaderStart,
    pegtl::sor<Nil, pegtl::seq<LParen, pegtl::star<ValuesVar>, RParen>>, LBrace,
    pegtl::star<ValuesRow>, RBrace> {};
struct DataBlock : pegtl::sor<InlineDataOneVar, InlineDataFull> {};
// [61] InlineData, [28] ValuesClause
struct InlineData : pegtl::seq<KwValues, DataBlock> {};
struct ValuesClause : pegtl::opt<InlineData> {};
// [57]-[60], [66]-[68]
struct OptionalGraphPattern : pegtl::seq<KwOptional, GroupGraphPattern> {};
struct GraphGraphPattern : pegtl::seq<KwGraph, VarOrIri, GroupGraphPattern> {};
struct ServiceGraphPattern : pegtl::seq<KwService, pegtl::opt<KwSilent>, VarOrIri, GroupGraphPattern> {};
struct Bind : pegtl::seq<KwBind, LParen, Expression, KwAs, Var, RParen> {};
struct MinusGraphPattern : pegtl::seq<KwMinus, GroupGraphPattern> {};
struct GroupOrUnionGraphPattern : pegtl::list<GroupGraphPattern, KwUnion> {};
struct Filter : pegtl::seq<KwFilter, Constraint> {};
// relata's PATHS: PATHS mode FROM x TO y option* AS (?v ...) | AS ?v
struct PathsAllShortest : pegtl::seq<KwAll, KwShortest> {};
struct PathsShortest : pegtl::seq<KwShortest, pegtl::opt<IntegerValue>> {};
struct PathsAll : pegtl::seq<KwAll> {};
struct PathsFrom : pegtl::seq<KwFrom, VarOrTerm> {};
struct PathsTo : pegtl::seq<KwTo, VarOrTerm> {};
struct PathsVia : pegtl::seq<KwVia, Path> {};
struct PathsMax : pegtl::seq<KwMax, IntegerValue> {};
struct PathsGraphs : pegtl::seq<KwGraphs, LParen, pegtl::star<Iri>, RParen> {};
struct PathsConfidence : pegtl::seq<KwConfidence, Punct<'>', '='>, NumericLiteralUnsigned> {};
struct PathsLimit : pegtl::seq<KwLimit, IntegerValue> {};
struct PathsWeight : pegtl::seq<KwWeight, pegtl::sor<BrackettedExpression, Var>> {};
struct PathsOption : pegtl::sor<PathsVia, KwForward, KwBackward, KwEither, PathsMax, PathsGraphs, PathsConfidence,
                                PathsLimit, PathsWeight> {};
struct PathsColumns : pegtl::sor<pegtl::seq<LParen, pegtl::plus<Var>, RParen>, Var> {};
struct PathsPattern : pegtl::seq<KwPaths, pegtl::sor<PathsAllShortest, PathsShortest, PathsAll>, PathsFrom, PathsTo,
                                 pegtl::star<PathsOption>, KwAs, PathsColumns> {};
// [56] GraphPatternNotTriples
struct GraphPatternNotTriples : pegtl::sor<GroupOrUnionGraphPattern, OptionalGraphPattern, MinusGraphPattern,
                                           GraphGraphPattern, ServiceGraphPattern, Filter, Bind, InlineData,
                                           PathsPattern> {};
// [54] GroupGraphPatternSub
struct GroupGraphPatternSub : pegtl::seq<pegtl::opt<TriplesBlock>,
    pegtl::star<GraphPatternNotTriples, pegtl::opt<Dot>, pegtl::opt<TriplesBlock>>> {};

// ---- queries ----
// [9] SelectClause
struct SelectExpression : pegtl::seq<LParen, Expression, KwAs, Var, RParen> {};
struct SelectClause : pegtl::seq<KwSelect, pegtl::opt<pegtl::sor<KwDistinct, KwReduced>>,
                                 pegtl::sor<Star, pegtl::plus<pegtl::sor<Var, SelectExpression>>>> {};
// [19]-[27] solution modifiers
struct GroupCondition : pegtl::sor<BuiltInCall, FunctionCall,
    pegtl::seq<LParen, Expression, pegtl::opt<KwAs, Var>, RParen>, Var> {};
struct GroupClause : pegtl::seq<KwGroup, KwBy, pegtl::plus<GroupCondition>> {};
struct HavingClause : pegtl::seq<KwHaving, pegtl::plus<Constraint>> {};
struct OrderCondition : pegtl::sor<pegtl::seq<pegtl::sor<KwAsc, KwDesc>, BrackettedExpression>, Constraint, Var> {};
struct OrderClause : pegtl::seq<KwOrder, KwBy, pegtl::plus<OrderCondition>> {};
struct LimitClause : pegtl::seq<KwLimit, IntegerValue> {};
struct OffsetClause : pegtl::seq<KwOffset, IntegerValue> {};
struct LimitOffsetClauses : pegtl::sor<pegtl::seq<LimitClause, pegtl::opt<OffsetClause>>,
                                       pegtl::seq<OffsetClause, pegtl::opt<LimitClause>>> {};
struct SolutionModifier : pegtl::seq<pegtl::opt<GroupClause>, pegtl::opt<HavingClause>,
                                     pegtl::opt<OrderClause>, pegtl::opt<LimitOffsetClauses>> {};
// [17] WhereClause
struct WhereClause : pegtl::seq<pegtl::opt<KwWhere>, GroupGraphPattern> {};
// [8] SubSelect
struct SubSelect : pegtl::seq<SelectClause, WhereClause, SolutionModifier, ValuesClause> {};
// [53] GroupGraphPattern
struct GroupGraphPattern : pegtl::seq<LBrace, pegtl::sor<SubSelect, GroupGraphPatternSub>, RBrace> {};
// [13]-[16] DatasetClause
struct DatasetClause : pegtl::seq<KwFrom, pegtl::opt<KwNamed>, Iri> {};
// [7] SelectQuery, [10] ConstructQuery, [11] DescribeQuery, [12] AskQuery
struct SelectQuery : pegtl::seq<SelectClause, pegtl::star<DatasetClause>, WhereClause, SolutionModifier> {};
struct ConstructQuery : pegtl::seq<KwConstruct, pegtl::sor<
    pegtl::seq<ConstructTemplate, pegtl::star<DatasetClause>, WhereClause, SolutionModifier>,
    pegtl::seq<pegtl::star<DatasetClause>, KwWhere, LBrace, pegtl::opt<TriplesTemplate>, RBrace, SolutionModifier>>> {};
struct DescribeQuery : pegtl::seq<KwDescribe, pegtl::sor<Star, pegtl::plus<VarOrIri>>,
                                  pegtl::star<DatasetClause>, pegtl::opt<WhereClause>, SolutionModifier> {};
struct AskQuery : pegtl::seq<KwAsk, pegtl::star<DatasetClause>, WhereClause, SolutionModifier> {};
// [4] Prologue, [5] BaseDecl, [6] PrefixDecl; 1.2 VersionDecl
struct BaseDecl : pegtl::seq<KwBase, Tok<IriRef>> {};
struct PrefixDecl : pegtl::seq<KwPrefix, Tok<PnameNs>, Tok<IriRef>> {};
struct VersionDecl : pegtl::seq<KwVersion, Tok<pegtl::sor<StringLiteralQuote, StringLiteralSingleQuote>>> {};
struct Prologue : pegtl::star<pegtl::sor<BaseDecl, PrefixDecl, VersionDecl>> {};
// [2] Query, [1] QueryUnit
struct Query : pegtl::seq<Prologue, pegtl::sor<SelectQuery, ConstructQuery, DescribeQuery, AskQuery>, ValuesClause> {};
struct QueryUnit : pegtl::seq<Skip, Query, pegtl::eof> {};

// ---- SPARQL 1.1 Update ----
// [46] GraphRef, [47] GraphRefAll, [45] GraphOrDefault
struct GraphRef : pegtl::seq<KwGraph, Iri> {};
struct GraphRefAll : pegtl::sor<GraphRef, KwDefault, KwNamed, KwAll> {};
struct GraphOrDefault : pegtl::sor<KwDefault, pegtl::seq<pegtl::opt<KwGraph>, Iri>> {};
// [51] QuadsNotTriples, [50] Quads, [48] QuadPattern, [49] QuadData
struct QuadsNotTriples : pegtl::seq<KwGraph, VarOrIri, LBrace, pegtl::opt<TriplesTemplate>, RBrace> {};
struct Quads : pegtl::seq<pegtl::opt<TriplesTemplate>,
                          pegtl::star<QuadsNotTriples, pegtl::opt<Dot>, pegtl::opt<TriplesTemplate>>> {};
struct QuadPattern : pegtl::seq<LBrace, Quads, RBrace> {};
// [31]-[37] graph management
struct Load : pegtl::seq<KwLoad, pegtl::opt<KwSilent>, Iri, pegtl::opt<KwInto, GraphRef>> {};
struct Clear : pegtl::seq<KwClear, pegtl::opt<KwSilent>, GraphRefAll> {};
struct Drop : pegtl::seq<KwDrop, pegtl::opt<KwSilent>, GraphRefAll> {};
struct Create : pegtl::seq<KwCreate, pegtl::opt<KwSilent>, GraphRef> {};
struct AddGraph : pegtl::seq<KwAdd, pegtl::opt<KwSilent>, GraphOrDefault, KwTo, GraphOrDefault> {};
struct MoveGraph : pegtl::seq<KwMove, pegtl::opt<KwSilent>, GraphOrDefault, KwTo, GraphOrDefault> {};
struct CopyGraph : pegtl::seq<KwCopy, pegtl::opt<KwSilent>, GraphOrDefault, KwTo, GraphOrDefault> {};
// [38]-[44] INSERT DATA, DELETE DATA, DELETE WHERE, DELETE/INSERT ... WHERE
struct InsertData : pegtl::seq<KwInsert, KwData, QuadPattern> {};
struct DeleteData : pegtl::seq<KwDelete, KwData, QuadPattern> {};
struct DeleteWhere : pegtl::seq<KwDelete, KwWhere, QuadPattern> {};
struct DeleteClause : pegtl::seq<KwDelete, QuadPattern> {};
struct InsertClause : pegtl::seq<KwInsert, QuadPattern> {};
struct WithClause : pegtl::seq<KwWith, Iri> {};
struct UsingClause : pegtl::seq<KwUsing, pegtl::opt<KwNamed>, Iri> {};
struct Modify : pegtl::seq<pegtl::opt<WithClause>,
                           pegtl::sor<pegtl::seq<DeleteClause, pegtl::opt<InsertClause>>, InsertClause>,
                           pegtl::star<UsingClause>, KwWhere, GroupGraphPattern> {};
// [30] Update1, [29] Update (unrolled: operations separated by ';', each
// after its own prologue, and a ';' may end the request)
struct Update1 : pegtl::sor<Load, Clear, Drop, AddGraph, MoveGraph, CopyGraph, Create, InsertData,
                            DeleteData, DeleteWhere, Modify> {};
struct Update : pegtl::seq<Prologue, pegtl::opt<Update1, pegtl::star<Semicolon, Prologue, Update1>,
                                                pegtl::opt<Semicolon, Prologue>>> {};
struct UpdateUnit : pegtl::seq<Skip, Update, pegtl::eof> {};

// ---- what a request is, before parsing it ----
// An update begins, after its prologue, with an update keyword, or is only
// a prologue (and comments): the empty request.
struct UpdateStart : pegtl::seq<Skip, Prologue, pegtl::sor<KwInsert, KwDelete, KwLoad, KwClear, KwDrop, KwCreate,
                                                             KwAdd, KwMove, KwCopy, KwWith, pegtl::eof>> {};
// relata's EXPLAIN [ANALYZE] before a query.
struct ExplainAnalyze : KwAnalyze {};
struct ExplainPrefix : pegtl::seq<Skip, KwExplain, pegtl::opt<ExplainAnalyze>> {};
// clang-format on

}  // namespace relata::query::grammar::sparql

#endif  // RELATA_QUERY_GRAMMAR_SPARQL_H_
