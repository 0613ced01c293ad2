#include "smsc_sim/message_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "smsc_sim/config.hpp"

namespace diskret::smsc_sim {
namespace {

TEST(MessageIdGenerator, DecimalIsStartSecondTimesBillionPlusCounter) {
  MessageIdGenerator ids(IdFormat::dec, 1'700'000'000);
  EXPECT_EQ(ids.next(), "1700000000000000001");
  EXPECT_EQ(ids.next(), "1700000000000000002");
  EXPECT_EQ(ids.issued(), 2u);
}

TEST(MessageIdGenerator, HexWritesTheSameValueInLowercaseHex) {
  MessageIdGenerator ids(IdFormat::hex, 1'700'000'000);
  EXPECT_EQ(ids.next(), "17979cfe362a0001");  // 1700000000000000001
}

TEST(MessageIdGenerator, IdsAreUnique) {
  MessageIdGenerator ids(IdFormat::dec, 1);
  std::set<std::string> seen;
  for (int i = 0; i < 10'000; ++i) EXPECT_TRUE(seen.insert(std::string(ids.next())).second);
}

TEST(HostPort, ParsesHostAndPort) {
  auto a = parse_host_port("127.0.0.1:2775");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 2775);
  auto b = parse_host_port("[::1]:0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  auto c = parse_host_port("2780");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_FALSE(parse_host_port("127.0.0.1:"));
  EXPECT_FALSE(parse_host_port("127.0.0.1:70000"));
  EXPECT_FALSE(parse_host_port("host:port"));
}

}  // namespace
}  // namespace diskret::smsc_sim
