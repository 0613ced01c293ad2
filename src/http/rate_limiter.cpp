#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "http/problem.hpp"

namespace diskret::http {
namespace {

using std::chrono::milliseconds;

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

// The bucket key of a credential: a hash, so that no key or session token is kept in clear
// in memory longer than the request. Collisions only share a bucket.
std::string credential_key(std::string_view credential) {
  return fmt::format("{:016x}", std::hash<std::string_view>{}(credential));
}

}  // namespace

namespace {

double burst_of(const RateLimit& limit) {
  return limit.burst > 0 ? limit.burst : std::max(1.0, 2 * limit.per_second);
}

}  // namespace

TokenBuckets::TokenBuckets(RateLimit limit, std::size_t max_keys)
    : configured_(limit),
      limit_(limit),
      burst_(burst_of(limit)),
      max_keys_(std::max<std::size_t>(max_keys, 1)) {}

void TokenBuckets::set_share(std::size_t nodes) {
  const double n = static_cast<double>(std::max<std::size_t>(nodes, 1));
  std::lock_guard lock(mutex_);
  limit_.per_second = configured_.per_second / n;
  burst_ = std::max(1.0, burst_of(configured_) / n);
  for (auto& [key, b] : buckets_) b.tokens = std::min(b.tokens, burst_);
}

void TokenBuckets::refill(Bucket& b, SystemTime now) const {
  if (now > b.at) {
    const double seconds = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + seconds * limit_.per_second);
    b.at = now;
  }
}

void TokenBuckets::evict(SystemTime now) {
  // A full bucket is the same as no bucket: drop those first; if that frees too little
  // (a flood of distinct keys), drop arbitrary ones: the cost is a fresh burst for them.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  for (auto it = buckets_.begin(); it != buckets_.end() && buckets_.size() > max_keys_ * 9 / 10;) {
    it = buckets_.erase(it);
  }
}

TokenBuckets::Bucket& TokenBuckets::bucket(std::string_view key, SystemTime now) {
  auto it = buckets_.find(std::string(key));
  if (it != buckets_.end()) {
    refill(it->second, now);
    return it->second;
  }
  if (buckets_.size() >= max_keys_) evict(now);
  return buckets_.emplace(std::string(key), Bucket{burst_, now}).first->second;
}

milliseconds TokenBuckets::take(std::string_view key, SystemTime now) {
  if (!configured_.on()) return milliseconds{0};
  std::lock_guard lock(mutex_);
  Bucket& b = bucket(key, now);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return milliseconds{0};
  }
  const double wait = (1 - b.tokens) / limit_.per_second;
  return milliseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait * 1000)))};
}

bool TokenBuckets::has_token(std::string_view key, SystemTime now) {
  if (!configured_.on()) return true;
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) return true;
  refill(it->second, now);
  return it->second.tokens >= 1;
}

std::size_t TokenBuckets::size() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

std::string_view presented_credential(const Request& request) {
  std::string_view auth = request.header("Authorization");
  if (!auth.empty()) return auth;
  return cookie_value(request.header("Cookie"), "diskret_session");
}

Response too_many_requests(milliseconds retry_after, std::string_view what) {
  const auto seconds = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
  Problem p{429, "too-many-requests", "Too many requests",
            fmt::format("The {} is over its request rate; retry after {} second(s).", what, seconds),
            {}, {{"Retry-After", std::to_string(seconds)}}};
  return p.to_response();
}

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      keys_(options_.per_key),
      ips_(options_.per_ip),
      auth_failures_(options_.auth_failures_per_ip) {}

bool RateLimiter::active() const {
  return options_.per_key.on() || options_.per_ip.on() || options_.auth_failures_per_ip.on();
}

void RateLimiter::set_node_count(std::size_t nodes) {
  keys_.set_share(nodes);
  ips_.set_share(nodes);
  auth_failures_.set_share(nodes);
}

void RateLimiter::count(std::uint64_t RateLimitStats::*field) {
  std::lock_guard lock(stats_mutex_);
  ++(stats_.*field);
}

RateLimitStats RateLimiter::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

std::string RateLimiter::metrics() const {
  const auto s = stats();
  return fmt::format(
      "# HELP diskret_http_rate_limited_total Requests answered 429 by a rate limit.\n"
      "# TYPE diskret_http_rate_limited_total counter\n"
      "diskret_http_rate_limited_total{{limit=\"key\"}} {}\n"
      "diskret_http_rate_limited_total{{limit=\"ip\"}} {}\n"
      "diskret_http_rate_limited_total{{limit=\"auth_failures\"}} {}\n",
      s.limited_key, s.limited_ip, s.limited_auth);
}

std::optional<Response> RateLimiter::check(const Request& request) {
  for (const auto& p : options_.exempt_paths) {
    if (request.path == p) return std::nullopt;
  }
  const auto now = clock_.now();
  if (!auth_failures_.has_token(request.remote_ip, now)) {
    count(&RateLimitStats::limited_auth);
    return too_many_requests(auth_failures_.take(request.remote_ip, now),
                             "client address with too many failed authentications");
  }
  if (auto wait = ips_.take(request.remote_ip, now); wait.count() > 0) {
    count(&RateLimitStats::limited_ip);
    return too_many_requests(wait, "client address");
  }
  if (options_.per_key.on()) {
    std::string_view credential = presented_credential(request);
    if (!credential.empty()) {
      if (auto wait = keys_.take(credential_key(credential), now); wait.count() > 0) {
        count(&RateLimitStats::limited_key);
        return too_many_requests(wait, "API key");
      }
    }
  }
  return std::nullopt;
}

Handler RateLimiter::wrap(Handler inner) {
  if (!active()) return inner;
  return [this, inner = std::move(inner)](Request&& request, Respond respond) {
    if (auto refused = check(request)) {
      respond(std::move(*refused));
      return;
    }
    if (!options_.auth_failures_per_ip.on()) {
      inner(std::move(request), std::move(respond));
      return;
    }
    // Failed authentications are counted from the answer: only the API knows the outcome.
    Respond counted = [this, ip = request.remote_ip, respond = std::move(respond)](Response&& r) {
      if (r.status == 401) auth_failures_.take(ip, clock_.now());
      respond(std::move(r));
    };
    inner(std::move(request), std::move(counted));
  };
}

}  // namespace diskret::http
