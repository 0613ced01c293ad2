#include "dlp/detector.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace diskret::dlp {
namespace {

struct Case {
  int line = 0;
  std::string text, expected;
};

std::vector<Case> golden_cases() {
  std::ifstream in(std::string(DISKRET_SOURCE_DIR) + "/tests/golden/dlp/findings.tsv");
  if (!in) throw std::runtime_error("missing tests/golden/dlp/findings.tsv");
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) throw std::runtime_error("bad golden line " + std::to_string(n));
    cases.push_back({n, line.substr(0, tab), line.substr(tab + 1)});
  }
  return cases;
}

std::string describe(const std::vector<Finding>& findings) {
  if (findings.empty()) return "-";
  std::string out;
  for (const auto& f : findings) {
    if (!out.empty()) out += ' ';
    out += std::string(kind_name(f.kind)) + "@" + std::to_string(f.offset) + "+" +
           std::to_string(f.length);
  }
  return out;
}

TEST(DlpDetector, MatchesGoldenCases) {
  const auto cases = golden_cases();
  ASSERT_GE(cases.size(), 30u);
  std::size_t positives = 0, negatives = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE("golden line " + std::to_string(c.line) + ": " + c.text);
    EXPECT_EQ(describe(find_builtin(c.text)), c.expected);
    (c.expected == "-" ? negatives : positives)++;
    // The pre-check never hides a finding.
    if (c.expected != "-") {
      EXPECT_TRUE(may_contain_builtin(c.text));
    }
  }
  EXPECT_GE(positives, 10u);
  EXPECT_GE(negatives, 15u);  // false-positive cases: order/phone numbers, dates, amounts
}

TEST(DlpDetector, PreCheckSkipsOrdinaryTexts) {
  EXPECT_FALSE(may_contain_builtin("Ihr Termin ist morgen um 09:00. Antworten Sie mit JA."));
  EXPECT_FALSE(may_contain_builtin("Code 123456 gilt 10 Minuten. Ruf +49 151 12345678"));
  EXPECT_FALSE(may_contain_builtin(""));
  EXPECT_TRUE(may_contain_builtin("x 4111 1111 1111 1111"));
  EXPECT_TRUE(may_contain_builtin("IBAN DE89"));
  EXPECT_TRUE(may_contain_builtin("+1 4111 1111 1111 1111"));
  EXPECT_EQ(find_builtin("+1 4111 1111 1111 1111").size(), 1u);
}

TEST(DlpDetector, Luhn) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_TRUE(luhn_valid("378282246310005"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("41111a1111111111"));
}

TEST(DlpDetector, IssuerRanges) {
  EXPECT_TRUE(known_card_range("4111111111111111"));
  EXPECT_FALSE(known_card_range("4111111111111"));   // 13-digit Visa: no longer issued
  EXPECT_TRUE(known_card_range("378282246310005"));
  EXPECT_FALSE(known_card_range("3782822463100050"));  // Amex has 15 digits
  EXPECT_TRUE(known_card_range("2221000000000009"));
  EXPECT_FALSE(known_card_range("2721000000000000"));
  EXPECT_FALSE(known_card_range("1234567890123452"));
  EXPECT_FALSE(known_card_range("0049151123456789"));
}

TEST(DlpDetector, Iban) {
  EXPECT_EQ(iban_length("DE"), 22u);
  EXPECT_EQ(iban_length("NO"), 15u);
  EXPECT_EQ(iban_length("US"), 0u);
  EXPECT_TRUE(iban_valid("DE89370400440532013000"));
  EXPECT_TRUE(iban_valid("gb82west12345698765432"));
  EXPECT_FALSE(iban_valid("DE89370400440532013001"));
  EXPECT_FALSE(iban_valid("DE8937040044053201300!"));
}

TEST(DlpDetector, FindsEveryCardInALongText) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "Karte 4111 1111 1111 1111; Bestellung 1234567890123456. ";
  const auto findings = find_builtin(text);
  ASSERT_EQ(findings.size(), 100u);
  for (const auto& f : findings) EXPECT_EQ(text.substr(f.offset, f.length), "4111 1111 1111 1111");
}

}  // namespace
}  // namespace diskret::dlp
