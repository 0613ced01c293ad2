// `diskret serve`: config -> master key -> store (migrated) -> tenancy -> carriers and
// pipeline -> API -> HTTP server; SIGINT/SIGTERM stop it gracefully in reverse order.
#include <csignal>
#include <fstream>
#include <pthread.h>

#include <spdlog/spdlog.h>

#include "api/api.hpp"
#include "api/billing_api.hpp"
#include "api/campaigns_api.hpp"
#include "api/contacts_api.hpp"
#include "api/contacts_send_policy.hpp"
#include "api/inbound_api.hpp"
#include "api/stats_api.hpp"
#include "api/tenant_api.hpp"
#include "api/worker.hpp"
#include "billing/billing_service.hpp"
#include "billing/credit_charger.hpp"
#include "campaigns/runner.hpp"
#include "contacts/contact_service.hpp"
#include "contacts/recipient_gate.hpp"
#include "contacts/suppression_service.hpp"
#include "contacts/user_service.hpp"
#include "carrier/carrier_pool.hpp"
#include "commands/commands.hpp"
#include "commands/content_runtime.hpp"
#include "commands/context.hpp"
#include "commands/privacy_runtime.hpp"
#include "commands/security_runtime.hpp"
#include "crypto/master_key.hpp"
#include "gateway/bounce_notifier.hpp"
#include "gateway/smtp_backend.hpp"
#include "gateway/smtp_senders_api.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "inbound/contacts_keyword_effects.hpp"
#include "inbound/inbound_module.hpp"
#include "pipeline/carrier_pool_link.hpp"
#include "io/tls_config.hpp"
#include "pipeline/durable_pipeline.hpp"
#include "portal/session_api.hpp"
#include "portal/user_admin_api.hpp"
#include "portal/static_site.hpp"
#include "smtp/relay_client.hpp"
#include "smtp/smtp_server.hpp"
#include "smpp_server/credentials_api.hpp"
#include "smpp_server/receipt_maker.hpp"
#include "smpp_server/smpp_server.hpp"
#include "smpp_server/status_tee.hpp"
#include "store/sqlite/sqlite_audit_trail.hpp"
#include "store/sqlite/sqlite_billing_store.hpp"
#include "store/sqlite/sqlite_smpp_credentials.hpp"
#include "store/sqlite/sqlite_smpp_outbox.hpp"
#include "store/sqlite/sqlite_campaign_store.hpp"
#include "store/sqlite/sqlite_smtp_senders.hpp"
#include "store/sqlite/sqlite_contact_store.hpp"
#include "store/sqlite/sqlite_inbound_store.hpp"
#include "store/sqlite/sqlite_message_notes.hpp"
#include "store/sqlite/sqlite_message_stats.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/sqlite_webhook_store.hpp"
#include "tenancy/sql_tenant_service.hpp"

namespace diskret::app {
namespace {

/// Blocks SIGINT/SIGTERM in this thread and every thread started after it, so that only
/// wait_for_stop_signal() receives them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int wait_for_stop_signal(const sigset_t& set) {
  int signal = 0;
  sigwait(&set, &signal);
  return signal;
}

io::TlsServerFiles tls_files(const config::Config& config) {
  io::TlsServerFiles files;
  files.cert_file = config.tls.cert_file;
  files.key_file = config.tls.key_file;
  files.min_version = config.tls.min_version == "1.3" ? io::TlsVersion::v1_3 : io::TlsVersion::v1_2;
  return files;
}

http::ServerConfig http_config(const config::Config& config) {
  http::ServerConfig c;
  c.listen = config.server.http_listen;
  c.max_body_bytes = config.api.max_body_bytes;
  c.upload_paths = {"/v1/contacts/import"};
  c.max_upload_bytes = config.api.max_upload_bytes;
  c.max_header_bytes = config.api.max_header_bytes;
  c.read_timeout = config.api.read_timeout;
  c.idle_timeout = config.api.idle_timeout;
  c.max_connections = config.api.max_connections;
  c.max_connections_per_ip = static_cast<std::size_t>(config.limits.http_connections_per_ip);
  c.tls_listen = config.server.https_listen;
  c.tls = tls_files(config);
  return c;
}

smtp::SmtpServerConfig smtp_config(const config::Config& config) {
  smtp::SmtpServerConfig c;
  c.listen = config.server.smtp_listen;
  c.session.sms_domain = config.server.sms_domain;
  c.tls_cert_file = config.smtp.tls_cert_file;
  c.tls_key_file = config.smtp.tls_key_file;
  c.tls_min_version = tls_files(config).min_version;
  c.max_connections_per_ip = static_cast<std::size_t>(config.limits.smtp_connections_per_ip);
  return c;
}

// The public "security and data protection" facts, from the configuration in force.
std::string security_facts(const config::Config& config) {
  std::string out = "{";
  auto add = [&out](std::string_view key, std::string value) {
    if (out.size() > 1) out += ",";
    out += "\"" + std::string(key) + "\":" + value;
  };
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  add("tls", b(config.portal.tls || !config.server.https_listen.empty()));
  add("session_idle_minutes", std::to_string(config.portal.session_idle_minutes));
  add("session_hours", std::to_string(config.portal.session_hours));
  add("password_hashing", "\"Argon2id\"");
  add("second_factor", "\"TOTP (RFC 6238), optional per user\"");
  add("encryption_at_rest", "\"XChaCha20-Poly1305, one data key per account under a master key\"");
  add("card_vault", b(config.billing.enabled));
  add("smtp_starttls", b(!config.smtp.tls_cert_file.empty()));
  add("webhooks_private_hosts", b(config.webhooks.allow_private_hosts));
  add("quiet_hours", "\"" + config.campaigns.quiet_hours + "\"");
  add("audit_trail", "\"hash-chained, signed\"");
  add("database", config.store.url.starts_with("postgresql:") ? "\"PostgreSQL\"" : "\"SQLite\"");
  return out + "}";
}

#ifndef DISKRET_PORTAL_DIR
#define DISKRET_PORTAL_DIR ""
#endif

// Bounce mails of email to SMS go to the sender through the configured relay, for the
// tenants the operator lists and those that switched them on (PATCH /v1/tenant).
std::unique_ptr<gateway::BounceNotifier> make_bounces(const config::Config& config,
                                                      const Clock& clock,
                                                      content::ContentService& content,
                                                      store::KeyRing& keys,
                                                      store::sqlite::SqliteMessageNotes& notes) {
  if (config.smtp.relay_host.empty()) return nullptr;
  gateway::BounceOptions o;
  o.tenants.insert(config.smtp.bounce_tenants.begin(), config.smtp.bounce_tenants.end());
  o.tenant_wants = [&content](std::uint64_t tenant) {
    auto settings = content.settings(tenant);
    return settings && settings->bounce_emails;
  };
  o.from = config.smtp.bounce_from;
  o.reporting_host = config.server.sms_domain;
  o.sms_domain = config.server.sms_domain;
  smtp::RelayClient relay({config.smtp.relay_host, config.smtp.relay_port,
                           config.server.sms_domain});
  return std::make_unique<gateway::BounceNotifier>(
      std::move(o),
      [relay](const std::string& to, const std::string& message) {
        return relay.send("", to, message);
      },
      clock, keys, notes, notes);
}

std::string host_of(const std::string& listen) { return listen.substr(0, listen.rfind(':')); }

struct ServeOptions : CommonOptions {
  std::string routes_file;  ///< written once listening: "METHOD PATTERN" per line
};

// The number a tenant's recipients answer STOP and JA to: a short code first.
api::ReplyNumberSource reply_numbers(store::InboundStore& inbound) {
  return [&inbound](std::uint64_t tenant) -> Expected<std::optional<std::string>> {
    auto numbers = inbound.numbers(tenant);
    if (!numbers) return unexpected(numbers.error());
    std::optional<std::string> best;
    for (const auto& n : *numbers) {
      if (n.kind == 1) return n.number;
      if (!best) best = n.number;
    }
    return best;
  };
}

void write_routes(const http::Router& router, const std::string& path) {
  std::ofstream out(path);
  for (const auto& [method, pattern] : router.routes()) out << method << ' ' << pattern << '\n';
  if (!out.flush()) throw Failure("cannot write the routes file " + path);
}

int serve(const ServeOptions& options) {
  const sigset_t signals = block_stop_signals();
  auto config = load_config(options);
  setup_logging(config);
  const Clock& clock = SystemClock::instance();

  auto storage = open_store(config, clock);
  spdlog::info("diskret: database {} ready", config.store.url);
  tenancy::SqlTenantService tenants(*storage.store, *storage.keys, clock);
  // Privacy operations (issue 5): hash-chained audit trail, erasure watcher, retention job.
  auto privacy_runtime = start_privacy(config, storage, tenants, clock);
  // API keys created or revoked and settings changed through the API are audited.
  tenants.set_audit(privacy_runtime->audit.get(), "system:api");

  pipeline::PipelineConfig pipeline_config;
  pipeline_config.max_in_flight = config.pipeline.max_in_flight != 0
                                      ? config.pipeline.max_in_flight
                                      : pipeline::in_flight_limit(config.smsc);
  pipeline_config.memory_queue = config.pipeline.memory_queue;
  pipeline_config.max_queued_messages = config.pipeline.max_queued_messages;
  pipeline_config.max_commit_messages = config.pipeline.max_commit_messages;
  // Prepaid credits (issue 8): the pipeline debits inside the commit that stores messages;
  // low-balance alerts are raised off the writer thread. [billing] enabled = false: no checks.
  store::SqlHost& main_db = sql_host(storage);  // SQLite or PostgreSQL
  store::sqlite::SqliteBillingStore billing_store(main_db);
  api::Worker billing_alerts("billing-alerts");
  billing::CreditCharger credit_charger(
      billing_store,
      must(billing::PriceTable::parse(config.billing.price_cents_per_segment,
                                      config.billing.country_prices),
           "[billing] country_prices"),
      config.billing.low_balance_cents,
      [&billing_alerts, &privacy_runtime](std::uint64_t tenant, std::int64_t balance) {
        billing_alerts.post([&privacy_runtime, tenant, balance] {
          auto raised = privacy_runtime->alerts->raise(
              tenant, "billing.low_balance", "warning",
              "{\"balance_cents\":" + std::to_string(balance) + "}", "system:billing");
          if (!raised) spdlog::warn("billing: low-balance alert not recorded: {}", raised.error().message());
        });
      });
  std::optional<vault_client::VaultClient> vault;
  if (config.billing.enabled) {
    auto secret = crypto::MasterKeyFile(config.billing.vault_secret_file).load();
    auto client = secret ? vault_client::VaultClient::create({config.billing.vault_url}, *secret)
                         : Expected<vault_client::VaultClient>(unexpected(secret.error()));
    if (client) {
      vault.emplace(std::move(*client));
    } else {
      spdlog::warn("billing: no card vault ({}); top-ups and cards answer 503",
                   client.error().message());
    }
  }
  billing::BillingService billing_service(*storage.store, billing_store, clock,
                                          config.billing.low_balance_cents,
                                          vault ? &*vault : nullptr);
  api::BillingApi billing_api(billing_service, tenants, clock);
  pipeline::DurablePipeline pipeline(*storage.store, *storage.keys, clock, pipeline_config);
  if (config.billing.enabled) pipeline.set_charger(&credit_charger);
  carrier::CarrierPool carriers(config.smsc, pipeline.carrier_handlers(), clock);
  pipeline::CarrierPoolLink link(carriers);
  carriers.start();
  must(pipeline.start(link), "cannot start the pipeline");
  for (const auto& c : config.smsc) {
    spdlog::info("diskret: carrier {} at {}:{} ({} bind(s))", c.name, c.host, c.port, c.binds);
  }

  api::ApiOptions api_options;
  api_options.max_recipients = config.api.max_recipients;
  api::Api api(pipeline, tenants, clock, api_options, [&carriers] {
    std::vector<api::LinkGauge> out;
    for (auto& l : carriers.links()) out.push_back({l.carrier, l.bind, l.bound, l.in_flight});
    return out;
  });
  // SMPP server for customers: credentials in the main database (own connection).
  auto smpp_credential_store = store::sqlite::SqliteSmppCredentialStore::open_on(
      main_connection(storage, "the SMPP credentials"));
  smpp_server::CredentialService smpp_credentials(*smpp_credential_store,
                                                  storage.keys->api_key_pepper(), clock);
  smpp_server::CredentialsApi smpp_credentials_api(smpp_credentials, tenants, clock);
  // Registered sender addresses for email to SMS without AUTH (same database, own connection).
  auto smtp_sender_store = store::sqlite::SqliteSmtpSenderStore::open_on(
      main_connection(storage, "the SMTP sender addresses"));
  gateway::SmtpSenders smtp_senders(*smtp_sender_store, *storage.keys, clock);
  gateway::SmtpSendersApi smtp_senders_api(smtp_senders, tenants, clock);
  smpp_server::ServerConfig smpp_config;
  smpp_config.listen = config.server.smpp_listen;
  smpp_config.tls_listen = config.server.smpps_listen;
  smpp_config.tls = tls_files(config);
  smpp_config.max_connections_per_ip = static_cast<std::size_t>(config.limits.smpp_connections_per_ip);
  smpp_config.bind_timeout = config.limits.smpp_bind_timeout;
  // Receipts follow the pipeline's status events; polling is only a slow safety net.
  smpp_config.status_poll = std::chrono::milliseconds{5'000};
  // Receipts and MOs for tenants without a receiver bind wait here, across restarts.
  auto smpp_outbox =
      store::sqlite::SqliteSmppOutbox::open_on(main_connection(storage, "the SMPP outbox"));
  smpp_server::SmppServer smpp(smpp_config, smpp_credentials, tenants, pipeline, clock);
  smpp.set_outbox(smpp_outbox.get(), storage.keys.get());
  // Receipt requests and bounce senders are written with their messages (same commit).
  auto message_notes = store::sqlite::SqliteMessageNotes::open_on(
      main_db, main_connection(storage, "the message notes"));
  smpp.set_message_notes(message_notes.get());

  // Contacts, consent, suppressions and users (issue 4): tables in the main database,
  // writes inside the Store's transactions; the send policy screens POST /v1/messages.
  store::SqlHost& sqlite_store = main_db;
  store::sqlite::SqliteContactStore contact_store(sqlite_store);
  store::sqlite::SqliteInboundStore reply_number_store(sqlite_store);
  contacts::ContactService contact_service(*storage.store, contact_store, *storage.keys, clock);
  contacts::SuppressionService suppression_service(*storage.store, contact_store, *storage.keys,
                                                   clock);
  contacts::UserService user_service(*storage.store, contact_store, *storage.keys, clock);
  // Role and suppression changes go to the hash-chained trail (issue 5).
  user_service.set_audit(privacy_runtime->audit.get());
  suppression_service.set_audit(privacy_runtime->audit.get());
  contacts::RecipientGate recipient_gate(contact_store, *storage.keys);
  api::ContactsSendPolicy send_policy(recipient_gate, reply_numbers(reply_number_store));
  // Content safeguards (issue 12): smart encoding and DLP around the contacts rules, on every
  // path that screens (API, campaigns, email to SMS, SMPP server).
  auto content_runtime = start_content(config, main_db, tenants, send_policy,
                                       *privacy_runtime, clock);
  enable_click_tracking(*content_runtime, *storage.keys, *privacy_runtime->service);
  // Abuse prevention (issue 11): rate limits, security.txt, and the pumping guard and link
  // check around the content rules of every way into the pipeline (flagged messages are held).
  auto security = start_security(config, clock);
  if (security->limiter) {
    // Several nodes behind one balancer: each enforces its share of the rate limits.
    pipeline.on_node_count([limiter = security->limiter.get()](std::size_t n) { limiter->set_node_count(n); });
  }
  security->guard_sending(config, main_db, *storage.keys, pipeline, tenants,
                          {content_runtime->api_policy.get(), content_runtime->smpp_policy.get(),
                           content_runtime->campaign_policy.get(), content_runtime->smtp_policy.get()},
                          *privacy_runtime, clock);
  api.set_send_policy(security->api_policy.get());
  smpp.set_send_policy(security->smpp_policy.get());  // and email to SMS below
  api::ContactsApi contacts_api({contact_service, suppression_service, user_service, pipeline,
                                 tenants, reply_numbers(reply_number_store)},
                                clock);
  // Campaigns (issue 7): the runner screens like POST /v1/messages and sends through the
  // pipeline; it stops before the pipeline.
  auto campaign_store =
      store::sqlite::SqliteCampaignStore::open_on(main_connection(storage, "the campaign store"));
  pipeline.set_campaign_messages([&campaign_store](std::uint64_t tenant, const std::string& id) {
    const auto campaign = api::parse_id(id);
    if (!campaign) return Expected<std::vector<std::uint64_t>>{};
    return campaign_store->message_ids(tenant, *campaign);
  });
  api::CampaignPlanner campaign_planner(tenants, security->campaign_policy.get());
  campaigns::RunnerOptions runner_options;
  runner_options.quiet = must(
      campaigns::QuietHours::parse(config.campaigns.quiet_hours, config.campaigns.quiet_sundays),
      "[campaigns] quiet_hours");
  runner_options.quiet.holidays =
      must(campaigns::parse_holidays(config.campaigns.holidays), "[campaigns] holidays");
  runner_options.tenant_quiet =
      [&tenants, sundays = config.campaigns.quiet_sundays,
       holidays = runner_options.quiet.holidays](
          std::uint64_t tenant) -> std::optional<campaigns::QuietHours> {
    auto t = tenants.get_tenant(tenancy::TenantId{tenant});
    if (!t || t->settings.quiet_hours.empty()) return std::nullopt;
    auto q = campaigns::QuietHours::parse(t->settings.quiet_hours, sundays);
    if (q) q->holidays = holidays;  // the tenant's hours, the platform's holidays
    return q ? std::optional{*q} : std::nullopt;
  };
  runner_options.tenant_region = [&tenants](std::uint64_t tenant) -> std::string {
    auto t = tenants.get_tenant(tenancy::TenantId{tenant});
    return t ? t->settings.default_region : std::string{};  // "": DE
  };
  campaigns::CampaignRunner campaign_runner(*campaign_store, contact_service, campaign_planner,
                                            pipeline, clock, runner_options);
  api::CampaignsApi campaigns_api(
      {*campaign_store, contact_service, tenants, &campaign_runner, &campaign_planner}, clock);

  // Inbound numbers, MO keywords and webhooks (issue 4): MOs and status changes reach the
  // inbound module through the pipeline's event sink; it stops after the pipeline.
  store::sqlite::SqliteWebhookStore webhook_store(sqlite_store);
  store::AuditTrail& audit_trail = *privacy_runtime->audit;  // hash-chained (issue 5)
  inbound::ContactsKeywordEffects keyword_effects(suppression_service, contact_service);
  inbound::InboundModuleConfig inbound_config;
  inbound_config.webhooks.client.private_hosts = config.webhooks.allow_private_hosts
                                                     ? inbound::PrivateHosts::allow
                                                     : inbound::PrivateHosts::refuse;
  inbound::InboundModule inbound_module(
      {*storage.store, reply_number_store, webhook_store, audit_trail, *storage.keys, pipeline,
       keyword_effects, clock},
      inbound_config);
  // Stored MOs also go to the tenant's SMPP receiver binds (queued like receipts).
  inbound_module.intake().set_forward([&smpp](std::uint64_t tenant, const std::string& from,
                                              const std::string& to, const std::string& text) {
    smpp.notify_inbound(pipeline::TenantId{tenant}, from, to, text);
  });
  if (auto started = inbound_module.start(); !started) {
    carriers.stop();
    pipeline.stop();
    throw Failure("cannot start the inbound module: " + started.error().message());
  }
  api::InboundApi inbound_api(inbound_module.service(), tenants, clock);
  privacy_runtime->send_alerts_to(inbound_module, webhook_store);  // security.alert events
  // The pipeline has one EventSink: the inbound module's, behind the SMPP server's tee,
  // which also turns receipt requests into receipts in the final status's commit.
  smpp_server::ReceiptMaker smpp_receipts(*message_notes, *storage.keys);
  smpp_server::StatusTee smpp_status_tee(&inbound_module.sink(), &smpp_receipts, smpp);
  // Bounces for email to SMS ([smtp] relay_host, bounce_tenants): final statuses reach
  // the notifier after the SMPP server's receipts.
  auto bounces =
      make_bounces(config, clock, *content_runtime->service, *storage.keys, *message_notes);
  std::unique_ptr<gateway::BounceTee> bounce_tee;
  if (bounces) bounce_tee = std::make_unique<gateway::BounceTee>(&smpp_status_tee, *bounces);
  pipeline.set_event_sink(bounce_tee ? static_cast<pipeline::EventSink*>(bounce_tee.get())
                                     : &smpp_status_tee);

  http::Router router;
  security->add_routes(router);
  api.add_routes(router);
  inbound_api.add_routes(router);
  if (config.billing.enabled) billing_api.add_routes(router);  // no credit endpoints without billing
  smpp_credentials_api.add_routes(router);
  smtp_senders_api.add_routes(router);
  api::TenantApi tenant_api(tenants, clock);
  tenant_api.set_content(content_runtime->service.get());
  tenant_api.set_extension(security->pumping_settings.get());  // pumping limits (issue 11)
  tenant_api.add_routes(router);
  content_runtime->preview->add_routes(router);
  content_runtime->links_api->add_routes(router);
  // The dashboard's numbers, counted in the database (issue 9).
  auto message_stats =
      store::sqlite::SqliteMessageStats::open_on(main_connection(storage, "the message statistics"));
  api::StatsApi stats_api(*message_stats, tenants, clock);
  stats_api.add_routes(router);
  privacy_runtime->api->add_routes(router);
  api.set_metrics_extension([&privacy_runtime, &content_runtime, &security] {
    return privacy_runtime->api->metrics_text() + content_runtime->service->guard().metrics() +
           security->metrics();
  });
  contacts_api.set_send_policy(security->api_policy.get());  // double opt-in requests
  contacts_api.add_routes(router);
  campaigns_api.set_estimator(*content_runtime->estimate_planner, content_runtime->price);
  campaigns_api.add_routes(router);
  // The web portal (issue 9): login sessions authorise /v1 like API keys of the user's role.
  portal::SessionStore portal_sessions(
      clock, {std::chrono::minutes{config.portal.session_idle_minutes},
              std::chrono::hours{config.portal.session_hours}});
  portal::LoginThrottle login_throttle(clock);
  portal_sessions.set_user_check(
      [&user_service](std::uint64_t tenant,
                      std::uint64_t user) -> Expected<std::optional<tenancy::Role>> {
        auto found = user_service.get(tenant, user);
        if (!found) return unexpected(found.error());
        if (!*found || (*found)->disabled_at) return std::optional<tenancy::Role>{};
        return std::optional<tenancy::Role>{(*found)->role};
      });
  // Sessions and failed logins are kept in the main database too: a restart keeps both.
  portal_sessions.persist_in(
      main_connection(storage, "the portal's sessions"),
      [&user_service](std::uint64_t tenant,
                      std::uint64_t user) -> Expected<std::optional<std::string>> {
        auto found = user_service.get(tenant, user);
        if (!found) return unexpected(found.error());
        if (!*found || (*found)->disabled_at) return std::optional<std::string>{};
        return std::optional<std::string>{(*found)->email};
      });
  login_throttle.persist_in(main_connection(storage, "the portal's login throttle"));
  tenants.set_session_resolver(&portal_sessions);
  // Secure cookies and HSTS whenever the portal is reached over TLS: its own https_listen
  // or, behind a TLS proxy, [portal] tls.
  const bool portal_tls = config.portal.tls || !config.server.https_listen.empty();
  auto totp = std::make_unique<portal::TotpService>(
      main_connection(storage, "the portal's second factors"), *storage.keys, clock);
  portal::SessionApi session_api(portal_sessions, login_throttle, user_service, tenants, clock,
                                 {portal_tls, std::chrono::hours{config.portal.session_hours},
                                  security_facts(config)},
                                 totp.get());
  session_api.set_audit(storage.store.get(), privacy_runtime->audit.get());
  auto portal_passwords =
      std::make_unique<portal::PasswordStore>(main_connection(storage, "the portal's password store"));
  session_api.set_passwords(portal_passwords.get());
  session_api.add_routes(router);
  // Owners/admins resetting another user's password or removing their second factor.
  portal::UserAdminApi user_admin_api(portal_sessions, user_service, tenants, *portal_passwords,
                                      *totp, clock);
  user_admin_api.set_audit(storage.store.get(), privacy_runtime->audit.get());
  user_admin_api.add_routes(router);
  auto site = must(portal::StaticSite::load(
                       {config.portal.dir.empty() ? std::string(DISKRET_PORTAL_DIR) : config.portal.dir,
                        config.billing.enabled ? portal::origin_of(config.billing.vault_url) : "",
                        portal_tls}),
                   "[portal] dir");
  spdlog::info("diskret: portal with {} file(s)", site.files());
  http::Server server(http_config(config), security->front(site.front(privacy_runtime->api->watch(
                                              router.handler(&api.http_metrics())))));
  if (auto started = server.start(); !started) {
    carriers.stop();
    pipeline.stop();
    throw Failure(started.error().message());
  }
  if (auto started = smpp.start(); !started) {
    server.stop();
    carriers.stop();
    pipeline.stop();
    throw Failure(started.error().message());
  }
  spdlog::info("diskret: SMPP server on {}:{}", host_of(config.server.smpp_listen), smpp.port());
  if (smpp.tls_port() != 0) {
    spdlog::info("diskret: SMPP over TLS on {}:{}", host_of(config.server.smpps_listen),
                 smpp.tls_port());
  }
  spdlog::info("diskret: listening on http://{}:{}", host_of(config.server.http_listen), server.port());
  if (server.tls_port() != 0) {
    spdlog::info("diskret: listening on https://{}:{}", host_of(config.server.https_listen),
                 server.tls_port());
  }
  if (!options.routes_file.empty()) write_routes(router, options.routes_file);

  // Email to SMS: the same rules and durable pipeline as the API (250 only after commit).
  gateway::SmtpBackend smtp_backend(
      tenants, pipeline,
      {must(sms::SenderId::parse(config.smtp.default_sender), "[smtp] default_sender"),
       content_runtime->smtp_policy.get(), &smtp_senders, bounces.get(),
       security->smtp_policy.get()});
  smtp::SmtpServer smtp_server(smtp_config(config), smtp_backend);
  if (auto started = smtp_server.start(); !started) {
    server.stop();
    carriers.stop();
    pipeline.stop();
    throw Failure("SMTP: " + started.error().message());
  }
  spdlog::info("diskret: SMTP on {}:{} (mail to <number>@{})", host_of(config.server.smtp_listen),
               smtp_server.port(), config.server.sms_domain);

  campaign_runner.start();
  int signal = wait_for_stop_signal(signals);
  spdlog::info("diskret: {} received, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
  // Front door first (requests in flight still get their commit and answer), then the
  // carriers (unbind; with several nodes after draining), then the pipeline (commits what
  // is queued, releases this node's claims).
  smpp.stop();
  smtp_server.stop();
  server.stop();
  campaign_runner.stop();
  if (storage.store->claims() != nullptr) {
    // Several nodes: what went to the carriers gets its outcome before the claims are
    // released (pipeline.stop()), so the node taking them over does not send it again.
    if (!pipeline.drain(std::chrono::seconds(10))) {
      spdlog::warn("diskret: {} message(s) still at the carriers after 10 s; the other nodes "
                   "may send them again", pipeline.stats().in_flight);
    }
  }
  carriers.stop();
  pipeline.stop();
  inbound_module.stop();  // after the pipeline, which hands over MOs until it stopped
  privacy_runtime->stop();  // last writer: signs every audit chain
  spdlog::info("diskret: stopped");
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, Action& action) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API and the delivery workers");
  add_common_options(*cmd, *options);
  cmd->add_option("--routes-file", options->routes_file,
                  "Write the HTTP routes (METHOD PATTERN per line) to FILE once listening");
  cmd->callback([&action, options] { action = [options] { return serve(*options); }; });
}

}  // namespace diskret::app
