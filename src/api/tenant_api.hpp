#pragma once
/// The tenant's own account: GET /v1/tenant (every role) and PATCH /v1/tenant
/// {display_name, default_region, allowed_countries, max_segments, sender_ids, quiet_hours,
/// smart_encoding, dlp_policy, dlp_patterns, short_links, bounce_emails} (owner,
/// admin); API keys: POST /v1/api-keys {name, role} (the key is shown once), GET (prefix
/// only), DELETE /v1/api-keys/{id} (a revoked key fails at once). Owners and admins manage
/// keys; an admin cannot create an owner key (no escalation). Every change is audited.
#include <chrono>

#include "api/authenticator.hpp"
#include "api/tenant_settings_extension.hpp"
#include "content/content_service.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"

namespace diskret::api {

class TenantApi {
 public:
  TenantApi(tenancy::TenantService& tenants, const Clock& clock,
            std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  void add_routes(http::Router& router);
  /// Content safeguards (smart_encoding, dlp_policy, dlp_patterns, short_links) and
  /// bounce_emails in GET and PATCH /v1/tenant; without it those keys are refused. Set
  /// before serving.
  void set_content(content::ContentService* content) { content_ = content; }
  /// Settings another module keeps (the pumping limits, issue 11); set before serving.
  void set_extension(TenantSettingsExtension* extension) { extension_ = extension; }

  void get_tenant(http::Request&& request, http::Respond respond);
  void patch_tenant(http::Request&& request, http::Respond respond);
  void create_key(http::Request&& request, http::Respond respond);
  void list_keys(http::Request&& request, http::Respond respond);
  void revoke_key(http::Request&& request, http::Respond respond);

 private:
  tenancy::TenantService& tenants_;
  Authenticator auth_;
  content::ContentService* content_ = nullptr;
  TenantSettingsExtension* extension_ = nullptr;
};

}  // namespace diskret::api
