#pragma once
/// Per-client token buckets (by IP address) for the public card endpoint: card testing
/// (trying stolen numbers one by one) is throttled before it reaches the acquirer.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace diskret::vault {

class RateLimiter {
 public:
  /// `per_minute` requests per minute on average, bursts up to `burst`.
  RateLimiter(double per_minute, double burst, const Clock& clock, std::size_t max_clients = 100'000)
      : rate_per_ms_(per_minute / 60'000.0), burst_(burst), clock_(clock), max_clients_(max_clients) {}

  /// Takes one token for `client`; false when its bucket is empty.
  bool allow(std::string_view client);
  /// Seconds until `client` has a token again (0 when it has one now); for Retry-After.
  std::int64_t retry_after_seconds(std::string_view client) const;

  std::size_t clients() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  double refilled(const Bucket& b, std::int64_t now_ms) const;
  void prune(std::int64_t now_ms);

  double rate_per_ms_;
  double burst_;
  const Clock& clock_;
  std::size_t max_clients_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace diskret::vault
