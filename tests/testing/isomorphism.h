// Compares RDF datasets up to blank node renaming.
#ifndef RELATA_TESTS_TESTING_ISOMORPHISM_H_
#define RELATA_TESTS_TESTING_ISOMORPHISM_H_

#include <string>
#include <vector>

#include "relata/term.h"

namespace relata::testing {

// True when some bijection of blank nodes maps the set of `a` onto the set of
// `b`. Duplicates are ignored (datasets are sets). Meant for test-sized data.
bool Isomorphic(const std::vector<Quad>& a, const std::vector<Quad>& b);

// The quads as sorted N-Quads lines, for readable failure messages.
std::string Describe(const std::vector<Quad>& quads);

}  // namespace relata::testing

#endif  // RELATA_TESTS_TESTING_ISOMORPHISM_H_
