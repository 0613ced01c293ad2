#include "privacy/retention.hpp"

#include <gtest/gtest.h>

#include "privacy/errc.hpp"

namespace diskret::privacy {
namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kNow = 1'700'000'000'000;

TEST(RetentionPolicy, DefaultsAreThirtyAndNinetyDays) {
  RetentionPolicy p;
  EXPECT_EQ(p.message_text, Days{30});
  EXPECT_EQ(p.message_numbers, Days{90});
  EXPECT_EQ(p.inbound_text, Days{30});
  EXPECT_EQ(p.inbound_numbers, Days{90});
  EXPECT_TRUE(validate(p).has_value());
}

TEST(RetentionPolicy, RefusesOutOfRangeAndTextLongerThanNumber) {
  RetentionPolicy p;
  p.message_text = Days{0};
  auto r = validate(p);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_policy);
  EXPECT_NE(r.error().message().find("message_text_days"), std::string::npos);
  p = {};
  p.inbound_numbers = Days{3651};
  EXPECT_FALSE(validate(p).has_value());
  p = {};
  p.message_text = Days{100};
  r = validate(p);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("message_numbers_days"), std::string::npos);
}

TEST(RetentionPolicy, JsonRoundTripsAndMergesOverBase) {
  RetentionPolicy p{Days{7}, Days{14}, Days{3}, Days{30}};
  EXPECT_EQ(policy_from_json(to_json(p)).value(), p);
  auto merged = policy_from_json(R"({"message_text_days": 10})", p).value();
  EXPECT_EQ(merged.message_text, Days{10});
  EXPECT_EQ(merged.message_numbers, Days{14});
  EXPECT_FALSE(policy_from_json(R"({"message_texts_days": 10})").has_value());
  EXPECT_FALSE(policy_from_json(R"({"message_text_days": "10"})").has_value());
  EXPECT_FALSE(policy_from_json(R"({"message_text_days": 1.5})").has_value());
  EXPECT_FALSE(policy_from_json(R"({"message_text_days": 120})").has_value());
  EXPECT_FALSE(policy_from_json("[]").has_value());
}

TEST(RetentionRules, MessageTextGoesAfterItsPeriodThenTheNumber) {
  const auto c = cutoffs(RetentionPolicy{}, kNow);
  MessageFacts m{.created_at_ms = kNow - 40 * kDay, .done_at_ms = kNow - 40 * kDay + 5000};
  EXPECT_EQ(scrub_message(m, c), Scrub::drop_text);
  m.text_dropped = true;
  EXPECT_EQ(scrub_message(m, c), Scrub::keep);
  m.done_at_ms = kNow - 91 * kDay;
  m.created_at_ms = kNow - 91 * kDay;
  EXPECT_EQ(scrub_message(m, c), Scrub::pseudonymise);
  m.pseudonymised = true;
  EXPECT_EQ(scrub_message(m, c), Scrub::keep);
}

TEST(RetentionRules, CountsFromTheEndOfAMessagesLife) {
  const auto c = cutoffs(RetentionPolicy{}, kNow);
  // Created 31 days ago, delivered 29 days ago (a long scheduled send): not yet due.
  MessageFacts m{.created_at_ms = kNow - 31 * kDay, .done_at_ms = kNow - 29 * kDay};
  EXPECT_EQ(scrub_message(m, c), Scrub::keep);
  // Exactly at the boundary: kept until strictly older.
  m.done_at_ms = kNow - 30 * kDay;
  EXPECT_EQ(scrub_message(m, c), Scrub::keep);
  m.done_at_ms = kNow - 30 * kDay - 1;
  EXPECT_EQ(scrub_message(m, c), Scrub::drop_text);
}

TEST(RetentionRules, NeverTouchesMessagesOnTheirWay) {
  const auto c = cutoffs(RetentionPolicy{}, kNow);
  MessageFacts m{.created_at_ms = kNow - 200 * kDay, .done_at_ms = std::nullopt};
  EXPECT_EQ(scrub_message(m, c), Scrub::keep);
}

TEST(RetentionRules, ShorteningAPeriodAppliesToStoredRows) {
  MessageFacts m{.created_at_ms = kNow - 10 * kDay, .done_at_ms = kNow - 10 * kDay};
  EXPECT_EQ(scrub_message(m, cutoffs(RetentionPolicy{}, kNow)), Scrub::keep);
  RetentionPolicy shorter{Days{7}, Days{9}, Days{7}, Days{9}};
  EXPECT_EQ(scrub_message(m, cutoffs(shorter, kNow)), Scrub::pseudonymise);
}

TEST(RetentionRules, InboundFollowsItsOwnPeriods) {
  RetentionPolicy p{Days{30}, Days{90}, Days{5}, Days{10}};
  const auto c = cutoffs(p, kNow);
  InboundFacts i{.received_at_ms = kNow - 6 * kDay};
  EXPECT_EQ(scrub_inbound(i, c), Scrub::drop_text);
  i.received_at_ms = kNow - 11 * kDay;
  EXPECT_EQ(scrub_inbound(i, c), Scrub::pseudonymise);
  i.handled = false;  // keyword effects still pending
  EXPECT_EQ(scrub_inbound(i, c), Scrub::keep);
}

TEST(RetentionRules, IdBoundCoversEveryEarlierRow) {
  const std::int64_t cutoff = kNow - 30 * kDay;
  const std::uint64_t last_before = (static_cast<std::uint64_t>(cutoff - 1) << 16) | 0xffff;
  const std::uint64_t first_at = static_cast<std::uint64_t>(cutoff) << 16;
  EXPECT_LT(last_before, id_bound(cutoff));
  EXPECT_GE(first_at, id_bound(cutoff));
  EXPECT_EQ(id_bound(-5), 0u);
}

}  // namespace
}  // namespace diskret::privacy
