#pragma once
// What `diskret serve` runs for the content safeguards (issue 12): the tenants' content
// settings, the ContentService, one ContentSendPolicy per sending path around the contacts
// rules, and POST /v1/messages/preview. Findings go to the audit trail (queued, never with
// the value) and /metrics.
#include <filesystem>
#include <memory>

#include "api/campaigns_api.hpp"
#include "api/content_send_policy.hpp"
#include "api/links_api.hpp"
#include "api/preview_api.hpp"
#include "commands/privacy_runtime.hpp"
#include "content/content_service.hpp"
#include "links/recipient_links.hpp"
#include "privacy/person_data.hpp"
#include "privacy/privacy_service.hpp"
#include "store/key_ring.hpp"

namespace diskret::app {

struct ContentRuntime {
  std::unique_ptr<content::SqliteContentSettingsStore> store;
  std::unique_ptr<content::ContentService> service;
  std::unique_ptr<api::ContentSendPolicy> api_policy;       ///< POST /v1/messages
  std::unique_ptr<api::ContentSendPolicy> campaign_policy;  ///< campaigns
  std::unique_ptr<api::ContentSendPolicy> smtp_policy;      ///< email to SMS (smart-encodes)
  std::unique_ptr<api::ContentSendPolicy> smpp_policy;      ///< SMPP server: ESME_RSUBMITFAIL
  std::unique_ptr<api::ContentSendPolicy> estimate_policy;  ///< campaign estimates: no records
  std::unique_ptr<api::CampaignPlanner> estimate_planner;
  campaigns::PriceFn price;  ///< the billing price table by the number's country
  std::unique_ptr<api::PreviewApi> preview;
  std::unique_ptr<links::SqliteLinkStore> link_store;  ///< short links ([links] domain)
  std::unique_ptr<links::LinkService> links;
  std::unique_ptr<api::LinksApi> links_api;  ///< GET /l/{code}, GET /v1/short-links[/{code}/clicks]
  /// Per-recipient click tracking (tenants with click_tracking and a purpose).
  std::unique_ptr<links::SqliteRecipientLinkStore> recipient_links;
  std::unique_ptr<privacy::PersonData> person_data;  ///< their clicks in exports and erasures
};

/// Per-recipient click tracking: the API and campaign paths give recipients codes of their
/// own (sealed with keys from `keys`), GET .../clicks?per_recipient=true opens them, and
/// the privacy service's exports and erasures include their clicks.
void enable_click_tracking(ContentRuntime& rt, store::KeyRing& keys,
                           privacy::PrivacyService& privacy);

/// `contacts` is the consent/opt-out SendPolicy every path already uses (must outlive it).
std::unique_ptr<ContentRuntime> start_content(const config::Config& config,
                                              store::SqlHost& main_db,
                                              tenancy::TenantService& tenants,
                                              api::SendPolicy& contacts, PrivacyRuntime& privacy,
                                              const Clock& clock);

}  // namespace diskret::app
