#include "commands/privacy_runtime.hpp"

#include "store/sqlite/sqlite_store.hpp"

namespace diskret::app {
namespace {

// The report's view of the live configuration, computed when asked.
std::function<privacy::ProcessingInputs()> report_base(const config::Config& config, PrivacyRuntime& rt) {
  return [carriers = config.smsc, starttls = !config.smtp.tls_cert_file.empty(),
          billing = config.billing.enabled, &rt] {
    privacy::ProcessingInputs in;
    for (const auto& c : carriers) in.carriers.push_back({c.name, c.host, c.port, c.prefixes});
    in.security.smtp_starttls = starttls;
    in.security.billing_card_vault = billing;
    in.security.master_key_source = "file";
    if (auto key = rt.audit->public_key()) in.security.audit_signing_key_id = key->id();
    return in;
  };
}

}  // namespace

void PrivacyRuntime::stop() {
  if (service) service->stop();
}

void PrivacyRuntime::send_alerts_to(inbound::InboundModule& inbound, store::WebhookStore& webhooks) {
  inbound.webhooks().set_alert_store(security.get());
  alerts->set_webhooks(&webhooks, &inbound.queue());
}

std::unique_ptr<PrivacyRuntime> start_privacy(const config::Config& config, StoreHandle& storage,
                                              tenancy::TenantService& tenants, const Clock& clock) {
  auto rt = std::make_unique<PrivacyRuntime>();
  rt->keys = open_key_side(config, clock);
  auto& sqlite = sql_host(storage);
  rt->contacts = std::make_unique<store::sqlite::SqliteContactStore>(sqlite);
  rt->rows = std::make_unique<store::sqlite::SqlitePrivacyStore>(sqlite);
  rt->audit_rows = std::make_unique<store::sqlite::SqliteAuditChain>(sqlite);
  rt->security = std::make_unique<store::sqlite::SqliteSecurityStore>(sqlite);
  rt->audit = std::make_unique<audit::AuditLog>(*storage.store, *rt->audit_rows, *rt->keys.vault,
                                                *rt->keys.services, clock);
  rt->alerts = std::make_unique<privacy::Alerts>(*storage.store, *rt->security, *rt->audit, clock);
  rt->grants = std::make_unique<privacy::AccessGrants>(*storage.store, *rt->security, *rt->audit, *rt->alerts, clock);
  privacy::PrivacyContext context{*storage.store, *storage.keys, *rt->keys.vault, *rt->contacts,
                                  *rt->rows,      *rt->audit,    clock};
  rt->service = std::make_unique<privacy::PrivacyService>(context);
  must(rt->service->prepare(), "cannot prepare the privacy operations");
  rt->api = std::make_unique<api::PrivacyApi>(
      api::PrivacyApiDeps{*rt->service, *rt->audit, *rt->alerts, *rt->grants, rt->rules, *rt->rows,
                          *storage.store, *storage.keys, tenants, report_base(config, *rt)},
      clock);
  rt->service->start();
  return rt;
}

}  // namespace diskret::app
