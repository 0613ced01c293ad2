#include "fraud/pumping_guard.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace diskret::fraud {
namespace {

using phone::NumberType;
using std::chrono::minutes;

std::string num(int i) { return fmt::format("+4915112{:06}", i); }

// Attack: a pump sends to a block of consecutive numbers of one range. After the range's
// hourly allowance every further message is held; other ranges and tenants carry on.
TEST(PumpingGuard, HoldsTrafficBeyondTheRangeVelocity) {
  FakeClock clock;
  PumpingGuard guard({.prefix_digits = 6, .prefix_per_hour = 20}, clock);
  for (int i = 0; i < 20; ++i) {
    ASSERT_FALSE(guard.check(1, num(i), NumberType::mobile, "DE")) << i;
  }
  auto held = guard.check(1, num(20), NumberType::mobile, "DE");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->reason, "prefix_velocity");
  EXPECT_EQ(held->range, "+491511");
  EXPECT_TRUE(guard.check(1, num(21), NumberType::mobile, "DE")) << "a pump that goes on stays held";
  EXPECT_FALSE(guard.check(2, num(22), NumberType::mobile, "DE")) << "another tenant";
  EXPECT_FALSE(guard.check(1, "+491601234567", NumberType::mobile, "DE")) << "another range";
  clock.advance(minutes{150});  // two hours on, the window is empty again
  EXPECT_FALSE(guard.check(1, num(23), NumberType::mobile, "DE"));
}

TEST(PumpingGuard, SlidingWindowRemembersThePreviousHour) {
  FakeClock clock(SystemTime{std::chrono::hours{500'000}});  // at the start of an hour
  PumpingGuard guard({.prefix_digits = 6, .prefix_per_hour = 10}, clock);
  clock.advance(minutes{50});
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(guard.check(1, num(i), NumberType::mobile, "DE"));
  clock.advance(minutes{15});  // a new hour: the last one's 10 still weigh 3/4
  EXPECT_TRUE(guard.check(1, num(10), NumberType::mobile, "DE") ||
              guard.check(1, num(11), NumberType::mobile, "DE") ||
              guard.check(1, num(12), NumberType::mobile, "DE"))
      << "resetting at the hour boundary would let a pump double its rate";
}

// Attack: traffic to premium-rate and international-network ranges (toll fraud) is held
// after a handful, even with no range velocity configured.
TEST(PumpingGuard, HoldsUnusualRangesAfterAFew) {
  FakeClock clock;
  PumpingGuard guard({.unusual_per_hour = 2}, clock);
  EXPECT_FALSE(guard.check(1, "+499001234567", NumberType::premium_rate, "DE"));
  EXPECT_FALSE(guard.check(1, "+882123456789", NumberType::unknown, "001"));
  auto held = guard.check(1, "+499001234568", NumberType::premium_rate, "DE");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->reason, "unusual_range");
  EXPECT_EQ(held->range, "premium_rate");
  auto network = guard.check(1, "+882123456780", NumberType::unknown, "001");
  ASSERT_TRUE(network);
  EXPECT_EQ(network->range, "international_network");
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(guard.check(1, num(i), NumberType::mobile, "DE")) << "mobiles are never unusual";
  }
}

TEST(PumpingGuard, ZeroUnusualAllowanceHoldsEveryOne) {
  FakeClock clock;
  PumpingGuard guard({.unusual_per_hour = 0}, clock);
  EXPECT_TRUE(guard.check(1, "+499001234567", NumberType::premium_rate, "DE"));
  EXPECT_TRUE(unusual(NumberType::shared_cost, "DE"));
  EXPECT_FALSE(unusual(NumberType::fixed_line, "DE"));
  EXPECT_FALSE(unusual(NumberType::toll_free, "DE"));
}

TEST(PumpingGuard, DistinctRangeFloodStaysBounded) {
  FakeClock clock;
  PumpingGuard guard({.prefix_digits = 11, .prefix_per_hour = 5, .max_keys = 1000}, clock);
  for (int i = 0; i < 50'000; ++i) guard.check(1, num(i), NumberType::mobile, "DE");
  SUCCEED();  // bounded by max_keys (checked under ASan for leaks/overruns)
}

}  // namespace
}  // namespace diskret::fraud
