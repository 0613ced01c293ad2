#include "privacy/privacy_service.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>

#include "audit/actions.hpp"

#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Stack;
using testing::TempDir;

constexpr const char* kAnna = "+4915112345678";

// The server keeps a subject key in memory; `diskret privacy erase` in another process
// destroys it in the key store; the server's watcher drops its copy.
TEST(PrivacyService, ForgetsKeysThatAnotherProcessDestroyed) {
  TempDir dir;
  FakeClock clock;
  Stack server(dir, clock);
  const auto tenant = server.p.create_tenant("tn_a");
  const auto id = server.send(tenant, kAnna, "hallo");
  PrivacyService service(server.context());
  ASSERT_TRUE(service.prepare().has_value());
  const auto subject = *must(server.p.store->message(tenant, id))->subject_id;
  ASSERT_TRUE(server.p.keys->subject_key(tenant, subject).has_value());  // cached

  Stack cli(dir, clock);
  must(cli.eraser->erase(tenant, kAnna, "operator:cli"));
  EXPECT_TRUE(server.p.keys->subject_key(tenant, subject).has_value()) << "still in memory";
  EXPECT_EQ(must(service.watch_once()), 1u);
  auto gone = server.p.keys->subject_key(tenant, subject);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, diskret::Errc::not_found);
  EXPECT_EQ(must(service.watch_once()), 0u);
}

// Issue 13: serve verifies the audit trail by itself; /metrics says whether it held, and a
// break found is itself recorded (once, not on every round).
TEST(PrivacyService, VerifiesTheAuditTrailAndReportsItInMetrics) {
  TempDir dir;
  FakeClock clock;
  Stack s(dir, clock);
  const auto tenant = s.p.create_tenant("tn_a");
  for (int i = 0; i < 3; ++i) must(s.exporter->collect(tenant, kAnna, "operator:test"));
  PrivacyService service(s.context());
  EXPECT_EQ(service.metrics_text().find("diskret_audit_chain_ok"), std::string::npos)
      << "no verdict before the first verification";
  ASSERT_TRUE(must(service.verify_audit()).ok());
  EXPECT_NE(service.metrics_text().find("diskret_audit_chain_ok 1\n"), std::string::npos);

  // An attacker with file access changes an entry behind diskret's back.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir.path() / "diskret.db").c_str(), &raw), SQLITE_OK);
    const std::string sql = "UPDATE audit_events SET actor = 'nobody' WHERE seq = 2 AND tenant_id = " +
                            std::to_string(tenant);
    ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_changes(raw), 1);
    sqlite3_close(raw);
  }
  const auto count_findings = [&] {
    std::ptrdiff_t n = 0;
    for (std::uint64_t chain : {std::uint64_t{0}, tenant}) {  // platform chain and the tenant's
      store::AuditPageQuery q;
      q.tenant_id = chain;
      q.limit = 1000;
      auto entries = must(s.audit->page(q));
      n += std::count_if(entries.begin(), entries.end(), [](const audit::AuditEntry& e) {
        return e.action == audit::action::kAuditVerifyFailed;
      });
    }
    return n;
  };
  EXPECT_FALSE(must(service.verify_audit()).ok());
  EXPECT_NE(service.metrics_text().find("diskret_audit_chain_ok 0\n"), std::string::npos);
  EXPECT_NE(service.metrics_text().find("diskret_audit_verified_timestamp_seconds "), std::string::npos);
  EXPECT_EQ(count_findings(), 1);
  EXPECT_FALSE(must(service.verify_audit()).ok());
  EXPECT_EQ(count_findings(), 1) << "the same break is recorded once";
}

TEST(PrivacyService, ForgetsOffboardedTenants) {
  TempDir dir;
  FakeClock clock;
  Stack server(dir, clock);
  const auto tenant = server.p.create_tenant("tn_a");
  ASSERT_TRUE(server.p.keys->tenant(tenant).has_value());
  PrivacyService service(server.context());
  ASSERT_TRUE(service.prepare().has_value());
  Stack cli(dir, clock);
  must(cli.eraser->offboard(tenant, "operator:cli"));
  EXPECT_EQ(must(service.watch_once()), 1u);
  EXPECT_FALSE(server.p.keys->tenant(tenant).has_value());
}

TEST(PrivacyService, StopSignsEveryChain) {
  TempDir dir;
  FakeClock clock;
  Stack s(dir, clock);
  const auto tenant = s.p.create_tenant("tn_a");
  must(s.exporter->collect(tenant, kAnna, "operator:test"));
  {
    PrivacyService service(s.context(), {std::chrono::milliseconds(5), std::chrono::hours(1), std::chrono::hours(1)});
    ASSERT_TRUE(service.prepare().has_value());
    service.start();
    service.stop();
  }
  auto anchors = must(s.p.vault->anchors());
  ASSERT_EQ(anchors.size(), 1u);
  EXPECT_EQ(anchors[0].tenant_id, tenant);
  EXPECT_TRUE(must(s.audit->verify()).ok());
}

}  // namespace
}  // namespace diskret::privacy
