#include "dlp/screener.hpp"

#include <gtest/gtest.h>

#include <string>

namespace diskret::dlp {
namespace {

Screener make(Policy policy, std::vector<PatternSpec> patterns = {}) {
  auto s = Screener::compile(Rules{policy, std::move(patterns)});
  EXPECT_TRUE(s) << (s ? "" : s.error().message());
  return s ? std::move(*s) : Screener{};
}

TEST(DlpScreener, RejectsByDefaultAndNamesTheKindOnly) {
  const auto v = make(Policy::reject).screen("Karte 4111 1111 1111 1111, IBAN DE89370400440532013000");
  EXPECT_EQ(v.action, Action::rejected);
  EXPECT_EQ(v.kinds(), "card_number, iban");
  EXPECT_TRUE(v.text.empty());
  EXPECT_EQ(v.kinds().find("4111"), std::string::npos);
}

TEST(DlpScreener, MasksKeepingTheLastFour) {
  const auto v = make(Policy::mask).screen("Karte 4111-1111-1111-1234? Nein: 4111 1111 1111 1111.");
  // 4111-1111-1111-1234 fails Luhn: only the second is a card.
  EXPECT_EQ(v.action, Action::masked);
  EXPECT_EQ(v.text, "Karte 4111-1111-1111-1234? Nein: **** **** **** 1111.");
  const auto iban = make(Policy::mask).screen("IBAN DE89 3704 0044 0532 0130 00 bitte");
  EXPECT_EQ(iban.text, "IBAN **** **** **** **** **30 00 bitte");
}

TEST(DlpScreener, AllowSendsAsWrittenButReportsTheFinding) {
  const auto v = make(Policy::allow).screen("4242424242424242");
  EXPECT_EQ(v.action, Action::allowed);
  EXPECT_EQ(v.findings.size(), 1u);
  EXPECT_TRUE(v.text.empty());
}

TEST(DlpScreener, PassesCleanTexts) {
  const auto v = make(Policy::reject).screen("Bestellung 1234567890123456 ist unterwegs, +49 151 12345678");
  EXPECT_EQ(v.action, Action::pass);
  EXPECT_TRUE(v.findings.empty());
}

TEST(DlpScreener, TenantPatterns) {
  auto s = make(Policy::reject, {{"customer_no", "KD-[0-9]{6}"}, {"pin", "\\bPIN:? ?\\d{4}\\b"}});
  const auto v = s.screen("Ihre Kundennummer KD-123456, PIN 1234.");
  EXPECT_EQ(v.action, Action::rejected);
  EXPECT_EQ(v.kinds(), "custom:customer_no, custom:pin");
  ASSERT_EQ(v.findings.size(), 2u);
  EXPECT_EQ(v.findings[0].offset, 18u);
  EXPECT_EQ(v.findings[0].length, 9u);
  EXPECT_EQ(s.screen("Kunde KD-12345").action, Action::pass);
  auto m = make(Policy::mask, {{"customer_no", "KD-[0-9]{6}"}});
  EXPECT_EQ(m.screen("Nr KD-123456 ok").text, "Nr **-**3456 ok");
}

TEST(DlpScreener, OverlappingFindingsCountOnce) {
  auto s = make(Policy::mask, {{"visa", "4111"}});
  const auto v = s.screen("4111 1111 1111 1111");
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_EQ(v.findings[0].kind, Kind::card_number);
  EXPECT_EQ(v.text, "**** **** **** 1111");
}

TEST(DlpPatterns, RefusesBadPatternsNamingThem) {
  auto bad = [](std::vector<PatternSpec> p) {
    auto r = PatternSet::compile(p);
    return r ? std::string("compiled") : r.error().message();
  };
  EXPECT_NE(bad({{"x", "("}}).find("\"x\" does not compile"), std::string::npos);
  EXPECT_NE(bad({{"Bad Name", "a"}}).find("pattern names"), std::string::npos);
  EXPECT_NE(bad({{"a", "x"}, {"a", "y"}}).find("twice"), std::string::npos);
  EXPECT_NE(bad({{"empty", "a*"}}).find("empty text"), std::string::npos);
  EXPECT_NE(bad({{"long", std::string(201, 'a')}}).find("1..200"), std::string::npos);
  std::vector<PatternSpec> many;
  for (int i = 0; i < 21; ++i) many.push_back({"p" + std::to_string(i), "x"});
  EXPECT_NE(bad(many).find("at most 20"), std::string::npos);
}

TEST(DlpPatterns, CatastrophicPatternFailsClosedQuickly) {
  auto s = make(Policy::reject, {{"evil", "(a+)+$"}});
  const std::string text = std::string(5000, 'a') + "!";
  const auto v = s.screen(text);  // hits the match limit instead of running for hours
  EXPECT_EQ(v.action, Action::rejected);
  EXPECT_EQ(v.kinds(), "custom:evil");
}

TEST(DlpPolicy, ParsesNames) {
  EXPECT_EQ(*parse_policy("mask"), Policy::mask);
  EXPECT_EQ(std::string(policy_name(*parse_policy("allow"))), "allow");
  EXPECT_FALSE(parse_policy("drop"));
}

}  // namespace
}  // namespace diskret::dlp
