#include "dlp/content_guard.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace diskret::dlp {
namespace {

TEST(ContentGuard, CountsAndAuditsWithoutTheValue) {
  ContentGuard guard;
  std::vector<FindingEvent> events;
  guard.set_audit([&](const FindingEvent& e) { events.push_back(e); });
  const auto v = guard.screen(7, Rules{}, "Karte 4111 1111 1111 1111", "api", 3);
  EXPECT_EQ(v.action, Action::rejected);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].tenant, 7u);
  EXPECT_EQ(events[0].source, "api");
  EXPECT_EQ(events[0].kinds, "card_number");
  EXPECT_EQ(events[0].recipients, 3u);
  EXPECT_EQ(guard.count(Kind::card_number, Action::rejected), 1u);
  const auto text = guard.metrics();
  EXPECT_NE(text.find("diskret_dlp_findings_total{kind=\"card_number\",action=\"rejected\"} 1"),
            std::string::npos);
  EXPECT_EQ(text.find("4111"), std::string::npos);
}

TEST(ContentGuard, PreviewsAreNotRecorded) {
  ContentGuard guard;
  int events = 0;
  guard.set_audit([&](const FindingEvent&) { ++events; });
  const auto v = guard.screen(1, Rules{Policy::mask, {}}, "4242424242424242", "preview", 1,
                              ContentGuard::Record::no);
  EXPECT_EQ(v.action, Action::masked);
  EXPECT_EQ(events, 0);
  EXPECT_EQ(guard.count(Kind::card_number, Action::masked), 0u);
}

TEST(ContentGuard, FollowsChangedRules) {
  ContentGuard guard;
  EXPECT_EQ(guard.screen(1, Rules{}, "Kunde KD-123456", "api").action, Action::pass);
  Rules with_pattern{Policy::reject, {{"customer_no", "KD-\\d{6}"}}};
  EXPECT_EQ(guard.screen(1, with_pattern, "Kunde KD-123456", "api").action, Action::rejected);
  with_pattern.policy = Policy::allow;
  EXPECT_EQ(guard.screen(1, with_pattern, "Kunde KD-123456", "api").action, Action::allowed);
  // Another tenant does not see tenant 1's pattern.
  EXPECT_EQ(guard.screen(2, Rules{}, "Kunde KD-123456", "api").action, Action::pass);
}

}  // namespace
}  // namespace diskret::dlp
