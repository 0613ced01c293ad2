// libFuzzer target for the CSV contact import. The input is the CSV file itself. Checks,
// beyond "no crash": every row with content is either imported or rejected (nothing
// dropped), errors come in line order within the input's lines, imported numbers are
// unique E.164, and every imported value passed the field checks.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "contacts/csv_import.hpp"
#include "contacts/csv_reader.hpp"
#include "contacts/text_checks.hpp"

namespace {

using namespace diskret::contacts;

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_reader(std::string_view text) {
  CsvReader reader(text, detect_delimiter(text));
  reader.expect_columns(3);
  CsvRow row;
  std::size_t last = 0;
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n') +
                                              std::count(text.begin(), text.end(), '\r')) +
                     1;
  while (reader.next(row)) {
    check(row.line > last && row.line <= lines);
    last = row.line;
    if (row.error.empty()) check(row.fields.size() == 3);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_reader(text);

  ImportOptions options;
  options.now = diskret::SystemTime{std::chrono::seconds{1'700'000'000}};
  auto report = decode_contacts_csv(text, options);
  if (!report) {
    check(!report.error().message().empty());
    return 0;
  }
  check(report->rows.size() + report->rejected == report->data_rows);
  std::set<std::size_t> error_lines;
  std::size_t last = 0;
  for (const auto& e : report->errors) {
    check(e.line >= last && e.line >= 1 && !e.reason.empty());
    last = e.line;
    error_lines.insert(e.line);
  }
  check(error_lines.size() == report->rejected);
  std::set<std::string> numbers;
  for (const auto& row : report->rows) {
    check(!error_lines.count(row.line));
    const auto& c = row.contact;
    check(c.phone.size() > 1 && c.phone[0] == '+' && numbers.insert(c.phone).second);
    check(!check_name(c.first_name) && !check_name(c.last_name));
    for (const auto& [key, value] : c.fields)
      check(!check_field_key(key) && !check_field_value(value));
    check(std::is_sorted(c.fields.begin(), c.fields.end()));
    for (const auto& list : c.list_names) check(!check_list_name(list));
    if (c.consent) check(validate_consent(*c.consent, options.now).empty());
  }
  return 0;
}
