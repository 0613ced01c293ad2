#include "portal/login_throttle.hpp"

#include <gtest/gtest.h>

namespace diskret::portal {
namespace {

using namespace std::chrono_literals;

TEST(LoginThrottle, LocksAnAccountAfterFreeFailuresWithDoublingWaits) {
  FakeClock clock;
  LoginThrottle throttle(clock, {3, 100, 30s, 300s});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(throttle.wait("acct", "1.2.3.4").count(), 0);
    throttle.failed("acct", "1.2.3.4");
  }
  EXPECT_EQ(throttle.wait("acct", "1.2.3.4").count(), 0);
  throttle.failed("acct", "1.2.3.4");  // third: locked 30 s
  EXPECT_EQ(throttle.wait("acct", "1.2.3.4"), 30s);
  EXPECT_EQ(throttle.wait("acct", "5.6.7.8"), 30s) << "the account is locked from anywhere";
  EXPECT_EQ(throttle.wait("other", "1.2.3.4").count(), 0) << "other accounts are not";
  clock.advance(30s);
  EXPECT_EQ(throttle.wait("acct", "1.2.3.4").count(), 0);
  throttle.failed("acct", "1.2.3.4");
  EXPECT_EQ(throttle.wait("acct", "1.2.3.4"), 60s);
  clock.advance(60s);
  for (int i = 0; i < 5; ++i) throttle.failed("acct", "1.2.3.4");
  EXPECT_EQ(throttle.wait("acct", "1.2.3.4"), 300s) << "capped at max_lock";
}

TEST(LoginThrottle, SuccessClearsTheAccount) {
  FakeClock clock;
  LoginThrottle throttle(clock, {3, 100, 30s, 300s});
  throttle.failed("acct", "ip");
  throttle.failed("acct", "ip");
  throttle.succeeded("acct");
  throttle.failed("acct", "ip");
  throttle.failed("acct", "ip");
  EXPECT_EQ(throttle.wait("acct", "ip").count(), 0);
}

TEST(LoginThrottle, LocksAnAddressThatTriesManyAccounts) {
  FakeClock clock;
  LoginThrottle throttle(clock, {3, 5, 30s, 300s});
  for (int i = 0; i < 5; ++i) throttle.failed("account" + std::to_string(i), "9.9.9.9");
  EXPECT_EQ(throttle.wait("fresh", "9.9.9.9"), 30s);
  EXPECT_EQ(throttle.wait("fresh", "1.1.1.1").count(), 0);
}

}  // namespace
}  // namespace diskret::portal
