// Attacks on the SMPP server's listener (issue 11): a client that connects and never binds,
// and one address opening connection after connection.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "../smsc_sim/smpp_test_client.hpp"
#include "server_fixture.hpp"

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
using smpp::CommandId;
using smsc_sim::test::SmppTestClient;
using test::ServerFixture;

TEST(SmppServerLimits, AConnectionThatNeverBindsIsClosedAfterTheBindTimeout) {
  ServerFixture f(false, nullptr, [](ServerConfig& c) { c.bind_timeout = 300ms; });
  auto cred = f.credential();
  SmppTestClient bound(f.server->port());
  auto status = bound.bind(CommandId::bind_transceiver, cred.credential.system_id, cred.password);
  ASSERT_TRUE(status);
  ASSERT_EQ(*status, 0u);

  const auto began = std::chrono::steady_clock::now();
  SmppTestClient silent(f.server->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.wait_closed(5s)) << "a connection that never binds holds its slot";
  EXPECT_GE(std::chrono::steady_clock::now() - began, 300ms);
  EXPECT_FALSE(bound.wait_closed(200ms)) << "a bound connection is not affected";
}

TEST(SmppServerLimits, OneAddressMeetsItsConnectionCap) {
  ServerFixture f(false, nullptr, [](ServerConfig& c) { c.max_connections_per_ip = 2; });
  auto cred = f.credential();
  auto first = std::make_unique<SmppTestClient>(f.server->port());
  SmppTestClient second(f.server->port());
  ASSERT_EQ(first->bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  ASSERT_EQ(second.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  SmppTestClient third(f.server->port());
  EXPECT_TRUE(third.wait_closed(3s)) << "the third connection of one address was kept";
  EXPECT_FALSE(first->wait_closed(100ms));
  first.reset();  // a slot comes free once one goes
  for (int attempt = 0; attempt < 50; ++attempt) {
    SmppTestClient again(f.server->port());
    auto s = again.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password);
    if (s && *s == 0u) return;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "a freed connection slot was never reused";
}

}  // namespace
}  // namespace diskret::smpp_server
