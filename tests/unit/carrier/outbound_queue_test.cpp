#include "carrier/outbound_queue.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace diskret::carrier {
namespace {

using namespace std::chrono_literals;
using smpp::Status;

CarrierConfig carrier(std::string name, std::vector<std::string> prefixes = {}) {
  CarrierConfig c;
  c.name = std::move(name);
  c.prefixes = std::move(prefixes);
  return c;
}

OutboundMessage message(std::uint64_t id, std::string to = "+4915112345678", std::string text = "Hello") {
  OutboundMessage m;
  m.message_id = id;
  m.to_e164 = std::move(to);
  m.from = *sms::SenderId::parse("Diskret");
  m.text = std::move(text);
  return m;
}

class OutboundQueueTest : public ::testing::Test {
 protected:
  void make(std::vector<CarrierConfig> carriers) {
    queue_ = std::make_unique<OutboundQueue>(carriers, [this](SubmitOutcome&& o) {
      outcomes_.push_back(std::move(o));
    });
  }
  std::optional<Ticket> next(std::size_t c = 0) { return queue_->next(c, submit_, clock_.now()); }

  FakeClock clock_;
  std::unique_ptr<OutboundQueue> queue_;
  std::vector<SubmitOutcome> outcomes_;
  smpp::SubmitSm submit_;
};

TEST_F(OutboundQueueTest, AcceptedMessageReportsCarrierId) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(7), clock_.now());
  auto t = next();
  ASSERT_TRUE(t);
  EXPECT_EQ(submit_.destination_addr, "4915112345678");
  EXPECT_EQ(submit_.dest_addr_ton, 1);
  EXPECT_EQ(submit_.dest_addr_npi, 1);
  EXPECT_EQ(submit_.source_addr, "Diskret");
  EXPECT_EQ(submit_.source_addr_ton, 5);
  EXPECT_EQ(submit_.registered_delivery, 1);
  EXPECT_EQ(submit_.data_coding, 0);
  EXPECT_EQ(submit_.esm_class, 0);
  EXPECT_EQ(submit_.short_message, "Hello");
  EXPECT_TRUE(submit_.validity_period.empty());
  EXPECT_FALSE(next());
  EXPECT_TRUE(outcomes_.empty());
  queue_->accepted(*t, "abc123");
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].message_id, 7u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::accepted);
  EXPECT_EQ(outcomes_[0].carrier, "a");
  EXPECT_EQ(outcomes_[0].carrier_ids, std::vector<std::string>{"abc123"});
  EXPECT_EQ(queue_->size(), 0u);
}

TEST_F(OutboundQueueTest, ValidityAndReceiptFlagFollowTheMessage) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  auto m = message(1);
  m.want_receipt = false;
  m.expires_at = clock_.now() + 1h;
  queue_->add(std::move(m), clock_.now());
  ASSERT_TRUE(next());
  EXPECT_EQ(submit_.registered_delivery, 0);
  EXPECT_EQ(submit_.validity_period.size(), 16u);
  EXPECT_EQ(submit_.validity_period.back(), '+');
}

TEST_F(OutboundQueueTest, ParksUntilARouteBinds) {
  make({carrier("a")});
  queue_->add(message(1), clock_.now());
  queue_->add(message(2), clock_.now());
  EXPECT_EQ(queue_->parked(), 2u);
  EXPECT_FALSE(next());
  queue_->set_carrier_up(0, true, clock_.now());
  EXPECT_EQ(queue_->parked(), 0u);
  auto t1 = next();
  auto t2 = next();
  ASSERT_TRUE(t1 && t2);
  queue_->accepted(*t1, "1");
  queue_->accepted(*t2, "2");
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[0].message_id, 1u);  // FIFO
  EXPECT_EQ(outcomes_[1].message_id, 2u);
}

TEST_F(OutboundQueueTest, NoRouteIsRejectedAtOnce) {
  make({carrier("de", {"+49"})});
  queue_->add(message(5, "+33612345678"), clock_.now());
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::invalid_dest_addr);
}

TEST_F(OutboundQueueTest, FailsOverWhileThePreferredCarrierIsDown) {
  make({carrier("mobile", {"+4915"}), carrier("any")});
  queue_->set_carrier_up(1, true, clock_.now());
  queue_->add(message(1), clock_.now());
  EXPECT_TRUE(queue_->has_work(1));
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(2), clock_.now());
  EXPECT_EQ(queue_->queued(0), 1u);  // preferred again once bound
  // The preferred carrier goes down with a message queued: it moves to the catch-all.
  queue_->set_carrier_up(0, false, clock_.now());
  EXPECT_EQ(queue_->queued(0), 0u);
  EXPECT_EQ(queue_->queued(1), 2u);
}

TEST_F(OutboundQueueTest, ThrottledPartIsRetriedFirstAndPausesTheBind) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1), clock_.now());
  queue_->add(message(2), clock_.now());
  auto t = next();
  EXPECT_EQ(queue_->rejected(*t, Status::throttled), Verdict::pause_bind);
  auto again = next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->job, t->job);  // same message, ahead of message 2
  EXPECT_EQ(queue_->rejected(*again, Status::message_queue_full), Verdict::pause_bind);
  queue_->accepted(*next(), "x");
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].message_id, 1u);
}

TEST_F(OutboundQueueTest, TransientErrorsAreRetriedABoundedNumberOfTimes) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1), clock_.now());
  for (unsigned i = 0; i < OutboundQueue::kMaxTransientRetries; ++i) {
    auto t = next();
    ASSERT_TRUE(t) << i;
    EXPECT_EQ(queue_->rejected(*t, Status::system_error), Verdict::retry);
  }
  auto t = next();
  ASSERT_TRUE(t);
  EXPECT_EQ(queue_->rejected(*t, Status::system_error), Verdict::done);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::system_error);
}

TEST_F(OutboundQueueTest, PermanentErrorRejectsAtOnce) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1), clock_.now());
  EXPECT_EQ(queue_->rejected(*next(), Status::invalid_dest_addr), Verdict::done);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::invalid_dest_addr);
  EXPECT_TRUE(outcomes_[0].carrier_ids.empty());
  EXPECT_FALSE(next());
}

TEST_F(OutboundQueueTest, GenericNackIsRetriedOnceThenRejected) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1), clock_.now());
  EXPECT_EQ(queue_->nacked(*next(), Status::invalid_command_id), Verdict::retry);
  EXPECT_EQ(queue_->nacked(*next(), Status::invalid_command_id), Verdict::done);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::invalid_command_id);
}

TEST_F(OutboundQueueTest, LongMessageSendsPartsWithOneReferenceAndReportsIdsInOrder) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1, "+4915112345678", std::string(400, 'a')), clock_.now());
  std::vector<Ticket> tickets;
  std::vector<std::string> bodies;
  while (auto t = next()) {
    tickets.push_back(*t);
    bodies.push_back(submit_.short_message);
    EXPECT_EQ(submit_.esm_class & smpp::esm::udhi, smpp::esm::udhi);
  }
  ASSERT_EQ(tickets.size(), 3u);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    ASSERT_GE(bodies[i].size(), 6u);
    EXPECT_EQ(bodies[i].substr(0, 3), std::string("\x05\x00\x03", 3));
    EXPECT_EQ(bodies[i][3], bodies[0][3]) << "same reference in every part";
    EXPECT_EQ(bodies[i][4], 3);
    EXPECT_EQ(bodies[i][5], static_cast<char>(i + 1));
  }
  // Answers out of order; the outcome comes after the last and lists ids in part order.
  queue_->accepted(tickets[2], "c");
  queue_->accepted(tickets[0], "a");
  EXPECT_TRUE(outcomes_.empty());
  queue_->accepted(tickets[1], "b");
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].carrier_ids, (std::vector<std::string>{"a", "b", "c"}));

  // The next long message to the same phone gets the next reference.
  queue_->add(message(2, "+4915112345678", std::string(200, 'b')), clock_.now());
  ASSERT_TRUE(next());
  EXPECT_EQ(static_cast<std::uint8_t>(submit_.short_message[3]),
            static_cast<std::uint8_t>(bodies[0][3] + 1));
}

TEST_F(OutboundQueueTest, RejectedPartRejectsTheMessageOnceAllPartsAnswered) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1, "+4915112345678", std::string(400, 'a')), clock_.now());
  auto p1 = next();
  auto p2 = next();
  ASSERT_TRUE(p1 && p2);
  queue_->rejected(*p2, Status::invalid_dest_addr);
  EXPECT_TRUE(outcomes_.empty());  // part 1 still in flight
  EXPECT_FALSE(next());            // part 3 is not sent any more
  queue_->accepted(*p1, "id1");
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::invalid_dest_addr);
  EXPECT_EQ(outcomes_[0].carrier_ids, std::vector<std::string>{"id1"});
  EXPECT_EQ(queue_->size(), 0u);
}

TEST_F(OutboundQueueTest, LostPartsAreSentAgainInOrder) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  for (std::uint64_t id = 1; id <= 4; ++id) queue_->add(message(id), clock_.now());
  auto t1 = next();
  auto t2 = next();
  auto t3 = next();
  queue_->accepted(*t2, "2");
  const std::vector<Ticket> lost{*t1, *t3};
  queue_->lost(lost);
  std::vector<std::uint64_t> order;
  while (auto t = next()) {
    order.push_back(t->job == t1->job ? 1 : t->job == t3->job ? 3 : 4);
    queue_->accepted(*t, "x");
  }
  EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 3, 4}));
  EXPECT_EQ(outcomes_.size(), 4u);
}

TEST_F(OutboundQueueTest, ParkedMessagesExpire) {
  make({carrier("a")});
  auto m = message(1);
  m.expires_at = clock_.now() + 10s;
  queue_->add(std::move(m), clock_.now());
  queue_->add(message(2), clock_.now());
  EXPECT_EQ(queue_->expire(clock_.now()), 0u);
  clock_.advance(11s);
  EXPECT_EQ(queue_->expire(clock_.now()), 1u);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].message_id, 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::expired);
  EXPECT_EQ(queue_->parked(), 1u);
}

TEST_F(OutboundQueueTest, ExpiredMessageIsNotSent) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  auto m = message(1);
  m.expires_at = clock_.now() + 1s;
  queue_->add(std::move(m), clock_.now());
  queue_->add(message(2), clock_.now());
  clock_.advance(2s);
  auto t = next();
  ASSERT_TRUE(t);
  queue_->accepted(*t, "x");
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[0].message_id, 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::expired);
  EXPECT_EQ(outcomes_[1].message_id, 2u);
}

TEST_F(OutboundQueueTest, PayloadModePutsTheTextInMessagePayload) {
  auto c = carrier("a");
  c.long_messages = sms::Concatenation::payload;
  make({c});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1, "+4915112345678", std::string(300, 'p')), clock_.now());
  ASSERT_TRUE(next());
  EXPECT_TRUE(submit_.short_message.empty());
  ASSERT_TRUE(submit_.tlvs.message_payload);
  EXPECT_EQ(submit_.tlvs.message_payload->size(), 300u);
  EXPECT_EQ(submit_.esm_class & smpp::esm::udhi, 0);
  EXPECT_FALSE(next());
}

TEST_F(OutboundQueueTest, UnicodeTextIsUcs2) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1, "+4915112345678", "Привет"), clock_.now());
  ASSERT_TRUE(next());
  EXPECT_EQ(submit_.data_coding, 0x08);
  EXPECT_EQ(submit_.short_message.size(), 12u);
}

TEST_F(OutboundQueueTest, UnencodableTextIsRejected) {
  make({carrier("a")});
  queue_->set_carrier_up(0, true, clock_.now());
  queue_->add(message(1, "+4915112345678", ""), clock_.now());
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].result, SubmitResult::rejected);
  EXPECT_EQ(outcomes_[0].status, Status::invalid_msg_length);
}

}  // namespace
}  // namespace diskret::carrier
