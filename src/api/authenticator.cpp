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

}  // namespace

bool can_send(tenancy::Role role) noexcept { return role != tenancy::Role::viewer; }

http::Problem unavailable_problem(std::string detail, std::chrono::seconds retry_after) {
  return http::Problem{503, "unavailable", "Service unavailable", std::move(detail), {},
                       {{"Retry-After", std::to_string(retry_after.count())}}};
}

Authenticator::Authenticator(tenancy::TenantService& tenants, const Clock& clock,
                             std::chrono::seconds settings_ttl)
    : tenants_(tenants), clock_(clock), ttl_(settings_ttl) {}

Expected<Caller, http::Problem> Authenticator::authenticate(const http::Request& request) {
  std::string_view header = request.header("Authorization");
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
