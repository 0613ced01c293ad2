#include "vault/service_auth.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>

#include "crypto/secret.hpp"
#include "vault/errc.hpp"
#include "vault_client/signing.hpp"

namespace diskret::vault {
namespace {

using vault_client::kMaxRequestAge;

std::optional<std::int64_t> parse_seconds(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty() || s.size() > 12) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::int64_t unix_seconds(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

bool lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

void ServiceAuth::forget_expired(std::int64_t now_s) {
  while (!order_.empty() && order_.front().forget_at_s < now_s) {
    nonces_.erase(order_.front().nonce);
    order_.pop_front();
  }
}

Expected<void> ServiceAuth::verify(const http::Request& request) {
  const auto timestamp = request.header(vault_client::kTimestampHeader);
  const auto nonce = request.header(vault_client::kNonceHeader);
  const auto signature = request.header(vault_client::kSignatureHeader);
  if (timestamp.empty() || nonce.empty() || signature.empty()) {
    return fail(Errc::unauthenticated, "the request is not signed");
  }
  const auto ts = parse_seconds(timestamp);
  if (!ts || !vault_client::valid_nonce(nonce) || !lower_hex64(signature)) {
    return fail(Errc::unauthenticated, "the signature headers are malformed");
  }
  const std::int64_t now = unix_seconds(clock_);
  const std::int64_t window = kMaxRequestAge.count();
  if (*ts < now - window || *ts > now + window) {
    return fail(Errc::stale_request, "the request timestamp is more than 5 minutes from the vault's clock");
  }
  // Check the signature before touching the nonce cache, so unsigned traffic cannot fill it.
  const std::string expected = vault_client::request_signature(
      secret_, request.method, request.target, timestamp, nonce, request.body);
  if (!crypto::constant_time_equal(expected, signature)) {
    return fail(Errc::unauthenticated, "the request signature does not match");
  }
  forget_expired(now);
  if (nonces_.contains(std::string(nonce))) {
    return fail(Errc::replayed_request, "the request nonce was already used");
  }
  if (nonces_.size() >= kMaxNonces) {
    return fail(Errc::replayed_request, "too many signed requests in the replay window");
  }
  // Remember it for as long as its timestamp could still be accepted.
  nonces_.emplace(nonce);
  const std::int64_t forget_at = std::max(*ts + window, now);
  // Keep the deque ordered by forget time; timestamps arrive nearly in order, so walk back.
  auto it = order_.end();
  while (it != order_.begin() && std::prev(it)->forget_at_s > forget_at) --it;
  order_.insert(it, Seen{forget_at, std::string(nonce)});
  return {};
}

Expected<void> ServiceAuth::verify_owner(std::string_view owner, std::string_view expires,
                                         std::string_view signature) const {
  if (!vault_client::valid_owner(owner) || !lower_hex64(signature)) {
    return fail(Errc::bad_form_link, "the card form link has no valid owner signature");
  }
  const auto exp = parse_seconds(expires);
  if (!exp) return fail(Errc::bad_form_link, "the card form link has no valid expiry");
  const std::string expected = vault_client::owner_signature(secret_, owner, *exp);
  if (!crypto::constant_time_equal(expected, signature)) {
    return fail(Errc::bad_form_link, "the card form link signature does not match");
  }
  if (*exp < unix_seconds(clock_)) return fail(Errc::bad_form_link, "the card form link has expired");
  return {};
}

}  // namespace diskret::vault
