// Just enough XML for the W3C test files (SPARQL XML results, RDF/XML data):
// elements, attributes, text, entities, comments. Not a validating parser.
#ifndef RELATA_TESTS_TESTING_XML_H_
#define RELATA_TESTS_TESTING_XML_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relata::testing::xml {

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<std::unique_ptr<Element>> children;
  std::string text;
  const Element* Child(std::string_view n) const {
    for (const auto& c : children) {
      if (c->name == n) return c.get();
    }
    return nullptr;
  }
};

// The document's top-level elements as the children of an unnamed root.
std::unique_ptr<Element> Parse(std::string_view text);

}  // namespace relata::testing::xml

#endif  // RELATA_TESTS_TESTING_XML_H_
