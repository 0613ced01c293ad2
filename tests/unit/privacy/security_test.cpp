#include "privacy/security.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "inbound/webhook_signature.hpp"
#include "inbound/webhook_worker.hpp"
#include "store/sqlite/sqlite_security_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"
#include "unit/inbound/webhook_receiver.hpp"
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

// Alerts go to the tenant's webhook as signed security.alert events through the durable
// webhook queue; platform alerts to every tenant that has a webhook; nothing to a tenant
// without one, and no tenant is told of another tenant's alert.
TEST_F(SecurityTest, AlertsReachTheWebhookSigned) {
  const std::uint64_t other = s_.p.create_tenant("tn_b");
  const std::uint64_t silent = s_.p.create_tenant("tn_c");  // no webhook
  inbound::testing::Receiver mine;
  inbound::testing::Receiver theirs;
  store::sqlite::SqliteWebhookStore webhooks(*s_.p.store);
  const std::string secret = "whsec_alert_test_0123456789";
  for (auto [t, url] : {std::pair{tenant_, mine.url()}, std::pair{other, theirs.url()}}) {
    auto tx = must(s_.p.store->begin());
    store::WebhookRecord w;
    w.tenant_id = t;
    w.url = url;
    w.secret = inbound::seal_webhook_secret(s_.tenant_keys(t)->data_key, t, secret);
    w.created_at_ms = w.updated_at_ms = clock_.now_ms();
    must(webhooks.writes(*tx)->put_webhook(w));
    must(tx->commit());
  }
  inbound::WebhookQueue queue(webhooks, clock_);
  must(queue.load());
  inbound::WebhookWorkerConfig config;
  config.client.private_hosts = inbound::PrivateHosts::allow;
  config.poll = 50ms;
  inbound::WebhookWorker worker({*s_.p.store, webhooks, *s_.inbound, *s_.p.keys, clock_}, config);
  worker.set_alert_store(security_.get());
  queue.on_queued([&worker] { worker.wake(); });
  alerts_->set_webhooks(&webhooks, &queue);
  must(worker.start());

  const auto mine_id = must(alerts_->raise(tenant_, "export.many_subjects", "warning", R"({"exports":20})"));
  must(alerts_->raise(silent, "export.many_subjects", "warning", R"({"exports":21})"));
  const auto platform_id = must(alerts_->raise(0, "keys.master_rotated", "info", R"({"tenant_keys":3})"));
  ASSERT_TRUE(mine.wait_for(2));
  ASSERT_TRUE(theirs.wait_for(1));
  ASSERT_TRUE(worker.wait_idle(10s));
  worker.stop();

  auto check = [&](const http::Request& r) {
    const std::string signature(r.header("Diskret-Signature"));
    EXPECT_EQ(inbound::verify_webhook_signature(signature, secret, r.body, clock_.now_ms() / 1000),
              inbound::SignatureCheck::valid);
    EXPECT_EQ(r.header("Diskret-Event"), "security.alert");
    return boost::json::parse(r.body).as_object();
  };
  auto got = mine.requests();
  ASSERT_EQ(got.size(), 2u);
  std::map<std::int64_t, boost::json::object> by_id;
  for (const auto& r : got) {
    auto o = check(r);
    by_id[o.at("id").as_int64()] = o;
  }
  ASSERT_TRUE(by_id.contains(static_cast<std::int64_t>(mine_id)));
  const auto& a = by_id[static_cast<std::int64_t>(mine_id)];
  EXPECT_EQ(a.at("event").as_string(), "security.alert");
  EXPECT_EQ(a.at("kind").as_string(), "export.many_subjects");
  EXPECT_EQ(a.at("severity").as_string(), "warning");
  EXPECT_EQ(a.at("scope").as_string(), "tenant");
  EXPECT_EQ(a.at("details").at("exports").as_int64(), 20);
  ASSERT_TRUE(by_id.contains(static_cast<std::int64_t>(platform_id)));
  EXPECT_EQ(by_id[static_cast<std::int64_t>(platform_id)].at("scope").as_string(), "platform");
  auto other_got = theirs.requests();
  ASSERT_EQ(other_got.size(), 1u);  // the platform's, not tenant_'s nor silent's
  EXPECT_EQ(check(other_got[0]).at("id").as_int64(), static_cast<std::int64_t>(platform_id));
  EXPECT_EQ(worker.stats().delivered, 3u);
}

}  // namespace
}  // namespace diskret::privacy
