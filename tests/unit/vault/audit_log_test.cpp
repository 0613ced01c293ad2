#include "vault/audit_log.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"
#include "vault/errc.hpp"
#include "vault/schema.hpp"

namespace diskret::vault {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.path() / "vault.db");
    ASSERT_TRUE(opened);
    db_ = std::make_unique<Database>(std::move(*opened));
    ASSERT_TRUE(migrate(*db_));
    log_ = std::make_unique<AuditLog>(*db_, clock_);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(log_->append("charge.approved", "service", "ch_" + std::to_string(i),
                               "amount_cents=" + std::to_string(100 * i)));
      clock_.advance(std::chrono::milliseconds(10));
    }
  }

  // What an attacker with write access to the file could do: drop the guard and edit.
  void tamper(const std::string& sql) {
    ASSERT_TRUE(db_->exec("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"));
    ASSERT_TRUE(db_->exec(sql));
  }

  test::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, ChainVerifiesAndLinksEveryEntry) {
  EXPECT_EQ(log_->verify(), 5u);
  auto entries = log_->entries();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[0].prev_hash, kAuditGenesisHash);
  for (std::size_t i = 1; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].prev_hash, (*entries)[i - 1].hash);
    EXPECT_EQ((*entries)[i].seq, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ((*entries)[0].hash, audit_entry_hash((*entries)[0]));
}

TEST_F(AuditLogTest, TheTableRefusesUpdatesAndDeletes) {
  EXPECT_FALSE(db_->exec("UPDATE audit SET detail = 'x' WHERE seq = 2"));
  EXPECT_FALSE(db_->exec("DELETE FROM audit WHERE seq = 5"));
  EXPECT_EQ(log_->verify(), 5u);
}

TEST_F(AuditLogTest, DetectsAnEditedRow) {
  tamper("UPDATE audit SET detail = 'amount_cents=1' WHERE seq = 3");
  auto result = log_->verify();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::corrupt_audit);
  EXPECT_EQ(result.error().detail, "audit entry 3 was altered");
}

TEST_F(AuditLogTest, DetectsAnEditedRowWhoseHashWasRecomputed) {
  // Recomputing the edited row's own hash breaks the link to the next entry.
  auto entries = log_->entries();
  ASSERT_TRUE(entries);
  auto e = (*entries)[1];
  e.detail = "amount_cents=1";
  tamper("UPDATE audit SET detail = 'amount_cents=1', hash = '" + audit_entry_hash(e) +
         "' WHERE seq = 2");
  auto result = log_->verify();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().detail, "audit entry 3 does not follow entry 2");
}

TEST_F(AuditLogTest, DetectsARemovedRow) {
  tamper("DELETE FROM audit WHERE seq = 2");
  auto result = log_->verify();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().detail, "audit entry 2 is missing");
}

TEST_F(AuditLogTest, FieldBoundariesCannotBeShifted) {
  AuditEntry a{1, 0, "ab", "c", "", "", std::string(kAuditGenesisHash), ""};
  AuditEntry b{1, 0, "a", "bc", "", "", std::string(kAuditGenesisHash), ""};
  EXPECT_NE(audit_entry_hash(a), audit_entry_hash(b));
}

TEST_F(AuditLogTest, AppendsCommitWithTheCallersTransaction) {
  {
    auto tx = Transaction::begin(*db_);
    ASSERT_TRUE(tx);
    ASSERT_TRUE(log_->append("card.stored", "form:x", "tok_a", ""));
    // no commit: rolled back
  }
  EXPECT_EQ(log_->verify(), 5u);
}

}  // namespace
}  // namespace diskret::vault
