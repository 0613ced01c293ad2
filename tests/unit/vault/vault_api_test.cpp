#include "vault/vault_api.hpp"

#include <regex>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "vault/schema.hpp"
#include "vault/test_acquirer.hpp"
#include "vault_client/signing.hpp"

namespace diskret::vault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::counting_key;

constexpr std::string_view kPortal = "https://portal.example.com";
constexpr std::int64_t kNow = 1'700'000'000;

std::string_view header(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

class VaultApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.path() / "vault.db");
    ASSERT_TRUE(opened);
    db_ = std::make_unique<Database>(std::move(*opened));
    ASSERT_TRUE(migrate(*db_));
    keys_ = std::make_unique<DataKeys>(*db_, clock_);
    ASSERT_TRUE(keys_->load(crypto::SecretKey::generate()));
    service_ = std::make_unique<VaultService>(*db_, *keys_, acquirer_, clock_);
    api_ = std::make_unique<VaultApi>(*service_, auth_, clock_,
                                      VaultApiOptions{std::string(kPortal), 60, 5});
  }

  std::string owner_query(std::string_view owner = "t1", std::int64_t ttl = 600) {
    const auto expires = kNow + ttl;
    return "owner=" + std::string(owner) + "&expires=" + std::to_string(expires) +
           "&sig=" + vault_client::owner_signature(counting_key(), owner, expires);
  }

  static http::Request request(std::string method, std::string path, std::string query = {},
                               std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.query = std::move(query);
    r.target = r.path + (r.query.empty() ? "" : "?" + r.query);
    r.body = std::move(body);
    r.remote_ip = "192.0.2.7";
    return r;
  }

  http::Request card_post(std::string body, std::string query = {}) {
    return request("POST", "/v1/cards", query.empty() ? owner_query() : query, std::move(body));
  }

  static std::string card_body(std::string_view number, std::string_view extra = "") {
    return R"({"number":")" + std::string(number) +
           R"(","exp_month":12,"exp_year":2030,"cvc":"123","holder":"Erika Mustermann")" +
           std::string(extra) + "}";
  }

  http::Request service_call(std::string method, std::string path, std::string query = {},
                             std::string body = {}, std::int64_t at = kNow) {
    auto r = request(std::move(method), std::move(path), std::move(query), std::move(body));
    auto h = vault_client::sign_request(counting_key(), r.method, r.target, r.body, at);
    r.headers = {{std::string(vault_client::kTimestampHeader), h.timestamp},
                 {std::string(vault_client::kNonceHeader), h.nonce},
                 {std::string(vault_client::kSignatureHeader), h.signature}};
    return r;
  }

  std::string stored_token(std::string_view number = kTestCardApproves) {
    auto req = card_post(card_body(number));
    auto res = api_->store_card(req);
    EXPECT_EQ(res.status, 201) << res.body;
    return std::string(json::parse(res.body).at("token").as_string());
  }

  std::vector<std::string> audit_events() {
    std::vector<std::string> out;
    auto entries = service_->audit().entries();
    EXPECT_TRUE(entries);
    for (const auto& e : *entries) out.push_back(e.event);
    return out;
  }

  test::TempDir dir_;
  FakeClock clock_;
  TestAcquirer acquirer_;
  ServiceAuth auth_{counting_key(), clock_};
  std::unique_ptr<Database> db_;
  std::unique_ptr<DataKeys> keys_;
  std::unique_ptr<VaultService> service_;
  std::unique_ptr<VaultApi> api_;
};

TEST_F(VaultApiTest, FormIsFramableOnlyByThePortalAndHasNoInlineScript) {
  auto res = api_->form(request("GET", "/form", owner_query()));
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/html; charset=utf-8");
  const auto csp = header(res, "Content-Security-Policy");
  EXPECT_NE(csp.find("frame-ancestors https://portal.example.com"), std::string_view::npos);
  EXPECT_NE(csp.find("default-src 'self'"), std::string_view::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string_view::npos);
  EXPECT_NE(res.body.find(R"(<script src="/form.js" defer></script>)"), std::string::npos);
  EXPECT_EQ(res.body.find("<script>"), std::string::npos);
  EXPECT_FALSE(std::regex_search(res.body, std::regex(R"(\son[a-z]+\s*=)")));  // no onclick=
  EXPECT_NE(res.body.find(R"(data-portal-origin="https://portal.example.com")"), std::string::npos);
  auto escaped = std::regex_replace("/v1/cards?" + owner_query(), std::regex("&"), "&amp;");
  EXPECT_NE(res.body.find("data-endpoint=\"" + escaped + "\""), std::string::npos);
}

TEST_F(VaultApiTest, FormRefusesAForgedOrExpiredLink) {
  auto forged = api_->form(request("GET", "/form", "owner=t2&" + owner_query().substr(9)));
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(header(forged, "Content-Security-Policy").find("frame-ancestors"), std::string_view::npos);
  clock_.advance(601s);
  EXPECT_EQ(api_->form(request("GET", "/form", owner_query())).status, 403);
}

TEST_F(VaultApiTest, FormScriptPostsTheTokenToThePortalOriginOnly) {
  auto js = api_->form_script(request("GET", "/form.js"));
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("window.parent.postMessage({ type: messageType, card: r.json }, portalOrigin)"),
            std::string::npos);
  EXPECT_EQ(js.body.find("\"*\""), std::string::npos);
  EXPECT_EQ(api_->form_style(request("GET", "/form.css")).content_type, "text/css; charset=utf-8");
}

TEST_F(VaultApiTest, StoresACardAnswersTheContractAndWipesTheBody) {
  auto req = card_post(card_body("4242 4242 4242 4242"));
  auto res = api_->store_card(req);
  ASSERT_EQ(res.status, 201) << res.body;
  auto body = json::parse(res.body).as_object();
  EXPECT_EQ(body.size(), 5u);
  EXPECT_EQ(body.at("brand"), "visa");
  EXPECT_EQ(body.at("last4"), "4242");
  EXPECT_EQ(body.at("exp_month"), 12);
  EXPECT_EQ(body.at("exp_year"), 2030);
  EXPECT_EQ(std::string(body.at("token").as_string()).rfind("tok_", 0), 0u);
  EXPECT_EQ(res.body.find("424242424242"), std::string::npos);
  EXPECT_EQ(req.body.find_first_not_of('\0'), std::string::npos);  // wiped
}

TEST_F(VaultApiTest, FieldErrorsAre422ProblemJson) {
  auto req = card_post(R"({"number":"4242424242424241","exp_month":"13","exp_year":2030,"cvc":"12","holder":"A"})");
  auto res = api_->store_card(req);
  ASSERT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto errors = json::parse(res.body).at("errors").as_array();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].at("field"), "number");
  EXPECT_EQ(errors[1].at("field"), "exp_month");
  EXPECT_EQ(errors[2].at("field"), "cvc");
  EXPECT_EQ(res.body.find("4242424242424241"), std::string::npos);
}

TEST_F(VaultApiTest, AcceptsMonthsAsDigitStringsAndRejectsWrongTypes) {
  auto ok = card_post(R"({"number":"4242424242424242","exp_month":"09","exp_year":"2030","cvc":"123","holder":"A"})");
  EXPECT_EQ(api_->store_card(ok).status, 201);
  auto typed = card_post(R"({"number":4242424242424242,"exp_month":[],"exp_year":2030,"cvc":"123","holder":"A","pin":"1"})");
  auto res = api_->store_card(typed);
  ASSERT_EQ(res.status, 422);
  auto errors = json::parse(res.body).at("errors").as_array();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].at("field"), "pin");
  EXPECT_EQ(errors[1].at("field"), "number");
  EXPECT_EQ(errors[1].at("reason"), "must be a string");
  EXPECT_EQ(errors[2].at("field"), "exp_month");
  auto malformed = card_post("{\"number\":");
  EXPECT_EQ(api_->store_card(malformed).status, 400);
  auto array = card_post("[]");
  EXPECT_EQ(api_->store_card(array).status, 400);
  auto huge = card_post(std::string(kMaxCardBody + 1, ' '));
  EXPECT_EQ(api_->store_card(huge).status, 413);
}

TEST_F(VaultApiTest, CardCheckDeclineIs402NamingTheCvc) {
  auto req = card_post(card_body(kTestCardIncorrectCvc));
  auto res = api_->store_card(req);
  ASSERT_EQ(res.status, 402);
  auto body = json::parse(res.body);
  EXPECT_EQ(body.at("errors").as_array()[0].at("field"), "cvc");
}

TEST_F(VaultApiTest, CardEndpointNeedsASignedOwner) {
  auto req = card_post(card_body(kTestCardApproves), "owner=t1&expires=1700000600&sig=" + std::string(64, 'a'));
  auto res = api_->store_card(req);
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(audit_events(), std::vector<std::string>{"card.form_link_refused"});
  EXPECT_TRUE(service_->list_cards("t1")->empty());
}

TEST_F(VaultApiTest, CardEndpointIsRateLimitedPerAddress) {
  for (int i = 0; i < 5; ++i) {
    auto req = card_post(card_body("4242424242424241"));
    EXPECT_EQ(api_->store_card(req).status, 422);
  }
  auto req = card_post(card_body(kTestCardApproves));
  auto limited = api_->store_card(req);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(header(limited, "Retry-After"), "1");
  auto other = card_post(card_body(kTestCardApproves));
  other.remote_ip = "192.0.2.8";
  EXPECT_EQ(api_->store_card(other).status, 201);
  clock_.advance(1s);
  auto later = card_post(card_body(kTestCardApproves));
  EXPECT_EQ(api_->store_card(later).status, 201);
}

TEST_F(VaultApiTest, CorsOnlyForThePortalOrigin) {
  auto from_portal = card_post(card_body(kTestCardApproves));
  from_portal.headers.emplace_back("Origin", std::string(kPortal));
  auto res = api_->store_card(from_portal);
  EXPECT_EQ(header(res, "Access-Control-Allow-Origin"), kPortal);
  auto from_elsewhere = card_post(card_body(kTestCardApproves));
  from_elsewhere.headers.emplace_back("Origin", "https://evil.example");
  EXPECT_EQ(header(api_->store_card(from_elsewhere), "Access-Control-Allow-Origin"), "");

  auto preflight = request("OPTIONS", "/v1/cards");
  preflight.headers.emplace_back("Origin", std::string(kPortal));
  auto pre = api_->cards_preflight(preflight);
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(header(pre, "Access-Control-Allow-Methods"), "POST");
  auto evil = request("OPTIONS", "/v1/cards");
  evil.headers.emplace_back("Origin", "https://evil.example");
  EXPECT_TRUE(api_->cards_preflight(evil).headers.empty());
}

TEST_F(VaultApiTest, ServiceCallsNeedAValidSignatureAndEveryRefusalIsAudited) {
  auto unsigned_call = request("GET", "/v1/service/cards", "owner=t1");
  EXPECT_EQ(api_->list_cards(unsigned_call).status, 401);
  auto stale = service_call("GET", "/v1/service/cards", "owner=t1", "", kNow - 400);
  EXPECT_EQ(api_->list_cards(stale).status, 401);
  auto good = service_call("GET", "/v1/service/cards", "owner=t1");
  EXPECT_EQ(api_->list_cards(good).status, 200);
  EXPECT_EQ(api_->list_cards(good).status, 401);  // replay
  EXPECT_EQ(audit_events(), (std::vector<std::string>{"service.auth_failed", "service.stale_refused",
                                                      "service.replay_refused"}));
}

TEST_F(VaultApiTest, ListsChargesAndDeletesThroughServiceCalls) {
  const auto token = stored_token();
  auto list = api_->list_cards(service_call("GET", "/v1/service/cards", "owner=t1"));
  ASSERT_EQ(list.status, 200);
  auto cards = json::parse(list.body).at("cards").as_array();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].at("token").as_string(), token);
  EXPECT_EQ(cards[0].as_object().size(), 5u);

  auto body = [&](std::string key, int amount) {
    return R"({"owner":"t1","token":")" + token + R"(","amount_cents":)" + std::to_string(amount) +
           R"(,"currency":"EUR","idempotency_key":")" + key + "\"}";
  };
  auto first = api_->charge(service_call("POST", "/v1/service/charges", "", body("k1", 500)));
  ASSERT_EQ(first.status, 201) << first.body;
  auto outcome = json::parse(first.body);
  EXPECT_EQ(outcome.at("status"), "approved");
  EXPECT_TRUE(outcome.at("reason").is_null());
  auto again = api_->charge(service_call("POST", "/v1/service/charges", "", body("k1", 500)));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(header(again, "Idempotent-Replayed"), "true");
  EXPECT_EQ(json::parse(again.body).at("charge_id"), outcome.at("charge_id"));
  EXPECT_EQ(api_->charge(service_call("POST", "/v1/service/charges", "", body("k1", 600))).status, 409);
  EXPECT_EQ(api_->charge(service_call("POST", "/v1/service/charges", "", body("k2", 0))).status, 422);
  EXPECT_EQ(api_->charge(service_call("POST", "/v1/service/charges", "", "{")).status, 400);
  EXPECT_EQ(acquirer_.charges_made(), 1u);

  auto del = api_->delete_card(
      [&] {
        auto r = service_call("DELETE", "/v1/service/cards/" + token, "owner=t1");
        r.params = {{"token", token}};
        return r;
      }());
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(api_->charge(service_call("POST", "/v1/service/charges", "", body("k3", 500))).status, 404);
}

TEST_F(VaultApiTest, RoutesDispatchToTheHandlers) {
  http::Router router;
  api_->add_routes(router, nullptr);
  int status = 0;
  router.dispatch(request("GET", "/healthz"), [&](http::Response&& r) { status = r.status; });
  EXPECT_EQ(status, 200);
  router.dispatch(request("PUT", "/v1/cards"), [&](http::Response&& r) { status = r.status; });
  EXPECT_EQ(status, 405);
  router.dispatch(request("GET", "/form", owner_query()), [&](http::Response&& r) { status = r.status; });
  EXPECT_EQ(status, 200);
}

}  // namespace
}  // namespace diskret::vault
