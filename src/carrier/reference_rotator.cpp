#include "carrier/reference_rotator.hpp"

#include <algorithm>

namespace diskret::carrier {

ReferenceRotator::ReferenceRotator(std::size_t capacity, std::uint16_t seed)
    : capacity_(std::max<std::size_t>(capacity, 1)), seed_(seed) {}

std::uint16_t ReferenceRotator::next(std::string_view destination, std::uint32_t modulus) {
  if (modulus == 0 || modulus > 65'536) modulus = 65'536;
  if (auto it = index_.find(destination); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    auto& e = *it->second;
    e.last = static_cast<std::uint16_t>((e.last + 1u) % modulus);
    return e.last;
  }
  if (index_.size() >= capacity_) {
    index_.erase(lru_.back().destination);
    lru_.pop_back();
  }
  // A new destination starts from a rotating seed rather than 0, so that a destination
  // evicted and seen again is unlikely to repeat the reference it had before.
  const auto first = static_cast<std::uint16_t>(seed_ % modulus);
  seed_ = static_cast<std::uint16_t>(seed_ + 1);
  lru_.push_front(Entry{std::string(destination), first});
  index_.emplace(lru_.front().destination, lru_.begin());
  return first;
}

}  // namespace diskret::carrier
