#pragma once
/// SecretKey: 32 bytes of key material, wiped (sodium_memzero) when destroyed.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace diskret::crypto {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;
  SecretKey() = default;  ///< all zero; use generate() or from_bytes()
  ~SecretKey();
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;

  static SecretKey generate();                                      ///< randombytes_buf
  static SecretKey from_bytes(std::span<const std::uint8_t, kSize> bytes);
  std::span<const std::uint8_t, kSize> bytes() const noexcept { return bytes_; }
  const std::uint8_t* data() const noexcept { return bytes_.data(); }

 private:
  std::array<std::uint8_t, kSize> bytes_{};
};

/// Constant-time comparison (sodium_memcmp) for secrets and MACs.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
/// Fills with cryptographically secure random bytes.
void random_bytes(std::span<std::uint8_t> out) noexcept;
/// A random token of `bytes` random bytes, URL-safe base64 without padding.
std::string random_token(std::size_t bytes);

}  // namespace diskret::crypto
