#pragma once
// A 1,000-row contact CSV (semicolon, BOM, CRLF) in which 37 rows are broken in 37
// different ways; shared by the codec test and the API import test.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace diskret::contacts::testing {

struct BrokenCsv {
  std::string csv;
  std::set<std::size_t> broken_lines;     ///< physical lines of the 37 broken rows
  std::vector<std::string> good_numbers;  ///< E.164 of the 963 good rows, in order
  std::vector<std::string> kinds;         ///< what is wrong, per broken row
  std::vector<std::string> fields;        ///< the field the report names, per broken row
};

inline std::string good_number(std::size_t i) {  // +49151 and 8 digits: a valid mobile
  return "+49151" + std::to_string(20000000 + i);
}

inline BrokenCsv make_broken_csv() {
  const std::string header =
      "Telefon;Vorname;Nachname;Kundennummer;Listen;consent_purpose;consent_source;"
      "consent_wording;consent_obtained_at;consent_confirmed_at;";  // last column unnamed
  const std::string w = "Ja, ich will Angebote per SMS";
  const std::string long_quoted = "\"" + std::string(70 * 1024, 'x') + "\"";
  std::string many_lists;
  for (int i = 0; i < 101; ++i) many_lists += "L" + std::to_string(i) + "|";
  // Rows starting with "D" duplicate the first good row's number in another notation.
  struct Kind {
    const char* what;
    const char* field;  // the column the report must name; "" for a malformed row
    std::string row;
  };
  const std::vector<Kind> broken{
      {"letters as number", "Telefon", "abc;Anna;A;1;;;;;;;"},
      {"number too short", "Telefon", "0151 12;Anna;A;1;;;;;;;"},
      {"number too long", "Telefon", "+49 151 1234 5678 9012 345;Anna;A;1;;;;;;;"},
      {"invalid country code", "Telefon", "+999 123456789;Anna;A;1;;;;;;;"},
      {"empty number", "Telefon", ";Anna;A;1;;;;;;;"},
      {"blank number", "Telefon", "   ;Anna;A;1;;;;;;;"},
      {"NUL in number", "Telefon", std::string("+49151\0", 7) + "20000001;Anna;A;1;;;;;;;"},
      {"duplicate, same notation", "Telefon", "D+;Anna;A;1;;;;;;;"},
      {"duplicate, national notation", "Telefon", "D0;Anna;A;1;;;;;;;"},
      {"duplicate, 0049 notation", "Telefon", "D00;Anna;A;1;;;;;;;"},
      {"unbalanced quote", "", "\"+4915199999001;Anna;A;1;;;;;;;"},
      {"text after closing quote", "", "\"+4915199999002\"x;Anna;A;1;;;;;;;"},
      {"quote inside unquoted field", "", "+4915199999003;An\"na;A;1;;;;;;;"},
      {"too many columns", "", "+4915199999004;Anna;A;1;;;;;;;;extra"},
      {"too few columns", "", "+4915199999005;Anna;A;1;;;;;"},
      {"impossible consent date", "consent_obtained_at",
       "+4915199999006;Anna;A;1;;marketing;web_form;" + w + ";32.13.2023;;"},
      {"consent date not a date", "consent_obtained_at",
       "+4915199999007;Anna;A;1;;;web_form;" + w + ";gestern;;"},
      {"consent date in the future", "consent_obtained_at",
       "+4915199999008;Anna;A;1;;;paper;" + w + ";01.01.2099;;"},
      {"consent without wording", "consent_wording",
       "+4915199999009;Anna;A;1;;;paper;;01.03.2024;;"},
      {"consent without date", "consent_obtained_at",
       "+4915199999010;Anna;A;1;;;paper;" + w + ";;;"},
      {"unknown consent source", "consent_source",
       "+4915199999011;Anna;A;1;;;telepathy;" + w + ";01.03.2024;;"},
      {"consent purpose not marketing", "consent_purpose",
       "+4915199999012;Anna;A;1;;newsletter;paper;" + w + ";01.03.2024;;"},
      {"confirmation before consent", "consent_confirmed_at",
       "+4915199999013;Anna;A;1;;;web_form;" + w + ";01.03.2024;2024-02-01;"},
      {"confirmation not a date", "consent_confirmed_at",
       "+4915199999014;Anna;A;1;;;web_form;" + w + ";01.03.2024;soon;"},
      {"confirmation in the future", "consent_confirmed_at",
       "+4915199999015;Anna;A;1;;;web_form;" + w + ";01.03.2024;2099-01-01;"},
      {"first name too long", "Vorname", "+4915199999016;" + std::string(101, 'a') + ";A;1;;;;;;;"},
      {"control character in last name", "Nachname",
       "+4915199999017;Anna;A\x01"
       "B;1;;;;;;;"},
      {"invalid UTF-8 in first name", "Vorname", "+4915199999018;An\xFFna;A;1;;;;;;;"},
      {"overlong UTF-8 in last name", "Nachname", "+4915199999019;Anna;A\xC0\xAF;1;;;;;;;"},
      {"Latin-1 in custom field", "Kundennummer", "+4915199999020;Anna;A;M\xFCller;;;;;;;"},
      {"custom field too long", "Kundennummer",
       "+4915199999021;Anna;A;" + std::string(1025, '7') + ";;;;;;;"},
      {"control character in custom field", "Kundennummer", "+4915199999022;Anna;A;1\x07;;;;;;;"},
      {"list name too long", "Listen",
       "+4915199999023;Anna;A;1;" + std::string(101, 'l') + ";;;;;;"},
      {"too many lists", "Listen", "+4915199999024;Anna;A;1;" + many_lists + ";;;;;;"},
      {"value in unnamed column", "column 11", "+4915199999025;Anna;A;1;;;;;;;surprise"},
      {"field longer than 64 KiB", "", "+4915199999026;Anna;A;" + long_quoted + ";;;;;;;"},
      {"truncated UTF-8 in list name", "Listen", "+4915199999027;Anna;A;1;VIP\xE2\x82;;;;;;"},
  };
  BrokenCsv out;
  out.csv = "\xEF\xBB\xBF" + header + "\r\n";
  std::size_t line = 2;
  std::size_t next_broken = 0;
  for (std::size_t i = 0; out.good_numbers.size() < 963 || next_broken < broken.size(); ++i) {
    // Spread the broken rows: one every 26 rows, after a few good ones to duplicate.
    if (next_broken < broken.size() && i % 26 == 25) {
      std::string row = broken[next_broken].row;
      if (row.starts_with("D")) {  // duplicates of the first good row
        const std::string n = out.good_numbers.front().substr(3);  // "151..."
        row = row.starts_with("D00")  ? "0049 " + n + row.substr(3)
              : row.starts_with("D0") ? "0" + n + row.substr(2)
                                      : "+49" + n + row.substr(2);
      }
      out.csv += row + "\r\n";
      out.broken_lines.insert(line++);
      out.kinds.push_back(broken[next_broken].what);
      out.fields.push_back(broken[next_broken++].field);
      continue;
    }
    const std::size_t g = out.good_numbers.size();
    const std::string e164 = good_number(g);
    const std::string national = "0" + e164.substr(3);
    std::string number;
    switch (g % 4) {
      case 0:
        number = e164;
        break;
      case 1:
        number = national.substr(0, 4) + " " + national.substr(4);
        break;
      case 2:
        number = "\"" + national.substr(0, 4) + " / " + national.substr(4) + "\"";
        break;
      default:
        number = "0049 " + e164.substr(3);
        break;
    }
    std::string row = number + ";";
    row += g % 3 == 0 ? "\"Anna; Maria\";" : "J\xC3\xBCrgen;";
    row += g % 5 == 0 ? "\"M\xC3\xBCller \"\"der Zweite\"\"\";" : "Schmidt;";
    row += g % 7 == 0 ? "\"Notiz Zeile 1\r\nZeile 2\";" : std::to_string(10000 + g) + ";";
    row += g % 2 == 0 ? "VIP|Newsletter;" : ";";
    if (g % 4 == 0) {
      row += "marketing;web_form;" + w + ";01.03.2024 14:30;2024-03-01T16:00:00+01:00;";
    } else if (g % 4 == 1) {
      row += ";paper;" + w + ";2024-02-29;;";
    } else {
      row += ";;;;;";
    }
    out.csv += row + (g + 1 == 963 && next_broken == broken.size() ? "" : "\r\n");
    out.good_numbers.push_back(e164);
    line += g % 7 == 0 ? 2 : 1;
  }
  return out;
}

}  // namespace diskret::contacts::testing
