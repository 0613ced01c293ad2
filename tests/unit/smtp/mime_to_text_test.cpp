// mime_to_text against golden mails (tests/golden/smtp/<name>.eml -> <name>.txt; an empty
// .txt means "refused: no text"), plus the HTML and plain-text rules on their own.
#include "smtp/mime_to_text.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "smtp/errc.hpp"
#include "smtp/html_to_text.hpp"
#include "smtp/text_cleanup.hpp"

namespace diskret::smtp {
namespace {

std::string golden(const std::string& file) {
  std::ifstream in(std::string(DISKRET_SOURCE_DIR) + "/tests/golden/smtp/" + file,
                   std::ios::binary);
  EXPECT_TRUE(in) << file;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class GoldenMail : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenMail, ConvertsToTheExpectedText) {
  const std::string eml = golden(GetParam() + ".eml");
  const std::string expected = golden(GetParam() + ".txt");
  auto text = mime_to_text(eml);
  if (expected.empty()) {
    ASSERT_FALSE(text) << *text;
    EXPECT_EQ(text.error().code, Errc::empty_text);
    return;
  }
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, expected);
}

std::vector<std::string> golden_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(DISKRET_SOURCE_DIR) +
                                                               "/tests/golden/smtp")) {
    if (entry.path().extension() == ".eml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(MimeToText, GoldenMail, ::testing::ValuesIn(golden_names()),
                         [](const auto& param_info) { return param_info.param; });

TEST(MimeToText, HasGoldenCasesForEveryRule) {
  auto names = golden_names();
  for (auto required : {"plain", "html_only", "alternative", "base64_utf8_emoji", "qp_latin1",
                        "attachment_ignored", "signature", "quoted_reply_en", "quoted_reply_de"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
  }
}

TEST(MimeToText, PrefixesTheSubjectWhenTheTenantAsks) {
  const std::string eml = golden("subject_prefix.eml");
  EXPECT_EQ(mime_to_text(eml, {.subject_as_prefix = true}).value(),
            "Lieferung für Sie: Heute zwischen 9 und 12 Uhr.");
  EXPECT_EQ(mime_to_text(eml).value(), "Heute zwischen 9 und 12 Uhr.");
  // A subject alone is a message too.
  EXPECT_EQ(
      mime_to_text("Subject: Call me\r\n\r\n-- \r\nsig\r\n", {.subject_as_prefix = true}).value(),
      "Call me");
  EXPECT_FALSE(mime_to_text("Subject: Call me\r\n\r\n-- \r\nsig\r\n"));
}

TEST(MimeToText, RefusesEmptyParts) {
  for (const char* eml : {"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n",
                          "Content-Type: text/html; charset=koi8-r\r\n"
                          "Content-Transfer-Encoding: base64\r\n\r\n====\r\n"}) {
    auto text = mime_to_text(eml);
    ASSERT_FALSE(text) << eml;
    EXPECT_EQ(text.error().code, Errc::empty_text);
  }
  EXPECT_EQ(to_utf8("", "iso-8859-1"), "");
}

TEST(MimeToText, NeverFailsOnGarbage) {
  for (std::string junk :
       {std::string(), std::string("\0\0\0", 3),
        std::string("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--"),
        std::string(5000, '<')}) {
    auto text = mime_to_text(junk);
    if (text) {
      EXPECT_FALSE(text->empty());
    }
  }
}

TEST(ToUtf8, ConvertsDeclaredCharsetsAndRepairsBrokenOnes) {
  EXPECT_EQ(to_utf8("Gr\xfc\xdf"
                    "e",
                    "iso-8859-1"),
            "Grüße");
  EXPECT_EQ(to_utf8("\x80", "windows-1252"), "€");
  EXPECT_EQ(to_utf8("\xa4", "iso-8859-15"), "€");
  EXPECT_EQ(to_utf8("\x1b$B$3$s$K$A$O\x1b(B", "iso-2022-jp"), "こんにちは");
  EXPECT_EQ(to_utf8("Grüße", "utf-8"), "Grüße");
  EXPECT_EQ(to_utf8("Gr\xfc\xdf"
                    "e",
                    "utf-8"),
            "Grüße");  // mislabelled Latin-1
  EXPECT_EQ(to_utf8("Gr\xfc\xdf"
                    "e",
                    "x-unknown-42"),
            "Grüße");                                  // unknown charset
  EXPECT_EQ(to_utf8("a\x81z", ""), "a\xef\xbf\xbdz");  // undefined in 1252
}

TEST(HtmlToText, DropsInvisibleContentAndKeepsStructure) {
  EXPECT_EQ(html_to_text("<p>a</p><p>b</p>"), "a\n\nb");
  EXPECT_EQ(html_to_text("a<br>b<br/><br />c"), "a\nb\n\nc");
  EXPECT_EQ(html_to_text("<div>x</div><div>y</div>"), "x\ny");
  EXPECT_EQ(html_to_text("<SCRIPT type=x>if (a<b) {}</SCRIPT>ok<style>p{}</style>"), "ok");
  EXPECT_EQ(html_to_text("<ol><li>one<li>two</ol>"), "1. one\n2. two");
  EXPECT_EQ(html_to_text("<pre>a\n  b</pre>"), "a\n  b");
  EXPECT_EQ(html_to_text("  lots \n of\t space  "), "lots of space");
  EXPECT_EQ(html_to_text("1 < 2 and 3 > 2 &amp &copy; &#0; &#xD800;"),
            "1 < 2 and 3 > 2 &amp © \xef\xbf\xbd \xef\xbf\xbd");
  EXPECT_EQ(html_to_text("<blockquote>quoted<blockquote>deeper</blockquote></blockquote>mine"),
            "> quoted\n\n> > deeper\n\nmine");
  EXPECT_EQ(html_to_text("<a href='https://x.example/y'>link</a> <a href=\"mailto:a@b\">mail</a>"),
            "link (https://x.example/y) mail");
  EXPECT_EQ(html_to_text("<p>reply</p><div id=\"divRplyFwdMsg\">From: x</div><p>original</p>"),
            "reply");
  EXPECT_EQ(html_to_text("<img alt=logo src=x><img data-emoji=\"\xf0\x9f\x98\x80\" alt=x>"),
            "\xf0\x9f\x98\x80");
  EXPECT_EQ(html_to_text("<div class=\"gmail_quote x\"><div class=gmail_quote>a</div>b</div>c"),
            "c");
  EXPECT_EQ(html_to_text("unterminated <b"), "unterminated");
  EXPECT_EQ(html_to_text("<!-- never closed"), "");
}

TEST(TextCleanup, RemovesSignatureAndQuotes) {
  EXPECT_EQ(strip_signature("text\n-- \nsig"), "text");
  EXPECT_EQ(strip_signature("text\n--\nsig"), "text");
  EXPECT_EQ(strip_signature("text\n--- not a sig\nmore"), "text\n--- not a sig\nmore");
  EXPECT_EQ(strip_quoted_reply("mine\n\nJohn wrote:\n> theirs"), "mine\n");
  EXPECT_EQ(strip_quoted_reply("It wrote: nothing\nmine"), "It wrote: nothing\nmine");
  EXPECT_EQ(strip_quoted_reply("mine\n-----Original Message-----\nFrom: x"), "mine");
  EXPECT_EQ(strip_quoted_reply("mine\n-----Ursprüngliche Nachricht-----\nVon: x"), "mine");
}

TEST(TextCleanup, UnflowsAndNormalises) {
  EXPECT_EQ(unflow("a \nb\nc", false), "a b\nc");
  EXPECT_EQ(unflow("ab \ncd", true), "abcd");
  EXPECT_EQ(unflow("text\n-- \nsig", false), "text\n-- \nsig");
  EXPECT_EQ(normalise_whitespace("\n a  b \n\n\n c\r\n\n"), "a b\n\nc");
  EXPECT_EQ(normalise_whitespace("x\x01y\x7fz"), "xyz");
  EXPECT_EQ(normalise_whitespace("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"),
            "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");  // ZWJ sequences survive
}

}  // namespace
}  // namespace diskret::smtp
