#include "engine/kg/table_reader.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "engine/base/status_macros.h"
#include "engine/base/strings.h"
#include "engine/kg/kg_reader.h"
#include "query/iri.h"

namespace relata::engine::kg {
namespace {

struct Field {
  std::string value;
  int line = 0, column = 0;
};

// RFC 4180 records: fields separated by commas and quoted with '"' ("" in a
// quoted field stands for one), so that a quoted field may hold commas and
// line breaks. Empty lines are skipped.
class CsvRecords {
 public:
  CsvRecords(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  // False at the end. An unclosed quote is an error for the rest of the
  // file: there is no telling where the next record starts.
  absl::StatusOr<bool> Next(std::vector<Field>* fields) {
    fields->clear();
    while (pos_ < text_.size() && (text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n")) {
      pos_ += text_[pos_] == '\n' ? 1 : 2;
      NewLine();
    }
    if (pos_ >= text_.size()) return false;
    while (true) {
      Field field{.value = {}, .line = line_, .column = Column()};
      if (text_[pos_] == '"') {
        RETURN_IF_ERROR(Quoted(&field));
      } else {
        const std::size_t end = std::min(text_.find_first_of(",\n", pos_), text_.size());
        std::string_view value = text_.substr(pos_, end - pos_);
        if (value.ends_with('\r')) value.remove_suffix(1);
        field.value.assign(value);
        pos_ = end;
      }
      fields->push_back(std::move(field));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        if (pos_ == text_.size() || text_[pos_] == '\n' || text_.substr(pos_, 2) == "\r\n") {
          fields->push_back({.value = {}, .line = line_, .column = Column()});  // a trailing empty field
        } else {
          continue;
        }
      }
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') {
        ++pos_;
        NewLine();
      }
      return true;
    }
  }

 private:
  absl::Status Quoted(Field* field) {
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        return absl::InvalidArgumentError(
            Cat(file_, ":", field->line, ":", field->column, ": the quoted field is never closed"));
      }
      const char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field->value.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      field->value.push_back(c);
      if (c == '\n') NewLine();
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_.substr(pos_, 2) != "\r\n") {
      return absl::InvalidArgumentError(Cat(file_, ":", line_, ":", Column(),
                                            ": expected ',' or the end of the line after a closing quote"));
    }
    return absl::OkStatus();
  }
  void NewLine() {
    ++line_;
    line_start_ = pos_;
  }
  int Column() const { return static_cast<int>(pos_ - line_start_) + 1; }

  std::string_view text_;
  const std::string& file_;
  std::size_t pos_ = 0, line_start_ = 0;
  int line_ = 1;
};

bool IsInteger(std::string_view v) {
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) v.remove_prefix(1);
  return !v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos;
}

bool IsNumber(std::string_view v) {
  if (v.empty() || v.find_first_not_of("0123456789+-.eE") != std::string_view::npos) return false;
  const std::string text(v);
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// neo4j-admin's property types that have an RDF literal; the others
// (point, duration, time, ...) are refused at the header.
constexpr std::string_view kPropertyTypes[] = {"string", "char",   "int",  "long",     "short",        "byte",
                                               "float",  "double", "boolean", "date", "datetime", "localdatetime"};

// The literal `value` of a column of `type` ("" for a column without one)
// stands for, or why it cannot be one.
absl::StatusOr<Term> TypedLiteral(std::string_view value, std::string_view type) {
  const auto refuse = [&](std::string_view what) {
    return absl::InvalidArgumentError(Cat("\"", value, "\" is not ", what));
  };
  if (type.empty()) return LiteralFromJson(value, /*is_string=*/true);
  if (type == "string" || type == "char") return Term::Literal(value);
  if (type == "int" || type == "long" || type == "short" || type == "byte") {
    if (!IsInteger(value)) return refuse("an integer");
    return Term::Literal(value, Cat(kXsd, "integer"));
  }
  if (type == "float" || type == "double") {
    if (!IsNumber(value)) return refuse("a number");
    return Term::Literal(value, Cat(kXsd, "double"));
  }
  if (type == "boolean") {
    const std::string lower = AsciiLower(value);
    if (lower != "true" && lower != "false") return refuse("true or false");
    return Term::Literal(lower, Cat(kXsd, "boolean"));
  }
  const Term recognised = LiteralFromJson(value, /*is_string=*/true);
  if (type == "date") {
    if (recognised.datatype != Cat(kXsd, "date")) return refuse("a date (YYYY-MM-DD)");
    return recognised;
  }
  if (recognised.datatype != Cat(kXsd, "dateTime")) return refuse("a date-time (YYYY-MM-DDThh:mm:ss)");
  return recognised;
}

struct Column {
  enum class Role { kId, kLabel, kStartId, kEndId, kType, kIgnore, kProperty };
  Role role = Role::kProperty;
  std::string name;    // a property's name
  std::string type;    // a property's type, "" when the header gives none
  bool array = false;  // values separated by ';'
  std::string id_space;
};

// "name:type", ":ID(space)", ":LABEL", ... as neo4j-admin import reads them.
absl::StatusOr<Column> ParseColumn(std::string_view header) {
  Column column;
  const std::size_t colon = header.rfind(':');
  column.name = std::string(header.substr(0, colon));
  if (colon == std::string_view::npos) return column;
  std::string_view type = header.substr(colon + 1);
  if (const std::size_t open = type.find('('); open != std::string_view::npos && type.ends_with(')')) {
    column.id_space = std::string(type.substr(open + 1, type.size() - open - 2));
    type = type.substr(0, open);
  }
  const std::string lower = AsciiLower(type);
  static const std::map<std::string_view, Column::Role> kRoles = {
      {"id", Column::Role::kId},       {"label", Column::Role::kLabel}, {"start_id", Column::Role::kStartId},
      {"end_id", Column::Role::kEndId}, {"type", Column::Role::kType},   {"ignore", Column::Role::kIgnore}};
  if (const auto role = kRoles.find(lower); role != kRoles.end()) {
    column.role = role->second;
    return column;
  }
  std::string_view property_type = lower;
  if (property_type.ends_with("[]")) {
    column.array = true;
    property_type.remove_suffix(2);
  }
  if (std::find(std::begin(kPropertyTypes), std::end(kPropertyTypes), property_type) == std::end(kPropertyTypes)) {
    return absl::InvalidArgumentError(Cat("the type \"", type, "\" is not one relata reads (", "string, int, long, "
                                          "float, double, boolean, date, datetime, and arrays of them)"));
  }
  column.type = std::string(property_type);
  return column;
}

std::vector<std::string_view> SplitArray(std::string_view value) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= value.size();) {
    const std::size_t end = std::min(value.find(';', start), value.size());
    if (end > start) parts.push_back(value.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// One CSV file: its header, and whether it holds relationships.
struct CsvFile {
  int index = 0;  // into records->files
  std::string text;
  std::vector<Column> columns;
  bool relationships = false;
};

class Neo4jReader {
 public:
  Neo4jReader(bool lenient, Records* records, std::vector<std::string>* skipped)
      : lenient_(lenient), records_(records), skipped_(skipped) {}

  absl::Status Read(const std::vector<query::InputSource*>& inputs) {
    std::vector<CsvFile> files;
    for (query::InputSource* input : inputs) {
      ASSIGN_OR_RETURN(InputFile read, ReadInputFile(*input, records_));
      files.push_back({.index = read.index, .text = std::move(read.text), .columns = {}, .relationships = false});
    }
    for (CsvFile& file : files) RETURN_IF_ERROR(ReadFile(file, /*relationships=*/false));
    for (CsvFile& file : files) RETURN_IF_ERROR(ReadFile(file, /*relationships=*/true));
    return absl::OkStatus();
  }

 private:
  const std::string& FileName(const CsvFile& file) const {
    return records_->files[static_cast<std::size_t>(file.index)];
  }
  absl::Status Fail(const CsvFile& file, const Field& field, std::string_view column, std::string_view reason) const {
    return absl::InvalidArgumentError(Cat(FileName(file), ":", field.line, ":", field.column, ": ",
                                          column.empty() ? "" : Cat(column, ": "), reason));
  }

  // Reads the header on the first pass; then the rows of node files on the
  // first pass and of relationship files on the second.
  absl::Status ReadFile(CsvFile& file, bool relationships) {
    CsvRecords rows(file.text, FileName(file));
    std::vector<Field> fields;
    ASSIGN_OR_RETURN(bool more, rows.Next(&fields));
    if (!more) return absl::OkStatus();
    if (!relationships) RETURN_IF_ERROR(ReadHeader(file, fields));
    if (file.relationships != relationships) return absl::OkStatus();
    while (true) {
      ASSIGN_OR_RETURN(more, rows.Next(&fields));
      if (!more) return absl::OkStatus();
      absl::Status status;
      if (fields.size() != file.columns.size()) {
        status = Fail(file, fields.front(), "",
                      Cat(fields.size(), " fields where the header has ", file.columns.size()));
      } else {
        status = relationships ? ReadRelationship(file, fields) : ReadNode(file, fields);
      }
      if (!status.ok()) {
        if (!lenient_) return status;
        skipped_->emplace_back(status.message());
      }
    }
  }

  absl::Status ReadHeader(CsvFile& file, const std::vector<Field>& header) {
    bool has_start = false, has_end = false, has_type = false;
    for (const Field& field : header) {
      auto column = ParseColumn(field.value);
      if (!column.ok()) return Fail(file, field, field.value, std::string(column.status().message()));
      has_start |= column->role == Column::Role::kStartId;
      has_end |= column->role == Column::Role::kEndId;
      has_type |= column->role == Column::Role::kType;
      file.columns.push_back(*std::move(column));
    }
    file.relationships = has_start || has_end;
    if (file.relationships && !(has_start && has_end && has_type)) {
      return Fail(file, header.front(), "",
                  "a relationship file's header needs :START_ID, :END_ID and :TYPE columns");
    }
    return absl::OkStatus();
  }

  // A property column's values, appended to `properties`.
  absl::Status AddProperty(const CsvFile& file, const Column& column, const Field& field,
                           std::vector<Property>* properties) {
    for (const std::string_view part :
         column.array ? SplitArray(field.value) : std::vector<std::string_view>{field.value}) {
      auto value = TypedLiteral(part, column.type);
      if (!value.ok()) return Fail(file, field, column.name, std::string(value.status().message()));
      properties->emplace_back(column.name, *std::move(value));
    }
    return absl::OkStatus();
  }

  absl::Status ReadNode(const CsvFile& file, const std::vector<Field>& fields) {
    Entity entity;
    entity.at = {file.index, fields.front().line, fields.front().column};
    std::optional<std::pair<std::string, std::string>> key;  // (id space, id)
    const Field* id_field = nullptr;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const Column& column = file.columns[i];
      const Field& field = fields[i];
      if (field.value.empty()) continue;  // neo4j-admin: an empty field is no value
      switch (column.role) {
        case Column::Role::kId:
          key.emplace(column.id_space, field.value);
          id_field = &field;
          break;
        case Column::Role::kLabel:
          for (const std::string_view label : SplitArray(field.value)) entity.types.emplace_back(label);
          break;
        case Column::Role::kProperty:
          if (column.name == "name") {
            entity.name = field.value;
          } else if (column.name == "aliases") {
            for (const std::string_view alias : SplitArray(field.value)) entity.aliases.emplace_back(alias);
          } else if (column.name == "description") {
            entity.description = field.value;
          } else if (column.name == "same_as" || column.name == "sameAs") {
            for (const std::string_view iri : SplitArray(field.value)) {
              if (!query::IsAbsoluteIri(iri)) {
                return Fail(file, field, column.name, Cat("not an absolute IRI: \"", iri, "\""));
              }
              entity.same_as.emplace_back(iri);
            }
          } else if (column.name == "document") {
            entity.document = field.value;
          } else {
            RETURN_IF_ERROR(AddProperty(file, column, field, &entity.properties));
          }
          break;
        default:
          break;
      }
    }
    // A named node is resolved by its name like any other mention of it;
    // the :ID only ties the file's relationships to it.
    if (entity.name.empty()) {
      if (!key) return Fail(file, fields.front(), "", "a node needs a name or an :ID");
      entity.id = key->second;
    }
    if (key) {
      EntityRef ref;
      ref.id = entity.id;
      ref.name = entity.name;
      ref.types = entity.types;
      const auto [it, inserted] = nodes_.try_emplace(*key, std::move(ref));
      if (!inserted) {
        const SourcePosition& first = it->second.at;
        return Fail(file, *id_field, ":ID",
                    Cat("the id \"", key->second, "\" is given twice (first at ",
                        records_->files[static_cast<std::size_t>(first.file)], ":", first.line, ")"));
      }
      it->second.at = entity.at;
    }
    records_->entities.push_back(std::move(entity));
    return absl::OkStatus();
  }

  absl::Status ReadRelationship(const CsvFile& file, const std::vector<Field>& fields) {
    Relation relation;
    relation.at = {file.index, fields.front().line, fields.front().column};
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const Column& column = file.columns[i];
      const Field& field = fields[i];
      const bool start = column.role == Column::Role::kStartId;
      if (start || column.role == Column::Role::kEndId) {
        const std::string_view name = start ? ":START_ID" : ":END_ID";
        const auto node = nodes_.find({column.id_space, field.value});
        if (node == nodes_.end()) {
          return Fail(file, field, name,
                      Cat("no node has the id \"", field.value, "\"",
                          column.id_space.empty() ? "" : Cat(" in the id space ", column.id_space)));
        }
        EntityRef& end = start ? relation.subject : relation.object;
        end = node->second;
        end.at = {file.index, field.line, field.column};
        end.path = std::string(name);
        continue;
      }
      if (field.value.empty()) continue;
      if (column.role == Column::Role::kType) {
        // Relationship types are UPPER_SNAKE by neo4j's convention and
        // lower_snake by KG-JSONL's: both become one predicate.
        relation.predicate = AsciiLower(field.value);
      } else if (column.role == Column::Role::kProperty && column.name == "document") {
        relation.document = field.value;
      } else if (column.role == Column::Role::kProperty && column.name == "confidence") {
        if (!IsNumber(field.value)) return Fail(file, field, "confidence", Cat("\"", field.value, "\" is not a number"));
        relation.confidence = LiteralFromJson(field.value, /*is_string=*/false);
      } else if (column.role == Column::Role::kProperty) {
        RETURN_IF_ERROR(AddProperty(file, column, field, &relation.properties));
      }
    }
    if (relation.predicate.empty()) return Fail(file, fields.front(), ":TYPE", "the relationship has no type");
    records_->relations.push_back(std::move(relation));
    return absl::OkStatus();
  }

  bool lenient_;
  Records* records_;
  std::vector<std::string>* skipped_;
  std::map<std::pair<std::string, std::string>, EntityRef> nodes_;
};

}  // namespace

absl::Status ReadNeo4jCsv(const std::vector<query::InputSource*>& inputs, bool lenient, Records* records,
                          std::vector<std::string>* skipped) {
  return Neo4jReader(lenient, records, skipped).Read(inputs);
}

absl::Status ReadOpenIeTsv(query::InputSource& input, bool lenient, Records* records,
                           std::vector<std::string>* skipped) {
  ASSIGN_OR_RETURN(const InputFile input_file, ReadInputFile(input, records));
  const int file_index = input_file.index;
  const std::string& text = input_file.text;
  const std::string& file = records->files.back();
  int line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::vector<Field> fields;
    for (std::size_t from = 0; from <= line.size();) {
      const std::size_t tab = std::min(line.find('\t', from), line.size());
      fields.push_back({std::string(line.substr(from, tab - from)), line_number,
                        static_cast<int>(from) + 1});
      from = tab + 1;
    }
    const auto fail = [&](const Field& at, std::string_view reason) {
      return absl::InvalidArgumentError(Cat(file, ":", at.line, ":", at.column, ": ", reason));
    };
    absl::Status status;
    static constexpr std::string_view kColumns[] = {"confidence", "subject", "relation", "object"};
    if (fields.size() != 4) {
      status = fail(fields.front(), Cat(fields.size(), " fields; OpenIE lines have 4: confidence, subject, "
                                                      "relation, object, separated by tabs"));
    } else if (!IsNumber(fields[0].value)) {
      status = fail(fields[0], Cat("confidence: \"", fields[0].value, "\" is not a number"));
    } else {
      for (std::size_t i = 1; i < 4 && status.ok(); ++i) {
        if (fields[i].value.find_first_not_of(' ') == std::string::npos) {
          status = fail(fields[i], Cat(kColumns[i], ": empty"));
        }
      }
    }
    if (!status.ok()) {
      if (!lenient) return status;
      skipped->emplace_back(status.message());
      continue;
    }
    Relation relation;
    relation.at = {file_index, line_number, 1};
    relation.confidence = LiteralFromJson(fields[0].value, /*is_string=*/false);
    const auto named = [&](const Field& field, const char* path) {
      EntityRef ref;
      ref.name = field.value;
      ref.at = {file_index, line_number, field.column};
      ref.path = path;
      return ref;
    };
    relation.subject = named(fields[1], "subject");
    relation.predicate = AsciiLower(fields[2].value);
    relation.object = named(fields[3], "object");
    records->relations.push_back(std::move(relation));
  }
  return absl::OkStatus();
}

}  // namespace relata::engine::kg
