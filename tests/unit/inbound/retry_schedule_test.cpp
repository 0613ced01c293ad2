#include "inbound/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace diskret::inbound {
namespace {

using namespace std::chrono_literals;

TEST(RetrySchedule, DefaultStepsBackOffExponentially) {
  RetrySchedule s;
  EXPECT_EQ(s.delay_after(1), 10s);
  EXPECT_EQ(s.delay_after(2), 30s);
  EXPECT_EQ(s.delay_after(3), 2min);
  EXPECT_EQ(s.delay_after(4), 10min);
  EXPECT_EQ(s.delay_after(5), 1h);
  EXPECT_EQ(s.delay_after(6), 3h);
  EXPECT_EQ(s.delay_after(7), 6h);
  EXPECT_EQ(s.delay_after(50), 6h);
  EXPECT_EQ(s.give_up_after(), 24h);
}

TEST(RetrySchedule, NextAttemptFollowsTheLastOne) {
  RetrySchedule s;
  const SystemTime first{std::chrono::seconds{1'700'000'000}};
  EXPECT_EQ(s.next_attempt(first, first, 1), first + 10s);
  EXPECT_EQ(s.next_attempt(first, first + 40s, 2), first + 70s);
}

TEST(RetrySchedule, WalkingTheScheduleEndsAtTheDeadlineAndThenGivesUp) {
  RetrySchedule s;
  const SystemTime first{std::chrono::seconds{1'700'000'000}};
  SystemTime last = first;
  std::uint32_t attempts = 1;
  std::vector<SystemTime> tries{first};
  while (auto next = s.next_attempt(first, last, attempts)) {
    ASSERT_GT(*next, last);
    last = *next;
    tries.push_back(last);
    ++attempts;
    ASSERT_LT(attempts, 100u);
  }
  // 10s, 30s, 2m, 10m, 1h, 3h, 6h, 6h, 6h would pass 24 h: the last try is at 24 h.
  EXPECT_EQ(tries.back(), first + 24h);
  EXPECT_EQ(tries.size(), 11u);
  EXPECT_EQ(tries[1], first + 10s);
  EXPECT_EQ(tries[5], first + 10s + 30s + 2min + 10min + 1h);
}

TEST(RetrySchedule, CustomSteps) {
  RetrySchedule s({1s, 2s}, 5s);
  const SystemTime first{};
  EXPECT_EQ(s.next_attempt(first, first, 1), first + 1s);
  EXPECT_EQ(s.next_attempt(first, first + 1s, 2), first + 3s);
  EXPECT_EQ(s.next_attempt(first, first + 3s, 3), first + 5s);
  EXPECT_FALSE(s.next_attempt(first, first + 5s, 4));
}

}  // namespace
}  // namespace diskret::inbound
