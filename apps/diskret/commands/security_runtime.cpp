#include "commands/security_runtime.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "commands/context.hpp"
#include "http/security_txt.hpp"

namespace diskret::app {
namespace {

http::RateLimit rate(std::int64_t per_second, std::int64_t burst) {
  return {static_cast<double>(per_second), static_cast<double>(burst)};
}

}  // namespace

void SecurityRuntime::guard_sending(const config::Config& config, store::SqlHost& main_db,
                                    store::KeyRing& keys, pipeline::Pipeline& pipeline,
                                    tenancy::TenantService& tenants, Inner inner,
                                    PrivacyRuntime& privacy, const Clock& clock) {
  held = std::make_unique<fraud::HeldMessages>(
      must(main_db.sql_connect(), "cannot open the held messages"), keys, clock);
  fraud::GuardOptions o;
  o.prefix_digits = static_cast<std::size_t>(config.security.pumping_prefix_digits);
  o.prefix_per_hour = static_cast<std::uint32_t>(config.security.pumping_prefix_per_hour);
  o.unusual_per_hour = static_cast<std::uint32_t>(config.security.pumping_unusual_per_hour);
  guard = std::make_unique<fraud::PumpingGuard>(o, clock);
  std::vector<std::string> own;
  if (!config.links.domain.empty()) own.push_back(config.links.domain.substr(0, config.links.domain.find(':')));
  link_check = std::make_unique<fraud::LinkCheck>(std::move(own));
  alerts = std::make_unique<api::Worker>("security-alerts");
  fraud::AlertSink sink = [this, &privacy](std::uint64_t tenant, const std::string& kind,
                                           const std::string& details) {
    alerts->post([&privacy, tenant, kind, details] {
      auto raised = privacy.alerts->raise(tenant, kind, "warning", details, "system:fraud");
      if (!raised) spdlog::warn("fraud: alert not recorded: {}", raised.error().message());
    });
  };
  auto wrap = [&](api::SendPolicy* policy, const char* source) {
    return std::make_unique<fraud::FraudSendPolicy>(policy, *guard, *link_check, *held, source,
                                                    sink, clock);
  };
  // One guard for all four: a range's allowance is the tenant's, whichever way it sends.
  api_policy = wrap(inner.api, "api");
  smpp_policy = wrap(inner.smpp, "smpp");
  campaign_policy = wrap(inner.campaign, "campaign");
  smtp_policy = wrap(inner.smtp, "email");
  held_api = std::make_unique<fraud::HeldMessagesApi>(*held, pipeline, tenants, clock);
  fraud::ReviewAudit audit = [&privacy](std::uint64_t tenant, std::string actor, std::string action,
                                        std::string object, std::string details) {
    audit::AuditDraft entry;
    entry.tenant = tenant;
    entry.actor = std::move(actor);
    entry.action = std::move(action);
    entry.object = std::move(object);
    entry.details = std::move(details);
    if (auto ok = privacy.audit->record(entry); !ok) {
      spdlog::warn("fraud: review decision not audited: {}", ok.error().message());
    }
  };
  held_api->set_audit(audit);
  fraud::PumpingBounds bounds;
  bounds.prefix_default = o.prefix_per_hour;
  bounds.unusual_default = o.unusual_per_hour;
  bounds.prefix_max = static_cast<std::uint32_t>(config.security.pumping_prefix_per_hour_max);
  bounds.unusual_max = static_cast<std::uint32_t>(config.security.pumping_unusual_per_hour_max);
  pumping_settings = std::make_unique<fraud::PumpingSettings>(*held, bounds, audit);
  const std::chrono::milliseconds expiry = std::chrono::hours{config.security.held_expiry_hours};
  held_api->set_expiry(expiry);
  // Undecided holds are rejected by the platform, looked for once a minute.
  held_expiry = std::make_unique<fraud::HeldExpiry>(
      *held, expiry,
      [audit](const fraud::ExpiredHold& h) {
        audit(h.tenant, "system:fraud", "fraud.held_expired", "held_message:hm_" + std::to_string(h.id),
              boost::json::serialize(boost::json::object{
                  {"reason", h.reason}, {"range", h.range}, {"source", h.source}}));
      },
      clock);
  held_expiry->start(std::chrono::minutes{1});
}

void SecurityRuntime::add_routes(http::Router& router) const {
  router.add("GET", "/.well-known/security.txt", http::security_txt_handler(security_txt));
  if (held_api) held_api->add_routes(router);
}

std::unique_ptr<SecurityRuntime> start_security(const config::Config& config, const Clock& clock) {
  auto runtime = std::make_unique<SecurityRuntime>();
  const auto& l = config.limits;
  http::RateLimitOptions o;
  o.per_key = rate(l.key_per_second, l.key_burst);
  o.per_ip = rate(l.ip_per_second, l.ip_burst);
  o.auth_failures_per_ip = rate(l.auth_failures_per_second, l.auth_failures_burst);
  runtime->limiter = std::make_unique<http::RateLimiter>(std::move(o), clock);
  runtime->security_txt = http::render_security_txt(
      {config.security.contact, config.security.expires, config.security.policy}, clock.now());
  return runtime;
}

}  // namespace diskret::app
