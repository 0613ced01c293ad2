#include "commands/content_runtime.hpp"

#include "audit/audit_queue.hpp"
#include "billing/price_table.hpp"
#include "commands/context.hpp"
#include "commands/link_clicks.hpp"
#include "phone/phone_number.hpp"
#include "privacy/privacy_service.hpp"

namespace diskret::app {
void enable_click_tracking(ContentRuntime& rt, store::KeyRing& keys,
                           privacy::PrivacyService& privacy) {
  rt.api_policy->set_tracking(&keys);
  rt.campaign_policy->set_tracking(&keys);
  rt.links_api->set_tracking(&keys);
  privacy.eraser().set_person_data(rt.person_data.get());
  privacy.exporter().set_person_data(rt.person_data.get());
}

std::unique_ptr<ContentRuntime> start_content(const config::Config& config,
                                              store::SqlHost& main_db,
                                              tenancy::TenantService& tenants,
                                              api::SendPolicy& contacts, PrivacyRuntime& privacy,
                                              const Clock& clock) {
  auto rt = std::make_unique<ContentRuntime>();
  rt->store = content::SqliteContentSettingsStore::open_on(
      must(main_db.sql_connect(), "cannot open the content settings"));
  rt->service = std::make_unique<content::ContentService>(*rt->store, clock);
  auto& queue = privacy.service->audit_queue();
  // Queued like the read entries: a finding must not cost the send path a transaction.
  rt->service->guard().set_audit([&queue, &clock](const dlp::FindingEvent& e) {
    audit::AuditDraft d;
    d.tenant = e.tenant;
    d.at_ms = clock.now_ms();
    d.actor = "system:" + e.source;
    d.action = "content.sensitive_found";
    d.details = "{\"kinds\":\"" + e.kinds + "\",\"action\":\"" + dlp::action_name(e.action) +
                "\",\"recipients\":" + std::to_string(e.recipients) + "}";
    queue.push(std::move(d));
  });
  rt->service->set_change_audit([&queue, &clock](const content::SettingsChange& c) {
    audit::AuditDraft d;
    d.tenant = c.tenant;
    d.at_ms = clock.now_ms();
    d.actor = c.actor;
    d.action = "tenant.content_settings_changed";
    d.object = "tenant";
    d.details = c.details_json;
    queue.push(std::move(d));
  });
  rt->link_store =
      links::SqliteLinkStore::open_on(must(main_db.sql_connect(), "cannot open the short links"));
  rt->links = std::make_unique<links::LinkService>(
      *rt->link_store, clock,
      links::LinkOptions{config.links.domain, std::chrono::hours{24 * config.links.ttl_days}});
  rt->recipient_links = links::SqliteRecipientLinkStore::open_on(
      must(main_db.sql_connect(), "cannot open the per-recipient short links"));
  rt->links->set_recipients(rt->recipient_links.get());
  rt->person_data = std::make_unique<LinkClicksOfPerson>(*rt->recipient_links, *rt->link_store);
  rt->links_api = std::make_unique<api::LinksApi>(*rt->links);
  rt->links_api->set_statistics(*rt->link_store, tenants, clock, config.links.domain);
  using Smart = api::ContentSendPolicy::SmartInScreen;
  rt->api_policy = std::make_unique<api::ContentSendPolicy>(&contacts, *rt->service, "api");
  rt->campaign_policy = std::make_unique<api::ContentSendPolicy>(&contacts, *rt->service, "campaign");
  rt->smtp_policy =
      std::make_unique<api::ContentSendPolicy>(&contacts, *rt->service, "smtp", Smart::yes);
  rt->smpp_policy = std::make_unique<api::ContentSendPolicy>(&contacts, *rt->service, "smpp");
  rt->estimate_policy = std::make_unique<api::ContentSendPolicy>(
      &contacts, *rt->service, "estimate", Smart::no, dlp::ContentGuard::Record::no);
  // Marketing URLs become short links on the paths that send marketing; estimates count
  // their length without storing any.
  rt->api_policy->set_links(rt->links.get());
  rt->campaign_policy->set_links(rt->links.get());
  rt->estimate_policy->set_links(rt->links.get(), links::Persist::no);
  rt->estimate_planner = std::make_unique<api::CampaignPlanner>(tenants, rt->estimate_policy.get());
  auto prices = must(billing::PriceTable::parse(config.billing.price_cents_per_segment,
                                                config.billing.country_prices),
                     "[billing] country_prices");
  rt->price = [prices](const std::string& e164, std::uint32_t segments) {
    auto number = phone::PhoneNumber::parse(e164, phone::Region{"DE"});
    return prices.price(number ? number->region() : std::string{}, segments);
  };
  rt->preview = std::make_unique<api::PreviewApi>(
      api::PreviewServices{tenants, *rt->service, prices, &contacts, config.api.max_recipients,
                           rt->links.get()},
      clock);
  return rt;
}

}  // namespace diskret::app
