#include "smsc_sim/deliver_router.hpp"

#include <gtest/gtest.h>

#include "smpp/pdu_codec.hpp"

#include <string>
#include <vector>

namespace diskret::smsc_sim {
namespace {

/// A bound receiver that records what it was sent.
class RecordingSink final : public DeliverSink {
 public:
  RecordingSink(std::uint64_t id, std::string system_id) : id_(id), system_id_(std::move(system_id)) {}
  std::uint64_t session_id() const noexcept override { return id_; }
  const std::string& bound_system_id() const noexcept override { return system_id_; }
  void send_deliver(Outbound&& item) override { received.push_back(std::move(item)); }
  std::vector<Outbound> received;

 private:
  std::uint64_t id_;
  std::string system_id_;
};

Outbound receipt(std::string system_id, std::uint64_t origin, std::string marker) {
  smpp::DeliverSm pdu;
  pdu.short_message = std::move(marker);
  return make_outbound(DeliverKind::receipt, std::move(system_id), origin, pdu);
}

std::string marker_of(const Outbound& o) {
  auto pdu = smpp::decode(o.pdu);
  return pdu ? std::get<smpp::DeliverSm>(pdu->body).short_message : "<undecodable>";
}

TEST(DeliverRouter, PrefersTheOriginSession) {
  DeliverRouter router(10);
  RecordingSink a(1, "acme"), b(2, "acme");
  router.add_receiver(a);
  router.add_receiver(b);
  EXPECT_EQ(router.route(receipt("acme", 2, "x")), Routed::sent);
  EXPECT_EQ(b.received.size(), 1u);
  EXPECT_EQ(b.received[0].attempts, 1u);
  EXPECT_TRUE(a.received.empty());
  EXPECT_EQ(router.sent(DeliverKind::receipt), 1u);
}

TEST(DeliverRouter, FallsBackToOtherReceiversOfTheSameSystemIdRoundRobin) {
  DeliverRouter router(10);
  RecordingSink a(1, "acme"), b(2, "acme"), other(3, "other");
  router.add_receiver(a);
  router.add_receiver(other);
  router.add_receiver(b);
  for (int i = 0; i < 4; ++i) router.route(receipt("acme", 99, "x"));
  EXPECT_EQ(a.received.size(), 2u);
  EXPECT_EQ(b.received.size(), 2u);
  EXPECT_TRUE(other.received.empty());
}

TEST(DeliverRouter, QueuesUntilAReceiverOfThatSystemIdBinds) {
  DeliverRouter router(10);
  EXPECT_EQ(router.route(receipt("acme", 1, "first")), Routed::queued);
  EXPECT_EQ(router.route(receipt("acme", 1, "second")), Routed::queued);
  EXPECT_EQ(router.pending(), 2u);
  RecordingSink other(5, "other");
  router.add_receiver(other);
  EXPECT_TRUE(other.received.empty());
  RecordingSink late(6, "acme");
  router.add_receiver(late);
  ASSERT_EQ(late.received.size(), 2u);
  EXPECT_EQ(marker_of(late.received[0]), "first");
  EXPECT_EQ(marker_of(late.received[1]), "second");
  EXPECT_EQ(router.pending(), 0u);
}

TEST(DeliverRouter, AnySystemIdGoesToAnyReceiver) {
  DeliverRouter router(10);
  EXPECT_EQ(router.route(receipt("", 0, "mo")), Routed::queued);
  RecordingSink s(1, "whoever");
  router.add_receiver(s);
  EXPECT_EQ(s.received.size(), 1u);
}

TEST(DeliverRouter, RemovedReceiverGetsNothing) {
  DeliverRouter router(10);
  RecordingSink a(1, "acme");
  router.add_receiver(a);
  router.remove_receiver(a);
  EXPECT_EQ(router.route(receipt("acme", 1, "x")), Routed::queued);
  EXPECT_TRUE(a.received.empty());
}

TEST(DeliverRouter, DiscardsBeyondMaxPending) {
  DeliverRouter router(1);
  EXPECT_EQ(router.route(receipt("acme", 1, "x")), Routed::queued);
  EXPECT_EQ(router.route(receipt("acme", 1, "y")), Routed::discarded);
  EXPECT_EQ(router.discarded(), 1u);
}

TEST(Outbound, SendingWritesTheSequenceNumber) {
  const Outbound o = receipt("acme", 1, "x");
  std::vector<std::uint8_t> out{0xaa};
  append_with_sequence(o, 0x01020304, out);
  ASSERT_EQ(out.size(), o.pdu.size() + 1);
  auto pdu = smpp::decode(std::span(out).subspan(1));
  ASSERT_TRUE(pdu);
  EXPECT_EQ(pdu->sequence_number, 0x01020304u);
  EXPECT_EQ(std::get<smpp::DeliverSm>(pdu->body).short_message, "x");
}

}  // namespace
}  // namespace diskret::smsc_sim
