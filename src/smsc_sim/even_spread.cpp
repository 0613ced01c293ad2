#include "smsc_sim/even_spread.hpp"

#include <cmath>

namespace diskret::smsc_sim {

EvenSpread::EvenSpread(double ratio) noexcept {
  if (!(ratio > 0)) ratio = 0;  // also catches NaN
  if (ratio > 1) ratio = 1;
  parts_ = static_cast<std::uint64_t>(std::llround(ratio * static_cast<double>(kScale)));
}

bool EvenSpread::next() noexcept {
  // Integer accumulation: event n is picked when floor(n * ratio) grows, which a double
  // accumulator gets wrong (ten times 0.1 stays below 1).
  ++events_;
  acc_ += parts_;
  if (acc_ >= kScale) {
    acc_ -= kScale;
    return true;
  }
  return false;
}

double EvenSpread::ratio() const noexcept {
  return static_cast<double>(parts_) / static_cast<double>(kScale);
}

}  // namespace diskret::smsc_sim
