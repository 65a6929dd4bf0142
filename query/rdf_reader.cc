// Actions that turn the grammar's matches into quads, and the statement loop
// that feeds PEGTL a bounded buffer.
#include "query/rdf_reader.h"
#include "query/stack_guard.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "query/grammar/rdf.h"
#include "query/iri.h"
#include "query/uchar.h"

namespace relata::query {

namespace g = grammar;
namespace pegtl = tao::pegtl;

namespace {

constexpr char kRdf[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr char kXsd[] = "http://www.w3.org/2001/XMLSchema#";

// One level of nesting: the subject/predicate being filled by a statement, a
// blank node property list or annotation (kTriples), a collection, a reified
// triple or a triple term.
struct Frame {
  enum Kind { kTriples, kCollection, kReified, kTripleTerm };
  Kind kind = kTriples;
  Term subject, predicate, object;
  // kTriples: the last object, for annotations; `pending` is a reifier that an
  // annotation block right after it describes.
  bool has_pending = false;
  Term pending;
  // kReified: the reifier given with '~'.
  bool has_reifier = false;
  Term reifier;
  // kCollection: first and last list nodes.
  bool has_head = false;
  Term head, last;
};

Frame NewFrame(Frame::Kind kind, Term subject = {}) {
  Frame frame;
  frame.kind = kind;
  frame.subject = std::move(subject);
  return frame;
}

struct ReaderState {
  StackGuard stack;
  RdfFormat format = RdfFormat::kNTriples;
  RdfSink* sink = nullptr;
  std::string base;
  absl::flat_hash_map<std::string, std::string> prefixes;
  std::string pending_prefix;

  Term term;            // the term parsed last
  std::string lexical;  // the string parsed last, unescaped
  std::string scratch;
  std::string language, direction, datatype;
  bool has_language = false, has_datatype = false;
  bool reifier_has_id = false;

  std::vector<Frame> frames;
  // N-Triples/N-Quads fill this in place; others emit through it. Sinks may
  // take its terms, so every field is set again before each OnQuad.
  Quad quad;
  Term graph;  // Turtle/TriG: the graph block being read, empty for the default graph
  bool in_graph_block = false;
  std::uint64_t next_blank = 0;

  bool line_based() const {
    return format == RdfFormat::kNTriples || format == RdfFormat::kNQuads;
  }
  Term FreshBlank() { return Term::Blank(absl::StrCat("-", ++next_blank)); }
  Frame& top() { return frames.back(); }

  void Emit(const Term& s, const Term& p, const Term& o) {
    quad.subject = s;
    quad.predicate = p;
    quad.object = o;
    quad.graph = graph;
    sink->OnQuad(quad);
  }
  void EmitReifies(const Term& reifier, const Term& s, const Term& p, const Term& o) {
    Emit(reifier, Term::Iri(absl::StrCat(kRdf, "reifies")), Term::Triple(s, p, o));
  }
};

template <typename Input>
[[noreturn]] void Fail(const Input& in, const std::string& message) {
  throw pegtl::parse_error(message, in);
}

template <typename Input>
void Unescape(const Input& in, std::string_view body, std::string* out) {
  if (const char* error = query::Unescape(body, out)) Fail(in, error);
}

// Overwrite a term in place, keeping its strings' capacity: the reader's
// hot path would otherwise allocate for every term.
void SetTerm(Term* term, TermKind kind, std::string_view value) {
  term->kind = kind;
  term->value.assign(value);
  term->datatype.clear();
  term->language.clear();
  term->direction.clear();
  term->triple.clear();
}

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

// ---- terms ----

template <>
struct Action<g::IriRef> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    const std::string_view text = in.string_view();
    std::string& iri = s.scratch;
    const std::string_view body = text.substr(1, text.size() - 2);
    Unescape(in, body, &iri);
    // The grammar already keeps these characters out; only \u escapes can
    // bring them back in.
    if (body.find('\\') != std::string_view::npos && !HasOnlyIriCharacters(iri)) {
      Fail(in, "IRIs cannot contain spaces, control characters or any of <>\"{}|^`\\");
    }
    if (s.line_based()) {
      if (!HasScheme(iri)) Fail(in, "relative IRI <" + iri + "> (N-Triples and N-Quads need absolute IRIs)");
      SetTerm(&s.term, TermKind::kIri, iri);
    } else {
      SetTerm(&s.term, TermKind::kIri, ResolveIri(s.base, iri));
    }
  }
};

template <>
struct Action<g::PrefixedName> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    const std::string_view text = in.string_view();
    const auto colon = text.find(':');
    const auto it = s.prefixes.find(ToAbsl(text.substr(0, colon)));
    if (it == s.prefixes.end()) {
      Fail(in, "undefined prefix '" + std::string(text.substr(0, colon + 1)) +
                   "' (declare it with PREFIX or @prefix)");
    }
    std::string iri = it->second;
    const std::string_view local = text.substr(colon + 1);
    for (std::size_t i = 0; i < local.size(); ++i) {
      if (local[i] == '\\') ++i;
      iri.push_back(local[i]);
    }
    s.term = Term::Iri(iri);
  }
};

template <>
struct Action<g::BlankNodeLabel> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    SetTerm(&s.term, TermKind::kBlank, in.string_view().substr(2));
  }
};

template <>
struct Action<g::Anon> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.term = s.FreshBlank();
  }
};

template <std::size_t QuoteLength>
struct StringAction {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    const std::string_view text = in.string_view();
    Unescape(in, text.substr(QuoteLength, text.size() - 2 * QuoteLength), &s.lexical);
    s.has_language = s.has_datatype = false;
  }
};
template <> struct Action<g::StringLiteralQuote> : StringAction<1> {};
template <> struct Action<g::StringLiteralSingleQuote> : StringAction<1> {};
template <> struct Action<g::StringLiteralLongQuote> : StringAction<3> {};
template <> struct Action<g::StringLiteralLongSingleQuote> : StringAction<3> {};

template <>
struct Action<g::LangTag> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    s.language = AsciiLower(in.string_view());
    s.direction.clear();
    s.has_language = true;
  }
};

template <>
struct Action<g::LangDirection> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    if (in.string_view() != "ltr" && in.string_view() != "rtl") {
      Fail(in, "the base direction of a language tag is --ltr or --rtl, not --" + in.string());
    }
    s.direction = in.string();
  }
};

struct DatatypeAction {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.datatype = s.term.value;
    s.has_datatype = true;
  }
};
template <> struct Action<g::Datatype> : DatatypeAction {};
template <> struct Action<g::NtDatatype> : DatatypeAction {};

struct LiteralAction {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    if (s.has_datatype && (s.datatype == kRdfLangString || s.datatype == kRdfDirLangString)) {
      Fail(in, "a literal typed rdf:langString or rdf:dirLangString needs a language tag (\"text\"@en)");
    }
    SetTerm(&s.term, TermKind::kLiteral, s.lexical);
    if (s.has_language) {
      s.term.datatype.assign(s.direction.empty() ? kRdfLangString : kRdfDirLangString);
      s.term.language.assign(s.language);
      s.term.direction.assign(s.direction);
    } else {
      s.term.datatype.assign(s.has_datatype ? std::string_view(s.datatype) : kXsdString);
    }
  }
};
template <> struct Action<g::RdfLiteral> : LiteralAction {};
template <> struct Action<g::NtLiteral> : LiteralAction {};

template <const char* Type>
struct NumberAction {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    s.term = Term::Literal(in.string_view(), absl::StrCat(kXsd, Type));
  }
};
inline constexpr char kInteger[] = "integer";
inline constexpr char kDecimal[] = "decimal";
inline constexpr char kDouble[] = "double";
inline constexpr char kBoolean[] = "boolean";
template <> struct Action<g::Integer> : NumberAction<kInteger> {};
template <> struct Action<g::Decimal> : NumberAction<kDecimal> {};
template <> struct Action<g::Double> : NumberAction<kDouble> {};
template <>
struct Action<g::BooleanLiteral> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    s.term = Term::Literal(in.string_view().substr(0, in.string_view()[0] == 't' ? 4 : 5),
                           absl::StrCat(kXsd, kBoolean));
  }
};

template <>
struct Action<g::A> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.term = Term::Iri(absl::StrCat(kRdf, "type"));
  }
};

// ---- N-Triples / N-Quads positions ----

template <>
struct Action<g::NtSubject> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { swap(s.quad.subject, s.term); }
};
template <>
struct Action<g::NtPredicate> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { swap(s.quad.predicate, s.term); }
};
template <>
struct Action<g::NtObject> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { swap(s.quad.object, s.term); }
};
template <>
struct Action<g::NtGraph> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { swap(s.quad.graph, s.term); }
};
template <>
struct Action<g::StatementEnd> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.sink->OnQuad(s.quad);
    s.quad.graph.kind = TermKind::kIri;
    s.quad.graph.value.clear();
  }
};

// ---- triple terms (all formats) ----

template <>
struct Action<g::TtOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.frames.push_back(NewFrame(Frame::kTripleTerm));
  }
};
struct FrameSubjectAction {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.top().subject = s.term; }
};
struct FramePredicateAction {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.top().predicate = s.term; }
};
struct FrameObjectAction {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.top().object = s.term; }
};
template <> struct Action<g::TtSubject> : FrameSubjectAction {};
template <> struct Action<g::TtPredicate> : FramePredicateAction {};
template <> struct Action<g::TtObject> : FrameObjectAction {};
template <> struct Action<g::TurtleTtSubject> : FrameSubjectAction {};
template <> struct Action<g::TurtleTtObject> : FrameObjectAction {};
template <> struct Action<g::RtSubject> : FrameSubjectAction {};
template <> struct Action<g::RtObject> : FrameObjectAction {};
template <> struct Action<g::Verb> : FramePredicateAction {};
template <>
struct Action<g::TtClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Frame& f = s.top();
    s.term = Term::Triple(std::move(f.subject), std::move(f.predicate), std::move(f.object));
    s.frames.pop_back();
  }
};

// ---- Turtle / TriG ----

template <>
struct Action<g::SubjectDone> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.frames.push_back(NewFrame(Frame::kTriples, s.term));
  }
};
template <>
struct Action<g::TriplesDone> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.frames.pop_back(); }
};

template <>
struct Action<g::Object> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Frame& f = s.top();
    if (f.kind == Frame::kCollection) {
      Term node = s.FreshBlank();
      if (f.has_head) {
        s.Emit(f.last, Term::Iri(absl::StrCat(kRdf, "rest")), node);
      } else {
        f.head = node;
        f.has_head = true;
      }
      s.Emit(node, Term::Iri(absl::StrCat(kRdf, "first")), s.term);
      f.last = std::move(node);
      return;
    }
    f.object = s.term;
    f.has_pending = false;
    s.Emit(f.subject, f.predicate, f.object);
  }
};

template <>
struct Action<g::BnplOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.frames.push_back(NewFrame(Frame::kTriples, s.FreshBlank()));
  }
};
template <>
struct Action<g::BnplClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.term = std::move(s.top().subject);
    s.frames.pop_back();
  }
};

template <>
struct Action<g::CollectionOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.frames.push_back(NewFrame(Frame::kCollection));
  }
};
template <>
struct Action<g::CollectionClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Frame& f = s.top();
    const Term nil = Term::Iri(absl::StrCat(kRdf, "nil"));
    if (f.has_head) {
      s.Emit(f.last, Term::Iri(absl::StrCat(kRdf, "rest")), nil);
      s.term = std::move(f.head);
    } else {
      s.term = nil;
    }
    s.frames.pop_back();
  }
};

template <>
struct Action<g::RtOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.frames.push_back(NewFrame(Frame::kReified));
  }
};
template <>
struct Action<g::ReifierId> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.reifier_has_id = true; }
};
template <>
struct Action<g::Reifier> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Term reifier = s.reifier_has_id ? s.term : s.FreshBlank();
    s.reifier_has_id = false;
    Frame& f = s.top();
    if (f.kind == Frame::kReified) {
      f.reifier = std::move(reifier);
      f.has_reifier = true;
      return;
    }
    s.EmitReifies(reifier, f.subject, f.predicate, f.object);
    f.pending = std::move(reifier);
    f.has_pending = true;
  }
};
template <>
struct Action<g::RtClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Frame f = std::move(s.top());
    s.frames.pop_back();
    Term reifier = f.has_reifier ? std::move(f.reifier) : s.FreshBlank();
    s.EmitReifies(reifier, f.subject, f.predicate, f.object);
    s.term = std::move(reifier);
  }
};

template <>
struct Action<g::AnnotationOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    Frame& f = s.top();
    Term reifier;
    if (f.has_pending) {
      reifier = f.pending;
      f.has_pending = false;
    } else {
      reifier = s.FreshBlank();
      s.EmitReifies(reifier, f.subject, f.predicate, f.object);
    }
    s.frames.push_back(NewFrame(Frame::kTriples, std::move(reifier)));
  }
};
template <>
struct Action<g::AnnotationClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.frames.pop_back(); }
};

// ---- directives ----

template <>
struct Action<g::PrefixName> {
  template <typename Input>
  static void apply(const Input& in, ReaderState& s) {
    const std::string_view text = in.string_view();
    s.pending_prefix = std::string(text.substr(0, text.size() - 1));
  }
};
template <>
struct Action<g::PrefixIri> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.prefixes[s.pending_prefix] = s.term.value;
    s.sink->OnPrefix(s.pending_prefix, s.term.value);
  }
};
template <>
struct Action<g::BaseIri> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.base = s.term.value; }
};

// ---- TriG graph blocks ----

template <>
struct Action<g::LabelDone> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.graph = s.term;
    s.in_graph_block = true;
  }
};
template <>
struct Action<g::DefaultGraphOpen> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) { s.in_graph_block = true; }
};
template <>
struct Action<g::GraphClose> {
  template <typename Input>
  static void apply(const Input&, ReaderState& s) {
    s.in_graph_block = false;
    s.graph = Term{};
  }
};

// ---- error messages ----

// The terminals' messages come with them from terms.h.
template <typename Rule>
inline constexpr const char* kMessage =
    g::TerminalMessage<Rule>::value != nullptr ? g::TerminalMessage<Rule>::value : "syntax error";
#define RELATA_MESSAGE(rule, text) \
  template <>                      \
  inline constexpr const char* kMessage<g::rule> = text
RELATA_MESSAGE(NtIri, "expected a datatype IRI in <...> after '^^'");
RELATA_MESSAGE(Iri, "expected a datatype IRI after '^^'");
RELATA_MESSAGE(ExpectTtSubject, "expected the subject of the triple term: an IRI or a blank node");
RELATA_MESSAGE(ExpectTtPredicate, "expected the predicate of the triple term: an IRI");
RELATA_MESSAGE(ExpectTtObject, "expected the object of the triple term");
RELATA_MESSAGE(ExpectTtClose, "expected ')>>' to end the triple term");
RELATA_MESSAGE(ExpectTurtleTtSubject, "expected the subject of the triple term: an IRI or a blank node");
RELATA_MESSAGE(ExpectTurtleTtVerb, "expected the predicate of the triple term: an IRI");
RELATA_MESSAGE(ExpectTurtleTtObject, "expected the object of the triple term");
RELATA_MESSAGE(ExpectSubject, "expected a subject: an IRI in <...> or a blank node _:label");
RELATA_MESSAGE(ExpectPredicate, "expected a predicate: an IRI in <...>");
RELATA_MESSAGE(ExpectObject, "expected an object: an IRI, a blank node, a literal or a triple term");
RELATA_MESSAGE(ExpectDot, "expected '.' to end the statement");
RELATA_MESSAGE(ExpectEol, "expected the end of the line after '.'");
RELATA_MESSAGE(PredicateObjectList, "expected a predicate followed by an object");
RELATA_MESSAGE(BnplClose, "expected ']' to end the blank node property list");
RELATA_MESSAGE(CollectionClose, "expected ')' to end the collection");
RELATA_MESSAGE(ExpectRtSubject, "expected the subject of the reified triple: an IRI, a blank node or a reified triple");
RELATA_MESSAGE(ExpectRtVerb, "expected the predicate of the reified triple");
RELATA_MESSAGE(ExpectRtObject, "expected the object of the reified triple");
RELATA_MESSAGE(ExpectRtClose, "expected '>>' to end the reified triple");
RELATA_MESSAGE(AnnotationClose, "expected '|}' to end the annotation");
RELATA_MESSAGE(ExpectPrefixName, "expected a prefix name such as 'ex:'");
RELATA_MESSAGE(ExpectPrefixIri, "expected the namespace IRI in <...>");
RELATA_MESSAGE(ExpectBaseIri, "expected the base IRI in <...>");
RELATA_MESSAGE(ExpectVersion, "expected the version as a quoted string, e.g. \"1.2\"");
RELATA_MESSAGE(ExpectStatement, "expected a directive (PREFIX, BASE) or a triple");
RELATA_MESSAGE(ExpectGraphLabel, "expected a graph name: an IRI or a blank node");
RELATA_MESSAGE(ExpectGraphOpen, "expected '{' to open the graph");
RELATA_MESSAGE(ExpectTriplesInBlockEnd, "expected '.' or '}' after the triples");
RELATA_MESSAGE(ExpectTrigOutsideUnit, "expected a directive, a graph block or a triple");
RELATA_MESSAGE(ExpectTrigInsideUnit, "expected a triple or '}' to close the graph");
#undef RELATA_MESSAGE

struct Messages {
  template <typename Rule>
  static constexpr const char* message = kMessage<Rule>;
  // Messages apply only where the grammar says must<>; elsewhere a rule may
  // fail quietly and let an alternative match.
  template <typename Rule>
  static constexpr bool raise_on_failure = false;
};
template <typename Rule>
struct Control : pegtl::must_if<Messages, pegtl::normal, false>::control<Rule> {
  template <typename Input>
  static void start(const Input& in, ReaderState& st) {
    if (st.stack.Exhausted()) throw pegtl::parse_error("blank nodes, collections or triple terms nest too deeply here", in);
  }
};

// Reads from an InputSource for pegtl::buffer_input.
struct SourceReader {
  InputSource* source;
  std::size_t operator()(char* buffer, std::size_t length) const {
    return source->Read(buffer, length);
  }
};

// Turtle and TriG statements may span lines, so they stream through PEGTL's
// own buffer; N-Triples and N-Quads come in blocks of whole lines that are
// parsed in place, which is several times cheaper per byte.
using StreamInput = pegtl::buffer_input<SourceReader, pegtl::eol::lf_crlf, std::string, 4096>;
using BlockInput = pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf, std::string>;

absl::Status ErrorAt(const std::string& name, const pegtl::position& p, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(name, ":", p.line, ":", p.column, ": ", std::string(what)));
}

// Parses one statement (or TriG unit); false when nothing matched.
template <typename Input>
bool ParseUnit(Input& in, ReaderState& state) {
  switch (state.format) {
    case RdfFormat::kNTriples:
      return pegtl::parse<g::NtStatement, Action, Control>(in, state);
    case RdfFormat::kNQuads:
      return pegtl::parse<g::NqStatement, Action, Control>(in, state);
    case RdfFormat::kTurtle:
      return pegtl::parse<g::TurtleStatement, Action, Control>(in, state);
    case RdfFormat::kTrig:
      return state.in_graph_block ? pegtl::parse<g::TrigInside, Action, Control>(in, state)
                                  : pegtl::parse<g::TrigOutside, Action, Control>(in, state);
  }
  return false;
}

// Moves `in` past the line holding byte `error_byte`, for lenient mode.
template <typename Input>
void SkipPastLine(Input& in, std::size_t error_byte) {
  while (in.byte() < error_byte && !in.empty()) in.bump(1);
  while (!in.empty()) {
    const char c = in.peek_char();
    in.bump(1);
    if (c == '\n') break;
  }
}

// Where a block starts in the whole input, to turn block-relative error
// positions into file positions.
struct BlockOrigin {
  std::size_t byte = 0;
  std::size_t line = 1;
};

// Parses every statement of `in`. Returns an error to stop, OK otherwise;
// errors of lenient mode go to the sink.
template <typename Input>
absl::Status ParseStatements(Input& in, const ReadOptions& options, const BlockOrigin& origin,
                             const std::string& name, ReaderState& state) {
  while (!in.empty()) {
    try {
      const std::size_t start = in.byte();
      if (!ParseUnit(in, state)) {
        throw pegtl::parse_error(state.line_based()
                                     ? "expected a triple: a subject IRI in <...> or a blank node"
                                     : "expected a statement",
                                 in);
      }
      if (in.byte() == start && !in.empty()) {
        throw pegtl::parse_error("unexpected input", in);
      }
      if constexpr (std::is_same_v<Input, StreamInput>) in.discard();
    } catch (const pegtl::parse_error& e) {
      // Blocks start at a line start, so only line and byte need the origin.
      pegtl::position position = e.positions().front();
      const std::size_t block_byte = position.byte;
      position.line += origin.line - 1;
      position.byte += origin.byte;
      absl::Status error = ErrorAt(name, position, e.message());
      if (!options.lenient) return error;
      state.sink->OnSkipped(error);
      state.frames.clear();
      state.quad = Quad{};
      SkipPastLine(in, block_byte);
      if constexpr (std::is_same_v<Input, StreamInput>) in.discard();
    }
  }
  return absl::OkStatus();
}

absl::Status ReadStream(InputSource& source, const ReadOptions& options, ReaderState& state) {
  // No statement is longer than the whole input: a small file is not given
  // the buffer of the longest statement allowed (64 MiB by default). The
  // slack keeps the parser's look-ahead at the end inside the buffer.
  std::size_t most_bytes = options.max_statement_bytes;
  if (const std::uint64_t length = source.KnownLength(); length > 0 && length < most_bytes) {
    most_bytes = static_cast<std::size_t>(length) + 4096;
  }
  StreamInput in(source.name(), most_bytes, SourceReader{&source});
  try {
    RETURN_IF_ERROR(ParseStatements(in, options, BlockOrigin{}, source.name(), state));
  } catch (const std::overflow_error&) {
    return ErrorAt(source.name(), in.position(),
                   absl::StrCat("a single statement is longer than ",
                                options.max_statement_bytes >> 20, " MiB"));
  }
  if (state.in_graph_block) {
    return ErrorAt(source.name(), in.position(), "unexpected end of input: '}' expected");
  }
  return absl::OkStatus();
}

absl::Status ReadLines(InputSource& source, const ReadOptions& options, ReaderState& state) {
  // Reading no more than the statement limit at a time is what lets a line
  // longer than the limit be seen as one.
  const std::size_t block_bytes = std::min<std::size_t>(1 << 20, options.max_statement_bytes);
  std::string buffer;
  std::size_t filled = 0;  // bytes of `buffer` holding input
  BlockOrigin origin;
  bool at_end = false;
  while (!at_end) {
    if (buffer.size() < filled + block_bytes) buffer.resize(filled + block_bytes);
    const std::size_t n = source.Read(buffer.data() + filled, block_bytes);
    at_end = n == 0;
    filled += n;
    // Parse up to the last complete line; the rest waits for more input.
    std::size_t cut = filled;
    if (!at_end) {
      const auto newline = std::string_view(buffer.data(), filled).rfind('\n');
      if (newline == std::string_view::npos) {
        if (filled > options.max_statement_bytes) {
          pegtl::position position(pegtl::internal::iterator(buffer.data(), origin.byte, origin.line, 1),
                                   source.name());
          return ErrorAt(source.name(), position,
                         absl::StrCat("a single statement is longer than ",
                                      options.max_statement_bytes >> 20, " MiB"));
        }
        continue;
      }
      cut = newline + 1;
    }
    BlockInput in(buffer.data(), buffer.data() + cut, source.name());
    RETURN_IF_ERROR(ParseStatements(in, options, origin, source.name(), state));
    origin.byte += cut;
    origin.line += static_cast<std::size_t>(std::count(buffer.data(), buffer.data() + cut, '\n'));
    std::memmove(buffer.data(), buffer.data() + cut, filled - cut);
    filled -= cut;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RdfFormat> ParseFormatName(std::string_view name) {
  const std::string n = AsciiLower(name);
  if (n == "nt" || n == "ntriples" || n == "n-triples") return RdfFormat::kNTriples;
  if (n == "nq" || n == "nquads" || n == "n-quads") return RdfFormat::kNQuads;
  if (n == "ttl" || n == "turtle") return RdfFormat::kTurtle;
  if (n == "trig") return RdfFormat::kTrig;
  return absl::InvalidArgumentError("unknown format '" + std::string(name) +
                                    "' (use ntriples, nquads, turtle or trig)");
}

std::optional<RdfFormat> FormatFromPath(std::string_view path) {
  if (path.size() > 3 && path.substr(path.size() - 3) == ".gz") path.remove_suffix(3);
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto format = ParseFormatName(path.substr(dot + 1));
  if (!format.ok()) return std::nullopt;
  return *format;
}

std::string_view FormatName(RdfFormat format) {
  switch (format) {
    case RdfFormat::kNTriples: return "ntriples";
    case RdfFormat::kNQuads: return "nquads";
    case RdfFormat::kTurtle: return "turtle";
    case RdfFormat::kTrig: return "trig";
  }
  return "";
}

bool HasGraphs(RdfFormat format) {
  return format == RdfFormat::kNQuads || format == RdfFormat::kTrig;
}

bool IsLanguageTag(std::string_view tag) {
  pegtl::memory_input<> in(tag.data(), tag.size(), "");
  return pegtl::parse<pegtl::seq<g::LangTag, pegtl::eof>>(in);
}

absl::Status ReadRdf(InputSource& source, const ReadOptions& options, RdfSink& sink) {
  ReaderState state;
  state.format = options.format;
  state.sink = &sink;
  state.base = options.base_iri;
  RETURN_IF_ERROR(state.line_based() ? ReadLines(source, options, state)
                                     : ReadStream(source, options, state));
  if (!source.error().empty()) {
    return absl::DataLossError(absl::StrCat(source.name(), ": ", source.error()));
  }
  return absl::OkStatus();
}

}  // namespace relata::query
