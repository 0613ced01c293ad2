#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "http/metrics.hpp"
#include "http/problem.hpp"

namespace diskret::http {
namespace {

Request make(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

/// Routes a request synchronously and returns the response.
Response route(const Router& router, Request r) {
  Response out;
  bool called = false;
  router.dispatch(std::move(r), [&](Response&& res) {
    out = std::move(res);
    called = true;
  });
  EXPECT_TRUE(called);
  return out;
}

Router sample_router() {
  Router router;
  router.add("GET", "/v1/messages", [](Request&&, Respond respond) {
    respond(Response{200, "text/plain", {}, "list"});
  });
  router.add("POST", "/v1/messages", [](Request&&, Respond respond) {
    respond(Response{202, "text/plain", {}, "send"});
  });
  router.add("GET", "/v1/messages/{id}", [](Request&& r, Respond respond) {
    respond(Response{200, "text/plain", {}, std::string(r.param("id")) + "|" + r.route});
  });
  return router;
}

TEST(Router, DispatchesByMethodAndPath) {
  auto router = sample_router();
  EXPECT_EQ(route(router, make("GET", "/v1/messages")).body, "list");
  EXPECT_EQ(route(router, make("POST", "/v1/messages")).body, "send");
}

TEST(Router, ExtractsParamsAndRouteTemplate) {
  auto router = sample_router();
  EXPECT_EQ(route(router, make("GET", "/v1/messages/abc123")).body, "abc123|/v1/messages/{id}");
}

TEST(Router, UnknownPathIsProblem404) {
  auto router = sample_router();
  auto res = route(router, make("GET", "/v1/nothing"));
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto body = boost::json::parse(res.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 404);
  EXPECT_EQ(body.at("type").as_string(), "https://diskret.dev/problems/not-found");
  EXPECT_TRUE(body.contains("title"));
  EXPECT_TRUE(body.contains("detail"));
}

TEST(Router, EmptyParamSegmentDoesNotMatch) {
  auto router = sample_router();
  EXPECT_EQ(route(router, make("GET", "/v1/messages/")).status, 404);
  EXPECT_EQ(route(router, make("GET", "/v1/messages/a/b")).status, 404);
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto router = sample_router();
  auto res = route(router, make("DELETE", "/v1/messages"));
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET, POST");
}

TEST(Router, RouteTemplateForMetrics) {
  auto router = sample_router();
  EXPECT_EQ(router.route_template("GET", "/v1/messages/77"), "/v1/messages/{id}");
  EXPECT_EQ(router.route_template("PUT", "/v1/messages/77"), kUnmatchedRoute);
}

TEST(Router, MeteredHandlerCountsByRouteAndStatusClass) {
  auto router = sample_router();
  HttpMetrics metrics;
  auto handler = router.handler(&metrics);
  handler(make("GET", "/v1/messages/1"), [](Response&&) {});
  handler(make("GET", "/v1/messages/2"), [](Response&&) {});
  handler(make("GET", "/nope"), [](Response&&) {});
  std::string text;
  metrics.render(text);
  EXPECT_NE(text.find("diskret_http_requests_total{route=\"/v1/messages/{id}\",method=\"GET\","
                      "status=\"2xx\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",method=\"GET\",status=\"4xx\"} 1"), std::string::npos);
  EXPECT_NE(text.find("diskret_http_request_duration_seconds_bucket{route=\"/v1/messages/{id}\","
                      "method=\"GET\",status=\"2xx\",le=\"+Inf\"} 2"),
            std::string::npos);
}

TEST(HttpMetrics, UnusualMethodsShareOneLabel) {
  HttpMetrics metrics;
  metrics.record("unmatched", "BREW", 404, std::chrono::microseconds(5));
  metrics.record("unmatched", "XYZZY", 404, std::chrono::microseconds(5));
  std::string text;
  metrics.render(text);
  EXPECT_NE(text.find("method=\"OTHER\",status=\"4xx\"} 2"), std::string::npos) << text;
  EXPECT_EQ(text.find("BREW"), std::string::npos);
}

TEST(Problem, CarriesFieldErrorsAndHeaders) {
  Problem p{422, "validation-failed", "Invalid request", "2 fields are invalid.",
            {{"text", "must not be empty", {}}, {"", "not a phone number", 3}},
            {{"Retry-After", "1"}}};
  auto res = p.to_response();
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.headers.at(0).second, "1");
  auto body = boost::json::parse(res.body).as_object();
  const auto& errors = body.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field").as_string(), "text");
  EXPECT_EQ(errors[1].at("index").as_int64(), 3);
  EXPECT_FALSE(errors[1].as_object().contains("field"));
}

TEST(Request, HeaderLookupIsCaseInsensitive) {
  Request r;
  r.headers = {{"Content-Type", "application/json"}, {"idempotency-key", "k1"}};
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("Idempotency-Key"), "k1");
  EXPECT_EQ(r.header("Authorization"), "");
}

TEST(Request, QueryParamsAreDecoded) {
  Request r;
  r.query = "status=delivered&since=2024-01-01T00%3A00%3A00Z&q=a+b&empty=&flag";
  EXPECT_EQ(r.query_param("status"), "delivered");
  EXPECT_EQ(r.query_param("since"), "2024-01-01T00:00:00Z");
  EXPECT_EQ(r.query_param("q"), "a b");
  EXPECT_EQ(r.query_param("missing"), "");
  EXPECT_TRUE(r.has_query_param("empty"));
  EXPECT_TRUE(r.has_query_param("flag"));
  EXPECT_FALSE(r.has_query_param("missing"));
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  std::string out;
  EXPECT_TRUE(percent_decode("/a%20b+c", out, false));
  EXPECT_EQ(out, "/a b+c");
  EXPECT_FALSE(percent_decode("%zz", out, false));
  EXPECT_FALSE(percent_decode("abc%4", out, false));
}

}  // namespace
}  // namespace diskret::http
