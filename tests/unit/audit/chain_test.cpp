#include "audit/chain.hpp"

#include <gtest/gtest.h>

#include "audit/checkpoint.hpp"
#include "audit/errc.hpp"
#include "core/hex.hpp"

namespace diskret::audit {
namespace {

AuditDraft draft(std::uint64_t tenant = 3) {
  AuditDraft d;
  d.tenant = tenant;
  d.at_ms = 1'700'000'000'000;
  d.actor = Actor::api_key(12).to_string();
  d.action = "privacy.exported";
  d.object = "subject";
  d.subject = "00112233445566778899aabbccddeeff";
  d.details = R"({"items":4})";
  return d;
}

TEST(AuditChain, FirstEntryFollowsGenesis) {
  auto e = seal_entry(draft(), ChainHead{3, 0, kGenesisHash});
  ASSERT_TRUE(e.has_value()) << e.error().message();
  EXPECT_EQ(e->seq, 1u);
  EXPECT_EQ(e->prev_hash, kGenesisHash);
  EXPECT_EQ(e->actor, "api_key:12");
  EXPECT_EQ(e->hash, entry_hash(*e));
}

TEST(AuditChain, NextEntryLinksToHead) {
  auto first = seal_entry(draft(), ChainHead{3, 0, kGenesisHash}).value();
  auto second = seal_entry(draft(), head_of(first)).value();
  EXPECT_EQ(second.seq, 2u);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_NE(second.hash, first.hash);
}

// The hash is SHA-256 over the previous hash and a documented encoding, so auditors can
// recompute it with standard tools.
TEST(AuditChain, HashIsSha256OfPrevAndCanonicalEncoding) {
  auto e = seal_entry(draft(), ChainHead{3, 0, kGenesisHash}).value();
  EXPECT_EQ(canonical_encoding(e),
            "diskret-audit/1;1:3;1:1;13:1700000000000;10:api_key:12;16:privacy.exported;"
            "7:subject;32:00112233445566778899aabbccddeeff;11:{\"items\":4};");
  std::string data(32, '\0');
  data += canonical_encoding(e);
  EXPECT_EQ(e.hash, crypto::sha256(data));
}

TEST(AuditChain, EveryFieldChangesTheHash) {
  const auto base = seal_entry(draft(), ChainHead{3, 0, kGenesisHash}).value();
  std::vector<AuditEntry> variants(8, base);
  variants[0].tenant = 4;
  variants[1].seq = 2;
  variants[2].at_ms += 1;
  variants[3].actor = "api_key:13";
  variants[4].action = "privacy.erased";
  variants[5].object = "subjects";
  variants[6].subject = "";
  variants[7].details = R"({"items":5})";
  for (const auto& v : variants) EXPECT_NE(entry_hash(v), base.hash);
  auto moved = base;  // field boundaries are length-prefixed
  moved.object = "subject7";
  moved.action = "privacy.exporte";
  EXPECT_NE(entry_hash(moved), base.hash);
}

TEST(AuditChain, RefusesInvalidDrafts) {
  const ChainHead head{3, 0, kGenesisHash};
  auto d = draft();
  d.action = "Privacy Export";
  EXPECT_EQ(seal_entry(d, head).error().code, Errc::invalid_entry);
  d = draft();
  d.subject = "+4915112345678";  // a number, never allowed in the trail
  EXPECT_EQ(seal_entry(d, head).error().code, Errc::invalid_entry);
  d = draft();
  d.details = "[1,2]";
  EXPECT_EQ(seal_entry(d, head).error().code, Errc::invalid_entry);
  d = draft();
  d.details = "{";
  EXPECT_EQ(seal_entry(d, head).error().code, Errc::invalid_entry);
  EXPECT_EQ(seal_entry(draft(4), head).error().code, Errc::invalid_entry);
  for (const char* actor : {"", "api_key", ":12", "user:", "user:a\nb"}) {
    d = draft();
    d.actor = actor;
    EXPECT_EQ(seal_entry(d, head).error().code, Errc::invalid_entry) << actor;
  }
}

TEST(AuditActor, RoundTripsAndRefusesJunk) {
  for (const auto& a : {Actor::system("retention"), Actor::api_key(9), Actor::user(4),
                        Actor::operator_staff("ops-anna"), Actor::smpp("acme01")}) {
    auto parsed = Actor::parse(a.to_string());
    ASSERT_TRUE(parsed.has_value()) << a.to_string();
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_EQ(Actor::operator_staff("x").to_string(), "operator:x");
  EXPECT_FALSE(Actor::parse("root").has_value());
  EXPECT_FALSE(Actor::parse("wizard:x").has_value());
  EXPECT_FALSE(Actor::parse("user:").has_value());
  EXPECT_FALSE(Actor::parse("user:a\nb").has_value());
}

TEST(AuditCheckpoint, SignsTheHead) {
  auto key = crypto::SigningKey::generate();
  auto e = seal_entry(draft(), ChainHead{3, 0, kGenesisHash}).value();
  auto c = make_checkpoint(head_of(e), 1'700'000'000'500, key);
  EXPECT_EQ(c.seq, 1u);
  EXPECT_EQ(c.hash, e.hash);
  EXPECT_TRUE(signature_valid(c, key.public_key()));
  EXPECT_FALSE(signature_valid(c, crypto::SigningKey::generate().public_key()));
  auto edited = c;
  edited.seq = 2;
  EXPECT_FALSE(signature_valid(edited, key.public_key()));
  EXPECT_EQ(checkpoint_message(c).rfind("diskret-audit-checkpoint/1;3;1;" + to_hex(e.hash), 0), 0u);
}

TEST(AuditCheckpoint, DueEveryNEntries) {
  CheckpointPolicy p{.every_entries = 100};
  EXPECT_FALSE(checkpoint_due(ChainHead{1, 99, {}}, 0, p));
  EXPECT_TRUE(checkpoint_due(ChainHead{1, 100, {}}, 0, p));
  EXPECT_FALSE(checkpoint_due(ChainHead{1, 150, {}}, 100, p));
  EXPECT_TRUE(checkpoint_due(ChainHead{1, 200, {}}, 100, p));
}

}  // namespace
}  // namespace diskret::audit
