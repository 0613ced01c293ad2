#include "smpp_server/throttle.hpp"

#include <algorithm>

namespace diskret::smpp_server {

Throttle::Throttle(std::uint32_t window, std::uint32_t tps) noexcept
    : window_(window), tps_(tps), tokens_(tps) {}

bool Throttle::try_begin(TimePoint now) noexcept {
  if (window_ != 0 && open_ >= window_) return false;
  if (tps_ != 0) {
    if (started_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      if (elapsed > 0) tokens_ = std::min<double>(tps_, tokens_ + elapsed * tps_);
    }
    started_ = true;
    last_ = std::max(last_, now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
  }
  ++open_;
  return true;
}

void Throttle::end() noexcept {
  if (open_ > 0) --open_;
}

}  // namespace diskret::smpp_server
