// The SMPP server's durable deliver_sm queue: receipts (made in the final status's commit)
// and inbound messages for a tenant without a receiver bind are stored (sealed) in the
// database, survive a restart of the server, reach the receiver that binds later in the
// standard format and are then deleted; once their validity has passed they are dropped
// instead. Several servers on one database (the nodes of multi-node mode) share it: a
// receipt reaches the customer's receiver whichever node it is bound to, once.
#include <gtest/gtest.h>

#include <set>
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

/// The stored rows, read as a node would claim them and given back at once.
std::vector<store::SmppOutboxRow> peek(ServerFixture& f) {
  const auto now = f.pf.store.clock.now_ms();
  auto rows = f.outbox->claim(f.pf.tenant.value, now, now + 60'000, 100);
  EXPECT_TRUE(rows) << rows.error().message();
  if (!rows) return {};
  std::vector<std::uint64_t> ids;
  for (const auto& r : *rows) ids.push_back(r.id);
  EXPECT_TRUE(f.outbox->release(ids));
  return *rows;
}

/// Submits one message with registered_delivery on a transmitter bind (to `port`, the
/// fixture's server by default); its message id.
std::string submit_one(ServerFixture& f, const CreatedCredential& cred, std::uint16_t port = 0) {
  SmppTestClient tx(port ? port : f.server->port());
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
  auto rows = peek(f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.front().sealed_pdu.find("4915112345678"), std::string::npos);
  EXPECT_EQ(rows.front().sealed_pdu.find("DELIVRD"), std::string::npos);

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
  auto rows = peek(f);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.front().sealed_pdu.find("Ja, gerne"), std::string::npos);
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
  auto rows = f.outbox->requests();
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
    auto left = f.outbox->requests();
    return left && left->empty();
  }));
}

/// A second SmppServer on the fixture's database, as another node of multi-node mode: its
/// own outbox connection, the same credentials and pipeline (whose final statuses are
/// written by the fixture's tee, as by any node's).
struct PeerNode {
  explicit PeerNode(ServerFixture& f) {
    auto o = store::sqlite::SqliteSmppOutbox::open(f.pf.dir.path() / "diskret.db");
    if (!o) throw std::runtime_error(o.error().message());
    outbox = std::move(*o);
    server = std::make_unique<SmppServer>(f.config, *f.credentials, *f.tenants, *f.pf.pipeline,
                                          f.pf.store.clock);
    server->set_outbox(outbox.get(), f.pf.store.keys.get());
    server->set_message_notes(f.notes.get());
    auto ok = server->start();
    if (!ok) throw std::runtime_error(ok.error().message());
  }
  std::unique_ptr<store::sqlite::SqliteSmppOutbox> outbox;
  std::unique_ptr<SmppServer> server;
};

std::string receipt_id(const smpp::Pdu& pdu) {
  auto receipt = smpp::parse_receipt(std::get<smpp::DeliverSm>(pdu.body));
  return receipt ? receipt->id : std::string();
}

TEST(SmppOutbox, ReceiptReachesTheReceiverBoundToAnotherNode) {
  ServerFixture f;
  PeerNode peer(f);
  auto cred = f.credential();
  SmppTestClient rx(peer.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  // Submitted here, final status written here, the receiver bound to the peer.
  const std::string here = submit_one(f, cred);
  ASSERT_FALSE(here.empty());
  f.deliver(here, smpp::ReceiptState::undeliverable);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr) << "the receipt did not reach the receiver on the other node";
  EXPECT_EQ(receipt_id(*dlr), here);
  EXPECT_EQ(smpp::parse_receipt(std::get<smpp::DeliverSm>(dlr->body))->state,
            smpp::ReceiptState::undeliverable);
  // Submitted to the peer, its receiver there too: the request was stored by the peer and
  // taken by the transaction that wrote the final status.
  const std::string there = submit_one(f, cred, peer.server->port());
  ASSERT_FALSE(there.empty());
  f.deliver(there, smpp::ReceiptState::delivered);
  dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr);
  EXPECT_EQ(receipt_id(*dlr), there);
  EXPECT_TRUE(eventually([&] { return stored(f) == 0; }));
  EXPECT_EQ(peer.server->stats().receipts_sent, 2u);
  EXPECT_EQ(f.server->stats().receipts_sent, 0u);
}

TEST(SmppOutbox, ReceiversBoundToTwoNodesGetEachReceiptOnce) {
  ServerFixture f;
  PeerNode peer(f);
  auto cred = f.credential();
  SmppTestClient rx_here(f.server->port());
  SmppTestClient rx_there(peer.server->port());
  ASSERT_EQ(rx_here.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  ASSERT_EQ(rx_there.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  constexpr int kMessages = 30;
  std::vector<std::string> ids;
  for (int i = 0; i < kMessages; ++i) {
    ids.push_back(submit_one(f, cred, i % 2 ? peer.server->port() : f.server->port()));
    ASSERT_FALSE(ids.back().empty());
  }
  for (const auto& id : ids) f.deliver(id);
  std::multiset<std::string> got;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got.size() < ids.size() && std::chrono::steady_clock::now() < deadline) {
    for (auto* rx : {&rx_here, &rx_there}) {
      if (auto d = rx->next_deliver(20ms)) got.insert(receipt_id(*d));
    }
  }
  // Anything sent twice would arrive within this.
  for (auto* rx : {&rx_here, &rx_there}) {
    while (auto d = rx->next_deliver(300ms)) got.insert(receipt_id(*d));
  }
  EXPECT_EQ(got, std::multiset<std::string>(ids.begin(), ids.end()));
  EXPECT_TRUE(eventually([&] { return stored(f) == 0; }));
}

TEST(SmppOutbox, AReceiverThatGoesAwayGivesItsReceiptsBackToTheOtherNodes) {
  ServerFixture f;
  PeerNode peer(f);
  auto cred = f.credential();
  const std::string id = submit_one(f, cred);
  ASSERT_FALSE(id.empty());
  {
    // Takes the receipt and never answers it, then disconnects.
    SmppTestClient rx(peer.server->port());
    ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
    f.deliver(id);
    auto unanswered = rx.next_deliver(5s, std::nullopt);
    ASSERT_TRUE(unanswered);
    EXPECT_EQ(receipt_id(*unanswered), id);
  }
  // Given back at once, not when the peer's claim (10 minutes) runs out.
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  auto dlr = rx.next_deliver(5s);
  ASSERT_TRUE(dlr) << "the receipt stayed with the node whose receiver left";
  EXPECT_EQ(receipt_id(*dlr), id);
  EXPECT_TRUE(eventually([&] { return stored(f) == 0; }));
}

TEST(SmppOutbox, ClaimedRowsOfANodeThatDiedGoToAnotherWhenTheClaimRunsOut) {
  ServerFixture f;
  auto cred = f.credential();
  f.server->notify_inbound(f.pf.tenant, "+4915112345678", "12345", "Ja");
  ASSERT_TRUE(eventually([&] { return stored(f) == 1; }));
  // A node claims the row and dies before delivering it (nothing gives it back).
  const auto now = f.pf.store.clock.now_ms();
  auto held = f.outbox->claim(f.pf.tenant.value, now, now + 60'000, 10);
  ASSERT_TRUE(held && held->size() == 1u);
  auto again = f.outbox->claim(f.pf.tenant.value, now, now + 60'000, 10);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty()) << "a claimed row was claimed again";
  SmppTestClient rx(f.server->port());
  ASSERT_EQ(rx.bind(CommandId::bind_receiver, cred.credential.system_id, cred.password), 0u);
  EXPECT_FALSE(rx.next_deliver(300ms)) << "delivered while another node held it";
  f.pf.store.clock.advance(61s);
  auto mo = rx.next_deliver(5s);
  ASSERT_TRUE(mo) << "the dead node's row never reached the receiver";
  EXPECT_EQ(std::get<smpp::DeliverSm>(mo->body).short_message, "Ja");
}

}  // namespace
}  // namespace diskret::smpp_server
