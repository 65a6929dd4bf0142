// The numeric functions (17.4.4) and the date and time accessors (17.4.5).
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "engine/functions/functions.h"
#include "engine/functions/sparql_terms.h"

namespace relata::engine {
namespace {

template <Rounding kRounding>
std::optional<Term> Round(std::span<const Term> args, absl::Status*) {
  const auto n = ToNumber(args[0]);
  if (!n) return std::nullopt;
  return FromNumber(Rounded(kRounding, *n));
}

enum class Part { kYear, kMonth, kDay, kHours, kMinutes, kSeconds, kTimezone, kTz };
template <Part kPart>
std::optional<Term> DatePart(std::span<const Term> args, absl::Status*) {
  bool date_only = false;
  const auto dt = ToDateTime(args[0], &date_only);
  if (!dt) return std::nullopt;
  switch (kPart) {
    case Part::kYear: return Integer(dt->year);
    case Part::kMonth: return Integer(dt->month);
    case Part::kDay: return Integer(dt->day);
    case Part::kHours: return Integer(dt->hour);
    case Part::kMinutes: return Integer(dt->minute);
    case Part::kSeconds: {
      const std::string& v = args[0].value;
      const std::size_t at = v.find('T') + 7;
      std::size_t end = at;
      while (end < v.size() && (std::isdigit(static_cast<unsigned char>(v[end])) || v[end] == '.')) ++end;
      return Term::Literal(FormatDecimal(std::strtold(v.substr(at, end - at).c_str(), nullptr)), XsdIri("decimal"));
    }
    case Part::kTz: return Term::Literal(ZoneText(*dt));
    case Part::kTimezone: break;
  }
  if (!dt->has_zone) return std::nullopt;
  if (dt->zone_minutes == 0) return Term::Literal("PT0S", XsdIri("dayTimeDuration"));
  const int m = std::abs(dt->zone_minutes);
  std::string d = absl::StrCat(dt->zone_minutes < 0 ? "-" : "", "PT");
  if (m / 60 != 0) absl::StrAppend(&d, m / 60, "H");
  if (m % 60 != 0) absl::StrAppend(&d, m % 60, "M");
  return Term::Literal(d, XsdIri("dayTimeDuration"));
}

constexpr Function kNumberFunctions[] = {
    {"ABS", 1, 1, Round<Rounding::kAbs>},
    {"CEIL", 1, 1, Round<Rounding::kCeil>},
    {"FLOOR", 1, 1, Round<Rounding::kFloor>},
    {"ROUND", 1, 1, Round<Rounding::kRound>},
    {"YEAR", 1, 1, DatePart<Part::kYear>},
    {"MONTH", 1, 1, DatePart<Part::kMonth>},
    {"DAY", 1, 1, DatePart<Part::kDay>},
    {"HOURS", 1, 1, DatePart<Part::kHours>},
    {"MINUTES", 1, 1, DatePart<Part::kMinutes>},
    {"SECONDS", 1, 1, DatePart<Part::kSeconds>},
    {"TIMEZONE", 1, 1, DatePart<Part::kTimezone>},
    {"TZ", 1, 1, DatePart<Part::kTz>},
};

}  // namespace

std::span<const Function> NumberFunctions() { return kNumberFunctions; }

}  // namespace relata::engine
