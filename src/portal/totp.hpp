#pragma once
/// RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits, as every authenticator app
/// expects) and RFC 4648 base32 for the shared secret. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace diskret::portal {

inline constexpr std::int64_t kTotpStepSeconds = 30;

std::string base32_encode(std::string_view bytes);
/// Accepts upper or lower case, ignores spaces and '=' padding; nullopt on other characters.
std::optional<std::string> base32_decode(std::string_view text);

/// RFC 4226 HOTP value of `counter` with `digits` digits (6..8).
std::uint32_t hotp(std::string_view key, std::uint64_t counter, int digits = 6);
/// The time step of `now`.
std::uint64_t totp_step(SystemTime now);
/// The step within ±`window` of now whose 6-digit code is `code`, newest first; nullopt
/// when none matches or `code` is not 6 digits.
std::optional<std::uint64_t> totp_match(std::string_view key, std::string_view code,
                                        SystemTime now, int window = 1);
/// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32);

}  // namespace diskret::portal
