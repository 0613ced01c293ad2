#pragma once
/// TokenBucket: a rate limit of `rate` events per second with bursts of up to `burst`
/// events. Time is passed in by the caller (any monotonic epoch), so tests drive it with a
/// FakeClock and the pool with steady_clock.
#include <chrono>
#include <cstddef>

namespace diskret::carrier {

class TokenBucket {
 public:
  using Duration = std::chrono::nanoseconds;

  /// rate 0 = unlimited. The bucket starts full.
  TokenBucket(double rate_per_second, double burst);
  /// The usual shape for a per-bind TPS limit: a burst of a tenth of a second (at least 1).
  static TokenBucket for_tps(unsigned tps);
  /// A node's part of a per-bind TPS limit that `nodes` nodes hold together (multi-node):
  /// tps / nodes, the burst a tenth of a second of that (at least 1).
  static TokenBucket for_tps_share(unsigned tps, std::size_t nodes);
  /// Takes the rate and burst of `other`, keeping the tokens collected (up to the new
  /// burst): a node's share changing does not hand out a fresh burst.
  void reshape(const TokenBucket& other);

  bool unlimited() const noexcept { return rate_ <= 0; }
  /// Takes one token if there is one at `now`.
  bool try_take(Duration now);
  /// How long after `now` the next token is available (zero if one is available now).
  Duration wait_time(Duration now);
  double tokens(Duration now);

 private:
  void refill(Duration now);

  double rate_;
  double burst_;
  double tokens_;
  Duration last_{};
  bool started_ = false;
};

}  // namespace diskret::carrier
