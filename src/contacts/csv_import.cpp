#include "contacts/csv_import.hpp"

#include <algorithm>
#include <unordered_map>

#include "contacts/column_map.hpp"
#include "contacts/csv_reader.hpp"
#include "contacts/errc.hpp"
#include "contacts/text_checks.hpp"
#include "contacts/timestamp.hpp"

namespace diskret::contacts {
namespace {

constexpr std::string_view kDateHint = "not a date (use 2024-03-01, 01.03.2024 or RFC 3339)";

class RowMapper {
 public:
  RowMapper(const ColumnMap& map, const ImportOptions& options) : map_(map), options_(options) {}

  /// Appends the row's errors; returns whether it is valid.
  bool map(const CsvRow& row, ContactDraft& out, std::vector<RowError>& errors);

 private:
  void error(std::string_view field, std::string reason) {
    errors_->push_back({line_, std::string(field), std::move(reason)});
  }
  std::string header_of(ColumnKind kind, std::string_view fallback) const {
    const auto i = map_.index(kind);
    return i ? map_.columns[*i].header : std::string(fallback);
  }
  void map_consent(const CsvRow& row, ContactDraft& out);
  void map_lists(const Column& column, std::string_view value, ContactDraft& out);
  void map_phone(const Column& column, std::string_view value, ContactDraft& out);

  const ColumnMap& map_;
  const ImportOptions& options_;
  std::unordered_map<std::string, std::size_t> seen_;  // E.164 -> line of the accepted row
  std::vector<RowError>* errors_ = nullptr;
  std::size_t line_ = 0;
};

void RowMapper::map_phone(const Column& column, std::string_view value, ContactDraft& out) {
  if (value.empty()) return error(column.header, "empty: every contact needs a phone number");
  auto number = phone::PhoneNumber::parse(value, options_.region);
  if (!number) return error(column.header, number.error().message());
  out.phone = number->e164();
}

void RowMapper::map_lists(const Column& column, std::string_view value, ContactDraft& out) {
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find_first_of("|,;", start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view name = trim(value.substr(start, end - start));
    start = end + 1;
    if (name.empty()) continue;
    if (auto why = check_list_name(name)) return error(column.header, "list name " + *why);
    if (std::find(out.list_names.begin(), out.list_names.end(), name) == out.list_names.end()) {
      out.list_names.emplace_back(name);
    }
  }
  if (out.list_names.size() > kMaxListsPerContact) {
    error(column.header, "more than " + std::to_string(kMaxListsPerContact) + " lists");
  }
}

void RowMapper::map_consent(const CsvRow& row, ContactDraft& out) {
  const auto value = [&](ColumnKind kind) -> std::string_view {
    const auto i = map_.index(kind);
    return i ? trim(row.fields[*i]) : std::string_view{};
  };
  const ColumnKind kinds[] = {ColumnKind::consent_purpose, ColumnKind::consent_source,
                              ColumnKind::consent_wording, ColumnKind::consent_obtained_at,
                              ColumnKind::consent_confirmed_at};
  if (std::all_of(std::begin(kinds), std::end(kinds),
                  [&](ColumnKind k) { return value(k).empty(); })) {
    return;  // no consent given in this row
  }
  const std::size_t before = errors_->size();
  Consent c;
  c.source = ConsentSource::import;
  if (auto purpose = value(ColumnKind::consent_purpose); !purpose.empty()) {
    c.purpose = ascii_lower(purpose);
  }
  if (auto source = value(ColumnKind::consent_source); !source.empty()) {
    if (auto s = parse_consent_source(source)) {
      c.source = *s;
    } else {
      error(header_of(ColumnKind::consent_source, "consent_source"),
            "unknown source (web_form, paper, sms_keyword, import, api)");
    }
  }
  c.wording = std::string(value(ColumnKind::consent_wording));
  if (auto at = value(ColumnKind::consent_obtained_at); !at.empty()) {
    c.obtained_at = parse_timestamp(at);
    if (!c.obtained_at)
      error(header_of(ColumnKind::consent_obtained_at, ""), std::string(kDateHint));
  }
  if (auto at = value(ColumnKind::consent_confirmed_at); !at.empty()) {
    c.double_opt_in_confirmed_at = parse_timestamp(at);
    if (!c.double_opt_in_confirmed_at) {
      error(header_of(ColumnKind::consent_confirmed_at, ""), std::string(kDateHint));
    }
  }
  if (errors_->size() != before) return;
  for (auto& e : validate_consent(c, options_.now, "")) {
    std::string field =
        e.field == "purpose"   ? header_of(ColumnKind::consent_purpose, "consent_purpose")
        : e.field == "wording" ? header_of(ColumnKind::consent_wording, "consent_wording")
        : e.field == "obtained_at"
            ? header_of(ColumnKind::consent_obtained_at, "consent_obtained_at")
            : header_of(ColumnKind::consent_confirmed_at, "consent_confirmed_at");
    error(field, std::move(e.reason));
  }
  out.consent = std::move(c);
}

bool RowMapper::map(const CsvRow& row, ContactDraft& out, std::vector<RowError>& errors) {
  errors_ = &errors;
  line_ = row.line;
  const std::size_t before = errors.size();
  if (!row.error.empty()) {
    error("", row.error);
    return false;
  }
  for (std::size_t i = 0; i < map_.columns.size(); ++i) {
    const Column& column = map_.columns[i];
    const std::string_view value = trim(row.fields[i]);
    if (!valid_utf8(value)) {
      error(column.header, "not valid UTF-8 (save the file as \"CSV UTF-8\")");
      continue;
    }
    switch (column.kind) {
      case ColumnKind::phone:
        map_phone(column, value, out);
        break;
      case ColumnKind::first_name:
      case ColumnKind::last_name:
        if (auto why = check_name(value)) {
          error(column.header, *why);
        } else {
          (column.kind == ColumnKind::first_name ? out.first_name : out.last_name) = value;
        }
        break;
      case ColumnKind::lists:
        map_lists(column, value, out);
        break;
      case ColumnKind::custom:
        if (value.empty()) break;
        if (auto why = check_field_value(value)) {
          error(column.header, *why);
        } else {
          out.fields.emplace_back(column.key, value);  // columns are unique: no duplicates
        }
        break;
      case ColumnKind::unnamed:
        if (!value.empty()) {
          error("column " + std::to_string(i + 1), "value in a column without a header name");
        }
        break;
      default:
        break;  // consent columns: below, together
    }
  }
  if (map_.has_consent()) map_consent(row, out);
  if (errors.size() == before && !out.phone.empty()) {
    auto [it, fresh] = seen_.try_emplace(out.phone, row.line);
    if (!fresh) {
      error(map_.columns[*map_.index(ColumnKind::phone)].header,
            "duplicate of line " + std::to_string(it->second));
    }
  }
  std::sort(out.fields.begin(), out.fields.end());
  return errors.size() == before;
}

// Only custom fields may hold line breaks (notes, addresses). A line break in the number,
// a name, the lists or consent means a quote opened and never closed on the row's first
// line; the rows after it are read again instead of being swallowed.
void check_line_breaks(const ColumnMap& map, CsvRow& row, CsvReader& reader) {
  for (std::size_t i = 0; i < map.columns.size(); ++i) {
    const Column& column = map.columns[i];
    if (column.kind == ColumnKind::custom || row.fields[i].find('\n') == std::string::npos) {
      continue;
    }
    row.error = "unbalanced quote: the quoted \"" + column.header +
                "\" field opened on this line runs into the next line";
    reader.restart_after(row);
    return;
  }
}

}  // namespace

Expected<ImportReport> decode_contacts_csv(std::string_view bytes, const ImportOptions& options) {
  auto text = strip_bom(bytes);
  if (!text) return unexpected(text.error());
  ImportReport report;
  report.delimiter = detect_delimiter(*text);
  std::size_t first_line = 1;
  // Excel writes and honours a first line "sep=;" naming the delimiter.
  if (text->size() >= 6 && ascii_lower(text->substr(0, 4)) == "sep=" &&
      ((*text)[5] == '\n' || (*text)[5] == '\r') && ((*text)[4] == ',' || (*text)[4] == ';')) {
    report.delimiter = (*text)[4];
    text->remove_prefix((*text)[5] == '\r' && text->substr(6, 1) == "\n" ? 7 : 6);
    first_line = 2;
  }
  CsvReader reader(*text, report.delimiter, first_line);
  CsvRow row;
  if (!reader.next(row)) return fail(Errc::empty_input, "the CSV is empty: it needs a header row");
  if (!row.error.empty()) {
    return fail(Errc::bad_header, "the header row is malformed: " + row.error);
  }
  auto map = map_header(row.fields);
  if (!map) return unexpected(map.error());
  reader.expect_columns(map->columns.size());

  RowMapper mapper(*map, options);
  while (reader.next(row)) {
    if (++report.data_rows > options.max_rows) {
      return fail(Errc::too_many_rows,
                  "more than " + std::to_string(options.max_rows) + " rows; split the file");
    }
    if (row.lines > 1 && row.error.empty()) check_line_breaks(*map, row, reader);
    ContactDraft contact;
    if (mapper.map(row, contact, report.errors)) {
      report.rows.push_back({row.line, std::move(contact)});
    } else {
      ++report.rejected;
    }
  }
  return report;
}

}  // namespace diskret::contacts
