// SMPP over TLS in both directions: diskret's carrier client (CarrierPool, tls = true)
// binds to diskret's SMPP server on its TLS listener, submits, and gets the receipt back
// over the same encrypted bind; openssl s_client checks the protocol floor (TLS 1.2).
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "../smsc_sim/smpp_test_client.hpp"
#include "carrier/carrier_pool.hpp"
#include "server_fixture.hpp"
#include "support/tls_certificate.hpp"

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
using diskret::test::s_client;
using diskret::test::SelfSignedCertificate;
using test::ServerFixture;

class TlsServer {
 public:
  TlsServer()
      : f(false, nullptr, [this](ServerConfig& c) {
          c.tls_listen = "127.0.0.1:0";
          c.tls.cert_file = cert.cert();
          c.tls.key_file = cert.key();
          c.tls_handshake_timeout = 2s;
        }) {}
  SelfSignedCertificate cert;  // before f: the server loads it at start
  ServerFixture f;
};

/// What the carrier pool reports, for the test thread to wait on.
struct PoolEvents {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<carrier::SubmitOutcome> outcomes;
  std::vector<carrier::Receipt> receipts;

  carrier::Handlers handlers() {
    carrier::Handlers h;
    h.on_outcome = [this](carrier::SubmitOutcome&& o) {
      std::lock_guard lock(mutex);
      outcomes.push_back(std::move(o));
      cv.notify_all();
    };
    h.on_receipt = [this](carrier::Receipt&& r, carrier::Ack ack) {
      {
        std::lock_guard lock(mutex);
        receipts.push_back(std::move(r));
        cv.notify_all();
      }
      ack(true);
    };
    h.on_inbound = [](carrier::Inbound&&, carrier::Ack ack) { ack(true); };
    return h;
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, timeout, pred);
  }
};

carrier::CarrierConfig tls_carrier(std::uint16_t port, const CreatedCredential& cred,
                                   const std::string& ca_file) {
  carrier::CarrierConfig c;
  c.name = "tls-peer";
  c.host = "127.0.0.1";
  c.port = port;
  c.system_id = cred.credential.system_id;
  c.password = cred.password;
  c.tls = true;
  c.tls_ca_file = ca_file;
  c.reconnect_min = 100ms;
  c.reconnect_max = 200ms;
  c.response_timeout = 2s;
  return c;
}

TEST(SmppTls, CarrierClientBindsSubmitsAndGetsTheReceiptOverTls) {
  TlsServer s;
  ASSERT_TRUE(s.cert.ok()) << "openssl req failed";
  ASSERT_NE(s.f.server->tls_port(), 0);
  auto cred = s.f.credential();
  PoolEvents events;
  SystemClock clock;
  carrier::CarrierPool pool({tls_carrier(s.f.server->tls_port(), cred, s.cert.cert())},
                            events.handlers(), clock);
  pool.start();
  carrier::OutboundMessage m;
  m.message_id = 1;
  m.to_e164 = "+4915112345678";
  m.from = *sms::SenderId::parse("Shop");
  m.text = "Hallo über TLS";
  pool.submit({m});
  ASSERT_TRUE(events.wait([&] { return !events.outcomes.empty(); }));
  const auto outcome = events.outcomes.front();
  ASSERT_EQ(outcome.result, carrier::SubmitResult::accepted) << outcome.detail;
  ASSERT_EQ(outcome.carrier_ids.size(), 1u);
  EXPECT_GE(s.f.server->stats().tls_connections, 1u);
  s.f.pf.idle();
  auto sent = s.f.pf.carrier.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text, "Hallo über TLS");

  s.f.deliver(outcome.carrier_ids.front());
  ASSERT_TRUE(events.wait([&] { return !events.receipts.empty(); }))
      << "no receipt came back over the TLS bind";
  EXPECT_EQ(events.receipts.front().receipt.id, outcome.carrier_ids.front());
  EXPECT_EQ(events.receipts.front().receipt.state, smpp::ReceiptState::delivered);
  pool.stop();
}

TEST(SmppTls, CarrierClientRefusesACertificateItCannotVerify) {
  TlsServer s;
  SelfSignedCertificate stranger;  // a CA that did not sign the server's certificate
  ASSERT_TRUE(s.cert.ok() && stranger.ok());
  auto cred = s.f.credential();
  PoolEvents events;
  SystemClock clock;
  carrier::CarrierPool pool({tls_carrier(s.f.server->tls_port(), cred, stranger.cert())},
                            events.handlers(), clock);
  pool.start();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (s.f.server->stats().tls_handshake_failures == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(s.f.server->stats().tls_handshake_failures, 1u);
  EXPECT_FALSE(pool.any_bound());
  EXPECT_EQ(s.f.server->stats().binds, 0u);
  pool.stop();
}

TEST(SmppTls, NegotiatesTls12Or13AndRefusesOlderProtocols) {
  TlsServer s;
  ASSERT_TRUE(s.cert.ok());
  const auto port = s.f.server->tls_port();
  auto v12 = s_client(port, "-tls1_2 -CAfile " + s.cert.cert());
  EXPECT_EQ(v12.status, 0) << v12.output;
  EXPECT_NE(v12.output.find("Protocol version: TLSv1.2"), std::string::npos) << v12.output;
  EXPECT_NE(v12.output.find("Verification: OK"), std::string::npos) << v12.output;
  auto v13 = s_client(port, "-tls1_3");
  EXPECT_NE(v13.output.find("Protocol version: TLSv1.3"), std::string::npos) << v13.output;
  // SECLEVEL=0 makes the client willing to speak the old protocols: the refusal is the
  // server's.
  for (const char* old : {"-tls1_1", "-tls1"}) {
    auto r = s_client(port, std::string(old) + " -cipher DEFAULT@SECLEVEL=0");
    EXPECT_NE(r.status, 0) << old << ": " << r.output;
    EXPECT_EQ(r.output.find("Protocol version"), std::string::npos) << old << ": " << r.output;
  }
  // Only forward-secret AEAD suites: a static-RSA or CBC suite is refused.
  auto weak = s_client(port, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256:AES128-SHA");
  EXPECT_NE(weak.status, 0) << weak.output;
}

TEST(SmppTls, PlainSmppOnTheTlsPortGetsNoBind) {
  TlsServer s;
  ASSERT_TRUE(s.cert.ok());
  auto cred = s.f.credential();
  smsc_sim::test::SmppTestClient plain(s.f.server->tls_port());
  ASSERT_TRUE(plain.connected());
  auto status = plain.bind(smpp::CommandId::bind_transceiver, cred.credential.system_id,
                           cred.password);
  EXPECT_FALSE(status && *status == 0u);
  EXPECT_EQ(s.f.server->stats().binds, 0u);
  EXPECT_GE(s.f.server->stats().tls_handshake_failures, 1u);
}

}  // namespace
}  // namespace diskret::smpp_server
