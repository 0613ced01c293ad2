#pragma once
/// /v1/balance, /v1/ledger (JSON pages or CSV export), /v1/topups and /v1/cards: HTTP+JSON
/// over billing::BillingService. Every handler authenticates the API key, checks its role
/// (contacts::Permission: balance and ledger need `read`; top-ups and cards need
/// `manage_billing`, i.e. owner or admin) and scopes everything by the key's tenant. Store
/// and vault calls run on a background thread, never on the HTTP I/O thread. Cards are
/// vault tokens only: {token, brand, last4, exp_month, exp_year}; GET /v1/cards/form gives
/// the signed URL of the vault's hosted card form for the portal's iframe.
#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "billing/billing_service.hpp"
#include "contacts/permissions.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "tenancy/tenancy.hpp"

namespace diskret::api {

class BillingApi {
 public:
  BillingApi(billing::BillingService& service, tenancy::TenantService& tenants, const Clock& clock,
             std::chrono::seconds settings_ttl = std::chrono::seconds{30});
  ~BillingApi();

  void add_routes(http::Router& router);

 private:
  using Work = std::function<void(const http::Request&, const http::Respond&, const Caller&)>;
  void route(http::Router& router, std::string_view method, std::string_view pattern,
             contacts::Permission permission, Work work);

  void get_balance(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_ledger(const http::Request& r, const http::Respond& respond, const Caller& c);
  void post_topup(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_cards(const http::Request& r, const http::Respond& respond, const Caller& c);
  void get_card_form(const http::Request& r, const http::Respond& respond, const Caller& c);
  void delete_card(const http::Request& r, const http::Respond& respond, const Caller& c);

  billing::BillingService& service_;
  Authenticator auth_;
  std::unique_ptr<Worker> worker_;  // last: joined first, while the rest still exists
};

}  // namespace diskret::api
