// CarrierPool against real SMSC simulators over loopback: the third-party npm one in
// shared/peers and our own diskret-smsc, each started as a child process on free ports.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <cstdio>
#include <iterator>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "carrier/carrier_pool.hpp"
#include "simulator.hpp"

namespace diskret::carrier {
namespace {

using namespace std::chrono_literals;
using test::LoggedSubmit;
using test::SimKind;
using test::Simulator;

/// Everything the pool reports, for the test thread to wait on.
class Events {
 public:
  Handlers handlers() {
    Handlers h;
    h.on_outcome = [this](SubmitOutcome&& o) { add([&] { outcomes_.push_back(std::move(o)); }); };
    h.on_receipt = [this](Receipt&& r, Ack ack) {
      add([&] { receipts_.push_back(std::move(r)); });
      ack(true);
    };
    h.on_inbound = [this](Inbound&& in, Ack ack) {
      bool durable = true;
      add([&] {
        durable = inbound_.size() >= refuse_inbound_;
        inbound_.push_back(std::move(in));
      });
      ack(durable);
    };
    return h;
  }

  /// Waits until `pred` holds (checked every 5 ms, so it may also look at the pool or the
  /// simulator), at most `timeout`.
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      cv_.wait_for(lock, 5ms);
    }
    return true;
  }
  bool wait_outcomes(std::size_t n, std::chrono::milliseconds timeout = 60s) {
    return wait([&] { return outcomes_.size() >= n; }, timeout);
  }

  std::vector<SubmitOutcome> outcomes() { return locked(outcomes_); }
  std::vector<Receipt> receipts() { return locked(receipts_); }
  std::vector<Inbound> inbound() { return locked(inbound_); }
  std::size_t outcome_count() { return locked(outcomes_).size(); }
  std::size_t receipt_count() { std::lock_guard l(mutex_); return receipts_.size(); }
  std::size_t inbound_count() { std::lock_guard l(mutex_); return inbound_.size(); }

  std::size_t refuse_inbound_ = 0;  // the first n inbound messages are acked with false

  // Read by wait() predicates, which run under the lock.
  std::vector<SubmitOutcome> outcomes_;
  std::vector<Receipt> receipts_;
  std::vector<Inbound> inbound_;

 private:
  // No notify per event: waiters poll every few milliseconds, and waking the test thread
  // for each of 100,000 outcomes would cost more than the pool itself.
  template <class F>
  void add(F f) {
    std::lock_guard lock(mutex_);
    f();
  }
  template <class T>
  T locked(const T& v) {
    std::lock_guard lock(mutex_);
    return v;
  }
  std::mutex mutex_;
  std::condition_variable cv_;
};

std::string destination(std::size_t i) { return fmt::format("+49151{:08}", i); }
std::string text_of(std::size_t i) { return fmt::format("Test message {} from diskret", i); }

std::vector<OutboundMessage> messages(std::size_t first, std::size_t count) {
  std::vector<OutboundMessage> out;
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    OutboundMessage m;
    m.message_id = i;
    m.to_e164 = destination(i);
    m.from = *sms::SenderId::parse("Diskret");
    m.text = text_of(i);
    out.push_back(std::move(m));
  }
  return out;
}

class CarrierPoolITest : public ::testing::TestWithParam<SimKind> {
 protected:
  void SetUp() override {
    std::string why;
    sim_ = Simulator::start(GetParam(), test::SimOptions{}, why);
    if (!sim_) GTEST_SKIP() << why;
  }

  CarrierConfig config() const {
    CarrierConfig c;
    c.name = "sim";
    c.port = sim_->port();
    c.system_id = "diskret";
    c.password = "secret";
    c.binds = 1;
    c.window = 64;
    c.enquire_link_interval = 2s;
    c.response_timeout = 5s;
    c.reconnect_min = 20ms;
    c.reconnect_max = 200ms;
    c.throttle_backoff = 20ms;
    return c;
  }

  void start(CarrierConfig c) {
    pool_ = std::make_unique<CarrierPool>(std::vector<CarrierConfig>{std::move(c)}, events_.handlers(),
                                          SystemClock::instance());
    pool_->start();
    ASSERT_TRUE(events_.wait([&] { return pool_->any_bound(); }, 10s)) << sim_->output_tail();
  }

  /// Log lines the simulator answered with status 0, by message id.
  static std::map<std::string, std::vector<LoggedSubmit>> accepted_by_id(const std::vector<LoggedSubmit>& log) {
    std::map<std::string, std::vector<LoggedSubmit>> out;
    for (const auto& l : log) {
      if (l.resp_status == 0) out[l.message_id].push_back(l);
    }
    return out;
  }

  void TearDown() override {
    if (pool_) pool_->stop();
  }

  std::unique_ptr<Simulator> sim_;
  Events events_;
  std::unique_ptr<CarrierPool> pool_;
};

TEST_P(CarrierPoolITest, BulkSubmitsAreAcceptedLoggedOnceAndReceipted) {
  start(config());
  constexpr std::size_t kCount = 2000;
  pool_->submit(messages(0, kCount));
  ASSERT_TRUE(events_.wait_outcomes(kCount)) << events_.outcome_count() << " outcomes";

  std::map<std::string, std::uint64_t> message_of_id;
  for (const auto& o : events_.outcomes()) {
    ASSERT_EQ(o.result, SubmitResult::accepted) << o.detail;
    ASSERT_EQ(o.carrier_ids.size(), 1u);
    EXPECT_EQ(o.carrier, "sim");
    EXPECT_TRUE(message_of_id.emplace(o.carrier_ids[0], o.message_id).second) << "duplicate id";
  }
  EXPECT_EQ(pool_->pending(), 0u);

  const auto log = sim_->log();
  const auto by_id = accepted_by_id(log);
  EXPECT_EQ(by_id.size(), kCount);
  for (const auto& [id, msg] : message_of_id) {
    auto it = by_id.find(id);
    ASSERT_NE(it, by_id.end()) << "id " << id << " not in the log";
    ASSERT_EQ(it->second.size(), 1u) << "id " << id << " logged more than once";
    const auto& line = it->second[0];
    EXPECT_EQ(line.destination, destination(msg).substr(1));
    EXPECT_EQ(line.sm, text_of(msg));
    EXPECT_EQ(line.data_coding, 0);
  }

  ASSERT_TRUE(events_.wait([&] { return events_.receipts_.size() >= kCount; }, 60s))
      << events_.receipt_count() << " receipts";
  std::set<std::string> receipted;
  for (const auto& r : events_.receipts()) {
    EXPECT_EQ(r.receipt.state, smpp::ReceiptState::delivered);
    receipted.insert(smpp::canonical_message_id(r.receipt.id));
  }
  for (const auto& [id, msg] : message_of_id) {
    EXPECT_TRUE(receipted.count(smpp::canonical_message_id(id))) << "no receipt for " << id;
  }
  EXPECT_EQ(pool_->stats().bad_receipts, 0u);
}

TEST_P(CarrierPoolITest, InboundTextsArriveAsUtf8) {
  start(config());
  const std::vector<std::string> texts{"STOP", "Grüße aus Köln, 5€ – ça va? Привет"};
  for (const auto& t : texts) {
    const int status = sim_->mo("4917012345678", "12345", t);
    ASSERT_TRUE(status == 200 || status == 202) << status;
  }
  ASSERT_TRUE(events_.wait([&] { return events_.inbound_.size() >= texts.size(); }, 10s));
  const auto in = events_.inbound();
  ASSERT_EQ(in.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(in[i].text, texts[i]);
    EXPECT_EQ(in[i].from, "4917012345678");
    EXPECT_EQ(in[i].to, "12345");
    EXPECT_EQ(in[i].carrier, "sim");
  }
}

TEST_P(CarrierPoolITest, ThrottledSubmitsAreRetriedUntilAccepted) {
  ASSERT_TRUE(sim_->fault("throttle=0.1"));
  start(config());
  constexpr std::size_t kCount = 1000;
  pool_->submit(messages(0, kCount));
  ASSERT_TRUE(events_.wait_outcomes(kCount)) << events_.outcome_count() << " outcomes";
  std::set<std::string> ids;
  for (const auto& o : events_.outcomes()) {
    ASSERT_EQ(o.result, SubmitResult::accepted) << o.detail;
    ids.insert(o.carrier_ids.at(0));
  }
  EXPECT_EQ(ids.size(), kCount);
  const auto throttled = pool_->stats().throttled;
  EXPECT_GE(throttled, kCount / 10);  // every tenth answer, retries included
  const auto log = sim_->log();
  EXPECT_EQ(accepted_by_id(log).size(), kCount);
  EXPECT_EQ(log.size(), kCount + throttled);
}

TEST_P(CarrierPoolITest, DroppedConnectionsLoseNothing) {
  ASSERT_TRUE(sim_->fault("drop_every=500"));
  auto cfg = config();
  start(cfg);
  constexpr std::size_t kCount = 2000;
  pool_->submit(messages(0, kCount));
  ASSERT_TRUE(events_.wait_outcomes(kCount, 90s)) << events_.outcome_count() << " outcomes";
  for (const auto& o : events_.outcomes()) ASSERT_EQ(o.result, SubmitResult::accepted) << o.detail;

  const auto log = sim_->log();
  std::map<std::string, std::size_t> lines_per_destination;
  for (const auto& l : log) ++lines_per_destination[l.destination];
  for (std::size_t i = 0; i < kCount; ++i) {
    ASSERT_TRUE(lines_per_destination.count(destination(i).substr(1))) << "message " << i << " never sent";
  }
  const std::size_t duplicates = log.size() - lines_per_destination.size();
  const auto drops = sim_->stat({"submits_dropped", "dropped"});
  EXPECT_GE(drops, 3u);
  EXPECT_LE(duplicates, drops * cfg.window) << duplicates << " duplicates for " << drops << " drops";
  EXPECT_GE(pool_->stats().binds, drops + 1);
}

TEST_P(CarrierPoolITest, LongMessageArrivesAsUdhParts) {
  start(config());
  const std::string text =
      "This is a long message that does not fit into one SMS, so diskret splits it into "
      "parts with a user data header. Each part carries the same reference, the total and "
      "its number, and the handset puts them together again in the right order. A third part "
      "is needed as well, so here is some more text to make the message long enough. 0123456789";
  ASSERT_GT(text.size(), 306u);
  ASSERT_LE(text.size(), 459u);
  auto batch = messages(0, 2);
  batch[0].text = text;
  batch[1].text = text;
  batch[1].to_e164 = batch[0].to_e164;
  pool_->submit(std::move(batch));
  ASSERT_TRUE(events_.wait_outcomes(2, 10s));
  for (const auto& o : events_.outcomes()) {
    ASSERT_EQ(o.result, SubmitResult::accepted);
    EXPECT_EQ(o.carrier_ids.size(), 3u);
  }
  const auto log = sim_->log();
  ASSERT_EQ(log.size(), 6u);
  std::map<int, std::map<int, std::string>> parts_by_ref;
  for (const auto& l : log) {
    EXPECT_EQ(l.esm_class & 0x40, 0x40);
    EXPECT_EQ(l.udh_total, 3);
    ASSERT_GE(l.sm.size(), 6u);
    ASSERT_EQ(static_cast<unsigned char>(l.sm[0]), 5u);  // 8-bit reference UDH
    parts_by_ref[l.udh_ref][l.udh_part] = l.sm.substr(6);
  }
  ASSERT_EQ(parts_by_ref.size(), 2u) << "two messages to one phone need two references";
  for (const auto& [ref, parts] : parts_by_ref) {
    ASSERT_EQ(parts.size(), 3u);
    std::string whole;
    for (const auto& [n, body] : parts) whole += body;
    EXPECT_EQ(whole, text);  // GSM 7-bit unpacked: ASCII letters are their own septets
  }
}

TEST_P(CarrierPoolITest, ReconnectsAfterKick) {
  start(config());
  EXPECT_EQ(pool_->stats().binds, 1u);
  ASSERT_TRUE(sim_->kick());
  ASSERT_TRUE(events_.wait([&] { return pool_->stats().binds >= 2 && pool_->any_bound(); }, 10s));
  pool_->submit(messages(0, 10));
  ASSERT_TRUE(events_.wait_outcomes(10, 10s));
  for (const auto& o : events_.outcomes()) EXPECT_EQ(o.result, SubmitResult::accepted);
}

TEST_P(CarrierPoolITest, PermanentErrorRejectsTheMessage) {
  if (GetParam() != SimKind::diskret) GTEST_SKIP() << "the npm simulator has no permanent-error fault";
  ASSERT_TRUE(sim_->fault("reject_prefix=49170"));
  start(config());
  auto batch = messages(0, 3);
  batch[1].to_e164 = "+4917012345678";
  pool_->submit(std::move(batch));
  ASSERT_TRUE(events_.wait_outcomes(3, 10s));
  for (const auto& o : events_.outcomes()) {
    if (o.message_id == 1) {
      EXPECT_EQ(o.result, SubmitResult::rejected);
      EXPECT_EQ(o.status, smpp::Status::invalid_dest_addr);
    } else {
      EXPECT_EQ(o.result, SubmitResult::accepted);
    }
  }
}

TEST_P(CarrierPoolITest, WrongPasswordNeverBinds) {
  auto cfg = config();
  cfg.password = "wrong";
  pool_ = std::make_unique<CarrierPool>(std::vector<CarrierConfig>{cfg}, events_.handlers(),
                                        SystemClock::instance());
  pool_->start();
  pool_->submit(messages(0, 1));
  EXPECT_FALSE(events_.wait([&] { return pool_->any_bound(); }, 500ms));
  EXPECT_EQ(pool_->pending(), 1u);  // waits for a route, no outcome
  EXPECT_EQ(events_.outcome_count(), 0u);
}

TEST_P(CarrierPoolITest, StopUnbindsCleanly) {
  auto cfg = config();
  cfg.binds = 2;
  start(cfg);
  ASSERT_TRUE(events_.wait([&] {
    auto l = pool_->links();
    return std::all_of(l.begin(), l.end(), [](const LinkState& s) { return s.bound; });
  }, 10s));
  const auto started = std::chrono::steady_clock::now();
  pool_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_FALSE(pool_->any_bound());
  EXPECT_TRUE(events_.wait([&] { return sim_->stat({"unbinds"}) >= 2; }, 5s));
}

TEST_P(CarrierPoolITest, NoResponseMeansReconnectAndResend) {
  ASSERT_TRUE(sim_->fault("latency_ms=1500"));
  auto cfg = config();
  cfg.response_timeout = 300ms;
  start(cfg);
  pool_->submit(messages(0, 10));
  ASSERT_TRUE(events_.wait([&] { return pool_->stats().resent >= 10 && pool_->stats().binds >= 2; }, 10s))
      << "resent " << pool_->stats().resent << " binds " << pool_->stats().binds;
  EXPECT_EQ(events_.outcome_count(), 0u);
  ASSERT_TRUE(sim_->fault("latency_ms=0"));
  ASSERT_TRUE(events_.wait_outcomes(10, 15s));
  for (const auto& o : events_.outcomes()) EXPECT_EQ(o.result, SubmitResult::accepted);
  const auto log = sim_->log();
  std::set<std::string> sent;
  for (const auto& l : log) sent.insert(l.destination);
  EXPECT_EQ(sent.size(), 10u);
  EXPECT_GE(log.size(), 20u) << "every message was sent again after the timeout";
}

TEST_P(CarrierPoolITest, FailsOverToTheNextCarrierWhileTheFirstIsDown) {
  auto down = config();
  down.name = "down";
  down.port = test::free_port();  // nothing listens there
  down.prefixes = {"+49151"};
  auto up = config();
  up.name = "up";
  pool_ = std::make_unique<CarrierPool>(std::vector<CarrierConfig>{down, up}, events_.handlers(),
                                        SystemClock::instance());
  pool_->start();
  pool_->submit(messages(0, 20));
  ASSERT_TRUE(events_.wait_outcomes(20, 10s));
  for (const auto& o : events_.outcomes()) {
    EXPECT_EQ(o.result, SubmitResult::accepted);
    EXPECT_EQ(o.carrier, "up");
  }
}

TEST_P(CarrierPoolITest, TpsLimitPacesSubmits) {
  auto cfg = config();
  cfg.tps = 100;  // bursts of 10, then one every 10 ms
  start(cfg);
  const auto started = std::chrono::steady_clock::now();
  pool_->submit(messages(0, 60));
  ASSERT_TRUE(events_.wait_outcomes(60, 10s));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 450ms);
  EXPECT_LT(took, 3s);
}

// Multi-node (issue 10): two nodes, each with its own pool and bind to the carrier, share
// its TPS limit (set_node_count(2): 50 each of 100). Together they stay within it: 120
// messages take at least (120 - two bursts of 5) / 100 s; with 100 each they would take
// half of that.
TEST_P(CarrierPoolITest, NodesShareTheTpsLimit) {
  auto cfg = config();
  cfg.tps = 100;
  start(cfg);
  Events other_events;
  CarrierPool other(std::vector<CarrierConfig>{cfg}, other_events.handlers(), SystemClock::instance());
  pool_->set_node_count(2);
  other.set_node_count(2);
  other.start();
  ASSERT_TRUE(other_events.wait([&] { return other.any_bound(); }, 10s));
  const auto started = std::chrono::steady_clock::now();
  pool_->submit(messages(0, 60));
  other.submit(messages(1000, 60));
  ASSERT_TRUE(events_.wait_outcomes(60, 10s));
  ASSERT_TRUE(other_events.wait_outcomes(60, 10s));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("two nodes sharing tps=100: 120 messages in %.2f s (%.0f msg/s)\n", took, 120 / took);
  EXPECT_GE(took, 1.05);
  EXPECT_LE((120 - 2 * 5) / took, 100 * 1.05);  // beyond the two bursts: the cap
  EXPECT_LT(took, 5.0);
  other.stop();
}

TEST_P(CarrierPoolITest, NegativeAckAsksForRedelivery) {
  start(config());
  events_.refuse_inbound_ = 1;
  const int status = sim_->mo("4917012345678", "12345", "once more");
  ASSERT_TRUE(status == 200 || status == 202) << status;
  ASSERT_TRUE(events_.wait([&] {
    return sim_->stat({"deliver_resp_err", "deliver_resp_error"}) >= 1;
  }, 5s));
  if (GetParam() == SimKind::diskret) {
    // Our simulator delivers a refused message again.
    ASSERT_TRUE(events_.wait([&] { return events_.inbound_.size() >= 2; }, 5s));
    EXPECT_EQ(events_.inbound()[1].text, "once more");
  }
}

TEST_P(CarrierPoolITest, LongInboundTextIsReassembled) {
  start(config());
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Zeile " + std::to_string(i) + " äöü. ";
  ASSERT_GT(text.size(), 300u);
  const int status = sim_->mo("4917012345678", "12345", text);
  ASSERT_TRUE(status == 200 || status == 202) << status;
  ASSERT_TRUE(events_.wait([&] { return events_.inbound_.size() >= 1; }, 10s));
  EXPECT_EQ(events_.inbound()[0].text, text);
}

// Not a benchmark (the simulator shares the two cores), but a figure for the report and a
// guard against a pool that only works slowly.
TEST_P(CarrierPoolITest, ThroughputFigure) {
  auto cfg = config();
  cfg.binds = 2;
  start(cfg);
  ASSERT_TRUE(events_.wait([&] { return pool_->links().size() == 2 && pool_->links()[1].bound; }, 10s));
  const std::size_t count = GetParam() == SimKind::diskret ? 100'000 : 20'000;
  auto batch = messages(0, count);
  for (auto& m : batch) m.want_receipt = false;
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < count; i += 1000) {
    pool_->submit(std::vector<OutboundMessage>(std::make_move_iterator(batch.begin() + i),
                                               std::make_move_iterator(batch.begin() + i + 1000)));
  }
  ASSERT_TRUE(events_.wait_outcomes(count, 120s)) << events_.outcome_count() << " outcomes";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto rate = static_cast<long>(count / seconds);
  RecordProperty("messages_per_second", std::to_string(rate));
  std::printf("[ figure   ] %zu messages in %.2f s: %ld msg/s (2 binds, window 64, %s)\n", count, seconds,
              rate, test::sim_name(GetParam()));
  EXPECT_EQ(pool_->stats().accepted, count);
}

INSTANTIATE_TEST_SUITE_P(Simulators, CarrierPoolITest, ::testing::Values(SimKind::npm, SimKind::diskret),
                         [](const auto& p) { return std::string(test::sim_name(p.param)); });

}  // namespace
}  // namespace diskret::carrier
