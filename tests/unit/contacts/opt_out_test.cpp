#include "contacts/opt_out.hpp"

#include <gtest/gtest.h>

#include "contacts/errc.hpp"

namespace diskret::contacts {
namespace {

const std::string kOptOut = default_opt_out_text("12345");

TEST(OptOut, DefaultText) { EXPECT_EQ(kOptOut, "Abmelden: STOP an 12345"); }

TEST(OptOut, DetectsTheTenantsTextIgnoringCaseAndBlanks) {
  EXPECT_TRUE(has_opt_out_instruction("Sale! Abmelden: STOP an 12345", kOptOut));
  EXPECT_TRUE(has_opt_out_instruction("Sale!\nabmelden:  stop an\t12345", kOptOut));
  EXPECT_FALSE(has_opt_out_instruction("Sale! Abmelden: STOP an 54321", kOptOut));  // other number
  EXPECT_FALSE(has_opt_out_instruction("Sale!", kOptOut));
}

TEST(OptOut, DetectsAStopKeywordWithTheReplyNumber) {
  EXPECT_TRUE(has_opt_out_instruction("20% Rabatt. STOP an 12345 senden", kOptOut));
  EXPECT_TRUE(has_opt_out_instruction("Kein Interesse? ABMELDEN an 12345", kOptOut));
  // A keyword without the number, or not as a word of its own, or not in capitals, does not count.
  EXPECT_FALSE(has_opt_out_instruction("DON'T STOP shopping!", kOptOut));
  EXPECT_FALSE(has_opt_out_instruction("STOPPING soon, call 12345", kOptOut));
  EXPECT_FALSE(has_opt_out_instruction("stop an 12345 for more", "Abmelden per Link: x.de/a"));
  EXPECT_FALSE(has_opt_out_instruction("Nonstop sale 12345", kOptOut));
}

TEST(OptOut, AppendsOnANewLineAndCountsSegments) {
  auto r = ensure_opt_out("Heute 20% auf alles!", kOptOut);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->appended);
  EXPECT_EQ(r->text, "Heute 20% auf alles!\nAbmelden: STOP an 12345");
  EXPECT_EQ(r->info.segments, 1u);
  EXPECT_EQ(r->extra_segments, 0u);
}

TEST(OptOut, ExtraSegmentIsCounted) {
  const std::string text(150, 'a');  // one segment of 160; with the addition, two
  auto r = ensure_opt_out(text, kOptOut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->info.segments, 2u);
  EXPECT_EQ(r->extra_segments, 1u);
  EXPECT_EQ(r->text.size(), 150u + 1 + kOptOut.size());
}

TEST(OptOut, AdditionCanSwitchToUcs2) {
  auto r = ensure_opt_out(std::string(60, 'a'), "Abmelden \xF0\x9F\x91\x8B STOP an 12345");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->info.encoding, sms::Encoding::ucs2);
  EXPECT_EQ(r->info.segments, 2u);  // 60 + 1 + 25 UTF-16 units > 70
  EXPECT_EQ(r->extra_segments, 1u);
}

TEST(OptOut, PresentInstructionIsNotAppended) {
  auto r = ensure_opt_out("Sale! STOP an 12345", kOptOut);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->appended);
  EXPECT_EQ(r->text, "Sale! STOP an 12345");
  EXPECT_EQ(r->extra_segments, 0u);
}

TEST(OptOut, TrailingNewlineIsReused) {
  auto r = ensure_opt_out("Sale!\n", kOptOut);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "Sale!\nAbmelden: STOP an 12345");
}

TEST(OptOut, NoTenantTextIsAnError) {
  auto r = ensure_opt_out("Sale!", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::no_opt_out_text);
  EXPECT_TRUE(ensure_opt_out("Sale! STOP per SMS", ""));  // own instruction: fine
}

TEST(OptOut, InvalidTextFailsWithTheSmsError) {
  auto r = ensure_opt_out("", kOptOut);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code.category().name(), std::string("sms"));
}

}  // namespace
}  // namespace diskret::contacts
