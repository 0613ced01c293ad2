#include "smpp_server/part_collector.hpp"

#include <gtest/gtest.h>

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
const PartCollector::TimePoint kT0{std::chrono::seconds{5}};

SubmitPart part(std::uint16_t ref, std::uint8_t total, std::uint8_t number, std::string text) {
  SubmitPart p;
  p.from = "Shop";
  p.to = "+4915112345678";
  p.text = std::move(text);
  p.concat = sms::ConcatInfo{ref, total, number};
  return p;
}

TEST(SmppParts, CompleteInAnyOrderAnswersEveryPart) {
  PartCollector c;
  EXPECT_FALSE(c.add("dk1", part(1, 3, 3, "C"), {1, 30}, kT0));
  EXPECT_FALSE(c.add("dk1", part(1, 3, 1, "A"), {1, 10}, kT0));
  EXPECT_EQ(c.pending(), 1u);
  auto done = c.add("dk1", part(1, 3, 2, "B"), {1, 20}, kT0);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->text, "ABC");
  EXPECT_EQ(done->parts.size(), 3u);
  EXPECT_EQ(c.pending(), 0u);
}

TEST(SmppParts, CredentialsAndReferencesAreSeparate) {
  PartCollector c;
  EXPECT_FALSE(c.add("dk1", part(1, 2, 1, "a"), {1, 1}, kT0));
  EXPECT_FALSE(c.add("dk2", part(1, 2, 2, "b"), {2, 1}, kT0));
  EXPECT_FALSE(c.add("dk1", part(2, 2, 2, "b"), {1, 2}, kT0));
  EXPECT_EQ(c.pending(), 3u);
}

TEST(SmppParts, ExpiryReturnsHeldPartsAndLimitRefuses) {
  PartCollector c(1);
  EXPECT_FALSE(c.add("dk1", part(1, 2, 1, "a"), {1, 7}, kT0));
  bool refused = false;
  EXPECT_FALSE(c.add("dk1", part(2, 2, 1, "a"), {1, 8}, kT0, &refused));
  EXPECT_TRUE(refused);
  EXPECT_TRUE(c.expire(kT0 + 30s, 60s).empty());
  auto expired = c.expire(kT0 + 61s, 60s);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], (HeldPart{1, 7}));
  EXPECT_EQ(c.pending(), 0u);
}

}  // namespace
}  // namespace diskret::smpp_server
