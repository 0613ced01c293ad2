// The SMPP server's durable deliver_sm queue: receipts and inbound messages for a tenant
// without a receiver bind are stored (sealed) in the database, survive a restart of the
// server, reach the receiver that binds later in the standard format and are then
// deleted; once their validity has passed they are dropped instead.
#include <gtest/gtest.h>

#include <thread>

#include "../smsc_sim/smpp_test_client.hpp"
#include "server_fixture.hpp"
#include "smpp/delivery_receipt.hpp"

namespace diskret::smpp_server {
namespace {

using namespace std::chrono_literals;
using smpp::CommandId;
using smsc_sim::test::SmppTestClient;
using test::ServerFixture;

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::size_t stored(ServerFixture& f) {
  auto n = f.outbox->count(f.pf.tenant.value);
  return n ? *n : 999;
}

/// Submits one message with registered_delivery on a transmitter bind; its message id.
std::string submit_one(ServerFixture& f, const CreatedCredential& cred) {
  SmppTestClient tx(f.server->port());
  EXPECT_EQ(tx.bind(CommandId::bind_transmitter, cred.credential.system_id, cred.password), 0u);
  smpp::SubmitSm s;
  s.source_addr = "Shop";
  s.source_addr_ton = 5;
  s.destination_addr = "4915112345678";
  s.dest_addr_ton = 1;
  s.dest_addr_npi = 1;
  s.registered_delivery = 1;
  s.short_message = "Ihr Termin ist morgen";
  auto resp = tx.call(s);
  EXPECT_TRUE(resp && resp->command_status == 0);
  auto* r = resp ? std::get_if<smpp::SubmitSmResp>(&resp->body) : nullptr;
  return r ? r->message_id : std::string();
}

TEST(SmppOutbox, ReceiptGeneratedWhileUnboundSurvivesARestartAndReachesTheReceiver) {
  ServerFixture f;
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  ASSERT_FALSE(id.empty());
  f.deliver(id, smpp::ReceiptState::delivered);
  ASSERT_TRUE(eventually([&] { return stored(f) == 1; })) << "the receipt was not stored";
  // Sealed with the tenant's key: neither the number nor the text is readable in the row.
  auto rows = f.outbox->pending(f.pf.tenant.value, f.pf.store.clock.now_ms(), 0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().sealed_pdu.find("4915112345678"), std::string::npos);
  EXPECT_EQ(rows->front().sealed_pdu.find("DELIVRD"), std::string::npos);

  f.restart_server();
  EXPECT_EQ(stored(f), 1u);
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr) << "no receipt after the restart";
  const auto& d = std::get<smpp::DeliverSm>(dlr->body);
  EXPECT_EQ(d.esm_class & 0x3C, 0x04) << "an SMSC delivery receipt";
  EXPECT_EQ(d.source_addr, "4915112345678");
  EXPECT_EQ(d.destination_addr, "Shop");
  EXPECT_EQ(d.short_message.rfind("id:" + id + " ", 0), 0u) << d.short_message;
  EXPECT_NE(d.short_message.find(" stat:DELIVRD "), std::string::npos) << d.short_message;
  auto receipt = smpp::parse_receipt(d);
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->id, id);
  EXPECT_EQ(receipt->state, smpp::ReceiptState::delivered);
  // Acknowledged: deleted, and not sent again to the next bind.
  EXPECT_TRUE(eventually([&] { return stored(f) == 0; }));
  f.restart_server();
  SmppTestClient again(f.server->port());
  ASSERT_EQ(again.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  EXPECT_FALSE(again.next_deliver(300ms));
}

TEST(SmppOutbox, InboundMessageWhileUnboundIsDeliveredAfterARestart) {
  ServerFixture f;
  auto cred = f.credential();
  f.server->notify_inbound(f.pf.tenant, "+4915112345678", "12345", "Ja, gerne");
  ASSERT_TRUE(eventually([&] { return stored(f) == 1; }));
  auto rows = f.outbox->pending(f.pf.tenant.value, f.pf.store.clock.now_ms(), 0, 10);
  ASSERT_TRUE(rows && rows->size() == 1u);
  EXPECT_EQ(rows->front().sealed_pdu.find("Ja, gerne"), std::string::npos);
  f.restart_server();
  SmppTestClient trx(f.server->port());
  ASSERT_EQ(trx.bind(CommandId::bind_transceiver, cred.credential.system_id, cred.password), 0u);
  auto mo = trx.next_deliver(5s);
  ASSERT_TRUE(mo);
  const auto& d = std::get<smpp::DeliverSm>(mo->body);
  EXPECT_EQ(d.source_addr, "4915112345678");
  EXPECT_EQ(d.destination_addr, "12345");
  EXPECT_EQ(d.short_message, "Ja, gerne");
  EXPECT_FALSE(smpp::parse_receipt(d));
  EXPECT_TRUE(eventually([&] { return stored(f) == 0; }));
}

TEST(SmppOutbox, StoredReceiptPastItsValidityIsDroppedNotDelivered) {
  ServerFixture f;
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  f.deliver(id, smpp::ReceiptState::undeliverable);
  ASSERT_TRUE(eventually([&] { return stored(f) == 1; }));
  f.restart_server();
  f.pf.store.clock.advance(f.config.receipt_keep + 1h);
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  EXPECT_FALSE(rx.next_deliver(300ms)) << "an expired receipt was delivered";
  EXPECT_EQ(stored(f), 0u);
}

TEST(SmppOutbox, ReceiptsWaitingInMemoryAtShutdownAreKept) {
  ServerFixture f;
  auto cred = f.credential();
  // A receiver that never answers: the receipt stays unacknowledged in memory.
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  f.server->notify_inbound(f.pf.tenant, "+4915112345678", "12345", "Hallo");
  ASSERT_TRUE(rx.next_deliver(5s, std::nullopt));  // received, not answered
  EXPECT_EQ(stored(f), 0u) << "stored although a receiver was bound";
  f.restart_server();
  EXPECT_EQ(stored(f), 1u);
  SmppTestClient later(f.server->port());
  ASSERT_EQ(later.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  auto mo = later.next_deliver(5s);
  ASSERT_TRUE(mo);
  EXPECT_EQ(std::get<smpp::DeliverSm>(mo->body).short_message, "Hallo");
}

TEST(SmppOutbox, ReceiptRequestSurvivesARestartBeforeTheMessageIsFinal) {
  ServerFixture f;
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  ASSERT_FALSE(id.empty());
  f.restart_server();  // the server forgets everything it held in memory
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  f.deliver(id, smpp::ReceiptState::delivered);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr) << "the receipt request was lost in the restart";
  const auto& d = std::get<smpp::DeliverSm>(dlr->body);
  EXPECT_EQ(d.destination_addr, "Shop");
  EXPECT_EQ(d.dest_addr_ton, 5);
  EXPECT_EQ(d.source_addr, "4915112345678");
  auto receipt = smpp::parse_receipt(d);
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->id, id);
}

TEST(SmppOutbox, ReceiptRequestIsDurableBeforeItsSubmitSmRespIsSent) {
  ServerFixture f;
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  ASSERT_FALSE(id.empty());
  // No housekeeping tick has run yet: the request was stored in the message's commit, so
  // a crash right after the submit_sm_resp cannot lose it.
  auto rows = f.outbox->load_requests(0);
  ASSERT_TRUE(rows) << rows.error().message();
  ASSERT_EQ(rows->size(), 1u) << "the receipt request is not stored with its message";
  EXPECT_EQ(pipeline::format_message_id(pipeline::MessageId{rows->front().message_id}), id);
  EXPECT_EQ(rows->front().sealed_request.find("4915112345678"), std::string::npos)
      << "stored in clear";
  // Answered: deleted again.
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  f.deliver(id, smpp::ReceiptState::delivered);
  ASSERT_TRUE(rx.next_deliver(5s));
  EXPECT_TRUE(eventually([&] {
    auto left = f.outbox->load_requests(0);
    return left && left->empty();
  }));
}

TEST(SmppOutbox, MessageThatWentFinalWhileTheServerWasDownStillGetsItsReceipt) {
  ServerFixture f(/*poll=*/true);
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  ASSERT_FALSE(id.empty());
  f.stop_server();
  f.deliver(id, smpp::ReceiptState::undeliverable);  // nobody listening
  f.start_server();
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr) << "no receipt for a message that ended while the server was down";
  auto receipt = smpp::parse_receipt(std::get<smpp::DeliverSm>(dlr->body));
  ASSERT_TRUE(receipt);
  EXPECT_EQ(receipt->id, id);
  EXPECT_EQ(receipt->state, smpp::ReceiptState::undeliverable);
}

}  // namespace
}  // namespace diskret::smpp_server
