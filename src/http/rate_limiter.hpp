#pragma once
/// Request rate limits (issue 11): token buckets per API key / portal session, per client
/// address, and for failed authentications per client address. Answers over a limit are
/// 429 problem+json with Retry-After. In memory, per process; a bounded number of buckets
/// (full buckets are the same as none, so they are the first to go when the map is full).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "http/message.hpp"

namespace diskret::http {

/// A token bucket's shape: `per_second` tokens flow in, at most `burst` are kept.
/// per_second == 0 switches the limit off.
struct RateLimit {
  double per_second = 0;
  double burst = 0;  ///< 0: max(1, 2 x per_second)
  bool on() const { return per_second > 0; }
};

/// Many token buckets of one shape, keyed by a string (an address, a key's hash).
class TokenBuckets {
 public:
  explicit TokenBuckets(RateLimit limit, std::size_t max_keys = 100'000);

  /// Takes one token of `key`'s bucket: zero when allowed, otherwise how long until a
  /// token is back (nothing is taken then).
  std::chrono::milliseconds take(std::string_view key, SystemTime now);
  /// Whether `key` has a token now, without taking one.
  bool has_token(std::string_view key, SystemTime now);
  std::size_t size() const;
  /// This process's share when `nodes` serve behind one address (multi-node mode): rate
  /// and burst divided by it (a burst of at least one), so the nodes together allow the
  /// configured limit when a balancer spreads the requests.
  void set_share(std::size_t nodes);

 private:
  struct Bucket {
    double tokens = 0;
    SystemTime at{};
  };
  Bucket& bucket(std::string_view key, SystemTime now);
  void refill(Bucket& b, SystemTime now) const;
  void evict(SystemTime now);

  const RateLimit configured_;
  RateLimit limit_;  // configured_, divided by the node count
  double burst_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

struct RateLimitOptions {
  RateLimit per_key;            ///< each API key or portal session
  RateLimit per_ip;             ///< every request of one client address
  RateLimit auth_failures_per_ip;  ///< answers 401 per client address
  /// Paths never limited (probes, metrics scrapes): exact paths.
  std::vector<std::string> exempt_paths = {"/healthz", "/readyz", "/metrics"};
};

struct RateLimitStats {
  std::uint64_t limited_key = 0, limited_ip = 0, limited_auth = 0;
};

/// The middleware: wrap the outermost handler. Requests of an address that used up its
/// failed-authentication bucket are refused before they reach authentication; API keys
/// are told apart by a hash of the presented credential (never stored in clear).
class RateLimiter {
 public:
  RateLimiter(RateLimitOptions options, const Clock& clock);

  Handler wrap(Handler inner);
  bool active() const;
  /// Several nodes behind one address: each enforces its share (TokenBuckets::set_share).
  void set_node_count(std::size_t nodes);
  RateLimitStats stats() const;
  /// Prometheus text: diskret_http_rate_limited_total{limit}.
  std::string metrics() const;

 private:
  /// A problem 429 when the request is over a limit.
  std::optional<Response> check(const Request& request);
  void count(std::uint64_t RateLimitStats::*field);

  RateLimitOptions options_;
  const Clock& clock_;
  TokenBuckets keys_;
  TokenBuckets ips_;
  TokenBuckets auth_failures_;
  mutable std::mutex stats_mutex_;
  RateLimitStats stats_;
};

/// The credential a request presents (Bearer token or portal session cookie); empty
/// without one. Exposed for tests.
std::string_view presented_credential(const Request& request);

/// 429 problem+json with Retry-After in whole seconds (at least 1).
Response too_many_requests(std::chrono::milliseconds retry_after, std::string_view what);

}  // namespace diskret::http
