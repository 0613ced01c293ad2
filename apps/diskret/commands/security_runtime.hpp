#pragma once
// Abuse prevention for `diskret serve` (issue 11): the HTTP rate limits and
// /.well-known/security.txt ([limits], [security]), the SMS pumping guard and the link check
// around the content rules of the API and SMPP paths, and the held-message review API.
#include <filesystem>
#include <memory>
#include <string>

#include "api/worker.hpp"
#include "commands/privacy_runtime.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "fraud/fraud_send_policy.hpp"
#include "fraud/held_expiry.hpp"
#include "fraud/held_messages_api.hpp"
#include "fraud/pumping_settings.hpp"
#include "http/rate_limiter.hpp"
#include "http/router.hpp"

namespace diskret::app {

struct SecurityRuntime {
  std::unique_ptr<http::RateLimiter> limiter;
  std::string security_txt;  ///< "" without [security] contact
  std::unique_ptr<fraud::HeldMessages> held;
  std::unique_ptr<fraud::PumpingGuard> guard;
  std::unique_ptr<fraud::LinkCheck> link_check;
  std::unique_ptr<fraud::FraudSendPolicy> api_policy;   ///< POST /v1/messages
  std::unique_ptr<fraud::FraudSendPolicy> smpp_policy;  ///< SMPP server
  std::unique_ptr<fraud::FraudSendPolicy> campaign_policy;  ///< campaign runs
  std::unique_ptr<fraud::FraudSendPolicy> smtp_policy;      ///< email to SMS, at DATA only
  std::unique_ptr<fraud::HeldMessagesApi> held_api;
  std::unique_ptr<fraud::PumpingSettings> pumping_settings;  ///< in GET/PATCH /v1/tenant
  std::unique_ptr<fraud::HeldExpiry> held_expiry;  ///< rejects undecided holds; stops before `held`
  std::unique_ptr<api::Worker> alerts;  ///< raises alerts off the request threads; joined first

  /// The content policies of every way into the pipeline, each wrapped (issue 11).
  struct Inner {
    api::SendPolicy* api = nullptr;       ///< POST /v1/messages
    api::SendPolicy* smpp = nullptr;      ///< SMPP server submit_sm / submit_multi
    api::SendPolicy* campaign = nullptr;  ///< campaign runs (not estimates: they send nothing)
    api::SendPolicy* smtp = nullptr;      ///< email to SMS at DATA (not the RCPT probe: the
                                          ///< guard would count, and hold, every recipient twice)
  };
  void guard_sending(const config::Config& config, store::SqlHost& main_db,
                     store::KeyRing& keys, pipeline::Pipeline& pipeline,
                     tenancy::TenantService& tenants, Inner inner, PrivacyRuntime& privacy,
                     const Clock& clock);
  /// GET /.well-known/security.txt (public) and the held-message routes.
  void add_routes(http::Router& router) const;
  /// The outermost HTTP handler: rate limits before anything else.
  http::Handler front(http::Handler inner) const { return limiter->wrap(std::move(inner)); }
  std::string metrics() const { return limiter->metrics(); }
};

std::unique_ptr<SecurityRuntime> start_security(const config::Config& config, const Clock& clock);

}  // namespace diskret::app
