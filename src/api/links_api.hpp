#pragma once
/// GET /l/{code} (public, issue 12): the redirect of a short link. 302 to the target stored
/// for that code and nothing else (no open redirect: no target is ever taken from the
/// request), 410 once it expired, 404 for any other code; no-store and no referrer.
/// With set_statistics also GET /v1/short-links (the tenant's links: code, short_url,
/// target, created_at, expires_at, total clicks) and GET /v1/short-links/{code}/clicks
/// (clicks per UTC day): aggregate only, any role of the tenant (read), another tenant's
/// code is 404, paginated with limit/cursor like the other lists. With
/// ?per_recipient=true the clicks of recipients' own codes (tenants with per-recipient
/// tracking): {recipient, clicked_at} each, the number masked for roles that may not
/// export personal data.
#include <memory>
#include <string>

#include "api/authenticator.hpp"
#include "api/worker.hpp"
#include "http/router.hpp"
#include "links/links.hpp"
#include "store/key_ring.hpp"

namespace diskret::api {

class LinksApi {
 public:
  explicit LinksApi(links::LinkService& links) : links_(links) {}
  void add_routes(http::Router& router);
  ~LinksApi();
  void redirect(http::Request&& request, http::Respond respond);
  /// Enables the statistics routes (set before add_routes); `domain` as [links] domain.
  void set_statistics(links::LinkStore& store, tenancy::TenantService& tenants,
                      const Clock& clock, std::string domain);
  /// The keys that open recipients' numbers for ?per_recipient=true (null: none shown).
  void set_tracking(store::KeyRing* keys) { keys_ = keys; }

 private:
  void statistics(const http::Request& request, const http::Respond& respond,
                  bool per_day);

  links::LinkService& links_;
  void recipient_clicks(const Caller& caller, const links::Link& link,
                        const http::Request& request, const http::Respond& respond);

  links::LinkStore* store_ = nullptr;
  store::KeyRing* keys_ = nullptr;
  std::string domain_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Worker> worker_;  // last: joined first
};

}  // namespace diskret::api
