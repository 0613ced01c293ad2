#include "sms/smart_encoding.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sms/text.hpp"

namespace diskret::sms {
namespace {

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// \uXXXX, \UXXXXXXXX and \n escapes of the golden file.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
      const std::size_t n = s[i + 1] == 'u' ? 4 : 8;
      append_utf8(out, static_cast<char32_t>(std::stoul(s.substr(i + 2, n), nullptr, 16)));
      i += 1 + n;
    } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string describe(const std::vector<Replacement>& rs) {
  if (rs.empty()) return "-";
  std::string out;
  for (const auto& r : rs) {
    if (!out.empty()) out += ' ';
    out += code_point_name(r.from) + ">" + r.to + "*" + std::to_string(r.count);
  }
  return out;
}

struct Case {
  int line = 0;
  std::string input, expected, replacements;
};

std::vector<Case> golden_cases() {
  std::ifstream in(std::string(DISKRET_SOURCE_DIR) + "/tests/golden/sms/smart_encoding.tsv");
  if (!in) throw std::runtime_error("missing tests/golden/sms/smart_encoding.tsv");
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (cols.size() != 3) throw std::runtime_error("bad golden line " + std::to_string(n));
    cases.push_back({n, unescape(cols[0]), unescape(cols[1]), cols[2]});
  }
  return cases;
}

TEST(SmartEncoding, MatchesGoldenCases) {
  const auto cases = golden_cases();
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    SCOPED_TRACE("golden line " + std::to_string(c.line));
    const auto result = smart_encode(c.input);
    EXPECT_EQ(result.text, c.expected);
    EXPECT_EQ(describe(result.replacements), c.replacements);
  }
}

TEST(SmartEncoding, ReplacedTextIsGsm7AndShorterInSegments) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Don\u2019t \u2013 ";  // 140 chars: UCS-2 needs 3 segments
  auto before = analyse(text);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->encoding, Encoding::ucs2);
  const auto result = smart_encode(text);
  auto after = analyse(result.text);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->encoding, Encoding::gsm7);
  EXPECT_EQ(after->segments, 1u);
  EXPECT_LT(after->segments, before->segments);
}

TEST(SmartEncoding, LeavesInvalidUtf8Alone) {
  const std::string bad = "a\xE2\x80";  // truncated U+2019
  const auto result = smart_encode(bad);
  EXPECT_EQ(result.text, bad);
  EXPECT_TRUE(result.replacements.empty());
}

TEST(SmartEncoding, TableIsSortedAndEveryReplacementIsGsm7) {
  char32_t previous = 0;
  for (char32_t cp = 0; cp < 0x10000; ++cp) {
    const char* gsm = look_alike_replacement(cp);
    if (gsm == nullptr) continue;
    EXPECT_GT(cp, previous);
    previous = cp;
    if (*gsm != '\0') {
      auto info = analyse(gsm);
      ASSERT_TRUE(info) << code_point_name(cp);
      EXPECT_EQ(info->encoding, Encoding::gsm7) << code_point_name(cp);
    }
  }
  EXPECT_NE(look_alike_replacement(0x201C), nullptr);
  EXPECT_EQ(look_alike_replacement(U'A'), nullptr);
  EXPECT_EQ(look_alike_replacement(0x00E7), nullptr);  // ç is a letter
}

}  // namespace
}  // namespace diskret::sms
