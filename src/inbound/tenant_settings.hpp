#pragma once
/// TenantSettingsCache: per tenant what MO handling needs, loaded once: the default region
/// for reading numbers and the compiled keyword settings. Thread-safe; invalidate() after
/// the settings change.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/expected.hpp"
#include "inbound/inbound_settings.hpp"
#include "store/inbound_store.hpp"
#include "store/store.hpp"

namespace diskret::inbound {

struct TenantInbound {
  std::uint64_t tenant = 0;
  std::string region = "DE";
  CompiledSettings settings;
};

class TenantSettingsCache {
 public:
  TenantSettingsCache(store::Store& store, store::InboundStore& inbound)
      : store_(store), inbound_(inbound) {}

  /// diskret::Errc::not_found for an unknown tenant.
  Expected<std::shared_ptr<const TenantInbound>> get(std::uint64_t tenant);
  void invalidate(std::uint64_t tenant);

 private:
  store::Store& store_;
  store::InboundStore& inbound_;
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<const TenantInbound>> cache_;
};

}  // namespace diskret::inbound
