#include "inbound/webhook_settings.hpp"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace diskret::inbound {
namespace {

namespace urls = boost::urls;

bool is_public_v4(std::uint8_t a, std::uint8_t b, std::uint8_t c) {
  if (a == 0 || a == 10 || a == 127 || a >= 224) return false;  // this, private, loop, mc
  if (a == 100 && (b & 0xC0) == 64) return false;               // 100.64/10 CGNAT
  if (a == 169 && b == 254) return false;                       // link-local
  if (a == 172 && (b & 0xF0) == 16) return false;               // 172.16/12
  if (a == 192 && b == 168) return false;                       // 192.168/16
  if (a == 192 && b == 0 && (c == 0 || c == 2)) return false;   // IETF, TEST-NET-1
  if (a == 198 && (b & 0xFE) == 18) return false;               // 198.18/15 benchmarks
  if (a == 198 && b == 51 && c == 100) return false;            // TEST-NET-2
  if (a == 203 && b == 0 && c == 113) return false;             // TEST-NET-3
  return true;
}

bool is_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  for (char ch : name) {
    if (ch == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok || ++label > 63) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  }
  return out;
}

bool is_localhost_name(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host == "localhost" || (host.size() > 10 && host.substr(host.size() - 10) == ".localhost");
}

}  // namespace

bool is_public_address(std::span<const std::uint8_t> b) noexcept {
  if (b.size() == 4) return is_public_v4(b[0], b[1], b[2]);
  if (b.size() != 16) return false;
  const auto zeros = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  const auto zero_prefix = [&](std::size_t n) { return zeros(0, n); };
  if (zero_prefix(10) && b[10] == 0xFF && b[11] == 0xFF) return is_public_v4(b[12], b[13], b[14]);
  static constexpr std::array<std::uint8_t, 12> kNat64{0x00, 0x64, 0xFF, 0x9B};
  if (std::equal(kNat64.begin(), kNat64.end(), b.begin())) return is_public_v4(b[12], b[13], b[14]);
  if (zero_prefix(15)) return false;                        // :: and ::1
  if (zero_prefix(12)) return false;                        // deprecated IPv4-compatible
  if ((b[0] & 0xFE) == 0xFC) return false;                  // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return false;  // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return false;  // fec0::/10 site-local
  if (b[0] == 0xFF) return false;                           // multicast
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;  // doc
  if (b[0] == 0x01 && b[1] == 0x00 && zeros(2, 8)) return false;                   // discard
  return true;
}

Expected<void> validate_webhook_secret(std::string_view secret) {
  if (secret.size() < kMinWebhookSecretLength || secret.size() > kMaxWebhookSecretLength) {
    return fail(Errc::invalid_secret, "The secret must be 16 to 256 characters long.");
  }
  for (unsigned char c : secret) {
    if (c < 0x20 || c > 0x7E) {
      return fail(Errc::invalid_secret, "The secret must be printable ASCII.");
    }
  }
  return {};
}

Expected<WebhookTarget> parse_webhook_url(std::string_view text, PrivateHosts private_hosts) {
  if (text.empty() || text.size() > kMaxWebhookUrlLength) {
    return fail(Errc::invalid_url, "The URL must be 1 to 2048 characters long.");
  }
  // Only visible ASCII: spaces, CR, LF and other controls could split the request line or
  // a header; anything else must be percent-encoded anyway.
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7F) {
      return fail(Errc::invalid_url,
                  "The URL may contain only visible ASCII characters (percent-encode the rest).");
    }
  }
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) return fail(Errc::invalid_url, "The URL is not an absolute URL.");
  const urls::url_view u = *parsed;
  WebhookTarget t;
  if (u.scheme_id() == urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    return fail(Errc::invalid_url, "The URL must start with http:// or https://.");
  }
  if (!u.has_authority()) return fail(Errc::invalid_url, "The URL has no host.");
  if (u.has_userinfo()) {
    return fail(Errc::invalid_url, "The URL may not contain a user name or password.");
  }
  if (u.has_fragment()) return fail(Errc::invalid_url, "The URL may not contain a fragment (#).");

  std::string host_literal;
  switch (u.host_type()) {
    case urls::host_type::ipv4: {
      const auto bytes = u.host_ipv4_address().to_bytes();
      if (private_hosts == PrivateHosts::refuse && !is_public_address(bytes)) {
        return fail(Errc::invalid_url, "The URL's address is not a public one.");
      }
      t.host = u.host_ipv4_address().to_string();
      host_literal = t.host;
      break;
    }
    case urls::host_type::ipv6: {
      const auto bytes = u.host_ipv6_address().to_bytes();
      if (private_hosts == PrivateHosts::refuse && !is_public_address(bytes)) {
        return fail(Errc::invalid_url, "The URL's address is not a public one.");
      }
      t.host = u.host_ipv6_address().to_string();
      host_literal = "[" + t.host + "]";
      break;
    }
    case urls::host_type::name: {
      t.host = lower(u.encoded_host_name());
      if (!is_host_name(t.host)) return fail(Errc::invalid_url, "The URL's host name is invalid.");
      if (private_hosts == PrivateHosts::refuse && is_localhost_name(t.host)) {
        return fail(Errc::invalid_url, "The URL's host is not a public one.");
      }
      host_literal = t.host;
      break;
    }
    default:
      return fail(Errc::invalid_url, "The URL has no usable host.");
  }

  const std::uint16_t default_port = t.tls ? 443 : 80;
  t.port = default_port;
  if (u.has_port() && !u.port().empty()) {
    if (u.port().size() > 5 || u.port_number() == 0) {
      return fail(Errc::invalid_url, "The URL's port must be between 1 and 65535.");
    }
    t.port = u.port_number();
  }
  t.host_header =
      t.port == default_port ? host_literal : host_literal + ":" + std::to_string(t.port);
  t.target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
  if (t.target.front() != '/') return fail(Errc::invalid_url, "The URL's path is invalid.");
  if (u.has_query()) {
    t.target.push_back('?');
    t.target.append(u.encoded_query());
  }
  t.url = std::string(t.tls ? "https://" : "http://") + t.host_header + t.target;
  return t;
}

}  // namespace diskret::inbound
