#pragma once
/// The platform's side of the card vault: signed service calls (list cards, charge,
/// delete) and the signed URL of the hosted card form. Contains no card handling: the
/// platform only ever sees tokens, brands and last four digits.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "vault_client/errc.hpp"
#include "vault_client/http_transport.hpp"

namespace diskret::vault_client {

struct VaultClientConfig {
  std::string base_url = "http://127.0.0.1:8443";  ///< [billing] vault_url
  std::chrono::milliseconds timeout{10'000};       ///< per call, connect included
  std::chrono::seconds form_ttl{3600};             ///< how long a form URL stays usable
};

/// A stored card as the platform may see it.
struct CardSummary {
  std::string token;
  std::string brand;
  std::string last4;
  int exp_month = 0;
  int exp_year = 0;
};

struct ChargeRequest {
  std::string owner;  ///< the tenant the card belongs to
  std::string token;
  std::int64_t amount_cents = 0;
  std::string currency = "EUR";
  std::string idempotency_key;  ///< same key, same answer; never a second charge
};

enum class ChargeStatus { approved, declined };

struct ChargeResult {
  std::string charge_id;
  ChargeStatus status = ChargeStatus::declined;
  std::string reason;     ///< empty when approved; "card_declined", "insufficient_funds", ...
  bool replayed = false;  ///< the answer of an earlier call with the same idempotency key
};

class VaultClient {
 public:
  /// `secret` is the shared service secret ([billing] vault_secret_file, read with
  /// crypto::MasterKeyFile). Fails on a malformed base URL.
  static Expected<VaultClient> create(VaultClientConfig config, crypto::SecretKey secret,
                                      const Clock& clock = SystemClock::instance());

  /// "<vault>/form?owner=..&expires=..&sig=..": the iframe URL for the portal. Fails for an
  /// owner that is not a valid reference (see valid_owner).
  Expected<std::string> form_url(std::string_view owner) const;

  Expected<std::vector<CardSummary>> list_cards(std::string_view owner) const;
  /// Declines are results, not errors; errors are transport, auth, unknown card (not_found)
  /// and an idempotency key reused with other parameters (conflict).
  Expected<ChargeResult> charge(const ChargeRequest& request) const;
  Expected<void> delete_card(std::string_view owner, std::string_view token) const;

 private:
  VaultClient(VaultClientConfig config, BaseUrl base, crypto::SecretKey secret, const Clock& clock)
      : config_(std::move(config)), base_(std::move(base)), secret_(secret), clock_(&clock) {}

  /// Signs and sends; maps non-2xx answers to errors.
  Expected<HttpReply> call(std::string_view method, std::string_view target,
                           std::string_view body) const;

  VaultClientConfig config_;
  BaseUrl base_;
  crypto::SecretKey secret_;
  const Clock* clock_;
};

}  // namespace diskret::vault_client
