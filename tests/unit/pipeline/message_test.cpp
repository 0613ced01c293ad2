#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "pipeline/message.hpp"
#include "pipeline/message_ids.hpp"
#include "pipeline/sealed_fields.hpp"

namespace diskret::pipeline {
namespace {

TEST(MessageId, FormatsAsSixteenHexDigitsAndParsesBack) {
  const MessageId id{0x0123456789abcdefULL};
  EXPECT_EQ(format_message_id(id), "0123456789abcdef");
  EXPECT_EQ(parse_message_id("0123456789abcdef"), id);
  EXPECT_FALSE(parse_message_id("0123456789ABCDEF"));
  EXPECT_FALSE(parse_message_id("0123456789abcde"));
  EXPECT_FALSE(parse_message_id("0123456789abcdeg"));
}

TEST(MessageIdGenerator, IsTimeOrderedAndStrictlyIncreasing) {
  FakeClock clock;
  MessageIdGenerator ids(clock);
  auto a = ids.next(3);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(MessageIdGenerator::created_ms(a[0]), clock.now_ms());
  EXPECT_EQ(a[1].value, a[0].value + 1);
  clock.advance(std::chrono::milliseconds(-5000));  // clock steps back
  auto b = ids.next(1);
  EXPECT_GT(b[0].value, a[2].value);
  ids.advance_past(b[0].value + 100);
  EXPECT_GT(ids.next(1)[0].value, b[0].value + 100);
}

TEST(MessageNames, RoundTrip) {
  for (auto s : {MessageStatus::accepted, MessageStatus::submitted, MessageStatus::delivered,
                 MessageStatus::failed, MessageStatus::expired, MessageStatus::rejected}) {
    EXPECT_EQ(parse_status(status_name(s)), s);
  }
  EXPECT_EQ(parse_category("marketing"), Category::marketing);
  EXPECT_FALSE(parse_category("spam"));
  EXPECT_FALSE(parse_status("sent"));
}

TEST(SealedFields, OnlyE164GetsASubject) {
  EXPECT_TRUE(looks_like_e164("+4915112345678"));
  EXPECT_FALSE(looks_like_e164("015112345678"));
  EXPECT_FALSE(looks_like_e164("+0151123"));
  EXPECT_FALSE(looks_like_e164("+49 151 123"));
  EXPECT_FALSE(looks_like_e164("+1234567890123456"));
}

}  // namespace
}  // namespace diskret::pipeline
