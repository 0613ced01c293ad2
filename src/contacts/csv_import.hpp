#pragma once
/// CSV contact import as a pure function: bytes -> the valid rows as ContactDrafts plus a
/// report naming every rejected row (line, field, reason). Nothing is dropped silently:
/// every row with content is either in `rows` or named in `errors`.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "contacts/contact.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "phone/phone_number.hpp"

namespace diskret::contacts {

struct ImportOptions {
  phone::Region region{"DE"};  ///< for numbers in national notation
  SystemTime now{};            ///< consent times after this are refused
  std::size_t max_rows = 1'000'000;
};

struct RowError {
  std::size_t line = 0;  ///< physical line in the file, 1 = header
  std::string field;     ///< the column's header as written; empty for a malformed row
  std::string reason;    ///< no personal data
  friend bool operator==(const RowError&, const RowError&) = default;
};

struct ImportRow {
  std::size_t line = 0;
  ContactDraft contact;
};

struct ImportReport {
  char delimiter = ',';
  std::size_t data_rows = 0;     ///< rows with content after the header
  std::vector<ImportRow> rows;   ///< valid rows in file order, phone numbers unique
  std::size_t rejected = 0;      ///< rows with at least one error; rows + rejected = data_rows
  std::vector<RowError> errors;  ///< in line order; a row may have several
};

/// Reads a CSV export (UTF-8 with or without BOM; ',' or ';'; RFC 4180 quoting; CRLF or
/// LF). Rows fail for invalid or duplicate numbers (a later row repeating an accepted number
/// is the duplicate), invalid names, fields or list names, incomplete or invalid consent,
/// invalid UTF-8, and malformed CSV (quotes, column count). The whole input fails only when
/// there is no usable header or too many rows.
Expected<ImportReport> decode_contacts_csv(std::string_view bytes, const ImportOptions& options);

}  // namespace diskret::contacts
