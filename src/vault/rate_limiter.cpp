#include "vault/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace diskret::vault {

double RateLimiter::refilled(const Bucket& b, std::int64_t now_ms) const {
  const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - b.at_ms));
  return std::min(burst_, b.tokens + elapsed * rate_per_ms_);
}

void RateLimiter::prune(std::int64_t now_ms) {
  // A full bucket carries no information: dropping it is the same as keeping it.
  std::erase_if(buckets_, [&](const auto& kv) { return refilled(kv.second, now_ms) >= burst_; });
}

bool RateLimiter::allow(std::string_view client) {
  const std::int64_t now = clock_.now_ms();
  std::string key(client);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) prune(now);
    // Still full of throttled clients: refuse newcomers rather than grow without bound.
    if (buckets_.size() >= max_clients_) return false;
    it = buckets_.emplace(std::move(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = refilled(b, now);
  b.at_ms = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

std::int64_t RateLimiter::retry_after_seconds(std::string_view client) const {
  auto it = buckets_.find(std::string(client));
  if (it == buckets_.end()) return 0;
  const double tokens = refilled(it->second, clock_.now_ms());
  if (tokens >= 1.0 || rate_per_ms_ <= 0) return tokens >= 1.0 ? 0 : 60;
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens) / rate_per_ms_ / 1000.0));
}

}  // namespace diskret::vault
