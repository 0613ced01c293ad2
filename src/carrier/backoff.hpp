#pragma once
/// Backoff: reconnect delays that grow exponentially from `min` and are capped at `max`,
/// with full jitter: each delay is uniform in [min, min(max, min * 2^attempt)], so that
/// many binds that lost their carrier at once do not reconnect in lockstep.
#include <chrono>
#include <cstdint>
#include <random>

namespace diskret::carrier {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint64_t seed);

  /// The delay before the next attempt; each call counts one attempt.
  std::chrono::milliseconds next();
  /// The largest delay next() may return now (before jitter).
  std::chrono::milliseconds ceiling() const noexcept;
  void reset() noexcept { attempt_ = 0; }
  unsigned attempts() const noexcept { return attempt_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  unsigned attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace diskret::carrier
