// accepted -> submitted -> delivered/failed/expired, receipts, scheduling, restart, paging.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::pipeline {
namespace {

using smpp::ReceiptState;
using testing::FakeCarrier;
using testing::PipelineFixture;
using testing::message;
using testing::number;

TEST(DurablePipeline, AcceptedIsSubmittedThenDeliveredByDecimalReceipt) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const MessageId id = f.send_one(number(1));
  f.idle();
  auto view = f.pipeline->get(f.tenant, id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->status, MessageStatus::submitted);
  EXPECT_TRUE(view->submitted_at);
  EXPECT_EQ(view->to, number(1));
  ASSERT_EQ(f.carrier.submits(id.value), 1u);
  const auto ids = f.carrier.carrier_ids(id.value);
  ASSERT_EQ(ids.size(), 1u);
  // The carrier answered "00A1F300" (hex) and writes the receipt in decimal.
  const auto decimal = std::to_string(std::stoull(ids[0], nullptr, 16));
  EXPECT_TRUE(f.carrier.receipt(decimal, ReceiptState::delivered));
  view = f.pipeline->get(f.tenant, id);
  EXPECT_EQ(view->status, MessageStatus::delivered);
  EXPECT_TRUE(view->done_at);
  EXPECT_FALSE(view->error);
  const Stats s = f.pipeline->stats();
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.submitted, 1u);
  EXPECT_EQ(s.delivered, 1u);
  EXPECT_EQ(s.queue_depth, 0u);
}

TEST(DurablePipeline, ReceiptMatchesLowerCaseHexWithoutZerosAndOverAnotherCarrier) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const MessageId id = f.send_one(number(1));
  f.idle();
  std::string id_text = f.carrier.carrier_ids(id.value).at(0);  // "00A1F300"
  std::transform(id_text.begin(), id_text.end(), id_text.begin(), ::tolower);
  EXPECT_TRUE(f.carrier.receipt(id_text.substr(2), ReceiptState::delivered, "other-carrier"));
  EXPECT_EQ(f.status(id), MessageStatus::delivered);
}

TEST(DurablePipeline, ARepeatedReceiptDoesNotMarkAnotherCarriersPartWithTheSameId) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const MessageId first = f.send_one(number(1));
  f.idle();
  f.carrier.answer_as("a-carrier", 0xA1F300);  // sorts before "fake"
  const MessageId second = f.send_one(number(2));
  f.idle();
  const std::string id = f.carrier.carrier_ids(first.value).at(0);
  ASSERT_EQ(f.carrier.carrier_ids(second.value).at(0), id);

  EXPECT_TRUE(f.carrier.receipt(id, ReceiptState::delivered, "fake"));
  EXPECT_EQ(f.status(first), MessageStatus::delivered);
  EXPECT_TRUE(f.carrier.receipt(id, ReceiptState::delivered, "fake"));  // repeated
  EXPECT_EQ(f.status(second), MessageStatus::submitted);
  EXPECT_TRUE(f.carrier.receipt(id, ReceiptState::delivered, "a-carrier"));
  EXPECT_EQ(f.status(second), MessageStatus::delivered);
  EXPECT_EQ(f.pipeline->stats().delivered, 2u);
}

TEST(DurablePipeline, MultipartIsDeliveredOnlyWhenEveryPartIs) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  f.carrier.set_part_size(10);
  const MessageId id = f.send_one(number(1), "a text longer than ten bytes");
  f.idle();
  const auto ids = f.carrier.carrier_ids(id.value);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(f.carrier.receipt(ids[1], ReceiptState::delivered));
  EXPECT_EQ(f.status(id), MessageStatus::submitted);
  EXPECT_TRUE(f.carrier.receipt(ids[1], ReceiptState::delivered));  // repeated
  EXPECT_EQ(f.status(id), MessageStatus::submitted);
  EXPECT_TRUE(f.carrier.receipt(ids[0], ReceiptState::enroute));
  EXPECT_EQ(f.status(id), MessageStatus::submitted);
  EXPECT_TRUE(f.carrier.receipt(ids[0], ReceiptState::delivered));
  EXPECT_EQ(f.status(id), MessageStatus::delivered);
  EXPECT_EQ(f.pipeline->stats().delivered, 1u);
}

TEST(DurablePipeline, MultipartFailsWhenOnePartIsUndeliverable) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  f.carrier.set_part_size(10);
  const MessageId id = f.send_one(number(1), "a text longer than ten bytes");
  f.idle();
  const auto ids = f.carrier.carrier_ids(id.value);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_TRUE(f.carrier.receipt(ids[0], ReceiptState::delivered));
  EXPECT_TRUE(f.carrier.receipt(ids[1], ReceiptState::undeliverable));
  auto view = f.pipeline->get(f.tenant, id);
  EXPECT_EQ(view->status, MessageStatus::failed);
  ASSERT_TRUE(view->error);
  EXPECT_EQ(view->error->code, "undeliverable");
  EXPECT_NE(view->error->detail.find("UNDELIV"), std::string::npos);
}

TEST(DurablePipeline, ExpiredReceiptExpiresTheMessage) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  const MessageId id = f.send_one(number(1));
  f.idle();
  EXPECT_TRUE(f.carrier.receipt(f.carrier.carrier_ids(id.value).at(0), ReceiptState::expired));
  EXPECT_EQ(f.status(id), MessageStatus::expired);
  EXPECT_EQ(f.pipeline->stats().expired, 1u);
}

TEST(DurablePipeline, UnknownReceiptIsCountedAndAcknowledged) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  EXPECT_TRUE(f.carrier.receipt("deadbeef", ReceiptState::delivered));
  EXPECT_EQ(f.pipeline->stats().receipts_unknown, 1u);
}

TEST(DurablePipeline, CarrierRejectionFailsWithTheSmppStatus) {
  PipelineFixture f(FakeCarrier::Behaviour::rejects_destination);
  const MessageId id = f.send_one(number(1));
  f.idle();
  auto view = f.pipeline->get(f.tenant, id);
  EXPECT_EQ(view->status, MessageStatus::failed);
  ASSERT_TRUE(view->error);
  EXPECT_EQ(view->error->code, "carrier_rejected");
  EXPECT_NE(view->error->detail.find("ESME_RINVDSTADR"), std::string::npos);
  EXPECT_EQ(f.pipeline->stats().failed, 1u);
  EXPECT_EQ(f.pipeline->stats().queue_depth, 0u);
}

TEST(DurablePipeline, MessageExpiredBeforeSubmitIsNeverSent) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  auto m = message(number(1));
  m.expires_at = f.store.clock.now() - std::chrono::seconds(1);
  auto r = f.send({m});
  ASSERT_TRUE(r);
  f.idle();
  const MessageId id = r->ids.at(0);
  EXPECT_EQ(f.carrier.submits(id.value), 0u);
  auto view = f.pipeline->get(f.tenant, id);
  EXPECT_EQ(view->status, MessageStatus::expired);
  ASSERT_TRUE(view->error);
  EXPECT_EQ(view->error->code, "expired");
}

TEST(DurablePipeline, ScheduledMessageWaitsForItsSendTime) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  auto m = message(number(1));
  m.send_at = f.store.clock.now() + std::chrono::minutes(10);
  auto r = f.send({m});
  ASSERT_TRUE(r);
  const MessageId now_id = f.send_one(number(2));
  f.idle();
  const MessageId later_id = r->ids.at(0);
  EXPECT_EQ(f.carrier.submits(now_id.value), 1u);
  EXPECT_EQ(f.carrier.submits(later_id.value), 0u);
  EXPECT_EQ(f.status(later_id), MessageStatus::accepted);
  f.store.clock.advance(std::chrono::minutes(9));
  f.pipeline->wake();
  f.idle();
  EXPECT_EQ(f.carrier.submits(later_id.value), 0u);
  f.store.clock.advance(std::chrono::minutes(1));
  f.pipeline->wake();
  f.idle();
  EXPECT_EQ(f.carrier.submits(later_id.value), 1u);
  EXPECT_EQ(f.status(later_id), MessageStatus::submitted);
}

TEST(DurablePipeline, ScheduledMessageSurvivesRestart) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  auto m = message(number(1));
  m.send_at = f.store.clock.now() + std::chrono::minutes(10);
  const MessageId id = f.send({m})->ids.at(0);
  f.restart();
  f.idle();
  EXPECT_EQ(f.carrier.submits(id.value), 0u);
  f.store.clock.advance(std::chrono::minutes(10));
  f.pipeline->wake();
  f.idle();
  EXPECT_EQ(f.carrier.submits(id.value), 1u);
}

TEST(DurablePipeline, RestartResendsEveryMessageStillAccepted) {
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  std::vector<MessageId> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(f.send_one(number(i)));
  f.idle();
  f.restart();
  f.idle();             // the new run hands all 50 out again
  f.carrier.release();  // then outcomes arrive (for both runs' submits)
  f.idle();
  for (const auto& id : ids) {
    EXPECT_EQ(f.carrier.submits(id.value), 2u);  // once before the "crash", once after
    EXPECT_EQ(f.status(id), MessageStatus::submitted);
  }
  EXPECT_EQ(f.pipeline->stats().queue_depth, 0u);
}

// The key store cannot answer (in multi-node mode: PostgreSQL restarting while a node
// takes messages over): a message whose key cannot be read now waits, it is not failed as
// unreadable, and goes out once the key store answers again.
TEST(DurablePipeline, AMessageWhoseKeyCannotBeReadNowWaitsInsteadOfFailing) {
  using namespace std::chrono_literals;
  PipelineFixture f(FakeCarrier::Behaviour::never_answers);
  const MessageId id = f.send_one(number(7));
  f.idle();
  ASSERT_EQ(f.carrier.submits(id.value), 1u);
  // The subject keys become unreadable; the restarted pipeline has none in memory.
  auto keys_db = store::sqlite::SqliteDb::open_beside(f.dir.path() / "keys.db", 5s);
  ASSERT_TRUE(keys_db) << keys_db.error().message();
  ASSERT_TRUE(keys_db->exec("ALTER TABLE subjects RENAME TO subjects_away"));
  f.restart();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(f.carrier.submits(id.value), 1u);
  auto stored = f.store.store->message(f.tenant.value, id.value);  // its status, no key needed
  ASSERT_TRUE(stored && *stored) << "the message row is gone";
  EXPECT_EQ(static_cast<MessageStatus>((*stored)->status), MessageStatus::accepted)
      << "failed while its key was unreadable";
  ASSERT_TRUE(keys_db->exec("ALTER TABLE subjects_away RENAME TO subjects"));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (f.carrier.submits(id.value) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(f.carrier.submits(id.value), 2u) << "not sent once the key store answered";
  EXPECT_NE(f.status(id), MessageStatus::failed);
}

TEST(DurablePipeline, BacklogBeyondTheMemoryQueueIsPagedAndSentExactlyOnce) {
  PipelineConfig config;
  config.memory_queue = 10;
  config.max_in_flight = 16;
  config.page_size = 32;
  PipelineFixture f(FakeCarrier::Behaviour::never_answers, config);
  std::vector<std::thread> senders;
  std::mutex ids_mutex;
  std::vector<MessageId> ids;
  for (int t = 0; t < 10; ++t) {
    senders.emplace_back([&, t] {
      for (int batch = 0; batch < 10; ++batch) {
        std::vector<NewMessage> ms;
        for (int i = 0; i < 10; ++i) ms.push_back(message(number(t * 1000 + batch * 10 + i)));
        auto r = f.send(std::move(ms));
        ASSERT_TRUE(r);
        std::lock_guard lock(ids_mutex);
        ids.insert(ids.end(), r->ids.begin(), r->ids.end());
      }
    });
  }
  for (auto& s : senders) s.join();
  f.idle();
  EXPECT_EQ(f.carrier.total_submits(), 16u);  // the in-flight limit holds
  EXPECT_EQ(f.pipeline->stats().queue_depth, 1000u);
  f.carrier.release();
  f.idle();
  ASSERT_EQ(ids.size(), 1000u);
  for (const auto& id : ids) ASSERT_EQ(f.carrier.submits(id.value), 1u) << id.value;
  EXPECT_EQ(f.carrier.total_submits(), 1000u);
  EXPECT_EQ(f.pipeline->stats().submitted, 1000u);
  EXPECT_EQ(f.pipeline->stats().queue_depth, 0u);
}

TEST(DurablePipeline, LowerIdCommittedAfterAHigherOneIsPagedToo) {
  PipelineConfig config;
  config.memory_queue = 2;
  config.max_in_flight = 2;
  config.page_size = 4;
  PipelineFixture f(FakeCarrier::Behaviour::never_answers, config);
  for (int i = 0; i < 4; ++i) f.send_one(number(i));  // 2 in flight, 2 queued: full
  f.idle();
  // Ids are drawn before the commit: the lower one may be committed later.
  const auto low = f.pipeline->preassign(1);
  const auto high = f.pipeline->preassign(1);
  auto commit = [&](const std::vector<MessageId>& ids, std::uint64_t n) {
    AcceptRequest r;
    r.tenant = f.tenant;
    r.messages = {message(number(n))};
    std::promise<bool> done;
    f.pipeline->accept(std::move(r), ids, [&](Expected<AcceptResult> a) { done.set_value(bool(a)); });
    EXPECT_TRUE(done.get_future().get());
  };
  commit(high, 10);
  f.idle();
  commit(low, 11);
  f.carrier.release();
  f.idle();
  EXPECT_EQ(f.carrier.submits(high[0].value), 1u);
  EXPECT_EQ(f.carrier.submits(low[0].value), 1u);
  EXPECT_EQ(f.carrier.total_submits(), 6u);
  EXPECT_EQ(f.pipeline->stats().queue_depth, 0u);
}

TEST(DurablePipeline, ReadyNeedsABoundCarrier) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  EXPECT_TRUE(f.pipeline->ready());
  f.carrier.set_bound(false);
  EXPECT_FALSE(f.pipeline->ready());
}

// Group commits are pipelined (the next is written while the last one syncs): the event
// sink must hear of each commit's events once, in commit order, and only after that
// commit, never the events of a later commit in its place.
class RecordingSink final : public EventSink {
 public:
  Expected<void> write_status_events(store::WriteTransaction&, std::span<const StatusEvent> events,
                                     std::int64_t) override {
    std::lock_guard lock(mutex_);
    written_.push_back(ids(events));
    return {};
  }
  void status_events_committed(std::span<const StatusEvent> events) override {
    std::lock_guard lock(mutex_);
    committed_.push_back(ids(events));
  }
  void on_inbound(carrier::Inbound&&, carrier::Ack ack) override { ack(true); }

  std::vector<std::vector<std::uint64_t>> written() const {
    std::lock_guard lock(mutex_);
    return written_;
  }
  std::vector<std::vector<std::uint64_t>> committed() const {
    std::lock_guard lock(mutex_);
    return committed_;
  }

 private:
  static std::vector<std::uint64_t> ids(std::span<const StatusEvent> events) {
    std::vector<std::uint64_t> out;
    for (const auto& e : events) out.push_back(e.id.value);
    return out;
  }
  mutable std::mutex mutex_;
  std::vector<std::vector<std::uint64_t>> written_, committed_;
};

TEST(DurablePipeline, EventSinkHearsEachCommitOnceInOrderWhileCommitsOverlap) {
  PipelineFixture f(FakeCarrier::Behaviour::accepts_all);
  RecordingSink sink;
  f.pipeline->set_event_sink(&sink);
  constexpr int kRequests = 200, kEach = 10;
  std::vector<std::future<Expected<AcceptResult>>> answers;
  for (int r = 0; r < kRequests; ++r) {
    answers.push_back(std::async(std::launch::async, [&f, r] {
      std::vector<NewMessage> batch;
      for (int i = 0; i < kEach; ++i) batch.push_back(message(number(r * kEach + i)));
      return f.send(std::move(batch));
    }));
  }
  for (auto& a : answers) ASSERT_TRUE(a.get());
  f.idle();
  f.pipeline->set_event_sink(nullptr);
  // Every commit that wrote events was acknowledged with exactly those events.
  EXPECT_EQ(sink.committed(), sink.written());
  std::set<std::uint64_t> submitted;
  std::size_t events = 0;
  for (const auto& batch : sink.committed()) {
    events += batch.size();
    submitted.insert(batch.begin(), batch.end());
  }
  EXPECT_EQ(events, static_cast<std::size_t>(kRequests * kEach));
  EXPECT_EQ(submitted.size(), static_cast<std::size_t>(kRequests * kEach));
}

}  // namespace
}  // namespace diskret::pipeline
