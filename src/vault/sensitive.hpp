#pragma once
/// SensitiveDigits: a short fixed-capacity buffer for card numbers and CVCs that is wiped
/// (sodium_memzero) when destroyed or cleared, never reallocates (so no stray copies are
/// left on the heap) and has no formatter, so it cannot be logged by accident.
#include <array>
#include <cstddef>
#include <string_view>

namespace diskret::vault {

class SensitiveDigits {
 public:
  static constexpr std::size_t kCapacity = 32;

  SensitiveDigits() = default;
  ~SensitiveDigits() { clear(); }
  SensitiveDigits(const SensitiveDigits& other);
  SensitiveDigits& operator=(const SensitiveDigits& other);
  /// Copies leave the source intact; a move copies and wipes the source.
  SensitiveDigits(SensitiveDigits&& other) noexcept;
  SensitiveDigits& operator=(SensitiveDigits&& other) noexcept;

  /// False (and nothing appended) when full.
  bool push_back(char c) noexcept;
  void clear() noexcept;

  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  std::array<char, kCapacity> bytes_{};
  std::size_t size_ = 0;
};

/// Wipes the characters of a string in place (its size is kept; contents become zeros).
void wipe(std::string& s) noexcept;

}  // namespace diskret::vault
