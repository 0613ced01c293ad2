#pragma once
/// /v1/numbers, /v1/inbound, /v1/webhooks (+ /deliveries) and /v1/keywords: HTTP+JSON over
/// inbound::InboundService. Every handler authenticates the API key, checks its role
/// (contacts::Permission: reading needs `read`; changing the webhook or the keyword
/// settings needs `manage_webhooks`, i.e. owner or admin) and scopes everything by the
/// key's tenant. Store work runs on a background thread, never on the HTTP I/O thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "contacts/permissions.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "inbound/inbound_service.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

class InboundApi {
 public:
  InboundApi(inbound::InboundService& service, tenancy::TenantService& tenants, const Clock& clock,
             std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  ~InboundApi();

  void add_routes(http::Router& router);

 private:
  using Work = std::function<void(const http::Request&, const http::Respond&, const Caller&)>;
  void route(http::Router& router, std::string_view method, std::string_view pattern,
             contacts::Permission permission, Work work);

  void get_numbers(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_inbound(const http::Request& r, const http::Respond& respond, const Caller& c);
  void put_webhook(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_webhook(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_webhook(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_deliveries(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_keywords(const http::Request& r, const http::Respond& respond, const Caller& c);
  void put_keywords(const http::Request& r, const http::Respond& respond, const Caller& c);

  inbound::InboundService& service_;
  Authenticator auth_;
  std::unique_ptr<Worker> worker_;  // last: joined first, while the rest still exists
};

}  // namespace diskret::api
