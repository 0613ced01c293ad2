// The /v1 handlers through the Router, with in-memory services (no sockets).
#include "api/api.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "unit/api/in_memory_services.hpp"
#include "http/router.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using pipeline::TenantId;

constexpr TenantId kAcme{1};
constexpr TenantId kOther{2};

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    tenants_.add_tenant(kAcme, {});
    tenants_.add_tenant(kOther, {});
    tenants_.add_key("key-acme", kAcme, tenancy::Role::sender);
    tenants_.add_key("key-viewer", kAcme, tenancy::Role::viewer);
    tenants_.add_key("key-other", kOther, tenancy::Role::owner);
    api_.add_routes(router_);
  }

  http::Response call(std::string method, std::string target, std::string body = {},
                      http::Headers headers = {{"Authorization", "Bearer key-acme"}}) {
    http::Request r;
    r.method = std::move(method);
    r.target = target;
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.headers = std::move(headers);
    r.body = std::move(body);
    // Large bodies are answered from the API's worker thread: wait for the answer.
    auto promise = std::make_shared<std::promise<http::Response>>();
    auto answered = promise->get_future();
    router_.handler(&api_.http_metrics())(std::move(r), [promise, this](http::Response&& res) {
      last_answer_thread_ = std::this_thread::get_id();
      promise->set_value(std::move(res));
    });
    if (answered.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no response";
      return {};
    }
    return answered.get();
  }
  http::Response send(std::string body, http::Headers headers = {{"Authorization", "Bearer key-acme"}}) {
    return call("POST", "/v1/messages", std::move(body), std::move(headers));
  }
  static json::object parse(const http::Response& r) { return json::parse(r.body).as_object(); }

  /// Field names of a problem's errors[].
  static std::vector<std::string> error_fields(const http::Response& r) {
    std::vector<std::string> out;
    auto o = parse(r);
    if (!o.contains("errors")) return out;
    for (const auto& e : o.at("errors").as_array()) out.emplace_back(e.at("field").as_string());
    return out;
  }
  static void expect_problem(const http::Response& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto o = parse(r);
    EXPECT_EQ(o.at("status").as_int64(), status);
    EXPECT_EQ(std::string(o.at("type").as_string()).rfind("https://diskret.dev/problems/", 0), 0u);
    EXPECT_FALSE(o.at("title").as_string().empty());
    EXPECT_FALSE(o.at("detail").as_string().empty());
  }

  FakeClock clock_;
  test::InMemoryPipeline pipeline_;
  test::InMemoryTenants tenants_;
  Api api_{pipeline_, tenants_, clock_, ApiOptions{}, [] {
             return std::vector<LinkGauge>{{"carrier-a", 0, true, 3}, {"carrier-a", 1, false, 0}};
           }};
  http::Router router_;
  std::thread::id last_answer_thread_;
};

constexpr const char* kHello = R"({"to":"0151 23456789","text":"Hallo","from":"Diskret"})";

TEST_F(ApiTest, SendAnswers202WithIdsAfterCommit) {
  auto r = send(kHello);
  ASSERT_EQ(r.status, 202) << r.body;
  auto messages = parse(r).at("messages").as_array();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0].as_object();
  EXPECT_EQ(m.at("id").as_string().size(), 16u);
  EXPECT_EQ(m.at("to").as_string(), "+4915123456789");
  EXPECT_EQ(m.at("status").as_string(), "accepted");
  EXPECT_EQ(m.at("segments").as_int64(), 1);
  EXPECT_EQ(m.at("encoding").as_string(), "gsm7");
  EXPECT_FALSE(m.contains("error"));
  ASSERT_EQ(pipeline_.stored.size(), 1u);
  EXPECT_EQ(pipeline_.stored[0].tenant, kAcme);
  EXPECT_EQ(pipeline_.stored[0].message.text, "Hallo");
  EXPECT_EQ(pipeline_.stored[0].message.from, "Diskret");
}

TEST_F(ApiTest, MissingKeyIs401WithBareChallenge) {
  auto r = send(kHello, {});
  expect_problem(r, 401);
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(r.headers[0].second, "Bearer realm=\"diskret\"");
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, UnknownRevokedOrNonBearerKeyIs401InvalidToken) {
  tenants_.revoke("key-other");
  for (const char* header : {"Bearer nope", "Bearer key-other", "Basic a2V5LWFjbWU="}) {
    auto r = send(kHello, {{"Authorization", header}});
    expect_problem(r, 401);
    EXPECT_NE(r.headers.at(0).second.find("invalid_token"), std::string::npos) << header;
  }
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, ViewerKeyMayReadButNotSend) {
  expect_problem(send(kHello, {{"Authorization", "Bearer key-viewer"}}), 403);
  EXPECT_EQ(call("GET", "/v1/messages", {}, {{"Authorization", "Bearer key-viewer"}}).status, 200);
}

TEST_F(ApiTest, MalformedJsonIs400AndStoresNothing) {
  for (const char* body : {"{", "", "[1,2]", "\"text\"", "{\"to\":\"x\",}"}) {
    expect_problem(send(body), 400);
  }
  EXPECT_TRUE(pipeline_.stored.empty());
  EXPECT_EQ(pipeline_.preassign(0).size(), 0u);
}

TEST_F(ApiTest, UnknownFieldsAreNamed) {
  auto r = send(R"({"to":"0151 23456789","text":"Hi","from":"Diskret","colour":"red","tto":1})");
  expect_problem(r, 422);
  auto fields = error_fields(r);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "colour"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "tto"), fields.end());
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, WrongTypesAreNamedAllAtOnce) {
  auto r = send(R"({"to":5,"text":1,"from":true,"category":"spam","valid_for":"1h","send_at":"tomorrow"})");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r),
            (std::vector<std::string>{"to", "text", "from", "category", "send_at", "valid_for"}));
}

TEST_F(ApiTest, MissingRequiredFieldsAreNamed) {
  auto r = send("{}");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), (std::vector<std::string>{"to", "text", "from"}));
}

TEST_F(ApiTest, EmptyTextIs422) {
  auto r = send(R"({"to":"0151 23456789","text":"","from":"Diskret"})");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), std::vector<std::string>{"text"});
}

TEST_F(ApiTest, TextOverTheTenantSegmentLimitIs422) {
  tenants_.settings(kAcme).max_segments = 2;
  std::string text(400, 'a');  // 3 GSM segments
  auto r = send(R"({"to":"0151 23456789","from":"Diskret","text":")" + text + "\"}");
  expect_problem(r, 422);
  EXPECT_NE(r.body.find("the limit is 2"), std::string::npos) << r.body;
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, MoreThan10000RecipientsIs422) {
  std::string to = "[";
  for (int i = 0; i <= 10'000; ++i) to += std::string(i ? "," : "") + "\"+4915123456789\"";
  to += "]";
  auto r = send(R"({"text":"Hi","from":"Diskret","to":)" + to + "}");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), std::vector<std::string>{"to"});
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, LargeBatchesAreHandledOffTheCallingThread) {
  std::string to = "[";
  for (int i = 0; i < 1000; ++i) to += std::string(i ? "," : "") + "\"+49151234" + std::to_string(56789 - i) + "\"";
  auto r = send(R"({"text":"Hi","from":"Diskret","to":)" + to + "]}");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(last_answer_thread_, std::this_thread::get_id());
  EXPECT_EQ(pipeline_.stored.size(), 1000u);
  // Small requests stay on the calling (I/O) thread.
  ASSERT_EQ(send(kHello).status, 202);
  EXPECT_EQ(last_answer_thread_, std::this_thread::get_id());
}

TEST_F(ApiTest, EmptyRecipientListAndNonStringRecipientsAre422) {
  expect_problem(send(R"({"to":[],"text":"Hi","from":"Diskret"})"), 422);
  auto r = send(R"({"to":["0151 23456789", 17],"text":"Hi","from":"Diskret"})");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), std::vector<std::string>{"to[1]"});
}

TEST_F(ApiTest, BadSenderIdIs422WithReason) {
  auto r = send(R"({"to":"0151 23456789","text":"Hi","from":"ThisSenderIsTooLong"})");
  expect_problem(r, 422);
  EXPECT_EQ(error_fields(r), std::vector<std::string>{"from"});
  auto reason = parse(r).at("errors").as_array()[0].at("reason").as_string();
  EXPECT_FALSE(reason.empty());
}

TEST_F(ApiTest, InvalidNumbersAndCountriesAreRejectedPerRecipient) {
  auto r = send(R"({"to":["0151 23456789","12","+44 7400 123456","+4915123456780"],"text":"Hi","from":"Diskret"})");
  ASSERT_EQ(r.status, 202) << r.body;
  auto m = parse(r).at("messages").as_array();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].at("status").as_string(), "accepted");
  EXPECT_EQ(m[1].at("status").as_string(), "rejected");
  EXPECT_EQ(m[1].at("to").as_string(), "12");
  EXPECT_EQ(m[1].at("error").at("code").as_string(), "invalid_number");
  EXPECT_FALSE(m[1].at("error").at("detail").as_string().empty());
  EXPECT_EQ(m[2].at("status").as_string(), "rejected");
  EXPECT_EQ(m[2].at("to").as_string(), "+447400123456");
  EXPECT_EQ(m[2].at("error").at("code").as_string(), "country_not_allowed");
  EXPECT_EQ(m[3].at("status").as_string(), "accepted");
  // Every recipient is stored (rejected ones as rejected), in order, with its own id.
  ASSERT_EQ(pipeline_.stored.size(), 4u);
  EXPECT_FALSE(pipeline_.stored[0].message.rejected);
  EXPECT_TRUE(pipeline_.stored[1].message.rejected);
  EXPECT_FALSE(pipeline_.stored[3].message.rejected);
  EXPECT_NE(m[0].at("id"), m[3].at("id"));
}

TEST_F(ApiTest, AllowedCountriesWidenTheDefault) {
  tenants_.settings(kAcme).allowed_countries = {"DE", "GB"};
  auto r = send(R"({"to":["+44 7400 123456"],"text":"Hi","from":"Diskret"})");
  EXPECT_EQ(parse(r).at("messages").as_array()[0].at("status").as_string(), "accepted");
}

TEST_F(ApiTest, DuplicateRecipientsAreEachSent) {
  auto r = send(R"({"to":["0151 23456789","+4915123456789"],"text":"Hi","from":"Diskret"})");
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(pipeline_.stored.size(), 2u);
}

TEST_F(ApiTest, IdempotentRetryReplaysTheStoredAnswer) {
  http::Headers headers{{"Authorization", "Bearer key-acme"}, {"Idempotency-Key", "order-17"}};
  auto first = send(kHello, headers);
  ASSERT_EQ(first.status, 202);
  auto again = send(kHello, headers);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.body, first.body);
  ASSERT_EQ(again.headers.size(), 1u);
  EXPECT_EQ(again.headers[0], (std::pair<std::string, std::string>{"Idempotent-Replayed", "true"}));
  EXPECT_EQ(pipeline_.commits, 1u);
  EXPECT_EQ(pipeline_.stored.size(), 1u);
}

TEST_F(ApiTest, IdempotencyKeysAreScopedPerTenant) {
  send(kHello, {{"Authorization", "Bearer key-acme"}, {"Idempotency-Key", "k"}});
  auto other = send(kHello, {{"Authorization", "Bearer key-other"}, {"Idempotency-Key", "k"}});
  EXPECT_EQ(other.status, 202);
  EXPECT_TRUE(other.headers.empty());
  EXPECT_EQ(pipeline_.commits, 2u);
}

TEST_F(ApiTest, SameKeyWithAnotherBodyIs422) {
  http::Headers headers{{"Authorization", "Bearer key-acme"}, {"Idempotency-Key", "order-17"}};
  ASSERT_EQ(send(kHello, headers).status, 202);
  auto r = send(R"({"to":"0151 23456789","text":"Other","from":"Diskret"})", headers);
  expect_problem(r, 422);
  EXPECT_NE(r.body.find("idempotency-key-reused"), std::string::npos);
  EXPECT_EQ(pipeline_.stored.size(), 1u);
}

TEST_F(ApiTest, MalformedIdempotencyKeyIs400) {
  expect_problem(send(kHello, {{"Authorization", "Bearer key-acme"}, {"Idempotency-Key", "has space"}}), 400);
  EXPECT_TRUE(pipeline_.stored.empty());
}

TEST_F(ApiTest, UnavailableStoreIs503WithRetryAfter) {
  pipeline_.fail_commits_with = Errc::unavailable;
  auto r = send(kHello);
  expect_problem(r, 503);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "1");
}

TEST_F(ApiTest, GetShowsEveryFieldWithNullsForUnsetTimes) {
  auto sent = parse(send(R"({"to":"0151 23456789","text":"Hi","from":"Diskret","client_ref":"inv-9"})"));
  std::string id(sent.at("messages").as_array()[0].at("id").as_string());
  auto r = call("GET", "/v1/messages/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto m = parse(r);
  EXPECT_EQ(m.at("id").as_string(), id);
  EXPECT_EQ(m.at("to").as_string(), "+4915123456789");
  EXPECT_EQ(m.at("from").as_string(), "Diskret");
  EXPECT_EQ(m.at("status").as_string(), "accepted");
  EXPECT_EQ(m.at("category").as_string(), "transactional");
  EXPECT_EQ(m.at("segments").as_int64(), 1);
  EXPECT_EQ(m.at("encoding").as_string(), "gsm7");
  EXPECT_EQ(m.at("client_ref").as_string(), "inv-9");
  EXPECT_EQ(m.at("created_at").as_string(), "2023-11-14T22:13:20.000Z");
  EXPECT_TRUE(m.at("submitted_at").is_null());
  EXPECT_TRUE(m.at("done_at").is_null());
  EXPECT_TRUE(m.at("error").is_null());
}

TEST_F(ApiTest, AnotherTenantsMessageIs404) {
  auto sent = parse(send(kHello));
  std::string id(sent.at("messages").as_array()[0].at("id").as_string());
  expect_problem(call("GET", "/v1/messages/" + id, {}, {{"Authorization", "Bearer key-other"}}), 404);
  expect_problem(call("GET", "/v1/messages/0000000000000000"), 404);
  expect_problem(call("GET", "/v1/messages/not-an-id"), 404);
}

TEST_F(ApiTest, ListPagesWithAnOpaqueCursor) {
  std::string to = R"(["+4915123456781","+4915123456782","+4915123456783","+4915123456784","+4915123456785"])";
  ASSERT_EQ(send(R"({"text":"Hi","from":"Diskret","to":)" + to + "}").status, 202);
  std::vector<std::string> seen;
  std::string target = "/v1/messages?limit=2";
  for (int page = 0; page < 5; ++page) {
    auto r = call("GET", target);
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = parse(r);
    for (const auto& m : o.at("data").as_array()) seen.emplace_back(m.at("to").as_string());
    if (o.at("next_cursor").is_null()) break;
    target = "/v1/messages?limit=2&cursor=" + std::string(o.at("next_cursor").as_string());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"+4915123456785", "+4915123456784", "+4915123456783",
                                            "+4915123456782", "+4915123456781"}));
}

TEST_F(ApiTest, ListFiltersReachThePipeline) {
  auto r = call("GET", "/v1/messages?status=delivered&since=2024-01-01T00:00:00Z&until=2024-02-01T00:00:00%2B01:00&campaign=c1");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(pipeline_.last_filter);
  EXPECT_EQ(pipeline_.last_filter->status, pipeline::MessageStatus::delivered);
  EXPECT_EQ(pipeline_.last_filter->since, SystemTime{std::chrono::seconds(1'704'067'200)});
  EXPECT_EQ(pipeline_.last_filter->until, SystemTime{std::chrono::seconds(1'706'742'000)});
  EXPECT_EQ(pipeline_.last_filter->campaign, "c1");
  EXPECT_EQ(pipeline_.last_filter->limit, 51u);
}

TEST_F(ApiTest, BadListParametersAre400NamingThem) {
  auto r = call("GET", "/v1/messages?status=bogus&limit=0&since=yesterday&cursor=zz");
  expect_problem(r, 400);
  EXPECT_EQ(error_fields(r), (std::vector<std::string>{"status", "since", "limit", "cursor"}));
  expect_problem(call("GET", "/v1/messages?limit=501"), 400);
  expect_problem(call("GET", "/v1/messages?since=2024-02-01T00:00:00Z&until=2024-01-01T00:00:00Z"), 400);
}

TEST_F(ApiTest, HealthAndReadiness) {
  auto health = call("GET", "/healthz", {}, {});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(call("GET", "/readyz", {}, {}).status, 200);
  pipeline_.is_ready = false;
  expect_problem(call("GET", "/readyz", {}, {}), 503);
}

TEST_F(ApiTest, MetricsShowPipelineCarriersAndRequests) {
  send(R"({"to":["0151 23456789","12"],"text":"Hi","from":"Diskret"})");
  auto r = call("GET", "/metrics", {}, {});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u);
  EXPECT_NE(r.body.find("\ndiskret_messages_accepted_total 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\ndiskret_messages_rejected_total 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("\ndiskret_queue_depth 1\n"), std::string::npos);
  EXPECT_NE(r.body.find("diskret_carrier_bound{carrier=\"carrier-a\",bind=\"0\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("diskret_carrier_bound{carrier=\"carrier-a\",bind=\"1\"} 0"), std::string::npos);
  EXPECT_NE(r.body.find("diskret_http_requests_total{route=\"/v1/messages\",method=\"POST\",status=\"2xx\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("# TYPE diskret_http_request_duration_seconds histogram"), std::string::npos);
}

TEST_F(ApiTest, TenantSettingsAreCachedBriefly) {
  send(kHello);
  send(kHello);
  EXPECT_EQ(tenants_.get_tenant_calls, 1);
  clock_.advance(std::chrono::seconds(31));
  send(kHello);
  EXPECT_EQ(tenants_.get_tenant_calls, 2);
}

}  // namespace
}  // namespace diskret::api
