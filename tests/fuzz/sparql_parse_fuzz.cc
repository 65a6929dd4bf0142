// libFuzzer target for the SPARQL query and update parsers: any text gives
// an algebra or an error with a position inside the text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "query/sparql_parser.h"

namespace {

// Errors are "line:column: message"; the position must lie in the text.
void CheckPosition(const absl::Status& status, std::string_view text) {
  const std::string message(status.message());
  unsigned line = 0, column = 0;
  if (std::sscanf(message.c_str(), "%u:%u:", &line, &column) != 2) return;
  std::size_t lines = 1;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  if (line == 0 || column == 0 || line > lines) {
    std::fprintf(stderr, "error position %u:%u outside a text of %zu lines: %s\n", line, column, lines,
                 message.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relata::query;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto query = ParseQuery(text);
  if (!query.ok()) CheckPosition(query.status(), text);
  const auto update = ParseUpdate(text);
  if (!update.ok()) CheckPosition(update.status(), text);
  return 0;
}
