#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace diskret::http {
namespace {

using std::chrono::milliseconds;

Request request(std::string ip, std::string authorization = {}, std::string path = "/v1/messages") {
  Request r;
  r.method = "GET";
  r.path = std::move(path);
  r.remote_ip = std::move(ip);
  if (!authorization.empty()) r.headers.emplace_back("Authorization", std::move(authorization));
  return r;
}

/// Runs the wrapped handler synchronously and returns the answer's status and Retry-After.
struct Outcome {
  int status = 0;
  std::string retry_after;
};
Outcome call(Handler& h, Request r) {
  Outcome out;
  h(std::move(r), [&out](Response&& res) {
    out.status = res.status;
    for (auto& [k, v] : res.headers) {
      if (k == "Retry-After") out.retry_after = v;
    }
  });
  return out;
}

TEST(TokenBuckets, AllowsTheBurstThenRefillsAtTheRate) {
  TokenBuckets buckets({10, 5});
  FakeClock clock;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(buckets.take("a", clock.now()), milliseconds{0});
  auto wait = buckets.take("a", clock.now());
  EXPECT_GT(wait, milliseconds{0});
  EXPECT_LE(wait, milliseconds{100});
  EXPECT_EQ(buckets.take("b", clock.now()), milliseconds{0}) << "another key has its own bucket";
  clock.advance(milliseconds{100});
  EXPECT_EQ(buckets.take("a", clock.now()), milliseconds{0});
  EXPECT_GT(buckets.take("a", clock.now()), milliseconds{0});
  clock.advance(std::chrono::hours{1});  // never more than the burst
  for (int i = 0; i < 5; ++i) EXPECT_EQ(buckets.take("a", clock.now()), milliseconds{0});
  EXPECT_GT(buckets.take("a", clock.now()), milliseconds{0});
}

// Several nodes behind one balancer: each takes its share, so together they allow the
// configured limit; back to one node, the whole limit again.
TEST(TokenBuckets, ANodeOfThreeTakesAThirdOfRateAndBurst) {
  TokenBuckets buckets({30, 30});
  FakeClock clock;
  buckets.set_share(3);
  int allowed = 0;
  while (buckets.take("a", clock.now()) == milliseconds{0}) ++allowed;
  EXPECT_EQ(allowed, 10);
  clock.advance(milliseconds{1000});  // 10 tokens a second now
  allowed = 0;
  while (buckets.take("a", clock.now()) == milliseconds{0}) ++allowed;
  EXPECT_EQ(allowed, 10);
  buckets.set_share(1);
  clock.advance(milliseconds{1000});
  allowed = 0;
  while (buckets.take("a", clock.now()) == milliseconds{0}) ++allowed;
  EXPECT_EQ(allowed, 30);
  buckets.set_share(100);  // never below one token
  clock.advance(std::chrono::hours{1});
  EXPECT_EQ(buckets.take("b", clock.now()), milliseconds{0});
}

TEST(TokenBuckets, OffLimitNeverRefuses) {
  TokenBuckets buckets({0, 0});
  FakeClock clock;
  for (int i = 0; i < 100'000; ++i) ASSERT_EQ(buckets.take("a", clock.now()), milliseconds{0});
  EXPECT_EQ(buckets.size(), 0u);
}

// Attack: a flood of distinct keys (random tokens, spoofed-looking addresses) cannot grow
// memory without bound, and an emptied bucket is not reset by the flood while it has room.
TEST(TokenBuckets, DistinctKeyFloodStaysBounded) {
  TokenBuckets buckets({1, 1}, 1000);
  FakeClock clock;
  for (int i = 0; i < 100'000; ++i) buckets.take("k" + std::to_string(i), clock.now());
  EXPECT_LE(buckets.size(), 1000u);
}

TEST(RateLimiter, PerKeyLimitAnswers429WithRetryAfterAndSparesOtherKeys) {
  FakeClock clock;
  RateLimitOptions o;
  o.per_key = {1, 3};
  RateLimiter limiter(o, clock);
  int reached = 0;
  Handler h = limiter.wrap([&reached](Request&&, Respond r) {
    ++reached;
    r(Response{202, "application/json", {}, "{}"});
  });
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(h, request("10.0.0.1", "Bearer dsk_live_a")).status, 202);
  auto refused = call(h, request("10.0.0.2", "Bearer dsk_live_a"));  // another address, same key
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.retry_after, "1");
  EXPECT_EQ(call(h, request("10.0.0.1", "Bearer dsk_live_b")).status, 202);
  EXPECT_EQ(reached, 4) << "a refused request never reaches the API";
  clock.advance(milliseconds{1000});
  EXPECT_EQ(call(h, request("10.0.0.1", "Bearer dsk_live_a")).status, 202);
  EXPECT_EQ(limiter.stats().limited_key, 1u);
  EXPECT_NE(limiter.metrics().find("diskret_http_rate_limited_total{limit=\"key\"} 1"),
            std::string::npos);
}

TEST(RateLimiter, PerAddressLimitCoversRequestsWithoutCredentials) {
  FakeClock clock;
  RateLimitOptions o;
  o.per_ip = {2, 2};
  RateLimiter limiter(o, clock);
  Handler h = limiter.wrap([](Request&&, Respond r) { r(Response{200, "text/plain", {}, ""}); });
  EXPECT_EQ(call(h, request("10.0.0.1")).status, 200);
  EXPECT_EQ(call(h, request("10.0.0.1", "Bearer x")).status, 200);
  EXPECT_EQ(call(h, request("10.0.0.1", "Bearer y")).status, 429) << "new keys do not help";
  EXPECT_EQ(call(h, request("10.0.0.2")).status, 200);
  // Health probes and metrics scrapes are never limited.
  EXPECT_EQ(call(h, request("10.0.0.1", {}, "/healthz")).status, 200);
}

// Attack: guessing API keys from one address. After the burst of 401s the address gets 429
// before authentication is even tried; a client with a valid key elsewhere is untouched.
TEST(RateLimiter, FailedAuthenticationsLockTheAddressOut) {
  FakeClock clock;
  RateLimitOptions o;
  o.auth_failures_per_ip = {1, 5};
  RateLimiter limiter(o, clock);
  int tried = 0;
  Handler h = limiter.wrap([&tried](Request&& r, Respond respond) {
    ++tried;
    respond(Response{r.header("Authorization") == "Bearer good" ? 200 : 401, "application/json", {}, ""});
  });
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call(h, request("10.0.0.9", "Bearer guess" + std::to_string(i))).status, 401);
  }
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(call(h, request("10.0.0.9", "Bearer guess-more" + std::to_string(i))).status, 429);
  }
  EXPECT_EQ(tried, 5);
  EXPECT_EQ(call(h, request("10.0.0.9", "Bearer good")).status, 429) << "the address is out";
  EXPECT_EQ(call(h, request("10.0.0.1", "Bearer good")).status, 200);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(call(h, request("10.0.0.1", "Bearer good")).status, 200);
  clock.advance(milliseconds{1000});
  EXPECT_EQ(call(h, request("10.0.0.9", "Bearer good")).status, 200);
}

TEST(RateLimiter, NoLimitsLeavesTheHandlerAlone) {
  FakeClock clock;
  RateLimiter limiter({}, clock);
  EXPECT_FALSE(limiter.active());
  Handler h = limiter.wrap([](Request&&, Respond r) { r(Response{200, "text/plain", {}, ""}); });
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(call(h, request("10.0.0.1", "Bearer a")).status, 200);
}

TEST(RateLimiter, PresentedCredentialIsTheBearerOrTheSessionCookie) {
  Request r = request("1.2.3.4");
  EXPECT_EQ(presented_credential(r), "");
  r.headers.emplace_back("Cookie", "a=1; diskret_session=tok");
  EXPECT_EQ(presented_credential(r), "tok");
  r.headers.emplace_back("Authorization", "Bearer k");
  EXPECT_EQ(presented_credential(r), "Bearer k");
}

}  // namespace
}  // namespace diskret::http
