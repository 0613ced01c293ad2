#include "audit/audit_log.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "audit/actions.hpp"
#include "audit/audit_queue.hpp"
#include "store/sqlite/sqlite_audit_chain.hpp"
#include "unit/privacy/privacy_fixture.hpp"

namespace diskret::audit {
namespace {

using privacy::testing::must;
using privacy::testing::Process;
using privacy::testing::TempDir;

// Edits diskret.db behind diskret's back, as an attacker with file access would.
void tamper(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(raw);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLogTest() { reopen(); }
  void reopen() {
    log_.reset();
    rows_.reset();
    p_.open();
    rows_ = std::make_unique<store::sqlite::SqliteAuditChain>(*p_.store);
    log_ = std::make_unique<AuditLog>(*p_.store, *rows_, *p_.vault, *p_.services, clock_,
                                      CheckpointPolicy{.every_entries = 100});
  }
  void fill(std::uint64_t tenant, int n) {
    auto tx = must(p_.store->begin());
    for (int i = 0; i < n; ++i) {
      AuditDraft d;
      d.tenant = tenant;
      d.actor = Actor::api_key(7).to_string();
      d.action = std::string(action::kPersonalDataRead);
      d.object = "message:" + std::to_string(i);
      d.subject = "00112233445566778899aabbccddeeff";
      d.details = R"({"fields":["text"]})";
      ASSERT_TRUE(log_->record(*tx, d).has_value());
      clock_.advance(std::chrono::milliseconds(10));
    }
    must(tx->commit());
  }
  const Break& first_break() {
    report_ = must(log_->verify());
    EXPECT_FALSE(report_.ok());
    static const Break kNone{};
    return report_.first_break() ? *report_.first_break() : kNone;
  }
  std::filesystem::path db() const { return dir_.path() / "diskret.db"; }

  TempDir dir_;
  FakeClock clock_;
  Process p_{dir_, clock_};
  std::unique_ptr<store::sqlite::SqliteAuditChain> rows_;
  std::unique_ptr<AuditLog> log_;
  VerifyReport report_;
};

TEST_F(AuditLogTest, IntactTrailVerifiesWithCheckpoints) {
  fill(1, 250);
  fill(2, 30);
  auto r = must(log_->verify());
  EXPECT_TRUE(r.ok()) << r.first_break()->description;
  EXPECT_EQ(r.entries, 280u);
  EXPECT_EQ(r.chains, 2u);
  EXPECT_EQ(r.checkpoints_checked, 2u);  // tenant 1 at 100 and 200
}

TEST_F(AuditLogTest, VerifyNamesAnEditedRow) {
  fill(1, 120);
  tamper(db(), "UPDATE audit_events SET details = '{\"fields\":[]}' WHERE tenant_id = 1 AND seq = 42");
  const auto& b = first_break();
  EXPECT_EQ(b.tenant, 1u);
  EXPECT_EQ(b.seq, 42u);
  EXPECT_EQ(b.kind, BreakKind::altered);
}

TEST_F(AuditLogTest, VerifyNamesADeletedRow) {
  fill(1, 60);
  tamper(db(), "DELETE FROM audit_events WHERE tenant_id = 1 AND seq = 17");
  const auto& b = first_break();
  EXPECT_EQ(b.seq, 17u);
  EXPECT_EQ(b.kind, BreakKind::missing);
}

// Cutting off the newest entries together with the checkpoints in diskret.db still shows:
// the newest checkpoint was also anchored in the key store.
TEST_F(AuditLogTest, AnchorsInTheKeyStoreRevealACutTail) {
  fill(1, 150);
  ASSERT_EQ(must(log_->checkpoint_all()), 1u);  // shutdown: head 150 signed and anchored
  tamper(db(), "DELETE FROM audit_events WHERE tenant_id = 1 AND seq > 130; DELETE FROM audit_checkpoints");
  const auto& b = first_break();
  EXPECT_EQ(b.seq, 131u);
  EXPECT_EQ(b.kind, BreakKind::missing);
}

TEST_F(AuditLogTest, CheckpointAllSignsOnlyChainsThatMoved) {
  fill(1, 100);  // checkpoint at 100 already
  fill(2, 5);
  EXPECT_EQ(must(log_->checkpoint_all()), 1u);
  EXPECT_EQ(must(log_->checkpoint_all()), 0u);
  EXPECT_EQ(must(p_.vault->anchors()).size(), 2u);
}

TEST_F(AuditLogTest, AppendThroughTheAuditTrailInterface) {
  store::AuditEventRecord e;
  e.tenant_id = 3;
  e.at_ms = clock_.now_ms();
  e.actor = "system:sms_keyword";
  e.action = "suppression.added";
  e.object = "inbound:1";
  e.subject_blind = store::Blind{1, 2, 3};
  e.details = "opted out by STOP";  // a sentence: kept as {"note": ...}
  auto tx = must(p_.store->begin());
  auto id = must(log_->append(*tx, e));
  must(tx->commit());
  EXPECT_GT(id, 0u);
  auto events = must(log_->events(3, 0, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].details, R"({"note":"opted out by STOP"})");
  EXPECT_EQ(events[0].subject_blind, e.subject_blind);
  EXPECT_TRUE(must(log_->verify()).ok());
}

TEST_F(AuditLogTest, AdoptsRowsWrittenOutsideTheChain) {
  fill(1, 3);
  tamper(db(), "INSERT INTO audit_events(tenant_id, at, actor, action, object, details) VALUES "
               "(1, 5, 'api_key:1', 'apikey.created', 'apikey:1', ''), "
               "(4, 6, 'weird actor', 'Not An Action', '', 'x')");
  EXPECT_EQ(must(log_->adopt_unchained()), 2u);
  auto r = must(log_->verify());
  EXPECT_TRUE(r.ok()) << r.first_break()->description;
  EXPECT_EQ(r.entries, 5u);
  auto page = must(log_->page({.tenant_id = 4}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].action, "audit.adopted");
}

TEST_F(AuditLogTest, PagesNewestFirstAndBySubject) {
  fill(1, 10);
  store::AuditPageQuery q{.tenant_id = 1, .before_seq = 0, .before_id = 0, .limit = 3};
  auto first = must(log_->page(q));
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].seq, 10u);
  q.before_seq = first.back().seq;
  EXPECT_EQ(must(log_->page(q))[0].seq, 7u);
  store::AuditPageQuery other{.tenant_id = 1, .limit = 50, .subject = store::Blind{9}};
  EXPECT_TRUE(must(log_->page(other)).empty());
}

TEST_F(AuditLogTest, SurvivesReopenAndKeyRotationOfTheSigner) {
  fill(1, 100);
  reopen();
  fill(1, 100);
  auto r = must(log_->verify());
  EXPECT_TRUE(r.ok()) << r.first_break()->description;
  EXPECT_EQ(r.checkpoints_checked, 2u);
}

TEST_F(AuditLogTest, QueueWritesReadsInOneGoAndSkipsMalformedOnes) {
  AuditQueue queue(3);
  for (int i = 0; i < 4; ++i) {
    AuditDraft d;
    d.tenant = 1;
    d.at_ms = clock_.now_ms();
    d.actor = "api_key:1";
    d.action = i == 1 ? "Bad Action" : "data.read";
    d.object = "/v1/messages";
    queue.push(d);
  }
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.dropped(), 1u);  // beyond capacity
  EXPECT_EQ(must(queue.flush(*log_, *p_.store)), 3u);
  EXPECT_EQ(queue.dropped(), 2u);  // and the malformed one
  EXPECT_EQ(must(log_->page({.tenant_id = 1})).size(), 2u);
  EXPECT_EQ(must(queue.flush(*log_, *p_.store)), 0u);
  EXPECT_TRUE(must(log_->verify()).ok());
}

}  // namespace
}  // namespace diskret::audit
