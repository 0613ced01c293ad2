#pragma once
/// /v1/campaigns (issue 7): create, list and read campaigns (with live counts) and
/// POST /v1/campaigns/{id}/start|pause|resume|cancel, and
/// GET /v1/campaigns/{id}/preview?contact= (the message one contact would get now, after
/// the send-time rules), GET /v1/campaigns/{id}/report (the delivery report as CSV; numbers
/// masked for roles that may not export personal data). Role-checked (send_messages to
/// create and steer, read to look), scoped by the key's tenant (another tenant's id is
/// 404), store work on a background thread. CampaignPlanner gives the runner the same
/// screening as POST /v1/messages.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "api/authenticator.hpp"
#include "api/send_policy.hpp"
#include "api/worker.hpp"
#include <boost/json/object.hpp>
#include "campaigns/estimate.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/runner.hpp"
#include "contacts/contact_service.hpp"
#include "contacts/permissions.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "store/campaign_store.hpp"

namespace diskret::api {

struct CampaignsApiServices {
  store::CampaignStore& campaigns;
  contacts::ContactService& contacts;  ///< checks that the lists exist
  tenancy::TenantService& tenants;     ///< authenticates API keys
  campaigns::CampaignRunner* runner = nullptr;  ///< woken after start and resume
  campaigns::Planner* planner = nullptr;        ///< previews; unset: preview answers 503
};

class CampaignsApi {
 public:
  CampaignsApi(CampaignsApiServices services, const Clock& clock,
               std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  ~CampaignsApi();

  void add_routes(http::Router& router);

  /// Cost estimates (issue 7): GET /v1/campaigns/{id} shows `estimate` {status, recipients,
  /// rejected, segments, cost_cents, encodings: {gsm7, ucs2}} computed in the background
  /// over the audience (a page of contacts at a time) with `planner`'s send-time rules
  /// (must not record findings) and `price`; recomputed after `max_age` while the campaign
  /// has not started. Set before serving; without it no estimate is shown.
  void set_estimator(campaigns::Planner& planner, campaigns::PriceFn price,
                     std::chrono::seconds max_age = std::chrono::minutes{10});

 private:
  using Work = std::function<void(const http::Request&, const http::Respond&, const Caller&)>;
  void route(http::Router& router, std::string_view method, std::string_view pattern,
             contacts::Permission permission, Work work);

  void create(const http::Request& r, const http::Respond& respond, const Caller& c);
  void list(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get(const http::Request& r, const http::Respond& respond, const Caller& c);
  void preview(const http::Request& r, const http::Respond& respond, const Caller& c);
  void report(const http::Request& r, const http::Respond& respond, const Caller& c);
  void act(campaigns::Action action, const http::Request& r, const http::Respond& respond,
           const Caller& c);
  http::Response show(const store::CampaignRecord& campaign, int status);
  /// The campaign's estimate as JSON, starting its computation when there is none (or it is
  /// stale and the campaign has not started).
  boost::json::object estimate_json(const store::CampaignRecord& campaign);

  struct EstimateEntry {
    enum class State { computing, ready, failed } state = State::computing;
    campaigns::Estimate estimate;
    SystemTime computed_at;
  };

  CampaignsApiServices s_;
  const Clock& clock_;
  Authenticator auth_;
  std::unique_ptr<campaigns::CampaignEstimator> estimator_;
  std::chrono::seconds estimate_max_age_{600};
  std::mutex estimates_mutex_;
  std::map<std::uint64_t, EstimateEntry> estimates_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Worker> estimate_worker_;  // long jobs apart from the requests
  std::unique_ptr<Worker> worker_;  // last: joined first
};

/// campaigns::Planner with the API's rules: the text is analysed, SendPolicy::prepare
/// (opt-out instruction for marketing), plan_messages (number, country) and
/// SendPolicy::screen (suppression, consent) as for POST /v1/messages; a refusal becomes
/// the message's `rejected` code.
class CampaignPlanner final : public campaigns::Planner {
 public:
  CampaignPlanner(tenancy::TenantService& tenants, SendPolicy* policy)
      : tenants_(tenants), policy_(policy) {}

  // campaigns::Planner
  Expected<pipeline::NewMessage> plan(std::uint64_t tenant, const std::string& phone,
                                      std::string text, const std::string& sender,
                                      pipeline::Category category) override;

 private:
  tenancy::TenantService& tenants_;
  SendPolicy* policy_;
};

}  // namespace diskret::api
