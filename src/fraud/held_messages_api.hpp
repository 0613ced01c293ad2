#pragma once
/// /v1/held-messages: what the pumping guard and the link check held, for the account's
/// owners and admins: GET lists (number, sender, text, reason, range), POST
/// /v1/held-messages/{id}/release sends it now as a new message (not screened by the guard
/// again), POST /v1/held-messages/{id}/reject drops it. /v1/abuse-settings: GET (every
/// role), PUT {link_check: bool} (owner, admin). Another tenant's id answers 404, and so
/// does a hold older than the expiry (HeldExpiry deletes it within a minute or so).
#include <chrono>
#include <functional>
#include <string>

#include "api/authenticator.hpp"
#include "core/clock.hpp"
#include "fraud/held_expiry.hpp"
#include "fraud/held_messages.hpp"
#include "http/router.hpp"
#include "pipeline/pipeline.hpp"

namespace diskret::fraud {

/// Records a review decision in the tenant's audit trail: (tenant, actor, action, object,
/// details JSON). Never personal data: the held id, reason and range only.
using ReviewAudit = std::function<void(std::uint64_t tenant, std::string actor, std::string action,
                                       std::string object, std::string details)>;

class HeldMessagesApi {
 public:
  HeldMessagesApi(HeldMessages& held, pipeline::Pipeline& pipeline, tenancy::TenantService& tenants,
                  const Clock& clock);
  /// Release and reject are audited ("fraud.held_released", "fraud.held_rejected").
  void set_audit(ReviewAudit audit) { audit_ = std::move(audit); }
  /// How long a hold waits for a decision (listed as expires_at); kDefaultHoldExpiry unset.
  void set_expiry(std::chrono::milliseconds expiry) { expiry_ = expiry; }
  void add_routes(http::Router& router);

  void list(http::Request&& request, http::Respond respond);
  void release(http::Request&& request, http::Respond respond);
  void reject(http::Request&& request, http::Respond respond);
  void get_settings(http::Request&& request, http::Respond respond);
  void put_settings(http::Request&& request, http::Respond respond);

 private:
  /// The caller's held message of the route's {id}, or the problem to answer.
  Expected<HeldMessage, http::Response> find(const http::Request& request, const api::Caller& caller);

  void audit(const api::Caller& caller, const char* action, const HeldMessage& held) const;

  HeldMessages& held_;
  pipeline::Pipeline& pipeline_;
  api::Authenticator auth_;
  ReviewAudit audit_;
  const Clock& clock_;
  std::chrono::milliseconds expiry_ = kDefaultHoldExpiry;
};

/// "hm_<n>" -> n.
std::optional<std::uint64_t> parse_held_id(std::string_view text);

}  // namespace diskret::fraud
