#include "contacts/csv_reader.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"

namespace diskret::contacts {
namespace {

std::vector<CsvRow> read_all(std::string_view text, char delimiter = ',', std::size_t expect = 0) {
  CsvReader reader(text, delimiter);
  std::vector<CsvRow> rows;
  CsvRow row;
  bool first = true;
  while (reader.next(row)) {
    rows.push_back(row);
    if (first && expect) reader.expect_columns(expect);
    first = false;
  }
  return rows;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, PlainRowsWithLfAndCrlf) {
  auto rows = read_all("a,b,c\n1,2,3\r\n4,5,6");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(rows[2].fields, (Fields{"4", "5", "6"}));
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_TRUE(rows[2].error.empty());
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndLineBreaks) {
  auto rows =
      read_all("h1;h2\r\n\"a;b\";\"say \"\"hi\"\"\"\r\n\"line1\r\nline2\";x\r\nlast;y\r\n", ';');
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].fields, (Fields{"a;b", "say \"hi\""}));
  EXPECT_EQ(rows[2].fields, (Fields{"line1\nline2", "x"}));  // CRLF inside becomes LF
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[2].lines, 2u);
  EXPECT_EQ(rows[3].line, 5u);  // line numbers count the physical lines
}

TEST(CsvReader, EmptyFieldsAndTrailingDelimiter) {
  auto rows = read_all("a,,c,\n\"\",x,,\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "", "c", ""}));
  EXPECT_EQ(rows[1].fields, (Fields{"", "x", "", ""}));
}

TEST(CsvReader, SkipsBlankLinesAndRowsOfEmptyFields) {
  auto rows = read_all("a;b\n\n;\r\n\r\n1;2\n;;;;\n", ';', 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[1].line, 5u);
}

TEST(CsvReader, BlanksAroundQuotedFieldAreAllowed) {
  auto rows = read_all("a, \"b, c\" ,d\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "b, c", "d"}));
}

TEST(CsvReader, LoneCrEndsALine) {
  auto rows = read_all("a,b\r1,2\r");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(rows[1].line, 2u);
}

TEST(CsvReader, ColumnCountIsCheckedAfterTheHeader) {
  auto rows = read_all("a,b,c\n1,2\n1,2,3,4\n1,2,3\n", ',', 3);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1].error, "too few columns: expected 3, found 2");
  EXPECT_EQ(rows[2].error, "too many columns: expected 3, found 4");
  EXPECT_TRUE(rows[3].error.empty());
  EXPECT_EQ(rows[3].line, 4u);
}

TEST(CsvReader, MalformedQuotesAreReportedAndTheNextLineIsRead) {
  auto rows = read_all("a,b\nx\"y,1\n\"q\"z,2\nok,3\n", ',', 2);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].error.find("quote inside an unquoted field"), std::string::npos);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].error, "unexpected text after a closing quote");
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].fields, (Fields{"ok", "3"}));
  EXPECT_EQ(rows[3].line, 4u);
}

TEST(CsvReader, UnbalancedQuoteAtEndOfInputDoesNotSwallowRows) {
  auto rows = read_all("a,b\n\"open,1\nnext,2\nlast,3\n", ',', 2);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].error.find("unbalanced quote"), std::string::npos);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[2].fields, (Fields{"next", "2"}));
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].fields, (Fields{"last", "3"}));
}

TEST(CsvReader, UnbalancedQuoteClosedByALaterRowWithWrongCountRereadsThoseRows) {
  // The stray quote on line 2 closes on line 3: the merged row has 3 columns, not 2.
  auto rows = read_all("a,b\n\"open,1\nx\",2,3\nok,4\n", ',', 2);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].error.find("unbalanced quote"), std::string::npos);
  EXPECT_NE(rows[2].error.find("quote inside an unquoted field"), std::string::npos);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[3].fields, (Fields{"ok", "4"}));
}

TEST(CsvReader, QuotedFieldSpanningTooManyLinesCountsAsUnbalanced) {
  std::string text = "a,b\n\"";
  for (std::size_t i = 0; i < kMaxLineBreaksInField + 5; ++i) text += "n\n";
  text += "\",1\n";
  auto rows = read_all(text, ',', 2);
  ASSERT_GE(rows.size(), 2u);
  EXPECT_NE(rows[1].error.find("unbalanced quote"), std::string::npos);
  EXPECT_EQ(rows[2].line, 3u);  // reading resumed on the next line
}

TEST(CsvReader, OverlongFieldIsAnError) {
  const std::string big(kMaxCsvFieldBytes + 1, 'x');
  auto rows = read_all("a\n" + big + "\n\"" + big + "\"\nok\n", ',', 1);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_NE(rows[1].error.find("longer than"), std::string::npos);
  EXPECT_NE(rows[2].error.find("longer than"), std::string::npos);
  EXPECT_EQ(rows[3].fields, (Fields{"ok"}));
}

TEST(CsvReader, RestartAfterRereadsFollowingLines) {
  CsvReader reader("\"a\nb\",c\nd,e\n", ',');
  CsvRow row;
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(row.lines, 2u);
  reader.restart_after(row);
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(row.line, 2u);
  EXPECT_FALSE(row.error.empty());  // `b",c`: a quote inside an unquoted field
  ASSERT_TRUE(reader.next(row));
  EXPECT_EQ(row.fields, (Fields{"d", "e"}));
}

TEST(CsvDelimiter, DetectedFromTheHeaderLineOutsideQuotes) {
  EXPECT_EQ(detect_delimiter("phone;name;x\n1,2,3,4,5\n"), ';');
  EXPECT_EQ(detect_delimiter("phone,name\n1;2;3;4\n"), ',');
  EXPECT_EQ(detect_delimiter("\"a;b;c\",d\n"), ',');
  EXPECT_EQ(detect_delimiter("phone\n"), ',');
}

TEST(CsvBom, Utf8BomIsDroppedUtf16Refused) {
  EXPECT_EQ(strip_bom("\xEF\xBB\xBFphone").value(), "phone");
  EXPECT_EQ(strip_bom("phone").value(), "phone");
  auto r = strip_bom("\xFF\xFEp\0h\0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_utf8);
  EXPECT_NE(r.error().detail.find("CSV UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace diskret::contacts
