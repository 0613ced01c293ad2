#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <tuple>

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

// Two nodes drawing ids in the same milliseconds never get the same one; each node's ids
// keep increasing, carry its slot, and stay time-ordered.
TEST(MessageIdGenerator, NodesWithSlotsNeverCollide) {
  FakeClock clock;
  MessageIdGenerator a(clock), b(clock);
  a.set_slot(0);
  b.set_slot(5);
  std::set<std::uint64_t> seen;
  std::uint64_t last_a = 0, last_b = 0;
  for (int round = 0; round < 50; ++round) {
    for (auto [gen, last, slot] : {std::tuple{&a, &last_a, 0u}, std::tuple{&b, &last_b, 5u}}) {
      for (auto id : gen->next(round % 7 == 0 ? 3000 : 3)) {  // 3000: beyond 1,024 per ms
        EXPECT_TRUE(seen.insert(id.value).second) << id.value;
        EXPECT_GT(id.value, *last);
        EXPECT_EQ(MessageIdGenerator::slot_of(id), slot);
        EXPECT_GE(MessageIdGenerator::created_ms(id), clock.now_ms());
        *last = id.value;
      }
    }
    if (round % 3 == 0) clock.advance(std::chrono::milliseconds(1));
  }
  // Within one millisecond (no run-ahead) the clock is the id's time.
  clock.advance(std::chrono::seconds(10));
  auto one = b.next(2);
  EXPECT_EQ(MessageIdGenerator::created_ms(one[0]), clock.now_ms());
  EXPECT_EQ(one[1].value, one[0].value + 1);
}

// advance_past keeps its meaning with a slot, and a new slot (a node that lost its lease
// and took another one) keeps the node's ids increasing.
TEST(MessageIdGenerator, SlotsKeepAdvancePastAndOrderAcrossAChange) {
  FakeClock clock;
  MessageIdGenerator ids(clock);
  ids.set_slot(63);
  auto a = ids.next(1)[0];
  EXPECT_EQ(MessageIdGenerator::slot_of(a), 63u);
  ids.advance_past(a.value + (std::uint64_t{5000} << 16));  // a stored id 5 s ahead
  auto b = ids.next(1)[0];
  EXPECT_GT(b.value, a.value + (std::uint64_t{5000} << 16));
  EXPECT_EQ(MessageIdGenerator::slot_of(b), 63u);
  ids.set_slot(2);
  auto c = ids.next(1)[0];
  EXPECT_GT(c.value, b.value);
  EXPECT_EQ(MessageIdGenerator::slot_of(c), 2u);
  EXPECT_EQ(ids.slot(), 2u);
  ids.set_slot(std::nullopt);  // one node again: the plain layout, still increasing
  auto d = ids.next(1)[0];
  EXPECT_EQ(d.value, c.value + 1);
  EXPECT_FALSE(ids.slot());
}

// Concurrent callers on one node with a slot get distinct ids.
TEST(MessageIdGenerator, SlottedIdsAreDistinctAcrossThreads) {
  SystemClock clock;
  MessageIdGenerator ids(clock);
  ids.set_slot(9);
  std::vector<std::vector<MessageId>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        for (auto id : ids.next(1 + i % 5)) got[t].push_back(id);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::uint64_t> all;
  std::size_t total = 0;
  for (const auto& v : got) {
    total += v.size();
    for (auto id : v) {
      all.insert(id.value);
      EXPECT_EQ(MessageIdGenerator::slot_of(id), 9u);
    }
  }
  EXPECT_EQ(all.size(), total);
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
