// The pumping guard and link check on the send path, the held store and the review API,
// on a real DurablePipeline and SQLite store.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "api/rfc3339.hpp"
#include "fraud/fraud_send_policy.hpp"
#include "fraud/held_expiry.hpp"
#include "fraud/pumping_settings.hpp"
#include "fraud/held_messages_api.hpp"
#include "http/router.hpp"
#include "unit/api/in_memory_services.hpp"
#include "unit/pipeline/pipeline_fixture.hpp"

namespace diskret::fraud {
namespace {

namespace json = boost::json;
using pipeline::testing::FakeCarrier;
using pipeline::testing::PipelineFixture;

class HeldMessagesTest : public ::testing::Test {
 protected:
  HeldMessagesTest() {
    other_ = pipeline::TenantId{pf_.store.create_tenant("tn_b")};
    tenants_.add_tenant(pf_.tenant, {});
    tenants_.add_tenant(other_, {});
    tenants_.add_key("a-owner", pf_.tenant, tenancy::Role::owner);
    tenants_.add_key("a-viewer", pf_.tenant, tenancy::Role::viewer);
    tenants_.add_key("b-owner", other_, tenancy::Role::owner);
    auto h = HeldMessages::open(pf_.dir.path() / "diskret.db", *pf_.store.keys, pf_.store.clock);
    if (!h) throw std::runtime_error(h.error().message());
    held_ = std::move(*h);
    policy_ = std::make_unique<FraudSendPolicy>(
        nullptr, guard_, links_, *held_, "api",
        [this](std::uint64_t tenant, const std::string& kind, const std::string& details) {
          alerts_.push_back(std::to_string(tenant) + " " + kind + " " + details);
        },
        pf_.store.clock);
    api_ = std::make_unique<HeldMessagesApi>(*held_, *pf_.pipeline, tenants_, pf_.store.clock);
    api_->add_routes(router_);
  }

  api::Caller caller(pipeline::TenantId t) {
    api::Caller c;
    c.principal.tenant = t;
    c.principal.role = tenancy::Role::owner;
    return c;
  }

  http::Response call(std::string method, std::string path, std::string key, std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = path;
    r.path = std::move(path);
    r.headers = {{"Authorization", "Bearer " + key}};
    r.body = std::move(body);
    std::promise<http::Response> answer;
    auto result = answer.get_future();
    router_.handler()(std::move(r), [&answer](http::Response&& res) { answer.set_value(std::move(res)); });
    return result.get();
  }

  std::vector<std::string> held_ids(const std::string& key) {
    auto r = call("GET", "/v1/held-messages", key);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    if (r.status != 200) return ids;
    const json::value parsed = json::parse(r.body);
    for (const auto& v : parsed.at("data").as_array()) ids.emplace_back(v.at("id").as_string());
    return ids;
  }

  PipelineFixture pf_{FakeCarrier::Behaviour::accepts_all};
  pipeline::TenantId other_;
  api::test::InMemoryTenants tenants_;
  PumpingGuard guard_{{.prefix_digits = 6, .prefix_per_hour = 3, .unusual_per_hour = 0}, pf_.store.clock};
  LinkCheck links_;
  std::unique_ptr<HeldMessages> held_;
  std::unique_ptr<FraudSendPolicy> policy_;
  std::vector<std::string> alerts_;
  std::unique_ptr<HeldMessagesApi> api_;
  http::Router router_;
};

// Attack: an SMS pump through the API. Beyond the range's allowance recipients come back
// rejected/held_for_review, their text is not kept with the rejected message, admins are
// alerted once, and an admin can release (sent) or reject (dropped) each.
TEST_F(HeldMessagesTest, PumpIsHeldThenReleasedOrRejectedByAnAdmin) {
  std::vector<pipeline::NewMessage> batch;
  for (int i = 0; i < 6; ++i) batch.push_back(pipeline::testing::message(pipeline::testing::number(i), "Code 1234"));
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), batch));
  int sent = 0, held = 0;
  for (const auto& m : batch) {
    if (!m.rejected) {
      ++sent;
      continue;
    }
    ++held;
    EXPECT_EQ(m.rejected->code, "held_for_review");
    EXPECT_NE(m.rejected->detail.find("hm_"), std::string::npos);
    EXPECT_TRUE(m.text.empty()) << "the held text must not be stored with the rejected message";
  }
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(held, 3);
  ASSERT_EQ(alerts_.size(), 1u) << "one alert per tenant, reason and range per hour";
  EXPECT_NE(alerts_[0].find("fraud.messages_held"), std::string::npos);
  EXPECT_NE(alerts_[0].find("+491510"), std::string::npos);

  auto ids = held_ids("a-owner");
  ASSERT_EQ(ids.size(), 3u);
  auto listed = json::parse(call("GET", "/v1/held-messages", "a-owner").body).at("data").at(0);
  EXPECT_EQ(listed.at("text").as_string(), "Code 1234");
  EXPECT_EQ(listed.at("reason").as_string(), "prefix_velocity");

  auto released = call("POST", "/v1/held-messages/" + ids[0] + "/release", "a-owner");
  ASSERT_EQ(released.status, 202) << released.body;
  auto message_id = pipeline::parse_message_id(json::parse(released.body).at("message_id").as_string());
  ASSERT_TRUE(message_id);
  auto view = pf_.pipeline->get(pf_.tenant, *message_id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->to, pipeline::testing::number(3));
  EXPECT_EQ(call("POST", "/v1/held-messages/" + ids[0] + "/release", "a-owner").status, 404)
      << "released once only";

  EXPECT_EQ(call("POST", "/v1/held-messages/" + ids[1] + "/reject", "a-owner").status, 200);
  EXPECT_EQ(held_ids("a-owner").size(), 1u);
}

// Attack (BOLA, roles): another tenant cannot see, release or reject A's held messages,
// and a viewer of A cannot either.
TEST_F(HeldMessagesTest, OtherTenantsAndViewersCannotTouchHeldMessages) {
  std::vector<pipeline::NewMessage> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(pipeline::testing::message(pipeline::testing::number(i)));
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), batch));
  auto ids = held_ids("a-owner");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_TRUE(held_ids("b-owner").empty());
  EXPECT_EQ(call("POST", "/v1/held-messages/" + ids[0] + "/release", "b-owner").status, 404);
  EXPECT_EQ(call("POST", "/v1/held-messages/" + ids[0] + "/reject", "b-owner").status, 404);
  EXPECT_EQ(call("GET", "/v1/held-messages", "a-viewer").status, 403);
  EXPECT_EQ(call("POST", "/v1/held-messages/" + ids[0] + "/release", "a-viewer").status, 403);
  EXPECT_EQ(call("GET", "/v1/held-messages", "nobody").status, 401);
  for (std::string bad : {"hm_0", "hm_", "1", "hm_1x", "hm_99999999999999999999", "../hm_1"}) {
    EXPECT_EQ(call("POST", "/v1/held-messages/" + bad + "/reject", "a-owner").status, 404) << bad;
  }
  EXPECT_EQ(held_ids("a-owner").size(), 1u) << "nothing of A changed";
}

// Attack: a phishing text from a tenant with the link check on is held; with it off (the
// default) the same text goes out. Settings refuse unknown fields (mass assignment).
TEST_F(HeldMessagesTest, LinkCheckHoldsShortenedLinksWhenSwitchedOn) {
  auto text = [](std::string t) {
    std::vector<pipeline::NewMessage> b{pipeline::testing::message("+4917012345678", std::move(t))};
    return b;
  };
  auto off = text("Paket: https://bit.ly/x");
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), off));
  EXPECT_FALSE(off[0].rejected);

  EXPECT_EQ(call("PUT", "/v1/abuse-settings", "a-viewer", R"({"link_check": true})").status, 403);
  EXPECT_EQ(call("PUT", "/v1/abuse-settings", "a-owner", R"({"link_check": true, "tenant_id": 2})").status, 422);
  EXPECT_EQ(call("PUT", "/v1/abuse-settings", "a-owner", R"({"link_check": "yes"})").status, 422);
  ASSERT_EQ(call("PUT", "/v1/abuse-settings", "a-owner", R"({"link_check": true})").status, 200);
  EXPECT_EQ(call("GET", "/v1/abuse-settings", "a-viewer").body, R"({"link_check":true})");
  EXPECT_EQ(call("GET", "/v1/abuse-settings", "b-owner").body, R"({"link_check":false})");

  auto on = text("Paket: https://bit.ly/x");
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), on));
  ASSERT_TRUE(on[0].rejected);
  EXPECT_NE(on[0].rejected->detail.find("url_shortener:bit.ly"), std::string::npos);
  auto plain = text("Ihre Bestellung ist unterwegs: https://shop.example/o/1");
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), plain));
  EXPECT_FALSE(plain[0].rejected);
  auto other = text("Paket: https://bit.ly/x");
  ASSERT_TRUE(policy_->screen(caller(other_), other));
  EXPECT_FALSE(other[0].rejected) << "tenant B did not switch the check on";
}

TEST_F(HeldMessagesTest, HeldTextIsSealedAtRest) {
  std::vector<pipeline::NewMessage> batch;
  for (int i = 0; i < 4; ++i) {
    batch.push_back(pipeline::testing::message(pipeline::testing::number(i), "SECRET-TEXT-4711"));
  }
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), batch));
  held_.reset();
  const std::string db = store::testing::read_file(pf_.dir.path() / "diskret.db") +
                         store::testing::read_file(pf_.dir.path() / "diskret.db-wal");
  EXPECT_EQ(db.find("SECRET-TEXT-4711"), std::string::npos);
  EXPECT_EQ(db.find(pipeline::testing::number(3)), std::string::npos);
}

// A hold nobody decides on is rejected by the platform after the expiry (controlled clock):
// not before, each tenant's holds alike, audited one by one, and it can no longer be
// released. Before the job ran, an expired hold already answers 404.
TEST_F(HeldMessagesTest, UndecidedHoldsExpireAndCannotBeReleasedAfterwards) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  auto hold = [this](pipeline::TenantId t, int n) {
    std::vector<pipeline::NewMessage> batch;
    for (int i = 0; i < 3 + n; ++i) batch.push_back(pipeline::testing::message(pipeline::testing::number(i)));
    ASSERT_TRUE(policy_->screen(caller(t), batch));
  };
  std::vector<ExpiredHold> expired;
  HeldExpiry job(*held_, hours{72}, [&expired](const ExpiredHold& h) { expired.push_back(h); },
                 pf_.store.clock, /*batch=*/2);
  api_->set_expiry(hours{72});
  hold(pf_.tenant, 3);  // held at t0
  hold(other_, 1);
  auto first = held_ids("a-owner");
  ASSERT_EQ(first.size(), 3u);
  auto listed = json::parse(call("GET", "/v1/held-messages", "a-owner").body).at("data").at(0);
  EXPECT_EQ(api::parse_rfc3339(std::string(listed.at("expires_at").as_string())).value() -
                api::parse_rfc3339(std::string(listed.at("held_at").as_string())).value(),
            hours{72});

  pf_.store.clock.advance(hours{71});
  ASSERT_EQ(job.run_once().value(), 0u) << "nothing is due before the expiry";
  hold(pf_.tenant, 1);  // held at t0 + 71 h (the guard's hour has passed)
  ASSERT_EQ(held_ids("a-owner").size(), 4u);

  pf_.store.clock.advance(hours{1});
  EXPECT_EQ(call("POST", "/v1/held-messages/" + first[0] + "/release", "a-owner").status, 404)
      << "expired at t0 + 72 h even before the job ran";
  ASSERT_EQ(job.run_once().value(), 4u) << "A's three and B's one, in batches of two";
  ASSERT_EQ(expired.size(), 4u);
  std::size_t of_a = 0;
  for (const auto& h : expired) {
    if (h.tenant == pf_.tenant.value) ++of_a;
    EXPECT_EQ(h.reason, "prefix_velocity");
    EXPECT_EQ(h.range, "+491510");
    EXPECT_EQ(h.source, "api");
  }
  EXPECT_EQ(of_a, 3u);
  EXPECT_EQ("hm_" + std::to_string(expired.front().id), first[0]);
  EXPECT_EQ(held_ids("a-owner").size(), 1u) << "the later hold waits on";
  EXPECT_TRUE(held_ids("b-owner").empty());
  for (const auto& id : first) {
    EXPECT_EQ(call("POST", "/v1/held-messages/" + id + "/release", "a-owner").status, 404);
    EXPECT_EQ(call("POST", "/v1/held-messages/" + id + "/reject", "a-owner").status, 404);
  }
  ASSERT_EQ(job.run_once().value(), 0u);
  pf_.store.clock.advance(hours{71});
  ASSERT_EQ(job.run_once().value(), 1u);
  EXPECT_TRUE(held_ids("a-owner").empty());
}

// The job's own thread runs a pass at once and stops promptly.
TEST_F(HeldMessagesTest, ExpiryJobRunsOnItsThreadAndStops) {
  std::vector<pipeline::NewMessage> batch;
  for (int i = 0; i < 4; ++i) batch.push_back(pipeline::testing::message(pipeline::testing::number(i)));
  ASSERT_TRUE(policy_->screen(caller(pf_.tenant), batch));
  pf_.store.clock.advance(std::chrono::hours{73});
  std::promise<std::uint64_t> seen;
  HeldExpiry job(*held_, std::chrono::hours{72},
                 [&seen](const ExpiredHold& h) { seen.set_value(h.tenant); }, pf_.store.clock);
  job.start(std::chrono::hours{1});
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds{10}), std::future_status::ready);
  EXPECT_EQ(f.get(), pf_.tenant.value);
  job.stop();
  EXPECT_TRUE(held_ids("a-owner").empty());
}

// Per-tenant allowances override the platform's (guard_: 3 per range) for that tenant
// only, within the operator's bounds; 0 per range (no limit) is not the tenant's to set.
TEST_F(HeldMessagesTest, TenantPumpingLimitsOverrideThePlatformWithinBounds) {
  std::vector<std::string> audited;
  PumpingSettings settings(*held_, {.prefix_default = 3, .unusual_default = 0, .prefix_max = 10,
                                    .unusual_max = 2},
                           [&audited](std::uint64_t tenant, std::string actor, std::string action,
                                      std::string, std::string details) {
                             audited.push_back(std::to_string(tenant) + " " + actor + " " + action +
                                               " " + details);
                           });
  auto errors_of = [&settings](std::string body) {
    std::vector<http::FieldError> errors;
    settings.validate(json::parse(body).as_object(), errors);
    return errors.size();
  };
  EXPECT_EQ(errors_of(R"({"pumping_prefix_per_hour": 0})"), 1u) << "no limit is the operator's";
  EXPECT_EQ(errors_of(R"({"pumping_prefix_per_hour": 11})"), 1u);
  EXPECT_EQ(errors_of(R"({"pumping_prefix_per_hour": "5"})"), 1u);
  EXPECT_EQ(errors_of(R"({"pumping_unusual_per_hour": 3})"), 1u);
  EXPECT_EQ(errors_of(R"({"pumping_unusual_per_hour": -1})"), 1u);
  EXPECT_EQ(errors_of(R"({"pumping_prefix_per_hour": null, "pumping_unusual_per_hour": 2})"), 0u);
  EXPECT_TRUE(settings.owns("pumping_prefix_per_hour"));
  EXPECT_FALSE(settings.owns("pumping_limits")) << "read-only";

  ASSERT_TRUE(settings.save(pf_.tenant.value, json::parse(R"({"pumping_prefix_per_hour": 5})").as_object(),
                            "key:1"));
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_NE(audited[0].find("tenant.pumping_limits_changed"), std::string::npos);
  EXPECT_NE(audited[0].find(R"("prefix_per_hour":5)"), std::string::npos) << audited[0];
  json::object shown;
  ASSERT_TRUE(settings.show(pf_.tenant.value, shown));
  EXPECT_EQ(shown.at("pumping_prefix_per_hour").as_int64(), 5);
  EXPECT_TRUE(shown.at("pumping_unusual_per_hour").is_null());
  EXPECT_EQ(shown.at("pumping_limits").at("prefix_per_hour").as_int64(), 5);
  EXPECT_EQ(shown.at("pumping_limits").at("prefix_per_hour_max").as_int64(), 10);

  auto burst = [this](pipeline::TenantId t) {
    std::vector<pipeline::NewMessage> batch;
    for (int i = 0; i < 8; ++i) batch.push_back(pipeline::testing::message(pipeline::testing::number(i)));
    EXPECT_TRUE(policy_->screen(caller(t), batch));
    return std::count_if(batch.begin(), batch.end(), [](const auto& m) { return !m.rejected; });
  };
  EXPECT_EQ(burst(pf_.tenant), 5) << "A's own allowance";
  EXPECT_EQ(burst(other_), 3) << "B keeps the platform's";

  // Kept across a restart (the table), and back to the default with null.
  auto reopened = HeldMessages::open(pf_.dir.path() / "diskret.db", *pf_.store.keys, pf_.store.clock);
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->settings(pf_.tenant.value)->prefix_per_hour, 5u);
  ASSERT_TRUE(settings.save(pf_.tenant.value, json::parse(R"({"pumping_prefix_per_hour": null})").as_object(),
                            "key:1"));
  EXPECT_FALSE(held_->settings(pf_.tenant.value)->prefix_per_hour);
  EXPECT_EQ(audited.size(), 2u);
  ASSERT_TRUE(settings.save(pf_.tenant.value, json::parse(R"({"pumping_prefix_per_hour": null})").as_object(),
                            "key:1"));
  EXPECT_EQ(audited.size(), 2u) << "no change, no entry";
}

}  // namespace
}  // namespace diskret::fraud
