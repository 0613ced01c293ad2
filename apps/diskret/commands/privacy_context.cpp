#include "commands/privacy_context.hpp"

#include "commands/link_clicks.hpp"

#include <unistd.h>

#include <cstdlib>

#include <spdlog/spdlog.h>

#include "crypto/master_key.hpp"
#include "privacy/key_rotation.hpp"
#include "store/postgresql/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {

DataPaths data_paths(const config::Config& config) {
  if (on_postgresql(config)) return {{}, {}, config.keys.master_key_file};  // no files
  auto options = must(store::sqlite::SqliteOptions::from_url(config.store.url, config.server.data_dir),
                      "[store] url");
  return {options.main_path, options.keys_path, config.keys.master_key_file};
}

std::unique_ptr<store::sqlite::SqliteKeyVault> open_key_vault(const config::Config& config) {
  if (on_postgresql(config)) {
    // The key database <db>_keys (migrated by open_store()).
    auto options = must(store::postgresql::PgOptions::from_url(config.store.url), "[store] url");
    auto c = must(store::postgresql::PgConnection::connect(options.keys_url),
                  "cannot open the key database");
    return store::sqlite::SqliteKeyVault::open_on(
        std::make_unique<store::postgresql::PgConnection>(std::move(c)));
  }
  return must(store::sqlite::SqliteKeyVault::open(data_paths(config).keys_db), "cannot open the key store");
}

void finish_key_rotation(const config::Config& config) {
  const auto paths = data_paths(config);
  auto vault = open_key_vault(config);
  must(privacy::finish_interrupted_rotation(paths.master_key, *vault),
       "cannot finish the interrupted key rotation");
}

KeySide open_key_side(const config::Config& config, const Clock& clock) {
  const auto paths = data_paths(config);
  KeySide side;
  side.vault = open_key_vault(config);
  must(privacy::finish_interrupted_rotation(paths.master_key, *side.vault),
       "cannot finish the interrupted key rotation");
  crypto::MasterKeyFile file(paths.master_key);
  auto key = must(file.load(), "master key " + paths.master_key.string());
  side.master = std::make_shared<store::MasterKeyHolder>(store::MasterKey{key, file.key_id()},
                                                         store::reload_from_files(paths.master_key.string()));
  side.services = std::make_unique<store::ServiceKeys>(*side.vault, *side.master, clock);
  return side;
}

void attach_privacy_keys(store::KeyRing& keys, const config::Config& config, const Clock& clock) {
  auto side = open_key_side(config, clock);
  keys.use_master_keys(side.master);
  keys.set_api_key_pepper(must(side.services->api_key_pepper(), "cannot read the API key pepper"));
}

privacy::PrivacyContext PrivacyHandle::context(const Clock& clock) {
  return privacy::PrivacyContext{*storage.store, *storage.keys, *keys.vault, *contacts, *rows, *audit, clock};
}

PrivacyHandle open_privacy(const config::Config& config, const Clock& clock) {
  PrivacyHandle h;
  h.storage = open_store(config, clock, kAdminBusyTimeout);
  h.keys = open_key_side(config, clock);
  auto& sqlite = sql_host(h.storage);
  h.contacts = std::make_unique<store::sqlite::SqliteContactStore>(sqlite);
  h.rows = std::make_unique<store::sqlite::SqlitePrivacyStore>(sqlite);
  h.audit_rows = std::make_unique<store::sqlite::SqliteAuditChain>(sqlite);
  h.audit = std::make_unique<audit::AuditLog>(*h.storage.store, *h.audit_rows, *h.keys.vault,
                                              *h.keys.services, clock);
  h.security = std::make_unique<store::sqlite::SqliteSecurityStore>(sqlite);
  h.alerts = std::make_unique<privacy::Alerts>(*h.storage.store, *h.security, *h.audit, clock);
  h.grants = std::make_unique<privacy::AccessGrants>(*h.storage.store, *h.security, *h.audit, *h.alerts, clock);
  h.webhooks = std::make_unique<store::sqlite::SqliteWebhookStore>(sqlite);
  h.webhook_queue = std::make_unique<inbound::WebhookQueue>(*h.webhooks, clock);
  if (auto loaded = h.webhook_queue->load(); loaded) {
    h.alerts->set_webhooks(h.webhooks.get(), h.webhook_queue.get());
  } else {
    spdlog::warn("alerts of this command will not reach webhooks: {}", loaded.error().message());
  }
  h.link_store = links::SqliteLinkStore::open_on(main_connection(h.storage, "the short links"));
  h.recipient_links = links::SqliteRecipientLinkStore::open_on(
      main_connection(h.storage, "the per-recipient short links"));
  h.person_data = std::make_unique<LinkClicksOfPerson>(*h.recipient_links, *h.link_store);
  return h;
}

std::string operator_name() {
  const char* user = std::getenv("USER");
  std::string name = user != nullptr && *user != '\0' ? user : "uid" + std::to_string(::getuid());
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f || c == ':') c = '_';
  }
  return name;
}

std::string operator_actor() { return "operator:" + operator_name(); }

}  // namespace diskret::app
