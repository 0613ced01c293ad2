#include "api/authenticator.hpp"

#include <cctype>

namespace diskret::api {
namespace {

http::Problem unauthorized(std::string detail, bool presented) {
  // RFC 6750: a request without credentials gets the bare challenge; a bad token gets
  // error="invalid_token".
  std::string challenge = "Bearer realm=\"diskret\"";
  if (presented) challenge += ", error=\"invalid_token\"";
  return http::Problem{401, "unauthorized", "Unauthorized", std::move(detail), {},
                       {{"WWW-Authenticate", challenge}}};
}

// The value of cookie `name` in a Cookie header ("a=1; diskret_session=..."); empty if absent.
std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

bool state_changing(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A browser names the site a request comes from: a change under the session cookie sent by
// another site's page is refused before its token is looked at (defence in depth beside
// SameSite=Strict and X-CSRF-Token). Without Origin (not a browser, or an old one) the
// token decides alone; "null" (sandboxed frames, file: pages) is foreign.
bool from_foreign_site(const http::Request& request) {
  if (iequal(request.header("Sec-Fetch-Site"), "cross-site")) return true;
  std::string_view origin = request.header("Origin");
  if (origin.empty()) return false;
  const auto scheme = origin.find("://");
  if (scheme == std::string_view::npos) return true;
  const std::string_view host = origin.substr(scheme + 3);
  if (host.empty()) return true;
  // Behind a proxy that rewrites Host, the host the browser saw is in X-Forwarded-Host (a
  // foreign page cannot set that header without a CORS preflight, which is never granted).
  const std::string_view forwarded = request.header("X-Forwarded-Host");
  return !iequal(host, request.header("Host")) && (forwarded.empty() || !iequal(host, forwarded));
}

}  // namespace

bool can_send(tenancy::Role role) noexcept { return role != tenancy::Role::viewer; }

bool can_manage(tenancy::Role role) noexcept {
  return role == tenancy::Role::owner || role == tenancy::Role::admin;
}

http::Problem unavailable_problem(std::string detail, std::chrono::seconds retry_after) {
  return http::Problem{503, "unavailable", "Service unavailable", std::move(detail), {},
                       {{"Retry-After", std::to_string(retry_after.count())}}};
}

Authenticator::Authenticator(tenancy::TenantService& tenants, const Clock& clock,
                             std::chrono::seconds settings_ttl)
    : tenants_(tenants), clock_(clock), ttl_(settings_ttl) {}

Expected<Caller, http::Problem> Authenticator::authenticate(const http::Request& request) {
  std::string_view header = request.header("Authorization");
  if (header.empty() && tenants_.session_resolver() != nullptr) {
    std::string_view token = cookie_value(request.header("Cookie"), kSessionCookie);
    if (!token.empty()) return authenticate_session(request, token);
  }
  if (header.empty()) {
    return unexpected(unauthorized("Send an API key as 'Authorization: Bearer <key>'.", false));
  }
  constexpr std::string_view kScheme = "bearer ";
  bool bearer = header.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  }
  if (!bearer) return unexpected(unauthorized("Only 'Bearer' API keys are accepted.", true));
  std::string_view key = header.substr(kScheme.size());
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);

  auto principal = tenants_.authenticate(key);
  if (!principal) {
    if (principal.error().code == Errc::unavailable) {
      return unexpected(unavailable_problem("Keys cannot be checked right now.", std::chrono::seconds(1)));
    }
    return unexpected(unauthorized("The API key is unknown or revoked.", true));
  }
  auto settings = settings_of(principal->tenant);
  if (!settings) return unexpected(settings.error());
  return Caller{std::move(*principal), std::move(*settings)};
}

Expected<Caller, http::Problem> Authenticator::authenticate_session(const http::Request& request,
                                                                  std::string_view token) {
  std::optional<std::string_view> csrf;
  if (state_changing(request.method)) {
    if (from_foreign_site(request)) {
      return unexpected(http::Problem{403, "csrf-token-invalid", "Cross-site request refused",
                                      "Changes under the portal session must come from the "
                                      "portal's own pages.", {}, {}});
    }
    csrf = request.header(kCsrfHeader);
  }
  auto principal = tenants_.session_resolver()->resolve_session(token, csrf);
  if (!principal) {
    if (principal.error().code == Errc::permission_denied) {
      return unexpected(http::Problem{403, "csrf-token-invalid", "CSRF token invalid",
                                      "Requests that change something must carry the session's "
                                      "X-CSRF-Token header.", {}, {}});
    }
    return unexpected(http::Problem{401, "session-expired", "Unauthorized",
                                    "The session is unknown, ended or expired; log in again.", {}, {}});
  }
  auto settings = settings_of(principal->tenant);
  if (!settings) return unexpected(settings.error());
  return Caller{std::move(*principal), std::move(*settings)};
}

Expected<tenancy::TenantSettings, http::Problem> Authenticator::settings_of(pipeline::TenantId tenant) {
  auto now = clock_.now();
  const std::uint64_t version = tenants_.settings_version();
  {
    std::lock_guard lock(mutex_);
    if (version != version_) {  // a tenant's settings changed: none of these is trusted
      cache_.clear();
      version_ = version;
    }
    auto it = cache_.find(tenant.value);
    if (it != cache_.end() && now - it->second.fetched < ttl_) return it->second.settings;
  }
  auto found = tenants_.get_tenant(tenant);
  if (!found) {
    if (found.error().code == Errc::not_found) {
      return unexpected(unauthorized("The API key's tenant no longer exists.", true));
    }
    return unexpected(unavailable_problem("Tenant settings cannot be read right now.", std::chrono::seconds(1)));
  }
  std::lock_guard lock(mutex_);
  cache_[tenant.value] = Cached{found->settings, now};
  return found->settings;
}

}  // namespace diskret::api
