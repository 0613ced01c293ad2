#include "carrier/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace diskret::carrier {

TokenBucket::TokenBucket(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(std::max(1.0, burst)), tokens_(burst_) {}

TokenBucket TokenBucket::for_tps(unsigned tps) {
  return TokenBucket(tps, std::max(1.0, std::ceil(tps / 10.0)));
}

TokenBucket TokenBucket::for_tps_share(unsigned tps, std::size_t nodes) {
  const double rate = static_cast<double>(tps) / static_cast<double>(std::max<std::size_t>(nodes, 1));
  return TokenBucket(rate, std::max(1.0, std::ceil(rate / 10.0)));
}

void TokenBucket::reshape(const TokenBucket& other) {
  rate_ = other.rate_;
  burst_ = other.burst_;
  tokens_ = std::min(tokens_, burst_);
}

void TokenBucket::refill(Duration now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  if (now <= last_) return;  // a clock that stands still (or steps back) adds nothing
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

bool TokenBucket::try_take(Duration now) {
  if (unlimited()) return true;
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

TokenBucket::Duration TokenBucket::wait_time(Duration now) {
  if (unlimited()) return Duration::zero();
  refill(now);
  if (tokens_ >= 1.0) return Duration::zero();
  const double seconds = (1.0 - tokens_) / rate_;
  return Duration(static_cast<Duration::rep>(std::ceil(seconds * 1e9)));
}

double TokenBucket::tokens(Duration now) {
  refill(now);
  return tokens_;
}

}  // namespace diskret::carrier
