#pragma once
/// The vault's HTTP endpoints as plain functions from http::Request to http::Response
/// (testable without sockets), and their routes:
///   GET  /form, /form.js, /form.css      hosted card form (framed only by the portal)
///   POST /v1/cards (+ OPTIONS)           public, called by the form; rate-limited per IP
///   GET  /v1/service/cards?owner=        HMAC-signed service calls from diskret
///   POST /v1/service/charges
///   DELETE /v1/service/cards/{token}?owner=
///   GET  /healthz
#include <string>

#include "core/clock.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "vault/rate_limiter.hpp"
#include "vault/service_auth.hpp"
#include "vault/vault_service.hpp"
#include "vault/worker.hpp"

namespace diskret::vault {

struct VaultApiOptions {
  std::string portal_origin = "http://127.0.0.1:8080";
  double card_rate_per_minute = 10;
  double card_rate_burst = 10;
};

/// Largest accepted body of POST /v1/cards; a card is about 150 bytes of JSON.
inline constexpr std::size_t kMaxCardBody = 4096;

class VaultApi {
 public:
  VaultApi(VaultService& service, ServiceAuth& auth, const Clock& clock, VaultApiOptions options)
      : service_(service), auth_(auth), clock_(clock), options_(std::move(options)),
        limiter_(options_.card_rate_per_minute, options_.card_rate_burst, clock) {}

  /// Not thread-safe: call from one thread (the worker).
  http::Response form(const http::Request& request) const;
  http::Response form_script(const http::Request& request) const;
  http::Response form_style(const http::Request& request) const;
  /// Wipes the request body (it holds the card number and CVC) before returning.
  http::Response store_card(http::Request& request);
  http::Response cards_preflight(const http::Request& request) const;
  http::Response list_cards(const http::Request& request);
  http::Response charge(const http::Request& request);
  http::Response delete_card(const http::Request& request);
  http::Response health(const http::Request& request) const;

  /// Adds every route. Handlers run on `worker` (which must outlive the router's use), or
  /// inline when it is nullptr (tests).
  void add_routes(http::Router& router, Worker* worker);

 private:
  /// Verifies the service signature; on refusal audits it and returns the 401.
  std::optional<http::Response> refuse_unsigned(const http::Request& request);
  void add_cors(const http::Request& request, http::Response& response) const;

  VaultService& service_;
  ServiceAuth& auth_;
  const Clock& clock_;
  VaultApiOptions options_;
  RateLimiter limiter_;
};

}  // namespace diskret::vault
