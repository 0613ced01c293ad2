#pragma once
/// The request-signing scheme between diskret and diskret-vault, shared by both sides so
/// they cannot drift apart. Pure: no I/O, time comes in as a parameter.
///
/// Service calls carry three headers:
///   Diskret-Vault-Timestamp: unix seconds
///   Diskret-Vault-Nonce:     16-64 characters [A-Za-z0-9_-], never reused
///   Diskret-Vault-Signature: hex HMAC-SHA256(secret, method "\n" target "\n" timestamp
///                            "\n" nonce "\n" hex SHA-256(body))
/// where `target` is the request target as sent: path plus "?query" when there is one.
///
/// The card form URL carries `owner`, `expires` (unix seconds) and
///   sig = hex HMAC-SHA256(secret, "form\n" owner "\n" expires)
/// so that a card is always bound to the owner (tenant) the platform opened the form for.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"

namespace diskret::vault_client {

inline constexpr std::string_view kTimestampHeader = "Diskret-Vault-Timestamp";
inline constexpr std::string_view kNonceHeader = "Diskret-Vault-Nonce";
inline constexpr std::string_view kSignatureHeader = "Diskret-Vault-Signature";
/// Requests whose timestamp is further than this from the vault's clock are refused.
inline constexpr std::chrono::seconds kMaxRequestAge{300};
inline constexpr std::size_t kMinNonceLength = 16;
inline constexpr std::size_t kMaxNonceLength = 64;
inline constexpr std::size_t kMaxOwnerLength = 64;

/// The string that is signed (see above).
std::string canonical_request(std::string_view method, std::string_view target,
                              std::string_view timestamp, std::string_view nonce,
                              std::string_view body);
/// Hex HMAC-SHA256 of canonical_request(...).
std::string request_signature(const crypto::SecretKey& secret, std::string_view method,
                              std::string_view target, std::string_view timestamp,
                              std::string_view nonce, std::string_view body);

struct SignedHeaders {
  std::string timestamp;
  std::string nonce;
  std::string signature;
};
/// Signs a request at `unix_seconds` with a fresh random nonce.
SignedHeaders sign_request(const crypto::SecretKey& secret, std::string_view method,
                           std::string_view target, std::string_view body,
                           std::int64_t unix_seconds);

/// Owner references are tenant ids: 1-64 characters of [A-Za-z0-9_.:-], which keeps them
/// safe in URLs, HTML attributes and logs.
bool valid_owner(std::string_view owner) noexcept;
bool valid_nonce(std::string_view nonce) noexcept;

/// Hex HMAC-SHA256(secret, "form\n" owner "\n" expires).
std::string owner_signature(const crypto::SecretKey& secret, std::string_view owner,
                            std::int64_t expires);

}  // namespace diskret::vault_client
