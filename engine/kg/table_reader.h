// Reads the tabular outputs of other tools into the same records KG-JSONL
// gives, so that they go through the same entity resolution and mapping:
// neo4j-admin import CSV and Stanford OpenIE TSV (docs/extractor-format.md,
// "Other inputs").
#ifndef RELATA_ENGINE_KG_TABLE_READER_H_
#define RELATA_ENGINE_KG_TABLE_READER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/kg/kg_records.h"
#include "query/input_source.h"

namespace relata::engine::kg {

// neo4j-admin import CSV: node files (a `:ID` column, `:LABEL`, properties)
// and relationship files (`:START_ID`, `:END_ID`, `:TYPE`, properties), each
// with its header on the first line, told apart by that header. Every node
// file is read before any relationship, whatever the order of `inputs`.
// Errors and `lenient` as ReadKgJsonl: "file:line:column: column: reason".
absl::Status ReadNeo4jCsv(const std::vector<query::InputSource*>& inputs, bool lenient, Records* records,
                          std::vector<std::string>* skipped);

// Stanford OpenIE TSV: `confidence <TAB> subject <TAB> relation <TAB> object`
// per line, the ends being entity names.
absl::Status ReadOpenIeTsv(query::InputSource& input, bool lenient, Records* records,
                           std::vector<std::string>* skipped);

}  // namespace relata::engine::kg

#endif  // RELATA_ENGINE_KG_TABLE_READER_H_
