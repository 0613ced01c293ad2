#include "audit/verifier.hpp"

#include <gtest/gtest.h>

#include "audit/chain.hpp"

namespace diskret::audit {
namespace {

class VerifierTest : public ::testing::Test {
 protected:
  // Two chains: tenant 1 with `n1` entries, tenant 2 with 5; checkpoints every 10.
  void build(std::uint64_t n1 = 25) {
    for (std::uint64_t tenant : {1u, 2u}) {
      ChainHead head{tenant, 0, kGenesisHash};
      const std::uint64_t n = tenant == 1 ? n1 : 5;
      for (std::uint64_t i = 0; i < n; ++i) {
        AuditDraft d;
        d.tenant = tenant;
        d.at_ms = 1'700'000'000'000 + static_cast<std::int64_t>(i);
        d.actor = Actor::user(i).to_string();
        d.action = "data.read";
        d.object = "message:" + std::to_string(i);
        auto e = seal_entry(d, head).value();
        head = head_of(e);
        entries_.push_back(e);
        if (e.seq % 10 == 0) checkpoints_.push_back(make_checkpoint(head, d.at_ms, key_));
      }
    }
  }
  VerifyReport run() {
    std::vector<crypto::SigningPublicKey> keys{key_.public_key()};
    return verify(entries_, checkpoints_, keys);
  }
  AuditEntry& at(std::uint64_t tenant, std::uint64_t seq) {
    for (auto& e : entries_) {
      if (e.tenant == tenant && e.seq == seq) return e;
    }
    throw std::logic_error("no such entry");
  }
  void erase(std::uint64_t tenant, std::uint64_t seq) {
    std::erase_if(entries_, [&](const AuditEntry& e) { return e.tenant == tenant && e.seq == seq; });
  }
  // Recomputes seq, links and hashes of tenant 1's chain from the start, as an attacker
  // with write access to the table but not to the signing key would.
  void rechain() {
    ChainHead head{1, 0, kGenesisHash};
    for (auto& e : entries_) {
      if (e.tenant != 1) continue;
      e.seq = head.seq + 1;
      e.prev_hash = head.hash;
      e.hash = entry_hash(e);
      head = head_of(e);
    }
  }

  crypto::SigningKey key_ = crypto::SigningKey::generate();
  std::vector<AuditEntry> entries_;
  std::vector<Checkpoint> checkpoints_;
};

TEST_F(VerifierTest, IntactTrailVerifies) {
  build();
  auto r = run();
  EXPECT_TRUE(r.ok()) << r.first_break()->description;
  EXPECT_EQ(r.entries, 30u);
  EXPECT_EQ(r.chains, 2u);
  EXPECT_EQ(r.checkpoints_checked, 2u);
  ASSERT_EQ(r.heads.size(), 2u);
  EXPECT_EQ(r.heads[0].seq, 25u);
}

TEST_F(VerifierTest, NamesAnEditedEntry) {
  build();
  at(1, 7).details = R"({"reason":"nothing to see"})";
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->tenant, 1u);
  EXPECT_EQ(r.first_break()->seq, 7u);
  EXPECT_EQ(r.first_break()->kind, BreakKind::altered);
  EXPECT_NE(r.first_break()->description.find("entry 7 was altered"), std::string::npos);
}

TEST_F(VerifierTest, NamesAnEditedEntryWhoseHashWasRecomputed) {
  build();
  auto& e = at(1, 12);
  e.actor = "user:99";
  e.hash = entry_hash(e);
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->seq, 12u);
  EXPECT_EQ(r.first_break()->kind, BreakKind::rehashed);
}

TEST_F(VerifierTest, NamesADeletedEntry) {
  build();
  erase(1, 4);
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->seq, 4u);
  EXPECT_EQ(r.first_break()->kind, BreakKind::missing);
}

TEST_F(VerifierTest, NamesReorderedEntries) {
  build();
  std::swap(at(1, 5), at(1, 6));
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->seq, 5u);
}

TEST_F(VerifierTest, DetectsTruncationThroughACheckpoint) {
  build();
  for (std::uint64_t s = 16; s <= 25; ++s) erase(1, s);  // checkpoint at 20 remains
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->seq, 16u);
  EXPECT_EQ(r.first_break()->kind, BreakKind::missing);
}

TEST_F(VerifierTest, DetectsAChainRewrittenWithRecomputedHashes) {
  build();
  erase(1, 13);
  rechain();  // links and hashes are consistent again, but checkpoint 20 is not
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->kind, BreakKind::rewritten);
  EXPECT_EQ(r.first_break()->seq, 11u);  // after the last checkpoint that still matches
}

TEST_F(VerifierTest, RefusesForgedOrUnknownCheckpoints) {
  build();
  checkpoints_[0].seq = 9;
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->kind, BreakKind::checkpoint_forged);

  checkpoints_.clear();
  auto stranger = crypto::SigningKey::generate();
  checkpoints_.push_back(make_checkpoint(head_of(at(1, 10)), 0, stranger));
  r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->kind, BreakKind::checkpoint_unknown_key);
}

TEST_F(VerifierTest, ReportsTheEarliestBreakOfEachChain) {
  build();
  at(2, 3).object = "x";
  at(1, 20).object = "y";
  at(1, 8).object = "z";
  auto r = run();
  ASSERT_EQ(r.breaks.size(), 2u);
  EXPECT_EQ(r.first_break()->tenant, 1u);
  EXPECT_EQ(r.first_break()->seq, 8u);
  EXPECT_EQ(r.breaks[1].tenant, 2u);
  EXPECT_EQ(r.breaks[1].seq, 3u);
}

TEST_F(VerifierTest, AcceptsInterleavedChains) {
  build();
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const AuditEntry& a, const AuditEntry& b) { return a.seq < b.seq; });
  EXPECT_TRUE(run().ok());
}

TEST_F(VerifierTest, ChainWhoseEntriesAllVanishedIsMissing) {
  build();
  std::erase_if(entries_, [](const AuditEntry& e) { return e.tenant == 1; });
  auto r = run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.first_break()->tenant, 1u);
  EXPECT_EQ(r.first_break()->seq, 1u);
}

}  // namespace
}  // namespace diskret::audit
