#pragma once
/// Portal login sessions over /v1 (the portal uses no other door):
///   POST   /v1/session   {account, email, password} -> 201 {user, csrf_token, ...} and the
///                        HttpOnly SameSite=Strict cookie (Secure when configured); 401 for
///                        any wrong credential (one message), 429 + Retry-After when throttled
///   GET    /v1/session   who is calling (session or API key), with the CSRF token
///   DELETE /v1/session   logout (ends this session, expires the cookie)
///   DELETE /v1/sessions  logout everywhere (every session of this user)
///   POST   /v1/session/totp          enrol a TOTP second factor: {secret, otpauth_uri}
///   POST   /v1/session/totp/confirm  {code}: switches it on; from then on login needs
///                        {totp}: without it 401 totp-required, a wrong one counts as failure
///                        (or one of its recovery codes; the confirm answer shows ten, once)
///   POST   /v1/session/totp/recovery-codes  {password}: ten new recovery codes, shown once
///   DELETE /v1/session/totp          {code}: switches it off
///   PUT    /v1/session/password      {current_password, new_password}: ends every session
///                        of the user and answers with a new one (cookie + CSRF token)
///   GET    /v1/public/security  the measures in force, from the configuration (public)
/// Password checks (Argon2id, ~0.1 s) run on a worker thread, not the HTTP I/O thread.
#include <chrono>
#include <memory>
#include <string>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "contacts/user_service.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "portal/login_throttle.hpp"
#include "portal/password_store.hpp"
#include "portal/session_store.hpp"
#include "portal/totp_service.hpp"
#include "store/audit_trail.hpp"
#include "store/store.hpp"

namespace diskret::portal {

struct SessionApiOptions {
  bool secure_cookie = false;  ///< add Secure (the portal is served over TLS / behind TLS)
  std::chrono::seconds cookie_max_age{12 * 60 * 60};
  /// JSON object served at GET /v1/public/security (built by serve from the config).
  std::string security_facts = "{}";
};

class SessionApi {
 public:
  SessionApi(SessionStore& sessions, LoginThrottle& throttle, contacts::UserService& users,
             tenancy::TenantService& tenants, const Clock& clock, SessionApiOptions options,
             TotpService* totp = nullptr);
  ~SessionApi();
  /// Where password changes are written (routes PUT /v1/session/password when set).
  void set_passwords(PasswordStore* passwords) { passwords_ = passwords; }
  void add_routes(http::Router& router);
  /// With a trail, logins (and failed ones for a known account), logouts everywhere and
  /// second-factor changes are appended to the tenant's audit trail (user ids, no emails).
  void set_audit(store::Store* store, store::AuditTrail* trail) {
    store_ = store;
    audit_ = trail;
  }

  void login(http::Request&& request, http::Respond respond);
  void whoami(http::Request&& request, http::Respond respond);
  void logout(http::Request&& request, http::Respond respond);
  void logout_everywhere(http::Request&& request, http::Respond respond);
  void totp_enrol(http::Request&& request, http::Respond respond);
  void totp_confirm(http::Request&& request, http::Respond respond);
  void totp_disable(http::Request&& request, http::Respond respond);
  void recovery_codes(http::Request&& request, http::Respond respond);
  void change_password(http::Request&& request, http::Respond respond);

 private:
  /// On the worker: tenant lookup and password check, then the session.
  http::Response check_credentials(const std::string& account, const std::string& email,
                                   const std::string& password, const std::optional<std::string>& code,
                                   const std::string& ip);
  /// The caller, which must be a portal session (400 for API keys).
  Expected<api::Caller, http::Response> session_caller(const http::Request& request);
  std::string cookie(std::string_view value, std::chrono::seconds max_age) const;
  /// Best effort: a login is not refused because the trail cannot be written (logged).
  void audit(std::uint64_t tenant, std::string actor, std::string action, std::string object,
             std::string details);

  SessionStore& sessions_;
  LoginThrottle& throttle_;
  contacts::UserService& users_;
  tenancy::TenantService& tenants_;
  const Clock& clock_;
  api::Authenticator auth_;
  SessionApiOptions options_;
  TotpService* totp_;
  PasswordStore* passwords_ = nullptr;
  store::Store* store_ = nullptr;
  store::AuditTrail* audit_ = nullptr;
  std::string dummy_hash_;  ///< verified for unknown accounts, so timing tells nothing
  std::unique_ptr<api::Worker> worker_;  // last: joined first
};

}  // namespace diskret::portal
