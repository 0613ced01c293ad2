#include "carrier/backoff.hpp"

#include <set>

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DelaysStayWithinMinAndGrowingCeiling) {
  Backoff b(500ms, 30s, 42);
  std::chrono::milliseconds expected_cap = 500ms;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(b.ceiling(), expected_cap) << i;
    const auto d = b.next();
    EXPECT_GE(d, 500ms) << i;
    EXPECT_LE(d, expected_cap) << i;
    expected_cap = std::min<std::chrono::milliseconds>(expected_cap * 2, 30s);
  }
  EXPECT_EQ(b.ceiling(), 30s);
}

TEST(Backoff, JitterSpreadsDelays) {
  Backoff b(100ms, 10s, 7);
  for (int i = 0; i < 10; ++i) b.next();  // reach the cap
  std::set<long> seen;
  for (int i = 0; i < 50; ++i) seen.insert(b.next().count());
  EXPECT_GT(seen.size(), 40u);  // not one fixed value
  EXPECT_LT(*seen.begin(), 5000);
  EXPECT_GT(*seen.rbegin(), 5000);
}

TEST(Backoff, DifferentSeedsDifferentSequences) {
  Backoff a(100ms, 10s, 1), b(100ms, 10s, 2);
  for (int i = 0; i < 6; ++i) { a.next(); b.next(); }
  int same = 0;
  for (int i = 0; i < 20; ++i) same += a.next() == b.next();
  EXPECT_LT(same, 5);
}

TEST(Backoff, ResetStartsOverAtMin) {
  Backoff b(200ms, 5s, 3);
  for (int i = 0; i < 8; ++i) b.next();
  EXPECT_EQ(b.attempts(), 8u);
  b.reset();
  EXPECT_EQ(b.attempts(), 0u);
  EXPECT_EQ(b.ceiling(), 200ms);
  EXPECT_EQ(b.next(), 200ms);
}

TEST(Backoff, ManyAttemptsDoNotOverflow) {
  Backoff b(1ms, 60s, 9);
  for (int i = 0; i < 1000; ++i) {
    const auto d = b.next();
    ASSERT_GE(d, 1ms);
    ASSERT_LE(d, 60s);
  }
}

}  // namespace
}  // namespace diskret::carrier
