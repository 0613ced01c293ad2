#include "inbound/reply_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace diskret::inbound {
namespace {

using namespace std::chrono_literals;

ReplyQuery phone_query(KeywordKind kind) {
  return ReplyQuery{kind, /*sender_is_phone=*/true, /*sender_is_own_number=*/false,
                    /*has_text=*/true};
}

TEST(ReplyPolicy, AnswersAFirstKeyword) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::stop), {}), ReplyVerdict::send);
}

TEST(ReplyPolicy, NeverAnswersOwnNumbersOrNonPhones) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  auto own = phone_query(KeywordKind::help);
  own.sender_is_own_number = true;
  EXPECT_EQ(policy.decide(own, {}), ReplyVerdict::own_number);
  auto alpha = phone_query(KeywordKind::stop);
  alpha.sender_is_phone = false;
  EXPECT_EQ(policy.decide(alpha, {}), ReplyVerdict::not_a_phone);
}

TEST(ReplyPolicy, NoTextNoReply) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  auto q = phone_query(KeywordKind::help);
  q.has_text = false;
  EXPECT_EQ(policy.decide(q, {}), ReplyVerdict::no_text);
}

TEST(ReplyPolicy, OneReplyPerKeywordPerWindow) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  std::vector<PastReply> history{{KeywordKind::stop, clock.now()}};
  clock.advance(23h);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::stop), history), ReplyVerdict::keyword_limit);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::start), history), ReplyVerdict::send);
  clock.advance(1h + 1ms);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::stop), history), ReplyVerdict::send);
}

TEST(ReplyPolicy, CapsRepliesPerNumberOverAllKeywords) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  // STOP, START, STOP ... ping-pong: three answers, then silence until the window passes.
  std::vector<PastReply> history{{KeywordKind::stop, clock.now()},
                                 {KeywordKind::start, clock.now() + 1min},
                                 {KeywordKind::help, clock.now() + 2min}};
  clock.advance(3min);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::confirm), history), ReplyVerdict::number_limit);
}

TEST(ReplyPolicy, RulesAreConfigurable) {
  FakeClock clock;
  ReplyPolicy policy(clock, ReplyRules{1h, 2, 10});
  std::vector<PastReply> history{{KeywordKind::help, clock.now()}};
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::help), history), ReplyVerdict::send);
  history.push_back({KeywordKind::help, clock.now()});
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::help), history), ReplyVerdict::keyword_limit);
  clock.advance(1h + 1s);
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::help), history), ReplyVerdict::send);
  EXPECT_EQ(policy.window_start(), clock.now() - 1h);
}

TEST(ReplyPolicy, RepliesFromTheFutureStillCount) {
  FakeClock clock;
  ReplyPolicy policy(clock);
  std::vector<PastReply> history{{KeywordKind::stop, clock.now() + 10min}};
  EXPECT_EQ(policy.decide(phone_query(KeywordKind::stop), history), ReplyVerdict::keyword_limit);
}

TEST(ReplyTexts, DefaultsAreBilingualAndNameTheTenant) {
  const auto t = ReplyTexts::defaults("Bäckerei Schmidt");
  EXPECT_EQ(t.stop, "Sie wurden abgemeldet. / You have been unsubscribed.");
  EXPECT_NE(t.help.find("Bäckerei Schmidt: "), std::string::npos);
  EXPECT_EQ(&t.for_kind(KeywordKind::start), &t.start);
  EXPECT_TRUE(validate(t));
}

TEST(ReplyTexts, ValidationRefusesBadTexts) {
  auto t = ReplyTexts::defaults("X");
  t.stop.clear();
  EXPECT_EQ(validate(t).error().code, Errc::invalid_text);
  t = ReplyTexts::defaults("X");
  t.help = std::string(kMaxReplyTextBytes + 1, 'a');
  EXPECT_EQ(validate(t).error().code, Errc::invalid_text);
  t = ReplyTexts::defaults("X");
  t.start = "a\x07";
  EXPECT_EQ(validate(t).error().code, Errc::invalid_text);
  t = ReplyTexts::defaults("X");
  t.help.clear();  // no HELP reply is allowed
  t.confirm = "line one\nline two";
  EXPECT_TRUE(validate(t));
}

}  // namespace
}  // namespace diskret::inbound
