// The SMPP server end to end: binds against stored credentials, submit_sm through a real
// DurablePipeline (SQLite in a temp dir) to a fake carrier, receipts back as deliver_sm.
#include <gtest/gtest.h>

#include "../smsc_sim/smpp_test_client.hpp"
#include "smpp/delivery_receipt.hpp"
#include "smpp_server/smpp_server.hpp"
#include "smpp_server/status_tee.hpp"
#include "store/sqlite/sqlite_smpp_credentials.hpp"
#include "tenancy/sql_tenant_service.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"
#include "server_fixture.hpp"

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
using pipeline::testing::FakeCarrier;
using pipeline::testing::PipelineFixture;
using smpp::CommandId;
using smsc_sim::test::SmppTestClient;

using test::kBindFailDelay;
using test::ServerFixture;

smpp::SubmitSm submit(std::string text, std::uint8_t registered_delivery = 1) {
  smpp::SubmitSm s;
  s.source_addr = "Shop";
  s.source_addr_ton = 5;
  s.destination_addr = "4915112345678";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.registered_delivery = registered_delivery;
  s.short_message = std::move(text);
  return s;
}

std::string message_id_of(const smpp::Pdu& resp) {
  auto* r = std::get_if<smpp::SubmitSmResp>(&resp.body);
  return r ? r->message_id : std::string();
}

TEST(SmppServerIntegration, WrongPasswordGetsBindFailAfterDelayThenClose) {
  ServerFixture f;
  auto cred = f.credential();
  SmppTestClient client(f.server->port());
  ASSERT_TRUE(client.connected());
  const auto start = std::chrono::steady_clock::now();
  auto status = client.bind(CommandId::bind_transceiver, cred.credential.system_id, "wrongpw1");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, static_cast<std::uint32_t>(smpp::Status::bind_failed));
  EXPECT_GE(elapsed, kBindFailDelay);
  EXPECT_TRUE(client.wait_closed());

  SmppTestClient unknown(f.server->port());
  auto s2 = unknown.bind(CommandId::bind_transmitter, "nobody", cred.password);
  ASSERT_TRUE(s2);
  EXPECT_EQ(*s2, static_cast<std::uint32_t>(smpp::Status::bind_failed));
  EXPECT_EQ(f.server->stats().bind_failures, 2u);
}

TEST(SmppServerIntegration, SubmitIsDurableWhenAnsweredAndReceiptReachesReceiver) {
  ServerFixture f;
  auto cred = f.credential();
  SmppTestClient tx(f.server->port());
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);

  auto resp = tx.call(submit("Hallo Welt"));
  ASSERT_TRUE(resp);
  ASSERT_EQ(resp->command_status, 0u);
  const std::string id = message_id_of(*resp);
  auto parsed = pipeline::parse_message_id(id);
  ASSERT_TRUE(parsed) << id;
  // Answered only after the commit: the message is readable from the store right away.
  auto view = f.pf.pipeline->get(f.pf.tenant, *parsed);
  ASSERT_TRUE(view) << view.error().message();
  EXPECT_EQ(view->to, "+4915112345678");

  f.deliver(id);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr);
  auto* d = std::get_if<smpp::DeliverSm>(&dlr->body);
  ASSERT_NE(d, nullptr);
  auto receipt = smpp::parse_receipt(*d);
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->id, id);
  EXPECT_EQ(receipt->state, smpp::ReceiptState::delivered);
  EXPECT_EQ(d->destination_addr, "Shop");
  EXPECT_EQ(d->source_addr, "4915112345678");
}

TEST(SmppServerIntegration, ReceiptIsQueuedUntilAReceiverBinds) {
  ServerFixture f(/*poll=*/true);
  auto cred = f.credential();
  SmppTestClient tx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  auto resp = tx.call(submit("Hallo"));
  ASSERT_TRUE(resp);
  ASSERT_EQ(resp->command_status, 0u);
  f.deliver(message_id_of(*resp), smpp::ReceiptState::undeliverable);
  // The transmitter never gets it; a transceiver bound later does.
  EXPECT_FALSE(tx.next_deliver(300ms));
  SmppTestClient trx(f.server->port());
  ASSERT_EQ(trx.bind(CommandId::bind_transceiver, cred.credential.system_id, cred.password), 0u);
  auto dlr = trx.next_deliver(5s);
  ASSERT_TRUE(dlr);
  auto receipt = smpp::parse_receipt(std::get<smpp::DeliverSm>(dlr->body));
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->id, message_id_of(*resp));
  EXPECT_EQ(receipt->state, smpp::ReceiptState::undeliverable);
}

TEST(SmppServerIntegration, InboundMessagesReachTheTenantsReceiverBindsOnly) {
  ServerFixture f;
  auto cred = f.credential();
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  f.server->notify_inbound(f.pf.tenant, "+4915112345678", "12345", "Ja, gerne! \xF0\x9F\x98\x8A");
  auto mo = rx.next_deliver(5s);
  ASSERT_TRUE(mo);
  const auto& pdu = std::get<smpp::DeliverSm>(mo->body);
  EXPECT_EQ(pdu.source_addr, "4915112345678");
  EXPECT_EQ(pdu.source_addr_ton, 1);
  EXPECT_EQ(pdu.source_addr_npi, 1);
  EXPECT_EQ(pdu.destination_addr, "12345");
  EXPECT_EQ(pdu.dest_addr_ton, 0);
  EXPECT_EQ(pdu.esm_class & 0x3C, 0) << "an MO, not a delivery receipt";
  EXPECT_EQ(pdu.data_coding, 0x08) << "UCS-2 for the emoji";
  EXPECT_FALSE(smpp::parse_receipt(pdu));
  // Another tenant's MO never reaches this bind.
  f.server->notify_inbound(pipeline::TenantId{f.pf.tenant.value + 1}, "+4915198765432", "12345", "x");
  EXPECT_FALSE(rx.next_deliver(300ms));
}

TEST(SmppServerIntegration, RateLimitAnswersThrottled) {
  ServerFixture f;
  auto cred = f.credential(/*window=*/0, /*tps=*/3);
  SmppTestClient tx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transceiver, cred.credential.system_id, cred.password), 0u);
  int ok = 0, throttled = 0;
  for (int i = 0; i < 8; ++i) {
    auto resp = tx.call(submit("x", 0));
    ASSERT_TRUE(resp);
    if (resp->command_status == 0) ++ok;
    if (resp->command_status == static_cast<std::uint32_t>(smpp::Status::throttled)) ++throttled;
  }
  EXPECT_GE(ok, 3);
  EXPECT_LE(ok, 4);  // the burst, plus perhaps one refilled token
  EXPECT_EQ(ok + throttled, 8);
}

TEST(SmppServerIntegration, ConcatenatedPartsAreAcceptedOnceWithOneId) {
  ServerFixture f;
  auto cred = f.credential();
  SmppTestClient tx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  auto p1 = submit(std::string("\x05\x00\x03\x11\x02\x01", 6) + "Hello ", 0);
  p1.esm_class = smpp::esm::udhi;
  auto p2 = submit(std::string("\x05\x00\x03\x11\x02\x02", 6) + "World", 0);
  p2.esm_class = smpp::esm::udhi;
  smpp::Pdu a{0, tx.next_sequence(), p1};
  smpp::Pdu b{0, tx.next_sequence(), p2};
  tx.send(a);
  tx.send(b);
  auto r1 = tx.receive();
  auto r2 = tx.receive();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->command_status, 0u);
  EXPECT_EQ(r2->command_status, 0u);
  EXPECT_EQ(message_id_of(*r1), message_id_of(*r2));
  f.pf.idle();
  auto sent = f.pf.carrier.sent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text, "Hello World");
}

TEST(SmppServerIntegration, RefusalsAreSmppStatuses) {
  ServerFixture f;
  auto cred = f.credential();
  SmppTestClient rx(f.server->port());
  // Not bound yet.
  auto unbound = rx.call(submit("x"));
  ASSERT_TRUE(unbound);
  EXPECT_EQ(unbound->command_status, static_cast<std::uint32_t>(smpp::Status::invalid_bind_status));
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  auto on_receiver = rx.call(submit("x"));
  ASSERT_TRUE(on_receiver);
  EXPECT_EQ(on_receiver->command_status,
            static_cast<std::uint32_t>(smpp::Status::invalid_bind_status));

  SmppTestClient tx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  auto bad = submit("x");
  bad.destination_addr = "12";
  auto r = tx.call(bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->command_status, static_cast<std::uint32_t>(smpp::Status::invalid_dest_addr));
  auto again = tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password);
  EXPECT_EQ(again, static_cast<std::uint32_t>(smpp::Status::already_bound));
  // A revoked credential no longer binds, and its open binds end at once (unbind).
  ASSERT_TRUE(f.credentials->revoke(f.pf.tenant, cred.credential.system_id));
  EXPECT_TRUE(tx.wait_closed(3s)) << "the bind of a revoked credential stays open";
  SmppTestClient late(f.server->port());
  EXPECT_EQ(late.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password),
            static_cast<std::uint32_t>(smpp::Status::bind_failed));
}

/// Rejects the numbers in `opted_out` as ContactsSendPolicy does ("suppressed").
struct OptOutPolicy final : api::SendPolicy {
  std::vector<std::string> opted_out;
  bool down = false;
  Expected<void, http::Problem> prepare(const api::Caller&, api::SendRequest&) override { return {}; }
  Expected<void, http::Problem> screen(const api::Caller&,
                                       std::vector<pipeline::NewMessage>& messages) override {
    if (down) return unexpected(http::Problem{503, "unavailable", "Unavailable", "", {}, {}});
    for (auto& m : messages) {
      for (const auto& n : opted_out) {
        if (m.to == n) m.rejected = pipeline::MessageError{"suppressed", "opted out"};
      }
    }
    return {};
  }
};

TEST(SmppServerIntegration, OptedOutNumberIsRefusedPermanentlyAndNothingIsStored) {
  OptOutPolicy policy;
  policy.opted_out = {"+4915112345678"};
  ServerFixture f(false, &policy);
  auto cred = f.credential();
  SmppTestClient tx(f.server->port());
  ASSERT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);

  auto refused = tx.call(submit("Ihr Code: 1234"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->command_status, static_cast<std::uint32_t>(smpp::Status::submit_failed));
  EXPECT_TRUE(message_id_of(*refused).empty());
  EXPECT_EQ(f.server->stats().refused_opted_out, 1u);

  auto other = submit("Ihr Code: 1234");
  other.destination_addr = "4915198765432";
  auto ok = tx.call(other);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->command_status, 0u);
  f.pf.idle();
  EXPECT_EQ(f.pf.pipeline->stats().accepted, 1u) << "only the number that did not opt out";

  policy.down = true;
  auto unknown = tx.call(other);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->command_status, static_cast<std::uint32_t>(smpp::Status::system_error))
      << "a list that cannot be read is a transient error, never a guess";
}

}  // namespace
}  // namespace diskret::smpp_server
