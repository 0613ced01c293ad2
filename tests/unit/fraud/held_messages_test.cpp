// The pumping guard and link check on the send path, the held store and the review API,
// on a real DurablePipeline and SQLite store.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "fraud/fraud_send_policy.hpp"
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

}  // namespace
}  // namespace diskret::fraud
