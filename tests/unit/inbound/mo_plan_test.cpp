#include "inbound/mo_plan.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace diskret::inbound {
namespace {

using namespace std::chrono_literals;

struct Fixture {
  FakeClock clock;
  ReplyPolicy policy{clock};
  ReplyTexts texts = ReplyTexts::defaults("Shop");
  MoPlan plan(std::string_view text, bool phone = true, bool own = false,
              std::span<const PastReply> replies = {}) const {
    return plan_mo(MoFacts{text, phone, own, replies}, KeywordMatcher::standard(), policy, texts);
  }
};

TEST(MoPlan, StopSuppressesAuditsAndConfirms) {
  Fixture f;
  const MoPlan p = f.plan("Stopp ");
  ASSERT_TRUE(p.keyword);
  EXPECT_EQ(p.keyword->kind, KeywordKind::stop);
  EXPECT_TRUE(p.suppress);
  EXPECT_FALSE(p.unsuppress);
  EXPECT_EQ(p.audit_action, kAuditOptOut);
  EXPECT_EQ(p.reply, ReplyVerdict::send);
  EXPECT_EQ(p.reply_text, "Sie wurden abgemeldet. / You have been unsubscribed.");
}

TEST(MoPlan, StartLiftsTheSuppression) {
  Fixture f;
  const MoPlan p = f.plan("ANMELDEN");
  EXPECT_TRUE(p.unsuppress);
  EXPECT_FALSE(p.suppress);
  EXPECT_EQ(p.audit_action, kAuditOptIn);
  EXPECT_EQ(p.reply_text, f.texts.start);
}

TEST(MoPlan, HelpOnlyAnswers) {
  Fixture f;
  const MoPlan p = f.plan("hilfe");
  EXPECT_FALSE(p.suppress || p.unsuppress || p.confirm_consent || p.audit_action);
  EXPECT_EQ(p.reply, ReplyVerdict::send);
  EXPECT_EQ(p.reply_text, f.texts.help);
}

TEST(MoPlan, ConfirmGoesToDoubleOptIn) {
  Fixture f;
  EXPECT_TRUE(f.plan("JA").confirm_consent);
}

TEST(MoPlan, OrdinaryTextDoesNothing) {
  Fixture f;
  const MoPlan p = f.plan("Wann habt ihr offen?");
  EXPECT_FALSE(p.keyword);
  EXPECT_FALSE(p.suppress || p.unsuppress || p.confirm_consent || p.audit_action);
  EXPECT_NE(p.reply, ReplyVerdict::send);
  EXPECT_TRUE(p.reply_text.empty());
}

TEST(MoPlan, StopFromOwnNumberSuppressesButNeverReplies) {
  Fixture f;
  const MoPlan p = f.plan("STOP", true, /*own=*/true);
  EXPECT_TRUE(p.suppress);
  EXPECT_EQ(p.reply, ReplyVerdict::own_number);
  EXPECT_TRUE(p.reply_text.empty());
}

TEST(MoPlan, NonPhoneSenderHasNoEffectsAndNoReply) {
  Fixture f;
  const MoPlan p = f.plan("STOP", /*phone=*/false);
  EXPECT_FALSE(p.suppress);
  EXPECT_FALSE(p.audit_action);
  EXPECT_EQ(p.reply, ReplyVerdict::not_a_phone);
}

TEST(MoPlan, RepeatedStopStillSuppressesButIsConfirmedOnce) {
  Fixture f;
  std::vector<PastReply> replies{{KeywordKind::stop, f.clock.now()}};
  f.clock.advance(1h);
  const MoPlan p = f.plan("STOP", true, false, replies);
  EXPECT_TRUE(p.suppress);
  EXPECT_EQ(p.reply, ReplyVerdict::keyword_limit);
}

TEST(MoPlan, TenantWithoutHelpTextSendsNoHelp) {
  Fixture f;
  f.texts.help.clear();
  EXPECT_EQ(f.plan("HELP").reply, ReplyVerdict::no_text);
}

}  // namespace
}  // namespace diskret::inbound
