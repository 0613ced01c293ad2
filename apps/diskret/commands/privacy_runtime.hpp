#pragma once
// What `diskret serve` runs for the privacy operations: the hash-chained audit trail (the
// AuditTrail other modules write through), the PrivacyService (watcher, anchors, retention,
// read auditing) and the /v1 privacy, audit, alert and access-grant endpoints.
#include <memory>

#include "api/privacy_api.hpp"
#include "commands/privacy_context.hpp"
#include "inbound/inbound_module.hpp"
#include "store/sqlite/sqlite_security_store.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::app {

struct PrivacyRuntime {
  KeySide keys;
  std::unique_ptr<store::sqlite::SqliteContactStore> contacts;
  std::unique_ptr<store::sqlite::SqlitePrivacyStore> rows;
  std::unique_ptr<store::sqlite::SqliteAuditChain> audit_rows;
  std::unique_ptr<store::sqlite::SqliteSecurityStore> security;
  std::unique_ptr<audit::AuditLog> audit;  ///< the store::AuditTrail of every module
  std::unique_ptr<privacy::Alerts> alerts;
  privacy::AlertRules rules;
  std::unique_ptr<privacy::AccessGrants> grants;
  std::unique_ptr<privacy::PrivacyService> service;
  std::unique_ptr<api::PrivacyApi> api;

  /// Stops the background work and signs every audit chain (after the front doors closed).
  void stop();
  /// Security alerts also go to the tenants' webhooks (security.alert events) through the
  /// inbound module's durable queue and worker. Call before the HTTP server starts.
  void send_alerts_to(inbound::InboundModule& inbound, store::WebhookStore& webhooks);
};

/// Builds, prepares (adopts unchained audit rows, re-applies erasures) and starts it.
std::unique_ptr<PrivacyRuntime> start_privacy(const config::Config& config, StoreHandle& storage,
                                              tenancy::TenantService& tenants, const Clock& clock);

}  // namespace diskret::app
