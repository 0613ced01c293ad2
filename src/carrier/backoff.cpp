#include "carrier/backoff.hpp"

#include <algorithm>

namespace diskret::carrier {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, std::uint64_t seed)
    : min_(std::max(min, std::chrono::milliseconds{1})), max_(std::max(max, min_)), rng_(seed) {}

std::chrono::milliseconds Backoff::ceiling() const noexcept {
  // Doubling stops once it passes max (no overflow however many attempts fail).
  auto cap = min_;
  for (unsigned i = 0; i < attempt_ && cap < max_; ++i) cap *= 2;
  return std::min(cap, max_);
}

std::chrono::milliseconds Backoff::next() {
  const auto cap = ceiling();
  ++attempt_;
  std::uniform_int_distribution<std::int64_t> pick(min_.count(), cap.count());
  return std::chrono::milliseconds{pick(rng_)};
}

}  // namespace diskret::carrier
