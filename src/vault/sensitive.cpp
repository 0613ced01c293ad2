#include "vault/sensitive.hpp"

#include <algorithm>
#include <string>

#include "crypto/digest.hpp"

namespace diskret::vault {

SensitiveDigits::SensitiveDigits(const SensitiveDigits& other) : size_(other.size_) {
  std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
}

SensitiveDigits& SensitiveDigits::operator=(const SensitiveDigits& other) {
  if (this != &other) {
    clear();
    size_ = other.size_;
    std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
  }
  return *this;
}

SensitiveDigits::SensitiveDigits(SensitiveDigits&& other) noexcept : size_(other.size_) {
  std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
  other.clear();
}

SensitiveDigits& SensitiveDigits::operator=(SensitiveDigits&& other) noexcept {
  if (this != &other) {
    clear();
    size_ = other.size_;
    std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
    other.clear();
  }
  return *this;
}

bool SensitiveDigits::push_back(char c) noexcept {
  if (size_ == kCapacity) return false;
  bytes_[size_++] = c;
  return true;
}

void SensitiveDigits::clear() noexcept {
  crypto::secure_wipe(bytes_.data(), bytes_.size());
  size_ = 0;
}

void wipe(std::string& s) noexcept { crypto::secure_wipe(s.data(), s.size()); }

}  // namespace diskret::vault
