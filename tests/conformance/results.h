// SPARQL result sets as the W3C tests write them (XML .srx, JSON .srj, TSV,
// Turtle rs:ResultSet) and their comparison up to blank node renaming.
#ifndef RELATA_TESTS_CONFORMANCE_RESULTS_H_
#define RELATA_TESTS_CONFORMANCE_RESULTS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "relata/term.h"

namespace relata::testing {

struct ResultSet {
  bool is_boolean = false;
  bool boolean = false;
  std::vector<std::string> variables;
  std::vector<std::map<std::string, Term>> rows;  // unbound variables are absent
};

absl::StatusOr<ResultSet> ParseSrx(std::string_view text);
absl::StatusOr<ResultSet> ParseSrj(std::string_view text);
absl::StatusOr<ResultSet> ParseTsv(std::string_view text);
// The rs: vocabulary (http://www.w3.org/2001/sw/DataAccess/tests/result-set#).
absl::StatusOr<ResultSet> FromResultGraph(const std::vector<Quad>& quads);

// Equal as multisets of solutions under one blank node bijection; with
// `ordered`, also in the same order. Booleans compare as booleans.
bool SameResults(const ResultSet& expected, const ResultSet& actual, bool ordered);
std::string Describe(const ResultSet& results);

}  // namespace relata::testing

#endif  // RELATA_TESTS_CONFORMANCE_RESULTS_H_
