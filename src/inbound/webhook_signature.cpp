#include "inbound/webhook_signature.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <vector>

#include "crypto/hmac.hpp"
#include "crypto/secret.hpp"

namespace diskret::inbound {
namespace {

std::string signed_payload(std::int64_t t, std::string_view body) {
  std::string payload = std::to_string(t);
  payload.push_back('.');
  payload.append(body);
  return payload;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string sign_webhook(std::string_view secret, std::int64_t unix_seconds,
                         std::string_view body) {
  return fmt::format("t={},v1={}", unix_seconds,
                     crypto::hmac_sha256_hex(secret, signed_payload(unix_seconds, body)));
}

SignatureCheck verify_webhook_signature(std::string_view header, std::string_view secret,
                                        std::string_view body, std::int64_t now_unix_seconds,
                                        std::chrono::seconds tolerance) {
  std::optional<std::int64_t> t;
  std::vector<std::string_view> candidates;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return SignatureCheck::malformed;
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc{} || end != value.data() + value.size() || t) {
        return SignatureCheck::malformed;
      }
      t = v;
    } else if (key == "v1") {
      candidates.push_back(value);
    }  // other schemes: ignored, as receivers should for forward compatibility
  }
  if (!t || candidates.empty()) return SignatureCheck::malformed;
  const std::string expected = crypto::hmac_sha256_hex(secret, signed_payload(*t, body));
  bool match = false;
  for (std::string_view c : candidates) {
    // Compare every candidate so timing tells nothing about which one matched.
    if (crypto::constant_time_equal(c, expected)) match = true;
  }
  if (!match) return SignatureCheck::mismatch;
  const std::int64_t age = now_unix_seconds - *t;
  if (age > tolerance.count() || -age > tolerance.count()) return SignatureCheck::expired;
  return SignatureCheck::valid;
}

}  // namespace diskret::inbound
