#pragma once
/// RFC 4180 CSV reading for contact imports: comma or semicolon (detected from the header
/// line), quoted fields with doubled quotes and line breaks, CRLF/LF/CR line ends. A
/// malformed row is reported and reading resumes at the next physical line, so one broken
/// row never swallows the rows after it. Pure code: no I/O.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace diskret::contacts {

inline constexpr std::size_t kMaxCsvColumns = 256;
inline constexpr std::size_t kMaxCsvFieldBytes = 64 * 1024;
/// A quoted field may contain this many line breaks; a quote still open after them is
/// reported as unbalanced (bounds the work a stray quote can cause).
inline constexpr std::size_t kMaxLineBreaksInField = 20;

/// Drops a UTF-8 byte order mark; UTF-16 and UTF-32 input (by BOM) fails with
/// Errc::not_utf8 and a hint to save the file as "CSV UTF-8".
Expected<std::string_view> strip_bom(std::string_view bytes);

/// ',' or ';': whichever occurs more often outside quotes in the first line; ',' on a tie.
char detect_delimiter(std::string_view text);

struct CsvRow {
  std::size_t line = 0;             ///< physical line (1-based) where the row starts
  std::size_t lines = 1;            ///< physical lines the row spans (quoted line breaks)
  std::size_t offset = 0;           ///< byte offset of the row in the text
  std::vector<std::string> fields;  ///< unquoted values; CRLF inside quotes becomes LF
  std::string error;                ///< non-empty: the row is malformed, fields unspecified
};

class CsvReader {
 public:
  /// `text` without BOM; `delimiter` ',' or ';'; `first_line` numbers the first line.
  CsvReader(std::string_view text, char delimiter, std::size_t first_line = 1)
      : text_(text), delimiter_(delimiter), line_(first_line) {}

  /// From now on a row with another number of columns is an error (0: any number). A row
  /// spanning several lines whose count is wrong is reported as an unbalanced quote and
  /// reading resumes at the line after its first one.
  void expect_columns(std::size_t n) { expected_ = n; }

  /// Reads the next row that has any content (blank lines and rows of empty fields are
  /// skipped: they carry no data). False at the end of the input.
  bool next(CsvRow& row);

  /// Resumes at the line after `row`'s first one: for a multi-line row found to be the
  /// result of a stray quote only after it was read.
  void restart_after(const CsvRow& row) { resync(row.offset, row.line); }

 private:
  bool parse_row(CsvRow& row, std::size_t& line_breaks_in_quotes);
  bool parse_quoted(std::size_t quote, std::string& out, std::size_t& breaks, std::string& error);
  void resync(std::size_t start, std::size_t start_line);
  void consume_line_break();

  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t line_;
  std::size_t expected_ = 0;
};

}  // namespace diskret::contacts
