#pragma once
/// SHA-256, HMAC-SHA256 and memory wiping, for request signatures and hash chains that
/// other systems must be able to recompute with standard tools.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"

namespace diskret::crypto {

using Sha256 = std::array<std::uint8_t, 32>;

Sha256 sha256(std::string_view data) noexcept;
/// Lowercase hex of sha256(data).
std::string sha256_hex(std::string_view data);

/// HMAC-SHA256 (RFC 2104) keyed with the 32 bytes of `key`.
Sha256 hmac_sha256(const SecretKey& key, std::string_view message) noexcept;
/// Lowercase hex of hmac_sha256(key, message).
std::string hmac_sha256_hex(const SecretKey& key, std::string_view message);

/// Overwrites memory with zeros in a way the compiler cannot elide (sodium_memzero).
void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace diskret::crypto
