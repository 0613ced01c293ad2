#pragma once
/// Bearer API keys -> the calling tenant and its settings (settings cached briefly, so a
/// request costs no database read when the key is in the TenantService's cache).
#include <chrono>
#include <mutex>
#include <map>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

struct Caller {
  tenancy::Principal principal;
  tenancy::TenantSettings settings;
};

/// The portal's session cookie and the header that carries its CSRF token.
inline constexpr std::string_view kSessionCookie = "diskret_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

/// Roles that may send messages (viewers may only read).
bool can_send(tenancy::Role role) noexcept;
/// Roles that may change the account's settings and credentials (API keys, SMPP and SMTP
/// credentials): owner and admin.
bool can_manage(tenancy::Role role) noexcept;

class Authenticator {
 public:
  Authenticator(tenancy::TenantService& tenants, const Clock& clock,
                std::chrono::seconds settings_ttl);

  /// 401 (with WWW-Authenticate) for a missing, malformed, unknown or revoked key; 503 when
  /// the tenant store cannot answer. Without an Authorization header, a portal session
  /// cookie authenticates (when the TenantService has a SessionResolver): 401 when it is
  /// unknown or expired, 403 when a state-changing request lacks its CSRF token.
  Expected<Caller, http::Problem> authenticate(const http::Request& request);

 private:
  Expected<Caller, http::Problem> authenticate_session(const http::Request& request,
                                                       std::string_view token);
  Expected<tenancy::TenantSettings, http::Problem> settings_of(pipeline::TenantId tenant);

  struct Cached {
    tenancy::TenantSettings settings;
    SystemTime fetched;
  };
  tenancy::TenantService& tenants_;
  const Clock& clock_;
  std::chrono::seconds ttl_;
  std::mutex mutex_;
  std::map<std::uint64_t, Cached> cache_;  ///< by TenantId value
  std::uint64_t version_ = 0;              ///< TenantService::settings_version() of cache_
};

/// 503 with Retry-After, for a dependency that cannot serve now.
http::Problem unavailable_problem(std::string detail, std::chrono::seconds retry_after);

}  // namespace diskret::api
