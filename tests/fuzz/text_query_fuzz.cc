// libFuzzer target for full-text queries and the text analyser: any text
// parses to a query that prints and parses back to itself, or to an error
// whose column lies inside the text; analysing it gives terms whose bytes
// lie inside it, in order.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/base/text_analysis.h"
#include "query/text_query.h"

namespace {

void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relata;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto query = query::ParseTextQuery(text);
  if (query.ok()) {
    const std::string printed = query::TextQueryString(*query);
    const auto again = query::ParseTextQuery(printed);
    if (!again.ok()) Fail("the printed query does not parse", printed + ": " + std::string(again.status().message()));
    if (query::TextQueryString(*again) != printed) Fail("printing is not stable", printed);
  } else {
    unsigned column = 0;
    const std::string message(query.status().message());
    if (std::sscanf(message.c_str(), "column %u:", &column) == 1 && (column == 0 || column > size + 1)) {
      Fail("error column outside the text", message);
    }
  }
  static const TextAnalyzer analyzer(TextOptions::Default());
  std::uint32_t last_position = 0;
  bool first = true;
  for (const TextToken& token : analyzer.Analyze(text)) {
    if (token.begin > token.end || token.end > size) Fail("token bytes outside the text", token.term);
    if (!first && token.position < last_position) Fail("positions go back", token.term);
    if (token.term.empty()) Fail("empty term", std::string(text));
    first = false;
    last_position = token.position;
  }
  return 0;
}
