#include "contacts/csv_reader.hpp"

#include <algorithm>

#include "contacts/errc.hpp"

namespace diskret::contacts {
namespace {

bool is_line_break(char c) { return c == '\n' || c == '\r'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

void normalise_crlf(std::string& s) {
  if (s.find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i] == '\r' ? '\n' : s[i];
  }
  s = std::move(out);
}

}  // namespace

Expected<std::string_view> strip_bom(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) return bytes.substr(3);
  // UTF-32 LE starts like UTF-16 LE, so it is caught by the same test.
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF") ||
      bytes.starts_with(std::string_view("\x00\x00\xFE\xFF", 4))) {
    return fail(Errc::not_utf8,
                "the file is UTF-16 or UTF-32; save it as \"CSV UTF-8\" and upload it again");
  }
  return bytes;
}

char detect_delimiter(std::string_view text) {
  std::size_t commas = 0;
  std::size_t semicolons = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;  // a doubled quote toggles twice: still right
    } else if (!quoted) {
      if (is_line_break(c)) break;
      commas += c == ',';
      semicolons += c == ';';
    }
  }
  return semicolons > commas ? ';' : ',';
}

void CsvReader::consume_line_break() {
  if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
  ++pos_;
  ++line_;
}

// Resumes at the physical line after the one where a malformed row started: whatever
// the row's quotes did, the following lines are read as rows of their own.
void CsvReader::resync(std::size_t start, std::size_t start_line) {
  pos_ = start;
  line_ = start_line;
  while (pos_ < text_.size() && !is_line_break(text_[pos_])) ++pos_;
  if (pos_ < text_.size()) consume_line_break();
}

bool CsvReader::next(CsvRow& row) {
  while (pos_ < text_.size()) {
    const std::size_t start = pos_;
    const std::size_t start_line = line_;
    row.line = start_line;
    row.offset = start;
    row.lines = 1;
    row.error.clear();
    std::size_t breaks = 0;
    if (!parse_row(row, breaks)) {
      resync(start, start_line);
      return true;
    }
    row.lines = breaks + 1;
    const bool empty = std::all_of(row.fields.begin(), row.fields.end(),
                                   [](const std::string& f) { return f.empty(); });
    if (empty) continue;
    if (expected_ != 0 && row.fields.size() != expected_) {
      if (breaks > 0) {
        row.error = "unbalanced quote: a quoted field opened on this line spans " +
                    std::to_string(breaks + 1) + " lines and the row has the wrong column count";
        resync(start, start_line);
      } else {
        row.error = (row.fields.size() > expected_ ? "too many columns: expected "
                                                   : "too few columns: expected ") +
                    std::to_string(expected_) + ", found " + std::to_string(row.fields.size());
      }
    }
    return true;
  }
  return false;
}

bool CsvReader::parse_quoted(std::size_t quote, std::string& out, std::size_t& breaks,
                             std::string& error) {
  std::size_t i = quote + 1;
  std::size_t local_breaks = 0;
  for (;;) {
    // Scan char by char so an unbalanced quote costs at most kMaxLineBreaksInField lines.
    std::size_t j = i;
    while (j < text_.size() && text_[j] != '"') {
      const bool crlf = text_[j] == '\r' && j + 1 < text_.size() && text_[j + 1] == '\n';
      if (is_line_break(text_[j]) && !crlf) {
        ++local_breaks;
        if (++breaks > kMaxLineBreaksInField) break;
      }
      ++j;
    }
    if (j >= text_.size() || breaks > kMaxLineBreaksInField) {
      error = "unbalanced quote: a quoted field opened on this line does not close";
      return false;
    }
    out.append(text_.substr(i, j - i));
    if (out.size() > kMaxCsvFieldBytes) {
      error = "field longer than " + std::to_string(kMaxCsvFieldBytes) + " bytes";
      return false;
    }
    if (j + 1 < text_.size() && text_[j + 1] == '"') {
      out += '"';
      i = j + 2;
      continue;
    }
    pos_ = j + 1;
    normalise_crlf(out);
    line_ += local_breaks;
    return true;
  }
}

bool CsvReader::parse_row(CsvRow& row, std::size_t& breaks) {
  std::size_t count = 0;
  for (;;) {
    if (count == kMaxCsvColumns) {
      row.error = "more than " + std::to_string(kMaxCsvColumns) + " columns";
      return false;
    }
    if (row.fields.size() <= count) row.fields.emplace_back();
    std::string& field = row.fields[count++];
    field.clear();
    // Hand-written files put blanks before a quote ("a, \"b\""): still a quoted field.
    std::size_t q = pos_;
    while (q < text_.size() && is_blank(text_[q])) ++q;
    if (q < text_.size() && text_[q] == '"') {
      if (!parse_quoted(q, field, breaks, row.error)) return false;
      while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
      if (pos_ < text_.size() && text_[pos_] != delimiter_ && !is_line_break(text_[pos_])) {
        row.error = "unexpected text after a closing quote";
        return false;
      }
    } else {
      std::size_t k = pos_;
      while (k < text_.size() && text_[k] != delimiter_ && !is_line_break(text_[k]) &&
             text_[k] != '"') {
        ++k;
      }
      if (k < text_.size() && text_[k] == '"') {
        row.error = "quote inside an unquoted field (quote the whole field and double its quotes)";
        return false;
      }
      if (k - pos_ > kMaxCsvFieldBytes) {
        row.error = "field longer than " + std::to_string(kMaxCsvFieldBytes) + " bytes";
        return false;
      }
      field.assign(text_.substr(pos_, k - pos_));
      pos_ = k;
    }
    if (pos_ >= text_.size()) break;
    if (text_[pos_] == delimiter_) {
      ++pos_;
      continue;
    }
    consume_line_break();
    break;
  }
  row.fields.resize(count);
  return true;
}

}  // namespace diskret::contacts
