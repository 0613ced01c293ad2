#pragma once
/// Tenants, their settings and API keys; authentication of API keys.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "pipeline/message.hpp"

namespace diskret::tenancy {

using pipeline::TenantId;

enum class Role : std::uint8_t { owner, admin, sender, viewer };
const char* role_name(Role r) noexcept;
std::optional<Role> parse_role(std::string_view text);

struct TenantSettings {
  std::string display_name;
  std::string default_region = "DE";            ///< for parsing national notation
  std::vector<std::string> allowed_countries;   ///< ISO regions; empty = default_region only
  std::uint16_t max_segments = 10;              ///< texts longer than this are refused
  std::vector<std::string> sender_ids;          ///< verified sender ids; empty = any valid one
  std::string quiet_hours;  ///< marketing campaigns: "20:00-08:00", "off"; "" = platform default
};

struct Tenant {
  TenantId id;
  std::string public_id;   ///< "tn_..." shown to users (CLI, SMTP user name)
  std::string name;
  TenantSettings settings;
  SystemTime created_at;
};

struct ApiKeyInfo {
  std::uint64_t id = 0;
  std::string prefix;      ///< first characters of the key, safe to show ("dsk_live_AbCd")
  std::string name;
  Role role = Role::owner;
  SystemTime created_at;
  std::optional<SystemTime> revoked_at;
};

struct CreatedKey {
  ApiKeyInfo info;
  std::string secret;      ///< the full key, shown once: "dsk_live_" + random
};

/// Who is calling: resolved from an API key on every request.
struct Principal {
  TenantId tenant;
  std::string tenant_public_id;
  Role role = Role::viewer;
  std::uint64_t api_key_id = 0;
  std::uint64_t user_id = 0;  ///< set when a portal session (not an API key) authenticated
};

/// Portal sessions (a cookie) as the other way to authenticate /v1 besides API keys; the
/// principal is the session user's tenant and role, so /v1 authorises both alike.
class SessionResolver {
 public:
  virtual ~SessionResolver() = default;
  /// The session's principal. Errc::not_found for an unknown, ended or expired session;
  /// Errc::permission_denied when `csrf` is given (state-changing requests) and is not the
  /// session's CSRF token.
  virtual Expected<Principal> resolve_session(std::string_view token,
                                              std::optional<std::string_view> csrf) = 0;
};

class TenantService {
 public:
  virtual ~TenantService() = default;
  virtual Expected<std::pair<Tenant, CreatedKey>> create_tenant(const std::string& name,
                                                                 const std::string& region) = 0;
  virtual Expected<Tenant> find_tenant(const std::string& public_id) = 0;
  virtual Expected<Tenant> get_tenant(TenantId id) = 0;
  virtual Expected<CreatedKey> create_api_key(TenantId tenant, const std::string& name, Role role) = 0;
  virtual Expected<std::vector<ApiKeyInfo>> list_api_keys(TenantId tenant) = 0;
  virtual Expected<void> revoke_api_key(TenantId tenant, std::uint64_t key_id) = 0;
  /// Replaces the tenant's settings (validated by the caller), audited as `actor`
  /// ("api_key:12"). Errc::not_found when there is no such tenant.
  virtual Expected<Tenant> update_settings(TenantId tenant, const TenantSettings& settings,
                                           std::string_view actor) = 0;
  /// Grows whenever settings change through this service: caches of settings compare it
  /// and drop what they hold, so a change applies to the next request.
  std::uint64_t settings_version() const noexcept {
    return settings_version_.load(std::memory_order_acquire);
  }
  /// Constant-time check of a presented key; revoked keys fail at once. Must be cheap
  /// (called on every request): cache positive results briefly, never negative ones.
  virtual Expected<Principal> authenticate(std::string_view api_key) = 0;

  /// Portal sessions, when `serve` runs the portal (must outlive this service); null: API
  /// keys only.
  void set_session_resolver(SessionResolver* sessions) noexcept { sessions_ = sessions; }
  SessionResolver* session_resolver() const noexcept { return sessions_; }

 protected:
  void settings_changed() noexcept { settings_version_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<std::uint64_t> settings_version_{0};
  SessionResolver* sessions_ = nullptr;
};

}  // namespace diskret::tenancy
