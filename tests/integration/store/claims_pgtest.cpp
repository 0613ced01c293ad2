// MessageClaims on PostgreSQL: two (or three) PgStores on one database are the nodes; a
// node "dies" by no longer renewing its lease. Time is a FakeClock shared by the nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "integration/store/pg_backend.hpp"

namespace diskret::store::testing {
namespace {

constexpr std::chrono::milliseconds kLease{10'000};

class ClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::PostgresServer::available()) GTEST_SKIP() << test::PostgresServer::missing_message();
    db_ = fresh_pg_schema();
    a_ = node("node-a");
    b_ = node("node-b");
    tenant_ = create_tenant();
  }

  std::unique_ptr<postgresql::PgStore> node(const std::string& id) {
    auto o = pg_options(db_, id);
    o.lease = kLease;
    return open_pg_store(o, clock_);
  }

  std::uint64_t create_tenant() {
    auto tx = a_->begin();
    TenantRecord t;
    t.public_id = "tn_a";
    t.name = "a";
    auto id = (*tx)->insert_tenant(t);
    EXPECT_TRUE(id);
    EXPECT_TRUE((*tx)->commit());
    return *id;
  }

  /// Accepts `n` messages on `store` (ids first, first+1, ...); that node claims them.
  void accept(postgresql::PgStore& store, std::uint64_t first, int n,
              std::optional<std::int64_t> send_at = std::nullopt) {
    auto tx = store.begin();
    ASSERT_TRUE(tx);
    for (int i = 0; i < n; ++i) {
      auto m = sample_message((first + i) << 16, tenant_);
      m.send_at_ms = send_at;
      ASSERT_TRUE((*tx)->insert_message(m));
    }
    ASSERT_TRUE((*tx)->commit());
  }

  /// Renews `store`'s lease; false when it had expired (other nodes may have its messages).
  bool lease_was_live(postgresql::PgStore& store) {
    auto live = store.heartbeat(clock_.now_ms());
    EXPECT_TRUE(live) << live.error().message();
    return live && *live;
  }

  std::vector<std::uint64_t> claim(postgresql::PgStore& store, std::size_t limit = 1000) {
    auto claimed = store.claim(clock_.now_ms(), limit);
    EXPECT_TRUE(claimed) << claimed.error().message();
    std::vector<std::uint64_t> ids;
    for (const auto& m : *claimed) ids.push_back(m.id);
    return ids;
  }

  FakeClock clock_;
  PgTestDb db_;
  std::unique_ptr<postgresql::PgStore> a_;
  std::unique_ptr<postgresql::PgStore> b_;
  std::uint64_t tenant_ = 0;
};

// An admin command opens the store (and so becomes a node) for a moment: when it ends,
// the nodes stop counting it at once instead of sharing the carriers' TPS with it until
// its lease expires.
TEST_F(ClaimsTest, AStoreClosedWithoutReleaseStopsCountingAsANode) {
  auto admin = node("admin-command");
  EXPECT_TRUE(lease_was_live(*a_));
  EXPECT_EQ(a_->live_nodes(), 3U);
  const auto slot = admin->slot();
  ASSERT_TRUE(slot);
  admin.reset();
  EXPECT_TRUE(lease_was_live(*a_));
  EXPECT_EQ(a_->live_nodes(), 2U);
  auto next = node("node-c");  // its slot is free again
  EXPECT_EQ(next->slot(), slot);
}

TEST_F(ClaimsTest, StoresAreNodesWithTheirOwnIds) {
  ASSERT_NE(a_->claims(), nullptr);
  EXPECT_EQ(a_->claims()->node_id(), "node-a");
  EXPECT_EQ(b_->claims()->node_id(), "node-b");
  auto generated = node("");
  EXPECT_FALSE(generated->node_id().empty());
  EXPECT_NE(generated->node_id(), node("")->node_id());
}

// The accepting node holds its messages: while it renews its lease, no other node gets
// them, however long that takes.
TEST_F(ClaimsTest, LiveNodeKeepsTheMessagesItAccepted) {
  accept(*a_, 1, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(claim(*b_).empty());
    clock_.advance(kLease / 2);
    ASSERT_TRUE(lease_was_live(*a_));
    ASSERT_TRUE(lease_was_live(*b_));
  }
  EXPECT_TRUE(claim(*b_).empty());
  // Its own node can claim them (what did not fit in its memory, or after a restart of
  // its dispatcher).
  EXPECT_EQ(claim(*a_).size(), 5u);
}

// Node A dies (kill -9: no release, no more heartbeats). Until its lease ends nothing
// moves; then node B takes every accepted message over, oldest first, and A, should it
// come back, learns that it lost its lease.
TEST_F(ClaimsTest, DeadNodesMessagesAreTakenOverAfterItsLease) {
  accept(*a_, 1, 3);
  accept(*a_, 10, 1, clock_.now_ms() + 60'000);  // scheduled for later
  {
    auto tx = a_->begin();
    ASSERT_TRUE(*(*tx)->mark_submitted(2 << 16, "carrier-a", {"c2"}, clock_.now_ms()));
    ASSERT_TRUE((*tx)->commit());
  }
  clock_.advance(kLease - std::chrono::milliseconds{1});
  ASSERT_TRUE(lease_was_live(*b_));
  EXPECT_TRUE(claim(*b_).empty());
  clock_.advance(std::chrono::milliseconds{2});
  ASSERT_TRUE(lease_was_live(*b_));
  // The submitted one stays with its record; the scheduled one is not due yet.
  EXPECT_EQ(claim(*b_), (std::vector<std::uint64_t>{1 << 16, 3 << 16}));
  EXPECT_EQ(claim(*b_).size(), 2u);  // B's own are claimable by B again
  EXPECT_FALSE(lease_was_live(*a_));
  // A is live again but B now holds them.
  EXPECT_TRUE(claim(*a_).empty());
  // Now B dies too; A, stalled as long, learns that its lease had expired once more.
  clock_.advance(std::chrono::milliseconds{60'000});
  EXPECT_FALSE(lease_was_live(*a_));
  ASSERT_TRUE(lease_was_live(*a_));
  // The scheduled message is due now and B's lease has expired: A gets all three.
  EXPECT_EQ(claim(*a_), (std::vector<std::uint64_t>{1 << 16, 3 << 16, 10 << 16}));
}

// Nodes get a new id per process start: rows of nodes dead for a day are removed by the
// others' heartbeats, and their messages are still taken over.
TEST_F(ClaimsTest, LongDeadNodesAreForgottenAndTheirMessagesStillTaken) {
  accept(*a_, 1, 2);
  clock_.advance(std::chrono::hours{25});
  EXPECT_FALSE(lease_was_live(*b_));  // B's own lease had expired too (renewed now)
  ASSERT_TRUE(lease_was_live(*b_));
  EXPECT_EQ(db_.scalar("SELECT count(*) FROM nodes"), "1");
  EXPECT_EQ(claim(*b_).size(), 2u);
}

// The dispatcher's reads (pending, due, next send time) see a node's own messages only:
// another node's reach it by claim(), never by being read as pending by two nodes.
TEST_F(ClaimsTest, PendingAndDueAreTheNodesOwn) {
  accept(*a_, 1, 2);
  accept(*a_, 5, 1, clock_.now_ms() + 1'000);
  EXPECT_EQ(a_->pending_messages(0, 10)->size(), 2u);
  EXPECT_TRUE(b_->pending_messages(0, 10)->empty());
  EXPECT_EQ(**a_->next_send_at(0), clock_.now_ms() + 1'000);
  EXPECT_FALSE(*b_->next_send_at(0));
  EXPECT_EQ(a_->due_messages(clock_.now_ms() + 1'000, 10)->size(), 1u);
  EXPECT_TRUE(b_->due_messages(clock_.now_ms() + 1'000, 10)->empty());
  EXPECT_EQ(*b_->count_accepted(), 3u);  // counts stay global (metrics)
  clock_.advance(kLease + std::chrono::seconds{1});
  EXPECT_FALSE(lease_was_live(*b_));  // B's lease had run out as well: renewed now
  EXPECT_EQ(claim(*b_).size(), 3u);  // A died: B takes all three (the scheduled one is due)
  EXPECT_EQ(b_->pending_messages(0, 10)->size(), 2u);
  EXPECT_TRUE(a_->pending_messages(0, 10)->empty());
}

// Every node holds a slot of its own (part of its message ids) while it is live: a
// released node's slot and, once its lease expired, a dead node's slot go to the next node
// that needs one. live_nodes() counts the nodes whose lease runs.
TEST_F(ClaimsTest, NodesHoldDistinctSlotsAndCountTheLiveOnes) {
  ASSERT_TRUE(a_->slot());
  ASSERT_TRUE(b_->slot());
  EXPECT_NE(*a_->slot(), *b_->slot());
  auto c = node("node-c");
  ASSERT_TRUE(c->slot());
  EXPECT_EQ((std::set<unsigned>{*a_->slot(), *b_->slot(), *c->slot()}).size(), 3u);
  EXPECT_EQ(c->live_nodes(), 3u);
  const unsigned c_slot = *c->slot();
  ASSERT_TRUE(c->release());
  EXPECT_FALSE(c->slot());
  ASSERT_TRUE(lease_was_live(*a_));
  EXPECT_EQ(a_->live_nodes(), 2u);
  auto d = node("node-d");
  EXPECT_EQ(d->slot(), c_slot);  // the lowest free one
  // B dies: after its lease its slot is free for a new node, and the count drops.
  const unsigned b_slot = *b_->slot();
  clock_.advance(kLease + std::chrono::milliseconds{1});
  EXPECT_FALSE(lease_was_live(*a_));  // A's own lease ran out too: renewed now
  EXPECT_FALSE(lease_was_live(*d));
  EXPECT_EQ(d->live_nodes(), 2u);
  auto e = node("node-e");
  EXPECT_EQ(e->slot(), b_slot);
  EXPECT_EQ(e->live_nodes(), 3u);
  // B comes back: its slot is taken, so it gets another one (its lease had expired).
  EXPECT_FALSE(lease_was_live(*b_));
  ASSERT_TRUE(b_->slot());
  EXPECT_EQ((std::set<unsigned>{*a_->slot(), *b_->slot(), *d->slot(), *e->slot()}).size(), 4u);
  EXPECT_EQ(db_.scalar("SELECT count(DISTINCT slot) FROM nodes WHERE slot IS NOT NULL"), "4");
}

// take_over() leaves out what the node holds already (its backlog in memory).
TEST_F(ClaimsTest, TakeOverLeavesTheNodesOwnMessages) {
  accept(*a_, 1, 3);
  accept(*b_, 10, 2);
  auto none = a_->take_over(clock_.now_ms(), 100);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(b_->release());
  auto taken = a_->take_over(clock_.now_ms(), 100);
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 2u);
  EXPECT_EQ(taken->at(0).id, std::uint64_t{10} << 16);
  EXPECT_EQ(claim(*a_).size(), 5u);
}

// A node shutting down gives its messages back: the others take them at once.
TEST_F(ClaimsTest, ReleasedMessagesAreClaimableAtOnce) {
  accept(*a_, 1, 4);
  {
    auto tx = a_->begin();
    ASSERT_TRUE((*tx)->finish(4 << 16, state::kFailed, "x", "y", clock_.now_ms()));
    ASSERT_TRUE((*tx)->commit());
  }
  auto released = a_->release();
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, 3u);
  EXPECT_EQ(claim(*b_, 2), (std::vector<std::uint64_t>{1 << 16, 2 << 16}));
  EXPECT_EQ(claim(*b_, 2), (std::vector<std::uint64_t>{1 << 16, 2 << 16}));  // still B's
  EXPECT_EQ(claim(*b_).size(), 3u);
}

// Three nodes claiming at the same time get disjoint sets that together hold every message
// (FOR UPDATE SKIP LOCKED: nobody waits, nobody gets a message twice).
TEST_F(ClaimsTest, ConcurrentClaimsAreDisjointAndComplete) {
  constexpr int kMessages = 600;
  accept(*a_, 1, kMessages);
  ASSERT_TRUE(a_->release());
  auto c = node("node-c");
  auto d = node("node-d");
  std::vector<postgresql::PgStore*> nodes{b_.get(), c.get(), d.get()};
  std::vector<std::vector<std::uint64_t>> got(nodes.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    threads.emplace_back([&, i] {
      for (;;) {
        // Each node asks for more than it holds: only new ones count (what the dispatcher
        // does with the ids it has already).
        std::set<std::uint64_t> held(got[i].begin(), got[i].end());
        auto claimed = nodes[i]->claim(clock_.now_ms(), held.size() + 25);
        if (!claimed) return;
        std::size_t fresh = 0;
        for (const auto& m : *claimed) {
          if (held.insert(m.id).second) {
            got[i].push_back(m.id);
            ++fresh;
          }
        }
        if (fresh == 0) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::uint64_t> all;
  std::size_t total = 0;
  for (const auto& ids : got) {
    total += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kMessages));  // nobody got one twice
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kMessages));
}

}  // namespace
}  // namespace diskret::store::testing
