#include "contacts/csv_import.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "contacts/errc.hpp"
#include "contacts/timestamp.hpp"
#include "unit/contacts/broken_csv.hpp"

namespace diskret::contacts {
namespace {

ImportOptions options() {
  ImportOptions o;
  o.now = *parse_timestamp("2025-01-01T00:00:00Z");
  return o;
}

ImportReport ok(std::string_view csv) {
  auto r = decode_contacts_csv(csv, options());
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
  return r.value_or(ImportReport{});
}

Errc fails(std::string_view csv) {
  auto r = decode_contacts_csv(csv, options());
  EXPECT_FALSE(r.has_value());
  if (r) return Errc::ok;
  EXPECT_FALSE(r.error().detail.empty());
  return static_cast<Errc>(r.error().code.value());
}

TEST(CsvImport, GermanExcelExportWithBomAndSemicolons) {
  auto r =
      ok("\xEF\xBB\xBFTelefon;Vorname;Nachname;Kunden-Nr.;Liste\r\n"
         "0151 23456789;J\xC3\xBCrgen;\"M\xC3\xBCller; jun.\";4711;VIP|Newsletter\r\n");
  EXPECT_EQ(r.delimiter, ';');
  ASSERT_EQ(r.rows.size(), 1u);
  const auto& c = r.rows[0].contact;
  EXPECT_EQ(r.rows[0].line, 2u);
  EXPECT_EQ(c.phone, "+4915123456789");
  EXPECT_EQ(c.first_name, "J\xC3\xBCrgen");
  EXPECT_EQ(c.last_name, "M\xC3\xBCller; jun.");
  EXPECT_EQ(c.fields, (CustomFields{{"kunden_nr", "4711"}}));
  EXPECT_EQ(c.list_names, (std::vector<std::string>{"VIP", "Newsletter"}));
  EXPECT_FALSE(c.consent);
  EXPECT_TRUE(r.errors.empty());
}

TEST(CsvImport, CommaSeparatedWithoutBomAndEnglishHeaders) {
  auto r = ok("phone,first_name,last_name,city\n+4915123456789,Ann,Lee,Berlin\n");
  EXPECT_EQ(r.delimiter, ',');
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].contact.fields, (CustomFields{{"city", "Berlin"}}));
}

TEST(CsvImport, HeaderAliases) {
  for (const char* h : {"phone", "Number", "MOBILE", "telefon", "Handy", "Mobilnummer"}) {
    auto r = ok(std::string(h) + "\n015123456789\n");
    EXPECT_EQ(r.rows.size(), 1u) << h;
  }
  auto r = ok("handy;vorname;nachname;listen\n015123456789;A;B;x\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].contact.first_name, "A");
  EXPECT_EQ(r.rows[0].contact.last_name, "B");
  EXPECT_EQ(r.rows[0].contact.list_names, (std::vector<std::string>{"x"}));
}

TEST(CsvImport, ExcelSepLineChoosesTheDelimiter) {
  auto r = ok("sep=;\r\nphone;note\r\n015123456789;a,b\r\n");
  EXPECT_EQ(r.delimiter, ';');
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 3u);
  EXPECT_EQ(r.rows[0].contact.fields, (CustomFields{{"note", "a,b"}}));
}

TEST(CsvImport, ConsentColumnsBuildAConsentRecord) {
  auto r =
      ok("phone;consent_source;consent_wording;consent_obtained_at;consent_confirmed_at\n"
         "015123456789;Web Form;Ja, SMS bitte;01.03.2024 14:30;2024-03-01T15:00:00Z\n"
         "015123456780;;;;\n");
  ASSERT_EQ(r.rows.size(), 2u) << (r.errors.empty() ? "" : r.errors[0].reason);
  const auto& c = r.rows[0].contact.consent;
  ASSERT_TRUE(c);
  EXPECT_EQ(c->purpose, "marketing");
  EXPECT_EQ(c->source, ConsentSource::web_form);
  EXPECT_EQ(c->wording, "Ja, SMS bitte");
  EXPECT_EQ(format_timestamp(*c->obtained_at), "2024-03-01T14:30:00Z");
  EXPECT_EQ(format_timestamp(*c->double_opt_in_confirmed_at), "2024-03-01T15:00:00Z");
  EXPECT_TRUE(allows_marketing(c));
  EXPECT_FALSE(r.rows[1].contact.consent);  // no consent given: none recorded
}

TEST(CsvImport, ConsentSourceDefaultsToImport) {
  auto r = ok("phone,consent_wording,consent_date\n015123456789,Ja,2024-01-01\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].contact.consent->source, ConsentSource::import);
}

TEST(CsvImport, RowErrorsNameLineFieldAndReason) {
  auto r = ok("Telefon;Vorname\n0151;Anna\n015123456789;Bob\n015123456789;Eve\n");
  EXPECT_EQ(r.data_rows, 3u);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rejected, 2u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_EQ(r.errors[0].field, "Telefon");
  EXPECT_FALSE(r.errors[0].reason.empty());
  EXPECT_EQ(r.errors[1], (RowError{4, "Telefon", "duplicate of line 3"}));
}

TEST(CsvImport, ReasonsDoNotRepeatThePersonalData) {
  auto r = ok("phone;first_name\n+49151999;Zacharias" + std::string(100, 'z') + "\n");
  ASSERT_EQ(r.errors.size(), 2u);
  for (const auto& e : r.errors) {
    EXPECT_EQ(e.reason.find("151999"), std::string::npos);
    EXPECT_EQ(e.reason.find("Zacharias"), std::string::npos);
  }
}

TEST(CsvImport, LineBreakInANonCustomFieldIsAStrayQuote) {
  // The quote opened in line 2 closes in line 3 and the merged row even has the right
  // column count; line 3 is read again as a row of its own (and has a stray quote itself).
  auto r =
      ok("phone,first_name,note\n015123456789,\"Ann,x\n015123456788\",y\n"
         "015123456787,Bob,z\n");
  EXPECT_EQ(r.rejected, 2u);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2u);
  EXPECT_NE(r.errors[0].reason.find("unbalanced quote"), std::string::npos);
  EXPECT_EQ(r.errors[1].line, 3u);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 4u);
  EXPECT_EQ(r.rows[0].contact.first_name, "Bob");
}

TEST(CsvImport, MultiLineCustomFieldIsKept) {
  auto r = ok("phone,note\n015123456789,\"a\r\nb\"\n015123456788,c\n");
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].contact.fields, (CustomFields{{"note", "a\nb"}}));
  EXPECT_EQ(r.rows[1].line, 4u);
}

TEST(CsvImport, HeaderProblemsFailTheWholeImport) {
  EXPECT_EQ(fails(""), Errc::empty_input);
  EXPECT_EQ(fails("\xEF\xBB\xBF\r\n\r\n"), Errc::empty_input);
  EXPECT_EQ(fails("vorname;nachname\nA;B\n"), Errc::no_phone_column);
  EXPECT_EQ(fails("telefon;handy\n1;2\n"), Errc::bad_header);
  EXPECT_EQ(fails("phone;consent_mood\n1;2\n"), Errc::bad_header);
  EXPECT_EQ(fails("phone;Stra\xDF"
                  "e\n1;2\n"),
            Errc::not_utf8);
  EXPECT_EQ(fails("phone;1st\n1;2\n"), Errc::bad_header);
  EXPECT_EQ(fails("phone;a b;A-B\n1;2;3\n"), Errc::bad_header);  // both become a_b
  EXPECT_EQ(fails("\"phone\n"), Errc::bad_header);
}

TEST(CsvImport, TooManyRowsFails) {
  ImportOptions o = options();
  o.max_rows = 2;
  std::string csv = "phone\n015123456781\n015123456782\n";
  EXPECT_TRUE(decode_contacts_csv(csv, o));
  csv += "015123456783\n";
  auto r = decode_contacts_csv(csv, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_many_rows);
}

TEST(CsvImport, ThousandRowsWith37BrokenKeepsExactlyTheGoodOnes) {
  const auto csv = testing::make_broken_csv();
  ASSERT_EQ(csv.broken_lines.size(), 37u);
  auto r = ok(csv.csv);
  EXPECT_EQ(r.data_rows, 1000u);
  EXPECT_EQ(r.rejected, 37u);
  ASSERT_EQ(r.rows.size(), 963u);
  std::vector<std::string> numbers;
  for (const auto& row : r.rows) numbers.push_back(row.contact.phone);
  EXPECT_EQ(numbers, csv.good_numbers);

  std::set<std::size_t> error_lines;
  for (const auto& e : r.errors) {
    error_lines.insert(e.line);
    EXPECT_FALSE(e.reason.empty());
  }
  EXPECT_EQ(error_lines, csv.broken_lines);
  // Every broken row is named with the right field.
  std::size_t k = 0;
  for (auto line : csv.broken_lines) {
    const bool named = std::any_of(r.errors.begin(), r.errors.end(), [&](const RowError& e) {
      return e.line == line && e.field == csv.fields[k];
    });
    EXPECT_TRUE(named) << csv.kinds[k] << " (line " << line << ") not named with field \""
                       << csv.fields[k] << "\"";
    ++k;
  }
  // The good rows keep their data: quoted names, doubled quotes, multi-line notes, consent.
  const auto& first = r.rows[0].contact;
  EXPECT_EQ(first.first_name, "Anna; Maria");
  EXPECT_EQ(first.last_name, "M\xC3\xBCller \"der Zweite\"");
  EXPECT_EQ(first.fields, (CustomFields{{"kundennummer", "Notiz Zeile 1\nZeile 2"}}));
  EXPECT_TRUE(allows_marketing(first.consent));
  EXPECT_EQ(r.rows[1].contact.consent->source, ConsentSource::paper);
}

}  // namespace
}  // namespace diskret::contacts
