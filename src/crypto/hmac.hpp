#pragma once
/// HMAC-SHA256 (RFC 2104) with a key of any length, for signatures that third parties
/// verify with their own tools (webhook signatures keyed with a tenant-chosen secret).
/// For 32-byte SecretKeys, crypto/digest.hpp has the same function.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace diskret::crypto {

using HmacSha256 = std::array<std::uint8_t, 32>;

/// HMAC-SHA256 of `message` keyed with the bytes of `key` (keys longer than the 64-byte
/// block are hashed first, as RFC 2104 says; the empty key is allowed).
HmacSha256 hmac_sha256(std::string_view key, std::string_view message) noexcept;
/// Lowercase hex of hmac_sha256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace diskret::crypto
