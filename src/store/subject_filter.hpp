#pragma once
/// SubjectFilter: a Bloom filter over (tenant, blind index) of every person in the key
/// store. "No" means certainly not there, so the writer creates a new person's key without
/// asking the key store first (one indexed read less per new recipient); "maybe" (a person
/// seen before, or a false positive of about 0.2 %) asks it. Only ever errs towards "maybe":
/// people erased since stay in it, which costs a lookup, never a wrong answer.
#include <cstdint>
#include <cstring>
#include <vector>

#include "store/records.hpp"

namespace diskret::store {

class SubjectFilter {
 public:
  /// Room for `capacity` people at 16 bits each (at least 2^20 bits).
  explicit SubjectFilter(std::size_t capacity = 0) { reset(capacity); }

  void reset(std::size_t capacity) {
    std::size_t bits = std::size_t{1} << 20;
    while (bits < capacity * 16) bits <<= 1;
    words_.assign(bits / 64, 0);
    mask_ = bits - 1;
    count_ = 0;
  }
  void add(std::uint64_t tenant, const Blind& blind) {
    const auto [h1, h2] = hashes(tenant, blind);
    for (std::uint64_t i = 0; i < kProbes; ++i) {
      const std::uint64_t bit = (h1 + i * h2) & mask_;
      words_[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
    ++count_;
  }
  bool may_contain(std::uint64_t tenant, const Blind& blind) const {
    const auto [h1, h2] = hashes(tenant, blind);
    for (std::uint64_t i = 0; i < kProbes; ++i) {
      const std::uint64_t bit = (h1 + i * h2) & mask_;
      if ((words_[bit >> 6] & (std::uint64_t{1} << (bit & 63))) == 0) return false;
    }
    return true;
  }
  /// More people than it was sized for: false positives grow; rebuild it larger.
  bool full() const { return count_ * 16 > mask_ + 1; }
  std::size_t count() const { return count_; }

 private:
  static constexpr std::uint64_t kProbes = 5;
  struct Hashes {
    std::uint64_t h1, h2;
  };
  // Double hashing: the second probe step from the blind index's other half (odd, so it
  // never repeats a bit before the mask wraps).
  static Hashes hashes(std::uint64_t tenant, const Blind& blind) {
    std::uint64_t b = 0;
    std::memcpy(&b, blind.data() + sizeof b, sizeof b);
    return {blind_hash(tenant, blind), b | 1};
  }

  std::vector<std::uint64_t> words_;
  std::uint64_t mask_ = 0;
  std::size_t count_ = 0;
};

}  // namespace diskret::store
