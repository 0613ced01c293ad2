#pragma once
/// Validation of what a tenant puts in PUT /v1/webhooks: the URL (http or https, no user
/// info, no fragment, nothing that could end up as a CR/LF in a request line or header)
/// and the signing secret. Optionally refuses hosts that are not public (loopback, private
/// networks, link-local ...) so that a tenant cannot make diskret probe its own network;
/// the delivery worker applies the same rule to the addresses a name resolves to. Pure.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "inbound/errc.hpp"

namespace diskret::inbound {

enum class PrivateHosts : bool { refuse, allow };

inline constexpr std::size_t kMaxWebhookUrlLength = 2048;
inline constexpr std::size_t kMinWebhookSecretLength = 16;
inline constexpr std::size_t kMaxWebhookSecretLength = 256;

/// Where and how to deliver, taken apart once when the URL is stored.
struct WebhookTarget {
  std::string url;          ///< normalised: scheme and host in lower case
  bool tls = false;         ///< https
  std::string host;         ///< name or address to connect to (IPv6 without brackets)
  std::uint16_t port = 0;   ///< explicit or the scheme's default
  std::string host_header;  ///< "example.com", "example.com:8443", "[::1]:8080"
  std::string target;       ///< "/path?query" (at least "/")
};

/// Fails with Errc::invalid_url and a sentence saying why (no personal data; the URL
/// itself is not repeated).
Expected<WebhookTarget> parse_webhook_url(std::string_view text, PrivateHosts private_hosts);

/// 16 to 256 printable ASCII characters (Errc::invalid_secret).
Expected<void> validate_webhook_secret(std::string_view secret);

/// True for an address one may deliver to from a public service: not loopback, private
/// (RFC 1918, ULA), shared (CGNAT), link-local, multicast, unspecified, documentation or
/// reserved; IPv4-mapped and NAT64 IPv6 addresses are judged by their IPv4 part.
/// `bytes`: 4 (IPv4) or 16 (IPv6) bytes in network order; other sizes are not public.
bool is_public_address(std::span<const std::uint8_t> bytes) noexcept;

}  // namespace diskret::inbound
