#pragma once
// The tenancy service on the configured store, for the admin subcommands.
#include <memory>

#include "commands/context.hpp"
#include "commands/privacy_context.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::app {

/// The store with the hash-chained audit trail (privacy.audit): tenants created and API keys
/// created or revoked through `tenants` are recorded there as done by the operator.
struct TenantAdmin {
  PrivacyHandle privacy;
  std::unique_ptr<tenancy::TenantService> tenants;

  store::Store& store() { return *privacy.storage.store; }
  store::KeyRing& keys() { return *privacy.storage.keys; }
};
TenantAdmin open_tenant_admin(const CommonOptions& options);

/// The tenant named by its public id (tn_...), or Failure.
tenancy::Tenant tenant_by_public_id(tenancy::TenantService& tenants, const std::string& public_id);

/// A JSON string literal (quotes and escapes) for hand-written JSON output.
std::string json_quote(std::string_view s);

}  // namespace diskret::app
