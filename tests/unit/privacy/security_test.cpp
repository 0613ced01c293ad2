#include "privacy/security.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_security_store.hpp"
#include "unit/privacy/privacy_stack.hpp"

namespace diskret::privacy {
namespace {

using testing::must;
using testing::Stack;
using testing::TempDir;
using namespace std::chrono_literals;

TEST(SlidingThreshold, FiresOncePerBurst) {
  SlidingThreshold t(3, 60s);
  EXPECT_FALSE(t.hit("a", 0));
  EXPECT_FALSE(t.hit("a", 1'000));
  EXPECT_TRUE(t.hit("a", 2'000));
  EXPECT_FALSE(t.hit("a", 3'000));  // the same burst
  EXPECT_FALSE(t.hit("b", 3'000));  // keys are counted apart
  EXPECT_EQ(t.count("a", 3'000), 4u);
  // A minute later the window has emptied; a new burst fires again.
  EXPECT_FALSE(t.hit("a", 200'000));
  EXPECT_FALSE(t.hit("a", 200'001));
  EXPECT_TRUE(t.hit("a", 200'002));
}

class SecurityTest : public ::testing::Test {
 protected:
  SecurityTest() {
    tenant_ = s_.p.create_tenant("tn_a");
    security_ = std::make_unique<store::sqlite::SqliteSecurityStore>(*s_.p.store);
    alerts_ = std::make_unique<Alerts>(*s_.p.store, *security_, *s_.audit, clock_);
    grants_ = std::make_unique<AccessGrants>(*s_.p.store, *security_, *s_.audit, *alerts_, clock_);
  }
  TempDir dir_;
  FakeClock clock_;
  Stack s_{dir_, clock_};
  std::uint64_t tenant_ = 0;
  std::unique_ptr<store::sqlite::SqliteSecurityStore> security_;
  std::unique_ptr<Alerts> alerts_;
  std::unique_ptr<AccessGrants> grants_;
};

TEST_F(SecurityTest, GrantsAreNamedTimeLimitedAndRevocable) {
  auto g = must(grants_->grant(tenant_, "ops-anna", "ticket 17", 60min, "api_key:1"));
  EXPECT_TRUE(grants_->check(tenant_, g.id, "ops-anna").has_value());
  EXPECT_EQ(grants_->check(tenant_, g.id, "ops-bert").error().code, diskret::Errc::permission_denied);
  EXPECT_FALSE(grants_->check(tenant_ + 1, g.id, "ops-anna").has_value());  // another tenant's
  clock_.advance(61min);
  auto expired = grants_->check(tenant_, g.id, "ops-anna");
  ASSERT_FALSE(expired.has_value());
  EXPECT_NE(expired.error().message().find("expired"), std::string::npos);

  auto h = must(grants_->grant(tenant_, "ops-anna", "ticket 18", 10min, "api_key:1"));
  EXPECT_TRUE(must(grants_->revoke(tenant_, h.id, "api_key:1")));
  EXPECT_FALSE(must(grants_->revoke(tenant_, h.id, "api_key:1")));
  EXPECT_NE(grants_->check(tenant_, h.id, "ops-anna").error().message().find("revoked"), std::string::npos);
  EXPECT_EQ(must(grants_->list(tenant_)).size(), 2u);
  auto trail = must(s_.audit->page({.tenant_id = tenant_, .limit = 10}));
  ASSERT_GE(trail.size(), 3u);
  EXPECT_EQ(trail[0].action, "access.grant_revoked");
}

TEST_F(SecurityTest, RefusesBadGrants) {
  EXPECT_EQ(grants_->grant(tenant_, "", "x", 60min, "api_key:1").error().code, diskret::Errc::invalid_argument);
  EXPECT_FALSE(grants_->grant(tenant_, "ops", "", 60min, "api_key:1").has_value());
  EXPECT_FALSE(grants_->grant(tenant_, "ops", "x", 73h, "api_key:1").has_value());
  EXPECT_FALSE(grants_->grant(tenant_, "ops", "x", 0min, "api_key:1").has_value());
  EXPECT_FALSE(grants_->grant(tenant_, "evil:actor", "x", 10min, "api_key:1").has_value());
}

TEST_F(SecurityTest, BreakGlassAlertsTheTenantAndIsCounted) {
  ASSERT_TRUE(grants_->break_glass(tenant_, "ops-anna", "outage").has_value());
  auto alerts = must(alerts_->list(tenant_, 0, 10));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].kind, "access.break_glass");
  EXPECT_EQ(alerts[0].severity, "critical");
  must(alerts_->raise(0, alert::kKeyRotated, "info", "{}"));
  EXPECT_EQ(must(alerts_->list(tenant_, 0, 10)).size(), 2u);       // platform alerts included
  EXPECT_EQ(must(alerts_->list(tenant_ + 1, 0, 10)).size(), 1u);   // not the other tenant's
  auto text = must(alerts_->metrics_text());
  EXPECT_NE(text.find("diskret_security_alerts_total{kind=\"access.break_glass\"} 1"), std::string::npos);
  EXPECT_NE(text.find("diskret_security_alerts_total{kind=\"export.many_subjects\"} 0"), std::string::npos);
  auto trail = must(s_.audit->page({.tenant_id = tenant_, .limit = 10}));
  bool seen = false;
  for (const auto& e : trail) seen = seen || e.action == "access.break_glass";
  EXPECT_TRUE(seen);
  EXPECT_TRUE(must(s_.audit->verify()).ok());
}

}  // namespace
}  // namespace diskret::privacy
