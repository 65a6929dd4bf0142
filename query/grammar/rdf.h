// PEGTL grammars of N-Triples, N-Quads, Turtle and TriG 1.2. Each top-level
// rule matches one statement, so a reader parses a stream statement by
// statement in bounded memory. Rules that carry actions never backtrack after
// an action ran: choices are decided by the first token.
#ifndef RELATA_QUERY_GRAMMAR_RDF_H_
#define RELATA_QUERY_GRAMMAR_RDF_H_

#include "query/grammar/terms.h"

namespace relata::query::grammar {

// clang-format off
struct Comment : pegtl::seq<pegtl::one<'#'>, pegtl::until<pegtl::eolf>> {};
struct Ws : pegtl::star<pegtl::sor<pegtl::one<' ', '\t', '\r', '\n'>, Comment>> {};
template <typename... Rules>
struct Tok : pegtl::seq<Rules..., Ws> {};

// Places a parsed term is put; actions on these move the last term there.
struct Iri : pegtl::sor<IriRef, PrefixedName> {};
struct Anon : pegtl::seq<pegtl::one<'['>, Ws, pegtl::one<']'>> {};
struct BlankNode : pegtl::sor<BlankNodeLabel, Anon> {};

// ---- N-Triples / N-Quads (RDF 1.2) ----
struct NtSpace : pegtl::star<pegtl::one<' ', '\t'>> {};
struct NtIri : pegtl::seq<IriRef> {};
struct NtDatatype : pegtl::seq<pegtl::string<'^', '^'>, NtSpace, pegtl::must<NtIri>> {};
struct NtLiteral : pegtl::seq<StringLiteralQuote, pegtl::opt<NtSpace, pegtl::sor<LangDir, NtDatatype>>> {};
struct NtTripleTerm;
struct NtSubjectTerm : pegtl::sor<NtIri, BlankNodeLabel> {};
struct NtObjectTerm : pegtl::sor<NtIri, BlankNodeLabel, NtLiteral, NtTripleTerm> {};
struct TtOpen : pegtl::string<'<', '<', '('> {};
struct TtClose : pegtl::string<')', '>', '>'> {};
struct TtSubject : pegtl::seq<NtSubjectTerm> {};
struct TtPredicate : pegtl::seq<NtIri> {};
struct TtObject : pegtl::seq<NtObjectTerm> {};
struct ExpectTtSubject : pegtl::seq<TtSubject> {};
struct ExpectTtPredicate : pegtl::seq<TtPredicate> {};
struct ExpectTtObject : pegtl::seq<TtObject> {};
struct ExpectTtClose : pegtl::seq<TtClose> {};
// [10] tripleTerm ::= '<<(' subject predicate object ')>>'
struct NtTripleTerm : pegtl::if_must<TtOpen, NtSpace, ExpectTtSubject, NtSpace, ExpectTtPredicate,
                                     NtSpace, ExpectTtObject, NtSpace, ExpectTtClose> {};
struct NtSubject : pegtl::seq<NtSubjectTerm> {};
struct NtPredicate : pegtl::seq<NtIri> {};
struct NtObject : pegtl::seq<NtObjectTerm> {};
struct NtGraph : pegtl::sor<NtIri, BlankNodeLabel> {};
struct ExpectSubject : pegtl::seq<NtSubject> {};
struct ExpectPredicate : pegtl::seq<NtPredicate> {};
struct ExpectObject : pegtl::seq<NtObject> {};
struct ExpectDot : pegtl::one<'.'> {};
struct ExpectEol : pegtl::sor<pegtl::eolf, Comment> {};
struct StatementEnd : pegtl::success {};
struct NtBlank : pegtl::sor<pegtl::eol, Comment> {};
// [2] triple ::= subject predicate object '.'
struct NtTriple : pegtl::if_must<pegtl::at<pegtl::one<'<', '_'>>, ExpectSubject, NtSpace,
    ExpectPredicate, NtSpace, ExpectObject, NtSpace, ExpectDot, NtSpace, ExpectEol, StatementEnd> {};
// [2] statement ::= subject predicate object graphLabel? '.'
struct NqQuad : pegtl::if_must<pegtl::at<pegtl::one<'<', '_'>>, ExpectSubject, NtSpace,
    ExpectPredicate, NtSpace, ExpectObject, NtSpace, pegtl::opt<NtGraph, NtSpace>, ExpectDot,
    NtSpace, ExpectEol, StatementEnd> {};
struct NtStatement : pegtl::seq<NtSpace, pegtl::sor<NtBlank, NtTriple, pegtl::eof>> {};
struct NqStatement : pegtl::seq<NtSpace, pegtl::sor<NtBlank, NqQuad, pegtl::eof>> {};

// ---- Turtle / TriG (RDF 1.2) ----
struct A : pegtl::seq<pegtl::one<'a'>, pegtl::not_at<pegtl::sor<PnChars, pegtl::one<':', '.'>>>> {};
struct BooleanLiteral : pegtl::seq<pegtl::sor<pegtl::string<'t', 'r', 'u', 'e'>,
    pegtl::string<'f', 'a', 'l', 's', 'e'>>, pegtl::not_at<pegtl::sor<PnChars, pegtl::one<':'>>>> {};
struct Datatype : pegtl::seq<pegtl::string<'^', '^'>, Ws, pegtl::must<Iri>> {};
// [19] RDFLiteral ::= String (LANG_DIR | '^^' iri)?
struct RdfLiteral : pegtl::seq<String, pegtl::opt<pegtl::sor<LangDir, Datatype>>> {};
// [15] literal ::= RDFLiteral | NumericLiteral | BooleanLiteral
struct Literal : pegtl::sor<RdfLiteral, NumericLiteral, BooleanLiteral> {};

struct PredicateObjectList;
struct Object;
struct Predicate : pegtl::seq<Iri> {};
struct Verb : pegtl::sor<Predicate, A> {};
struct ExpectVerb : pegtl::seq<Verb> {};

struct BnplOpen : pegtl::one<'['> {};
struct BnplClose : pegtl::one<']'> {};
// [16] blankNodePropertyList ::= '[' predicateObjectList ']'
struct BlankNodePropertyList : pegtl::if_must<BnplOpen, Ws, PredicateObjectList, BnplClose> {};
struct CollectionOpen : pegtl::one<'('> {};
struct CollectionClose : pegtl::one<')'> {};
// [17] collection ::= '(' object* ')'
struct Collection : pegtl::if_must<CollectionOpen, Ws, pegtl::star<Object>, CollectionClose> {};

struct ReifierId : pegtl::sor<Iri, BlankNode> {};
// [26] reifier ::= '~' (iri | BlankNode)?
struct Reifier : pegtl::seq<pegtl::one<'~'>, Ws, pegtl::opt<ReifierId>, Ws> {};
struct ReifiedTriple;
struct TurtleTripleTerm;
struct RtOpen : pegtl::seq<pegtl::string<'<', '<'>, pegtl::not_at<pegtl::one<'('>>> {};
struct RtClose : pegtl::string<'>', '>'> {};
// [28] rtSubject ::= iri | BlankNode | reifiedTriple
struct RtSubject : pegtl::sor<Iri, BlankNode, ReifiedTriple> {};
// [29] rtObject ::= iri | BlankNode | literal | tripleTerm | reifiedTriple
struct RtObject : pegtl::sor<Iri, BlankNode, Literal, TurtleTripleTerm, ReifiedTriple> {};
struct RtVerb : pegtl::seq<Verb> {};
struct ExpectRtSubject : pegtl::seq<RtSubject> {};
struct ExpectRtVerb : pegtl::seq<RtVerb> {};
struct ExpectRtObject : pegtl::seq<RtObject> {};
struct ExpectRtClose : pegtl::seq<RtClose> {};
// [27] reifiedTriple ::= '<<' rtSubject verb rtObject reifier? '>>'
struct ReifiedTriple : pegtl::if_must<RtOpen, Ws, ExpectRtSubject, Ws, ExpectRtVerb, Ws,
                                      ExpectRtObject, Ws, pegtl::opt<Reifier>, ExpectRtClose> {};
// [31] ttSubject ::= iri | BlankNode ; [32] ttObject ::= iri | BlankNode | literal | tripleTerm
struct TurtleTtSubject : pegtl::sor<Iri, BlankNode> {};
struct TurtleTtVerb : pegtl::seq<Verb> {};
struct TurtleTtObject : pegtl::sor<Iri, BlankNode, Literal, TurtleTripleTerm> {};
struct ExpectTurtleTtSubject : pegtl::seq<TurtleTtSubject> {};
struct ExpectTurtleTtVerb : pegtl::seq<TurtleTtVerb> {};
struct ExpectTurtleTtObject : pegtl::seq<TurtleTtObject> {};
// [30] tripleTerm ::= '<<(' ttSubject verb ttObject ')>>'
struct TurtleTripleTerm : pegtl::if_must<TtOpen, Ws, ExpectTurtleTtSubject, Ws, ExpectTurtleTtVerb,
    Ws, ExpectTurtleTtObject, Ws, ExpectTtClose> {};

struct AnnotationOpen : pegtl::string<'{', '|'> {};
struct AnnotationClose : pegtl::string<'|', '}'> {};
// [34] annotationBlock ::= '{|' predicateObjectList '|}'
struct AnnotationBlock : pegtl::if_must<AnnotationOpen, Ws, PredicateObjectList, AnnotationClose> {};
// [33] annotation ::= (reifier | annotationBlock)*
struct Annotation : pegtl::star<pegtl::sor<Reifier, AnnotationBlock>, Ws> {};

// [14] object ::= iri | BlankNode | collection | blankNodePropertyList | literal | tripleTerm | reifiedTriple
struct Object : pegtl::seq<pegtl::sor<Iri, BlankNode, Collection, BlankNodePropertyList, Literal,
                                      TurtleTripleTerm, ReifiedTriple>, Ws> {};
struct ExpectObject2 : pegtl::seq<Object> {};
struct AnnotatedObject : pegtl::seq<ExpectObject2, Annotation> {};
// [10] objectList ::= object annotation (',' object annotation)*
struct ObjectList : pegtl::list<AnnotatedObject, pegtl::seq<pegtl::one<','>, Ws>> {};
// [9] predicateObjectList ::= verb objectList (';' (verb objectList)?)*
struct PredicateObjectList : pegtl::seq<ExpectVerb, Ws, ObjectList,
    pegtl::star<pegtl::one<';'>, Ws, pegtl::opt<Verb, Ws, ObjectList>>> {};

struct SubjectIri : pegtl::seq<Iri> {};
struct SubjectBlank : pegtl::seq<BlankNode> {};
struct SubjectCollection : pegtl::seq<Collection> {};
struct SubjectBnpl : pegtl::seq<BlankNodePropertyList> {};
struct SubjectReified : pegtl::seq<ReifiedTriple> {};
struct SubjectDone : pegtl::success {};
struct TriplesDone : pegtl::success {};
// [8] triples ::= subject predicateObjectList | blankNodePropertyList predicateObjectList? |
//                 reifiedTriple predicateObjectList?
struct Triples : pegtl::sor<
    pegtl::seq<pegtl::sor<SubjectIri, SubjectBlank, SubjectCollection>, SubjectDone, Ws,
               pegtl::must<PredicateObjectList>, TriplesDone>,
    pegtl::seq<pegtl::sor<SubjectBnpl, SubjectReified>, SubjectDone, Ws,
               pegtl::opt<pegtl::at<pegtl::not_one<'.', '}'>>, PredicateObjectList>, TriplesDone>> {};

struct PrefixName : pegtl::seq<PnameNs> {};
struct PrefixIri : pegtl::seq<IriRef> {};
struct BaseIri : pegtl::seq<IriRef> {};
struct VersionString : pegtl::sor<StringLiteralQuote, StringLiteralSingleQuote> {};
template <char... Cs> struct Keyword : pegtl::seq<pegtl::istring<Cs...>, pegtl::not_at<pegtl::sor<PnChars, pegtl::one<':'>>>> {};
struct ExpectPrefixName : pegtl::seq<PrefixName> {};
struct ExpectPrefixIri : pegtl::seq<PrefixIri> {};
struct ExpectBaseIri : pegtl::seq<BaseIri> {};
struct ExpectVersion : pegtl::seq<VersionString> {};
// [4] prefixID ::= '@prefix' PNAME_NS IRIREF '.' ; [6] sparqlPrefix ::= "PREFIX" PNAME_NS IRIREF
// [5] base ::= '@base' IRIREF '.' ; [7] sparqlBase ::= "BASE" IRIREF
// [5a] version ::= '@version' VersionSpecifier '.' ; [7a] sparqlVersion ::= "VERSION" VersionSpecifier
struct Directive : pegtl::sor<
    pegtl::if_must<pegtl::string<'@', 'p', 'r', 'e', 'f', 'i', 'x'>, Ws, ExpectPrefixName, Ws, ExpectPrefixIri, Ws, ExpectDot>,
    pegtl::if_must<pegtl::string<'@', 'b', 'a', 's', 'e'>, Ws, ExpectBaseIri, Ws, ExpectDot>,
    pegtl::if_must<pegtl::string<'@', 'v', 'e', 'r', 's', 'i', 'o', 'n'>, Ws, ExpectVersion, Ws, ExpectDot>,
    pegtl::if_must<Keyword<'p', 'r', 'e', 'f', 'i', 'x'>, Ws, ExpectPrefixName, Ws, ExpectPrefixIri>,
    pegtl::if_must<Keyword<'b', 'a', 's', 'e'>, Ws, ExpectBaseIri>,
    pegtl::if_must<Keyword<'v', 'e', 'r', 's', 'i', 'o', 'n'>, Ws, ExpectVersion>> {};

struct ExpectStatement : pegtl::sor<Directive, pegtl::seq<Triples, Ws, ExpectDot>> {};
// [1] turtleDoc ::= statement*, parsed one statement per call.
struct TurtleStatement : pegtl::seq<Ws, pegtl::sor<pegtl::eof, pegtl::must<ExpectStatement>>, Ws> {};

// ---- TriG additions ----
// A graph block `{ ... }` may hold any number of triples, so the reader parses
// TriG in units (opening a block, one triples statement, closing the block)
// and keeps whether it is inside a block in its state.
struct GraphOpen : pegtl::one<'{'> {};
struct GraphClose : pegtl::one<'}'> {};
struct ExpectGraphOpen : pegtl::seq<GraphOpen> {};
struct GraphLabelIri : pegtl::seq<Iri> {};
struct GraphLabelBlank : pegtl::seq<BlankNode> {};
struct ExpectGraphLabel : pegtl::sor<GraphLabelIri, GraphLabelBlank> {};
struct LabelDone : pegtl::success {};
struct DefaultGraphOpen : pegtl::seq<GraphOpen> {};
// [3g] triplesOrGraph ::= labelOrSubject (wrappedGraph | predicateObjectList '.') | ...
struct TriplesOrGraph : pegtl::seq<pegtl::sor<SubjectIri, SubjectBlank>, Ws, pegtl::sor<
    pegtl::seq<pegtl::at<GraphOpen>, LabelDone, GraphOpen>,
    pegtl::seq<SubjectDone, pegtl::must<PredicateObjectList>, TriplesDone, Ws, ExpectDot>>> {};
// [2g] block ::= triplesOrGraph | wrappedGraph | triples2 | "GRAPH" labelOrSubject wrappedGraph
struct TrigOutsideUnit : pegtl::sor<
    Directive,
    pegtl::if_must<Keyword<'g', 'r', 'a', 'p', 'h'>, Ws, ExpectGraphLabel, Ws, LabelDone, ExpectGraphOpen>,
    DefaultGraphOpen,
    TriplesOrGraph,
    pegtl::seq<Triples, Ws, ExpectDot>> {};
// [6g] triplesBlock ::= triples ('.' triplesBlock?)?
struct TriplesInBlockEnd : pegtl::sor<pegtl::one<'.'>, pegtl::at<pegtl::one<'}'>>> {};
struct ExpectTriplesInBlockEnd : pegtl::seq<TriplesInBlockEnd> {};
struct TrigInsideUnit : pegtl::sor<GraphClose, pegtl::seq<Triples, Ws, pegtl::must<ExpectTriplesInBlockEnd>>> {};
struct ExpectTrigOutsideUnit : pegtl::seq<TrigOutsideUnit> {};
struct ExpectTrigInsideUnit : pegtl::seq<TrigInsideUnit> {};
struct TrigOutside : pegtl::seq<Ws, pegtl::sor<pegtl::eof, pegtl::must<ExpectTrigOutsideUnit>>, Ws> {};
struct TrigInside : pegtl::seq<Ws, pegtl::must<ExpectTrigInsideUnit>, Ws> {};
// clang-format on

}  // namespace relata::query::grammar

#endif  // RELATA_QUERY_GRAMMAR_RDF_H_
