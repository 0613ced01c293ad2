#pragma once
/// The Diskret-Signature header of webhook deliveries:
///   Diskret-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
/// Receivers recompute the HMAC over the raw body and compare in constant time; the
/// timestamp lets them refuse replays. Pure.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace diskret::inbound {

inline constexpr std::string_view kSignatureHeader = "Diskret-Signature";

/// "t=1700000000,v1=5f2b...".
std::string sign_webhook(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

enum class SignatureCheck : std::uint8_t { valid, malformed, mismatch, expired };

/// Verifies a header as a receiver would: any of several v1 entries may match (secret
/// rotation); the timestamp must be within `tolerance` of `now_unix_seconds`.
SignatureCheck verify_webhook_signature(std::string_view header, std::string_view secret,
                                        std::string_view body, std::int64_t now_unix_seconds,
                                        std::chrono::seconds tolerance = std::chrono::minutes{5});

}  // namespace diskret::inbound
