// 64-bit term ids: a 4-bit type tag and a 60-bit payload. Numbers, booleans,
// dates and dateTimes whose lexical form is canonical live inside the id, so
// filters and ordering on them never read the dictionary.
#ifndef RELATA_STORAGE_TERM_CODEC_H_
#define RELATA_STORAGE_TERM_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "relata/term.h"

namespace relata::storage {

using TermId = std::uint64_t;

// The default graph, and "no term" in a pattern.
inline constexpr TermId kNoTerm = 0;

enum class TermTag : std::uint8_t {
  kNone = 0,
  kIri = 1,      // dictionary
  kBlank = 2,    // sequence number only; labels are not stored
  kLiteral = 3,  // dictionary: every literal that is not inline
  kTriple = 4,   // dictionary: the ids of subject, predicate, object
  kInteger = 5,  // xsd:integer in [-2^59, 2^59), order-preserving
  kDecimal = 6,  // xsd:decimal, up to 15 fraction digits, 55-bit mantissa
  kDouble = 7,   // xsd:double whose low 4 mantissa bits are zero, order-preserving
  kBoolean = 8,
  kDate = 9,      // xsd:date, years 1-9999, optional time zone
  kDateTime = 10  // xsd:dateTime to the millisecond, years 1-9999, optional time zone
};

inline constexpr int kPayloadBits = 60;
inline constexpr TermId kPayloadMask = (TermId{1} << kPayloadBits) - 1;

inline TermTag TagOf(TermId id) { return static_cast<TermTag>(id >> kPayloadBits); }
inline TermId MakeId(TermTag tag, std::uint64_t payload) {
  return (static_cast<TermId>(tag) << kPayloadBits) | (payload & kPayloadMask);
}
inline bool IsInline(TermId id) { return TagOf(id) >= TermTag::kInteger; }

// The inline id of `term`, or nullopt when it must go to the dictionary (not
// a literal of an inlined type, not canonical, or out of range). Decoding the
// id gives back exactly `term`.
std::optional<TermId> InlineId(const Term& term);

// REQUIRES: IsInline(id).
Term DecodeInline(TermId id);

// The inline ids of an xsd:integer and an xsd:boolean, without a lexical
// form: what InlineId gives for their canonical literals.
// REQUIRES: -2^59 <= value < 2^59.
inline TermId IntegerId(std::int64_t value) {
  return MakeId(TermTag::kInteger, static_cast<std::uint64_t>(value + (std::int64_t{1} << 59)));
}
inline TermId BooleanId(bool value) { return MakeId(TermTag::kBoolean, value ? 1 : 0); }
// An inline xsd:decimal as mantissa and scale: its value is mantissa / 10^scale.
// REQUIRES: TagOf(id) is kDecimal.
struct DecimalParts {
  std::int64_t mantissa;
  int scale;
};
DecimalParts DecimalOf(TermId id);
// The value of an inline xsd:integer. REQUIRES: TagOf(id) is kInteger.
inline std::int64_t IntegerOf(TermId id) {
  return static_cast<std::int64_t>(id & kPayloadMask) - (std::int64_t{1} << 59);
}

// The time zone of an inline xsd:date or xsd:dateTime, as a code that is
// equal for equal zones (none is a zone of its own).
// REQUIRES: TagOf(id) is kDate or kDateTime.
inline std::uint8_t ZoneCodeOf(TermId id) { return static_cast<std::uint8_t>(id & 0xFF); }
// The local time of an inline xsd:date (its day's start) or xsd:dateTime in
// milliseconds, whatever its zone: such ids order by it first.
// REQUIRES: TagOf(id) is kDate or kDateTime.
inline std::int64_t LocalMillisOf(TermId id) {
  constexpr std::int64_t kMillisPerDay = 86'400'000;
  const auto local = static_cast<std::int64_t>((id & kPayloadMask) >> 8);
  return TagOf(id) == TermTag::kDate ? local * kMillisPerDay : local;
}
// The payload of an id: for query-local ids, their index.
inline std::uint64_t PayloadOf(TermId id) { return id & kPayloadMask; }

// The dictionary key of a non-inline IRI or literal: a kind byte, then the
// parts separated by NUL (which RDF text cannot contain unescaped).
std::string DictionaryKey(const Term& term);
void AppendDictionaryKey(const Term& term, std::string* out);
// The dictionary key of a triple term with already-encoded components.
std::string TripleKey(TermId subject, TermId predicate, TermId object);

}  // namespace relata::storage

#endif  // RELATA_STORAGE_TERM_CODEC_H_
