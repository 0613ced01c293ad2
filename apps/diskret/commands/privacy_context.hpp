#pragma once
// The privacy operations' objects for the admin subcommands (keys, backup, audit, privacy)
// and the two hooks open_store() runs so that every process survives a master key
// rotation made by another one.
#include <filesystem>
#include <memory>

#include "audit/audit_log.hpp"
#include "commands/context.hpp"
#include "inbound/webhook_queue.hpp"
#include "links/links.hpp"
#include "links/recipient_links.hpp"
#include "privacy/erasure.hpp"
#include "privacy/person_data.hpp"
#include "privacy/security.hpp"
#include "store/master_key_holder.hpp"
#include "store/service_keys.hpp"
#include "store/sqlite/sqlite_audit_chain.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_key_vault.hpp"
#include "store/sqlite/sqlite_privacy_store.hpp"
#include "store/sqlite/sqlite_security_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"

namespace diskret::app {

struct DataPaths {
  std::filesystem::path main_db;
  std::filesystem::path keys_db;
  std::filesystem::path master_key;
};
DataPaths data_paths(const config::Config& config);

/// Before the master key file is read: completes or discards a rotation that stopped
/// half-way (keys.db must be migrated).
void finish_key_rotation(const config::Config& config);
/// After the key ring is made: it takes its master key from a holder that reloads the key
/// file after a rotation, and the API-key pepper from the key store.
void attach_privacy_keys(store::KeyRing& keys, const config::Config& config, const Clock& clock);

/// The key store side alone (restore runs while diskret.db must stay closed).
struct KeySide {
  std::shared_ptr<store::MasterKeyHolder> master;
  std::unique_ptr<store::sqlite::SqliteKeyVault> vault;
  std::unique_ptr<store::ServiceKeys> services;
};
KeySide open_key_side(const config::Config& config, const Clock& clock);
/// The key store: keys.db, or the key database <db>_keys on PostgreSQL.
std::unique_ptr<store::sqlite::SqliteKeyVault> open_key_vault(const config::Config& config);

/// Everything: store (migrated), key ring, key store, audit trail, privacy rows.
struct PrivacyHandle {
  StoreHandle storage;
  KeySide keys;
  std::unique_ptr<store::sqlite::SqliteContactStore> contacts;
  std::unique_ptr<store::sqlite::SqlitePrivacyStore> rows;
  std::unique_ptr<store::sqlite::SqliteAuditChain> audit_rows;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<store::sqlite::SqliteSecurityStore> security;
  std::unique_ptr<privacy::Alerts> alerts;
  std::unique_ptr<privacy::AccessGrants> grants;
  /// Alerts raised here are queued for the tenants' webhooks; `diskret serve` delivers them.
  std::unique_ptr<store::sqlite::SqliteWebhookStore> webhooks;
  std::unique_ptr<inbound::WebhookQueue> webhook_queue;
  /// Per-recipient link codes and clicks: part of a person's export and erasure.
  std::unique_ptr<links::SqliteLinkStore> link_store;
  std::unique_ptr<links::SqliteRecipientLinkStore> recipient_links;
  std::unique_ptr<privacy::PersonData> person_data;

  privacy::PrivacyContext context(const Clock& clock);
};
PrivacyHandle open_privacy(const config::Config& config, const Clock& clock);

/// Who runs an admin command: the login name, and "operator:<name>" for the audit trail.
std::string operator_name();
std::string operator_actor();

}  // namespace diskret::app
