#include "carrier/reference_rotator.hpp"

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

TEST(ReferenceRotator, ConsecutiveMessagesToOneDestinationGetNewReferences) {
  ReferenceRotator r(16, 100);
  const auto a = r.next("4915112345678", 256);
  const auto b = r.next("4915112345678", 256);
  const auto c = r.next("4915112345678", 256);
  EXPECT_EQ(b, (a + 1) % 256);
  EXPECT_EQ(c, (a + 2) % 256);
}

TEST(ReferenceRotator, DestinationsRotateIndependently) {
  ReferenceRotator r(16, 0);
  const auto a1 = r.next("491511", 256);
  const auto b1 = r.next("491522", 256);
  const auto a2 = r.next("491511", 256);
  const auto b2 = r.next("491522", 256);
  EXPECT_EQ(a2, a1 + 1);
  EXPECT_EQ(b2, b1 + 1);
  EXPECT_NE(a1, b1);  // new destinations start from a rotating seed
}

TEST(ReferenceRotator, WrapsAtModulus) {
  ReferenceRotator r(4, 255);
  EXPECT_EQ(r.next("x", 256), 255);
  EXPECT_EQ(r.next("x", 256), 0);
  ReferenceRotator r16(4, 65535);
  EXPECT_EQ(r16.next("y", 65536), 65535);
  EXPECT_EQ(r16.next("y", 65536), 0);
}

TEST(ReferenceRotator, EvictsLeastRecentlyUsed) {
  ReferenceRotator r(2, 10);
  const auto a = r.next("a", 65536);  // 10
  r.next("b", 65536);                 // 11
  r.next("a", 65536);                 // a is now most recent
  r.next("c", 65536);                 // evicts b
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r.next("a", 65536), a + 2);  // a remembered
  EXPECT_EQ(r.next("b", 65536), 13);     // b forgotten: starts from the seed again
}

}  // namespace
}  // namespace diskret::carrier
