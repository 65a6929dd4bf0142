// Reads KG-JSONL (docs/extractor-format.md): one JSON object per line, each
// a document, entity, relation, mention or same_as record, or a bundle of a
// document with its entities, relations and mentions.
#ifndef RELATA_ENGINE_KG_KG_READER_H_
#define RELATA_ENGINE_KG_KG_READER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/kg/kg_records.h"
#include "query/input_source.h"

namespace relata::engine::kg {

// Appends what `input` holds to `records` (its name becomes a new entry of
// records->files). A bad line is an error "file:line:column: field: reason";
// with `lenient` it is skipped instead, whole, and its error appended to
// `skipped`. Blank lines are allowed.
absl::Status ReadKgJsonl(query::InputSource& input, bool lenient, Records* records,
                         std::vector<std::string>* skipped);

// All of `input`, for readers that work on whole files, as the file
// records->files gains at `index`.
struct InputFile {
  int index = 0;
  std::string text;
};
absl::StatusOr<InputFile> ReadInputFile(query::InputSource& input, Records* records);

// The literal a JSON scalar written as `lexical` stands for: numbers are
// xsd:integer, xsd:decimal or xsd:double by their form, strings that are ISO
// dates or date-times are xsd:date or xsd:dateTime, other strings are plain.
// `is_string` tells a JSON string from a number or boolean token.
Term LiteralFromJson(std::string_view lexical, bool is_string);

}  // namespace relata::engine::kg

#endif  // RELATA_ENGINE_KG_KG_READER_H_
