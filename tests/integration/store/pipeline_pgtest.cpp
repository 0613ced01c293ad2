// The durable pipeline (accept -> submit -> receipt) on PgStore, and what issue 10 asks of
// several nodes at the store level: a delivery receipt arriving at another node's bind
// still updates the right message.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "integration/store/pg_backend.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "unit/pipeline/fake_carrier.hpp"

namespace diskret::store::testing {
namespace {

using pipeline::testing::FakeCarrier;

struct Node {
  Node(const PgTestDb& db, const std::string& id, const crypto::SecretKey& master, Clock& clock,
       pipeline::PipelineConfig config = {},
       FakeCarrier::Behaviour behaviour = FakeCarrier::Behaviour::accepts_all)
      : store(open_pg_store(pg_options(db, id), clock)),
        keys(*store, master, "testkey0testkey0"),
        carrier(behaviour),
        pipeline(*store, keys, clock, config) {
    carrier.connect(pipeline.carrier_handlers());
    if (auto ok = pipeline.start(carrier); !ok) throw std::runtime_error(ok.error().message());
  }

  /// `n` messages "<prefix> <i>".
  Expected<pipeline::AcceptResult> send_many(std::uint64_t tenant, const std::string& prefix,
                                             int n) {
    std::vector<std::string> texts;
    for (int i = 0; i < n; ++i) texts.push_back(fmt::format("{} {}", prefix, i));
    return send(tenant, std::move(texts));
  }

  Expected<pipeline::AcceptResult> send(std::uint64_t tenant, std::vector<std::string> texts,
                                        std::optional<std::string> idempotency_key = std::nullopt,
                                        std::string response = {}) {
    pipeline::AcceptRequest r;
    r.idempotency_key = std::move(idempotency_key);
    r.fingerprint = "same body";
    r.response = std::move(response);
    r.tenant = pipeline::TenantId{tenant};
    for (std::size_t i = 0; i < texts.size(); ++i) {
      pipeline::NewMessage m;
      m.to = fmt::format("+49151{:08}", i + 1);
      m.from = "Diskret";
      m.text = texts[i];
      m.segments = 1;
      m.encoding = "gsm7";
      r.messages.push_back(std::move(m));
    }
    auto ids = pipeline.preassign(r.messages.size());
    std::promise<Expected<pipeline::AcceptResult>> answer;
    pipeline.accept(std::move(r), ids,
                    [&](Expected<pipeline::AcceptResult> a) { answer.set_value(std::move(a)); });
    return answer.get_future().get();
  }

  pipeline::MessageStatus status(std::uint64_t tenant, pipeline::MessageId id) {
    auto v = pipeline.get(pipeline::TenantId{tenant}, id);
    EXPECT_TRUE(v) << v.error().message();
    return v ? v->status : pipeline::MessageStatus::accepted;
  }

  std::unique_ptr<postgresql::PgStore> store;
  KeyRing keys;
  FakeCarrier carrier;
  pipeline::DurablePipeline pipeline;
};

class PipelineOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
    db_ = fresh_pg_schema();
    auto setup = open_pg_store(pg_options(db_, "setup"), clock_);
    KeyRing keys(*setup, master_, "testkey0testkey0");
    auto tx = setup->begin();
    TenantRecord t;
    t.public_id = "tn_a";
    t.name = "a";
    tenant_ = *(*tx)->insert_tenant(t);
    if (!(*tx)->insert_tenant_key(keys.new_tenant_key(tenant_, 1)) || !(*tx)->commit()) {
      throw std::runtime_error("cannot create the tenant");
    }
    // The setup store is a node too: gone before the nodes of the test start.
    if (!setup->release()) throw std::runtime_error("cannot release the setup node");
  }

  FakeClock clock_;
  crypto::SecretKey master_ = crypto::SecretKey::generate();
  PgTestDb db_;
  std::uint64_t tenant_ = 0;
};

TEST_F(PipelineOnPostgres, AcceptedMessagesAreSubmittedAndDeliveredPartByPart) {
  Node a(db_, "node-a", master_, clock_);
  a.carrier.set_part_size(20);
  auto sent = a.send(tenant_, {"kurz", "kurz 2", "eine Nachricht in zwei Teilen"});
  ASSERT_TRUE(sent) << sent.error().message();
  ASSERT_EQ(sent->ids.size(), 3u);
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  for (auto id : sent->ids) {
    EXPECT_EQ(a.status(tenant_, id), pipeline::MessageStatus::submitted);
    EXPECT_EQ(a.carrier.submits(id.value), 1u);
  }
  EXPECT_TRUE(a.carrier.receipt(a.carrier.carrier_ids(sent->ids[0].value).at(0),
                                smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[0]), pipeline::MessageStatus::delivered);
  const auto parts = a.carrier.carrier_ids(sent->ids[2].value);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(a.carrier.receipt(parts[0], smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[2]), pipeline::MessageStatus::submitted);
  EXPECT_TRUE(a.carrier.receipt(parts[1], smpp::ReceiptState::delivered));
  EXPECT_EQ(a.status(tenant_, sent->ids[2]), pipeline::MessageStatus::delivered);
}

// Node A submits; the carrier delivers the receipt over node B's bind. B finds the message
// in the shared database, and A (and every node) sees it delivered.
TEST_F(PipelineOnPostgres, ReceiptAtAnotherNodesBindUpdatesTheMessage) {
  Node a(db_, "node-a", master_, clock_);
  auto sent = a.send(tenant_, {"Ihr Code lautet 123456"});
  ASSERT_TRUE(sent) << sent.error().message();
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  const auto id = sent->ids.at(0);
  ASSERT_EQ(a.status(tenant_, id), pipeline::MessageStatus::submitted);
  const auto carrier_id = a.carrier.carrier_ids(id.value).at(0);

  Node b(db_, "node-b", master_, clock_);
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  EXPECT_EQ(b.carrier.total_submits(), 0u);  // nothing accepted was left for B to send
  EXPECT_TRUE(b.carrier.receipt(carrier_id, smpp::ReceiptState::delivered, "fake"));
  EXPECT_EQ(a.status(tenant_, id), pipeline::MessageStatus::delivered);
  EXPECT_EQ(b.status(tenant_, id), pipeline::MessageStatus::delivered);
}

// Several nodes (issue 10). The nodes share one FakeClock: the heartbeat and the
// take-over run when it has moved past their interval and the writer is woken.

pipeline::PipelineConfig small_pages() {
  pipeline::PipelineConfig c;
  c.page_size = 10;
  return c;
}

/// Every message submitted by any of `nodes`: id -> submits.
std::map<std::uint64_t, std::size_t> submits_of(std::initializer_list<const Node*> nodes) {
  std::map<std::uint64_t, std::size_t> out;
  for (const Node* n : nodes) {
    for (const auto& m : n->carrier.sent()) ++out[m.message_id];
  }
  return out;
}

bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Two nodes accepting at the same time, in the same milliseconds (one clock that stands
// still): their ids never collide (each node's slot is part of its ids), each node sends
// what it accepted, nothing twice; receipts for A's messages arriving at B's bind update
// them. Both carriers share the TPS limits between two nodes.
TEST_F(PipelineOnPostgres, TwoNodesAcceptAtOnceWithoutCollidingIds) {
  Node a(db_, "node-a", master_, clock_);
  Node b(db_, "node-b", master_, clock_);
  b.carrier.set_first_carrier_id(0xB0000000);
  ASSERT_TRUE(a.pipeline.id_slot());
  ASSERT_TRUE(b.pipeline.id_slot());
  EXPECT_NE(*a.pipeline.id_slot(), *b.pipeline.id_slot());
  constexpr int kRequests = 20, kPerRequest = 10;
  std::vector<std::uint64_t> ids_a, ids_b;
  std::thread ta([&] {
    for (int i = 0; i < kRequests; ++i) {
      auto sent = a.send_many(tenant_, "a", kPerRequest);
      ASSERT_TRUE(sent) << sent.error().message();
      for (auto id : sent->ids) ids_a.push_back(id.value);
    }
  });
  std::thread tb([&] {
    for (int i = 0; i < kRequests; ++i) {
      auto sent = b.send_many(tenant_, "b", kPerRequest);
      ASSERT_TRUE(sent) << sent.error().message();
      for (auto id : sent->ids) ids_b.push_back(id.value);
    }
  });
  ta.join();
  tb.join();
  constexpr std::size_t kTotal = 2 * kRequests * kPerRequest;
  std::set<std::uint64_t> all(ids_a.begin(), ids_a.end());
  all.insert(ids_b.begin(), ids_b.end());
  ASSERT_EQ(all.size(), kTotal);  // no id twice
  ASSERT_TRUE(eventually([&] { return a.carrier.total_submits() + b.carrier.total_submits() >= kTotal; }));
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  for (auto id : ids_a) EXPECT_EQ(a.carrier.submits(id), 1u);
  for (auto id : ids_b) EXPECT_EQ(b.carrier.submits(id), 1u);
  EXPECT_EQ(submits_of({&a, &b}).size(), kTotal);
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE status = 1"), std::to_string(kTotal));
  // Receipts of A's messages over B's bind, and of B's over A's.
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(b.carrier.receipt(a.carrier.carrier_ids(ids_a[i]).at(0), smpp::ReceiptState::delivered));
    EXPECT_TRUE(a.carrier.receipt(b.carrier.carrier_ids(ids_b[i]).at(0), smpp::ReceiptState::delivered));
    EXPECT_EQ(a.status(tenant_, pipeline::MessageId{ids_a[i]}), pipeline::MessageStatus::delivered);
    EXPECT_EQ(a.status(tenant_, pipeline::MessageId{ids_b[i]}), pipeline::MessageStatus::delivered);
  }
  // B started second and saw A live: both know of two nodes after their next heartbeat,
  // the carriers (TPS share) and whoever listens (the rate limiter's share).
  std::atomic<std::size_t> heard_a{0}, heard_b{0};
  a.pipeline.on_node_count([&heard_a](std::size_t n) { heard_a = n; });
  b.pipeline.on_node_count([&heard_b](std::size_t n) { heard_b = n; });
  EXPECT_EQ(b.carrier.node_count(), 2u);
  EXPECT_EQ(heard_b.load(), 2u);  // told at once when it listens
  clock_.advance(std::chrono::seconds(11));
  a.pipeline.wake();
  ASSERT_TRUE(eventually([&] { return a.carrier.node_count() == 2u; }));
  ASSERT_TRUE(eventually([&] { return heard_a.load() == 2u; }));
}

// The same Idempotency-Key at two nodes at once: the one that commits second waited on the
// first one's row, and answers with the first one's stored response instead of a conflict.
// Exactly one of each pair is stored and sent.
TEST_F(PipelineOnPostgres, OneIdempotencyKeyAtTwoNodesAtOnceIsAcceptedOnce) {
  Node a(db_, "node-a", master_, clock_);
  Node b(db_, "node-b", master_, clock_);
  constexpr int kKeys = 40;
  int replayed = 0;
  for (int k = 0; k < kKeys; ++k) {
    const std::string key = fmt::format("order-{}", k);
    auto at_a = std::async(std::launch::async, [&] { return a.send(tenant_, {"Ihr Code"}, key, "from a"); });
    auto at_b = std::async(std::launch::async, [&] { return b.send(tenant_, {"Ihr Code"}, key, "from b"); });
    auto ra = at_a.get();
    auto rb = at_b.get();
    ASSERT_TRUE(ra) << key << ": " << ra.error().message();
    ASSERT_TRUE(rb) << key << ": " << rb.error().message();
    ASSERT_NE(ra->ids.empty(), rb->ids.empty()) << key << ": stored by both or by none";
    const auto& replay = ra->ids.empty() ? *ra : *rb;
    EXPECT_EQ(replay.replayed, ra->ids.empty() ? "from b" : "from a") << key;
    ++replayed;
  }
  EXPECT_EQ(replayed, kKeys);
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages"), std::to_string(kKeys));
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM idempotency"), std::to_string(kKeys));
}

// A node that shuts down gracefully (drain, then stop) gives back what it had not sent;
// the live nodes split it between them at their next take-overs, long before any lease
// would have expired, and nothing goes out twice. Each live node can hold 150 (100 at its
// slow carrier, 50 queued), so neither can take everything.
TEST_F(PipelineOnPostgres, ReleasedMessagesAreSplitBetweenTheLiveNodes) {
  constexpr int kMessages = 300;
  auto config = small_pages();
  config.max_in_flight = 100;
  config.memory_queue = 50;
  Node a(db_, "node-a", master_, clock_, config, FakeCarrier::Behaviour::never_answers);
  Node b(db_, "node-b", master_, clock_, config, FakeCarrier::Behaviour::never_answers);
  b.carrier.set_first_carrier_id(0xB0000000);
  std::set<std::uint64_t> ids;
  {
    Node c(db_, "node-c", master_, clock_, {}, FakeCarrier::Behaviour::never_answers);
    ASSERT_TRUE(c.pipeline.drain(std::chrono::milliseconds(100)));  // sends nothing from now on
    for (int r = 0; r < 3; ++r) {
      auto sent = c.send_many(tenant_, "c", kMessages / 3);
      ASSERT_TRUE(sent) << sent.error().message();
      for (auto id : sent->ids) ids.insert(id.value);
    }
    EXPECT_EQ(c.carrier.total_submits(), 0u);
    c.pipeline.stop();  // releases its claims
    EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE claimed_by IS NULL AND status = 0"),
              std::to_string(kMessages));
  }
  EXPECT_EQ(a.carrier.total_submits() + b.carrier.total_submits(), 0u);
  // One claim interval at a time, far below the lease (30 s).
  const auto unclaimed = [&] {
    return db_.scalar("SELECT count(*) FROM messages WHERE claimed_by IS NULL AND status = 0");
  };
  for (int i = 0; i < 10 && unclaimed() != "0"; ++i) {
    clock_.advance(std::chrono::seconds(1));
    b.pipeline.wake();
    a.pipeline.wake();
    eventually([&] { return unclaimed() == "0"; }, std::chrono::seconds(1));
  }
  ASSERT_EQ(unclaimed(), "0");
  EXPECT_EQ(a.carrier.total_submits() + b.carrier.total_submits(), 200u);  // 100 in flight each
  a.carrier.release();
  b.carrier.release();
  ASSERT_TRUE(eventually([&] { return submits_of({&a, &b}).size() >= kMessages; }));
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  const auto submits = submits_of({&a, &b});
  EXPECT_EQ(submits.size(), static_cast<std::size_t>(kMessages));
  for (const auto& [id, n] : submits) {
    EXPECT_TRUE(ids.contains(id));
    EXPECT_EQ(n, 1u) << id;  // nobody sent one twice
  }
  std::printf("released %d messages: node A sent %zu, node B %zu\n", kMessages,
              a.carrier.total_submits(), b.carrier.total_submits());
  EXPECT_GE(a.carrier.total_submits(), 100u);
  EXPECT_GE(b.carrier.total_submits(), 100u);
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE status = 0"), "0");
}

// Node A is killed (kill -9 of a process of its own: no release, no more heartbeats)
// holding accepted messages, some of them handed to its carrier. Node B takes all of
// them over once A's lease has expired, not before.
TEST_F(PipelineOnPostgres, KilledNodesMessagesAreTakenOverAfterItsLease) {
  constexpr int kMessages = 50;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Node A: its carrier holds what it gets (4 in flight), the rest waits in its queue.
    ::close(ready[0]);
    int status = 1;
    try {
      pipeline::PipelineConfig config;
      config.max_in_flight = 4;
      Node a(db_, "node-a", master_, clock_, config, FakeCarrier::Behaviour::never_answers);
      auto sent = a.send_many(tenant_, "a", kMessages);
      if (sent && eventually([&] { return a.carrier.total_submits() == 4; })) status = 0;
      (void)!::write(ready[1], &status, sizeof status);
      for (;;) ::pause();
    } catch (...) {
    }
    (void)!::write(ready[1], &status, sizeof status);
    ::_exit(1);
  }
  ::close(ready[1]);
  int status = 1;
  ASSERT_EQ(::read(ready[0], &status, sizeof status), static_cast<ssize_t>(sizeof status));
  ::close(ready[0]);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_EQ(status, 0) << "node A did not accept its messages";
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE claimed_by = 'node-a' AND status = 0"),
            std::to_string(kMessages));

  Node b(db_, "node-b", master_, clock_);
  clock_.advance(std::chrono::seconds(20));  // within A's 30 s lease: nothing moves
  b.pipeline.wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(b.carrier.total_submits(), 0u);
  clock_.advance(std::chrono::seconds(11));  // A's lease has expired
  b.pipeline.wake();
  ASSERT_TRUE(eventually([&] { return b.carrier.total_submits() >= kMessages; }))
      << b.carrier.total_submits();
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  EXPECT_EQ(b.carrier.total_submits(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE status = 1"), std::to_string(kMessages));
}

// A node whose lease expired while it stalled learns so at its next heartbeat, drops what
// it had queued (another node may hold it now) and claims again: what it still owns it
// sends, what the other node took it leaves.
TEST_F(PipelineOnPostgres, NodeThatLostItsLeaseDropsItsQueue) {
  pipeline::PipelineConfig one_at_a_time;
  one_at_a_time.max_in_flight = 1;
  one_at_a_time.idle_wakeup = std::chrono::hours(1);  // A stalls: it runs only when woken
  Node a(db_, "node-a", master_, clock_, one_at_a_time, FakeCarrier::Behaviour::never_answers);
  auto sent = a.send_many(tenant_, "a", 20);
  ASSERT_TRUE(sent) << sent.error().message();
  ASSERT_TRUE(eventually([&] { return a.carrier.total_submits() == 1; }));
  // A stalls past its lease; B (new) takes A's messages over.
  clock_.advance(std::chrono::seconds(31));
  Node b(db_, "node-b", master_, clock_);
  b.carrier.set_first_carrier_id(0xB0000000);
  ASSERT_TRUE(eventually([&] { return b.carrier.total_submits() >= 19; }))
      << b.carrier.total_submits();
  // A wakes up: lease lost, queue dropped; its one message in flight is answered late.
  a.pipeline.wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  a.carrier.release();
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  const auto submits = submits_of({&a, &b});
  EXPECT_EQ(submits.size(), 20u);
  std::size_t twice = 0;
  for (const auto& [id, n] : submits) twice += n > 1 ? 1 : 0;
  // Only the one A had in flight when it stalled may have gone out twice.
  EXPECT_LE(twice, 1u);
  EXPECT_EQ(a.carrier.total_submits(), 1u);  // nothing more from A's dropped queue
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE status = 0"), "0");
}

// PostgreSQL restarts (stopped like a crash, started again) while two nodes take requests:
// during the outage accepts answer unavailable and the nodes are not ready; afterwards both
// reconnect on their own, accept again and send every message they accepted, once.
TEST_F(PipelineOnPostgres, NodesReconnectAfterPostgresRestarts) {
  pipeline::PipelineConfig config;
  config.claim_interval = std::chrono::milliseconds(100);
  Node a(db_, "node-a", master_, clock_, config);
  Node b(db_, "node-b", master_, clock_, config);
  b.carrier.set_first_carrier_id(0xB0000000);
  std::set<std::uint64_t> accepted;
  auto send_both = [&](const std::string& prefix) {
    std::size_t ok = 0;
    for (Node* n : {&a, &b}) {
      auto sent = n->send_many(tenant_, prefix, 5);
      if (!sent) continue;
      ok += sent->ids.size();
      for (auto id : sent->ids) accepted.insert(id.value);
    }
    return ok;
  };
  ASSERT_EQ(send_both("before"), 10u);
  auto& pg = test::shared_postgres();
  struct Restart {  // the server runs again whatever happens below
    test::PostgresServer& pg;
    ~Restart() {
      if (!pg.running()) pg.start();
    }
  } restart{pg};
  ASSERT_TRUE(pg.stop());
  // The heartbeat (due every 10 s of the clock) finds the database gone.
  clock_.advance(std::chrono::seconds(11));
  a.pipeline.wake();
  b.pipeline.wake();
  ASSERT_TRUE(eventually([&] { return !a.pipeline.ready() && !b.pipeline.ready(); }));
  EXPECT_EQ(send_both("during"), 0u);  // 503: nothing is accepted without the database
  ASSERT_TRUE(pg.start()) << pg.error();
  clock_.advance(std::chrono::seconds(1));
  a.pipeline.wake();
  b.pipeline.wake();
  ASSERT_TRUE(eventually([&] {
    clock_.advance(std::chrono::milliseconds(200));
    a.pipeline.wake();
    b.pipeline.wake();
    return a.pipeline.ready() && b.pipeline.ready();
  }));
  // The first commit after the outage may still find a dead connection; it is replaced.
  ASSERT_TRUE(eventually([&] { return send_both("after") == 10u; }));
  ASSERT_TRUE(eventually([&] { return submits_of({&a, &b}).size() >= accepted.size(); }))
      << submits_of({&a, &b}).size() << " of " << accepted.size();
  ASSERT_TRUE(a.pipeline.wait_idle(std::chrono::seconds(10)));
  ASSERT_TRUE(b.pipeline.wait_idle(std::chrono::seconds(10)));
  const auto submits = submits_of({&a, &b});
  EXPECT_EQ(submits.size(), accepted.size());
  for (const auto& [id, n] : submits) {
    EXPECT_TRUE(accepted.contains(id));
    EXPECT_EQ(n, 1u);
  }
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM messages WHERE status = 0"), "0");
}

}  // namespace
}  // namespace diskret::store::testing
