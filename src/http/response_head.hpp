#pragma once
/// Serialises a Response's status line and header block (HTTP/1.1) in one string; pure,
/// so the server writes head and body with one gather write and no per-field allocations.
#include <string>
#include <string_view>
#include <utility>

#include "http/message.hpp"

namespace diskret::http {

/// Security headers added to every response unless the handler set the same header.
inline constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
};

/// "OK", "Not Found", ...; "Unknown" for codes without a registered phrase.
std::string_view reason_phrase(int status) noexcept;

/// Status line, Content-Type, the handler's headers, the security headers the handler did
/// not set itself, X-Request-Id, Content-Length, Connection: close (when !keep_alive),
/// and the blank line. Header names or values with CR, LF or NUL are dropped (no header
/// injection through values that reach a header).
std::string serialize_head(const Response& response, std::string_view request_id, bool keep_alive);

}  // namespace diskret::http
