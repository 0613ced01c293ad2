#include "inbound/tenant_settings.hpp"

namespace diskret::inbound {

Expected<std::shared_ptr<const TenantInbound>> TenantSettingsCache::get(std::uint64_t tenant) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(tenant); it != cache_.end()) return it->second;
  }
  auto record = store_.tenant(tenant);
  if (!record) return unexpected(record.error());
  if (!*record) return fail(diskret::Errc::not_found, "unknown tenant");
  auto stored = inbound_.settings(tenant);
  if (!stored) return unexpected(stored.error());
  const std::string& name =
      (*record)->display_name.empty() ? (*record)->name : (*record)->display_name;
  auto entry = std::make_shared<const TenantInbound>(
      TenantInbound{tenant, (*record)->default_region, compile_settings(*stored, name)});
  std::lock_guard lock(mutex_);
  cache_[tenant] = entry;
  return entry;
}

void TenantSettingsCache::invalidate(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  cache_.erase(tenant);
}

}  // namespace diskret::inbound
