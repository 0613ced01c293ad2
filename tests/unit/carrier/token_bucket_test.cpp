#include "carrier/token_bucket.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace diskret::carrier {
namespace {

using namespace std::chrono_literals;
using std::chrono::duration_cast;
using std::chrono::microseconds;

std::chrono::nanoseconds at(const FakeClock& c) { return c.now().time_since_epoch(); }

TEST(TokenBucket, StartsFullAndEmptiesAfterBurst) {
  FakeClock clock;
  TokenBucket b(10, 3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.try_take(at(clock))) << i;
  EXPECT_FALSE(b.try_take(at(clock)));
}

// Several nodes share a per-bind limit: each takes tps / nodes; a change of the share
// keeps the tokens collected (no fresh burst), capped at the new burst.
TEST(TokenBucket, ShareOfATpsLimit) {
  FakeClock clock;
  auto b = TokenBucket::for_tps_share(100, 3);
  int taken = 0;
  for (int i = 0; i < 1000; ++i) {
    if (b.try_take(at(clock))) ++taken;
    clock.advance(1ms);
  }
  EXPECT_NEAR(taken, 4 + 33, 2);  // burst of 4, then 33.3 per second
  b.reshape(TokenBucket::for_tps_share(100, 1));
  EXPECT_LT(b.tokens(at(clock)), 1.5);
  clock.advance(1s);
  EXPECT_NEAR(b.tokens(at(clock)), 10, 0.01);  // the single node's burst again
  b.reshape(TokenBucket::for_tps_share(100, 2));
  EXPECT_NEAR(b.tokens(at(clock)), 5, 0.01);
  EXPECT_TRUE(TokenBucket::for_tps_share(0, 2).unlimited());
}

TEST(TokenBucket, RefillsAtRate) {
  FakeClock clock;
  TokenBucket b(10, 1);
  EXPECT_TRUE(b.try_take(at(clock)));
  EXPECT_FALSE(b.try_take(at(clock)));
  EXPECT_NEAR(duration_cast<microseconds>(b.wait_time(at(clock))).count(), 100'000, 1);
  clock.advance(50ms);
  EXPECT_FALSE(b.try_take(at(clock)));
  EXPECT_NEAR(duration_cast<microseconds>(b.wait_time(at(clock))).count(), 50'000, 1);
  clock.advance(50ms);
  EXPECT_TRUE(b.try_take(at(clock)));
}

TEST(TokenBucket, NeverSavesMoreThanBurst) {
  FakeClock clock;
  TokenBucket b(100, 5);
  EXPECT_TRUE(b.try_take(at(clock)));
  clock.advance(std::chrono::hours{1});
  int taken = 0;
  while (b.try_take(at(clock))) ++taken;
  EXPECT_EQ(taken, 5);
}

TEST(TokenBucket, RateOverOneSecondMatchesTps) {
  FakeClock clock;
  auto b = TokenBucket::for_tps(50);
  int taken = 0;
  for (int ms = 0; ms < 1000; ++ms) {
    while (b.try_take(at(clock))) ++taken;
    clock.advance(1ms);
  }
  // burst (5) + 50 per second, give or take the last token's rounding
  EXPECT_GE(taken, 54);
  EXPECT_LE(taken, 56);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  FakeClock clock;
  TokenBucket b(0, 1);
  EXPECT_TRUE(b.unlimited());
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(b.try_take(at(clock)));
  EXPECT_EQ(b.wait_time(at(clock)), 0ns);
}

TEST(TokenBucket, ClockSteppingBackAddsNothing) {
  FakeClock clock;
  TokenBucket b(10, 1);
  EXPECT_TRUE(b.try_take(at(clock)));
  clock.advance(-10s);
  EXPECT_FALSE(b.try_take(at(clock)));
}

}  // namespace
}  // namespace diskret::carrier
