#pragma once
/// /v1/privacy/exports, /v1/privacy/erasures, /v1/privacy/retention, /v1/privacy/report,
/// /v1/audit, /v1/alerts and /v1/access-grants: HTTP+JSON over the privacy operations.
/// Every handler authenticates the API key, checks its role (contacts::Permission:
/// export_data, erase_data, read_audit, manage_users) and is scoped to the key's tenant.
/// Store work runs on a background thread. watch() wraps the server's handler: failed
/// authentications count toward the "many failed logins" alert, and successful reads of
/// personal data by API keys are queued for the audit trail.
#include <functional>
#include <memory>
#include <string_view>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "contacts/permissions.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "privacy/privacy_service.hpp"
#include "privacy/processing_report.hpp"
#include "privacy/security.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

struct PrivacyApiDeps {
  privacy::PrivacyService& privacy;
  audit::AuditLog& audit;
  privacy::Alerts& alerts;
  privacy::AccessGrants& grants;
  privacy::AlertRules& rules;
  store::PrivacyStore& rows;
  store::Store& store;
  store::KeyRing& keys;
  tenancy::TenantService& tenants;
  /// Carriers and security measures from the live configuration (the report fills in the
  /// tenant, the counts and the retention periods).
  std::function<privacy::ProcessingInputs()> report_base;
};

class PrivacyApi {
 public:
  PrivacyApi(PrivacyApiDeps deps, const Clock& clock);
  ~PrivacyApi();

  void add_routes(http::Router& router);
  /// The server's handler with failed-login counting and read auditing around it.
  http::Handler watch(http::Handler inner);
  /// /metrics text of the privacy operations (retention, alerts, audit queue).
  std::string metrics_text();

 private:
  using Work = std::function<void(const http::Request&, const http::Respond&, const Caller&)>;
  void route(http::Router& router, std::string_view method, std::string_view pattern,
             contacts::Permission permission, Work work);

  void post_export(const http::Request& r, const http::Respond& respond, const Caller& c);
  void post_erasure(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_audit(const http::Request& r, const http::Respond& respond, const Caller& c);
  /// GET /v1/audit/verify: whether the tenant's hash chain verifies (every hash, link and
  /// signed checkpoint recomputed now), its length and the first break if any.
  void get_audit_verify(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_report(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_retention(const http::Request& r, const http::Respond& respond, const Caller& c);
  void put_retention(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_alerts(const http::Request& r, const http::Respond& respond, const Caller& c);
  void post_grant(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_grants(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_grant(const http::Request& r, const http::Respond& respond, const Caller& c);
  struct Seen {
    std::string remote_ip;
    std::string path;           ///< set only for reads of personal data
    std::string authorization;  ///< likewise
    std::string session;        ///< likewise: the portal session cookie, without a key
  };
  void on_response(const Seen& seen, int status);

  PrivacyApiDeps d_;
  const Clock& clock_;
  Authenticator auth_;
  std::unique_ptr<Worker> worker_;  // last: joined first, while the rest still exists
};

}  // namespace diskret::api
