#include "vault/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace diskret::vault {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsABurstThenRefills) {
  FakeClock clock;
  RateLimiter limiter(6, 3, clock);  // one token per 10 s, three at most
  EXPECT_TRUE(limiter.allow("1.2.3.4"));
  EXPECT_TRUE(limiter.allow("1.2.3.4"));
  EXPECT_TRUE(limiter.allow("1.2.3.4"));
  EXPECT_FALSE(limiter.allow("1.2.3.4"));
  EXPECT_EQ(limiter.retry_after_seconds("1.2.3.4"), 10);
  clock.advance(9s);
  EXPECT_FALSE(limiter.allow("1.2.3.4"));
  clock.advance(1s);
  EXPECT_TRUE(limiter.allow("1.2.3.4"));
  EXPECT_FALSE(limiter.allow("1.2.3.4"));
}

TEST(RateLimiter, ClientsHaveSeparateBuckets) {
  FakeClock clock;
  RateLimiter limiter(1, 1, clock);
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_FALSE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("b"));
}

TEST(RateLimiter, NeverHoldsMoreThanTheBurst) {
  FakeClock clock;
  RateLimiter limiter(60, 2, clock);
  EXPECT_TRUE(limiter.allow("a"));
  clock.advance(1h);
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_FALSE(limiter.allow("a"));
}

TEST(RateLimiter, BoundedNumberOfClientsPrunesFullBuckets) {
  FakeClock clock;
  RateLimiter limiter(60, 1, clock, /*max_clients=*/2);
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_TRUE(limiter.allow("b"));
  EXPECT_FALSE(limiter.allow("c"));  // both buckets are empty: nothing to prune
  clock.advance(1s);                 // a and b are full again and can be forgotten
  EXPECT_TRUE(limiter.allow("c"));
  EXPECT_LE(limiter.clients(), 2u);
}

}  // namespace
}  // namespace diskret::vault
