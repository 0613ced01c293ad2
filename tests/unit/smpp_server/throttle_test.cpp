#include "smpp_server/throttle.hpp"

#include <gtest/gtest.h>

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
const Throttle::TimePoint kT0{std::chrono::seconds{100}};

TEST(SmppThrottle, WindowLimitsOpenSubmits) {
  Throttle t(2, 0);
  EXPECT_TRUE(t.try_begin(kT0));
  EXPECT_TRUE(t.try_begin(kT0));
  EXPECT_FALSE(t.try_begin(kT0));
  t.end();
  EXPECT_TRUE(t.try_begin(kT0));
  EXPECT_EQ(t.open(), 2u);
}

TEST(SmppThrottle, RateRefillsOverTime) {
  Throttle t(0, 10);
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += t.try_begin(kT0) ? 1 : 0;
  EXPECT_EQ(allowed, 10);  // a burst of one second
  EXPECT_FALSE(t.try_begin(kT0 + 50ms));
  EXPECT_TRUE(t.try_begin(kT0 + 100ms));
  EXPECT_FALSE(t.try_begin(kT0 + 100ms));
  allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += t.try_begin(kT0 + 10s) ? 1 : 0;
  EXPECT_EQ(allowed, 10);  // never more than the burst
}

TEST(SmppThrottle, ZeroMeansUnlimited) {
  Throttle t(0, 0);
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(t.try_begin(kT0));
}

}  // namespace
}  // namespace diskret::smpp_server
