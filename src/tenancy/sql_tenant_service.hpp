#pragma once
/// SqlTenantService: tenants and API keys on the Store. API keys are "dsk_live_" + 32
/// random characters; only a keyed hash (pepper derived from the master key) is stored,
/// found by the key's first 14 characters. Creating a tenant creates its data key.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "crypto/secret.hpp"
#include "store/audit_trail.hpp"
#include "store/key_ring.hpp"
#include "store/store.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::tenancy {

inline constexpr std::string_view kApiKeyPrefix = "dsk_live_";
inline constexpr std::size_t kApiKeyShownPrefix = 14;  ///< stored and shown: "dsk_live_AbCdE"

class SqlTenantService final : public TenantService {
 public:
  SqlTenantService(store::Store& store, store::KeyRing& keys, const Clock& clock);

  /// With a trail, tenants created and API keys created or revoked are appended to the
  /// tenant's audit trail in the transaction of the change (tenant.created, apikey.created,
  /// apikey.revoked), as done by `actor` ("operator:anna"). Entries name the key by id,
  /// label and role, never its secret or prefix.
  void set_audit(store::AuditTrail* trail, std::string actor) {
    audit_ = trail;
    audit_actor_ = std::move(actor);
  }

  // TenantService
  Expected<std::pair<Tenant, CreatedKey>> create_tenant(const std::string& name,
                                                        const std::string& region) override;
  Expected<Tenant> find_tenant(const std::string& public_id) override;
  Expected<Tenant> get_tenant(TenantId id) override;
  Expected<CreatedKey> create_api_key(TenantId tenant, const std::string& name, Role role) override;
  Expected<Tenant> update_settings(TenantId tenant, const TenantSettings& settings,
                                   std::string_view actor) override;
  Expected<std::vector<ApiKeyInfo>> list_api_keys(TenantId tenant) override;
  Expected<void> revoke_api_key(TenantId tenant, std::uint64_t key_id) override;
  /// Positive answers are cached for at most one second (a key revoked by another process
  /// stops working within that second; revoked here, at once). Failures are never cached.
  Expected<Principal> authenticate(std::string_view api_key) override;

 private:
  struct Cached {
    Principal principal;
    SystemTime until;
  };
  Expected<CreatedKey> insert_key(store::WriteTransaction& tx, std::uint64_t tenant,
                                  const std::string& name, Role role);
  Expected<void> record(store::WriteTransaction& tx, std::uint64_t tenant, std::string_view action,
                        std::string object, std::string details);

  store::Store& store_;
  store::KeyRing& keys_;
  const Clock& clock_;
  const crypto::SecretKey pepper_;
  store::AuditTrail* audit_ = nullptr;
  std::string audit_actor_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by key hash
  std::uint64_t revocations_ = 0;                  // guarded by cache_mutex_
};

}  // namespace diskret::tenancy
