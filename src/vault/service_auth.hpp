#pragma once
/// Verifies the platform's signed service calls and the signed owner of the card form
/// (scheme: vault_client/signing.hpp). Timestamps more than five minutes away from the
/// vault's clock are refused, nonces are remembered for that window so a captured request
/// cannot be replayed, and signatures are compared in constant time.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "http/message.hpp"

namespace diskret::vault {

class ServiceAuth {
 public:
  /// More remembered nonces than this (a flood of validly signed calls) are refused.
  static constexpr std::size_t kMaxNonces = 200'000;

  ServiceAuth(crypto::SecretKey secret, const Clock& clock) : secret_(secret), clock_(clock) {}

  /// Errc::unauthenticated (missing or wrong signature), Errc::stale_request,
  /// Errc::replayed_request. A valid request's nonce is remembered.
  Expected<void> verify(const http::Request& request);
  /// The form's owner parameters: Errc::bad_form_link when missing, wrong or expired.
  Expected<void> verify_owner(std::string_view owner, std::string_view expires,
                              std::string_view signature) const;

  std::size_t remembered_nonces() const { return nonces_.size(); }

 private:
  void forget_expired(std::int64_t now_s);

  crypto::SecretKey secret_;
  const Clock& clock_;
  struct Seen {
    std::int64_t forget_at_s;
    std::string nonce;
  };
  std::deque<Seen> order_;  ///< by forget time (timestamps are checked to be near now)
  std::unordered_set<std::string> nonces_;
};

}  // namespace diskret::vault
