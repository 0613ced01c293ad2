#include "api/links_api.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "api/authenticator.hpp"
#include "api/contact_json.hpp"
#include "api/contacts_api.hpp"
#include "api/contacts_send_policy.hpp"
#include "api/rfc3339.hpp"
#include "contacts/permissions.hpp"
#include "crypto/secret_box.hpp"
#include "phone/phone_number.hpp"
#include "http/problem.hpp"

namespace diskret::api {
namespace {

SystemTime at_ms(std::int64_t ms) { return SystemTime{std::chrono::milliseconds{ms}}; }

// Day cursors are the day as a number: "2026-11-30" <-> 20261130.
std::uint64_t day_number(std::string_view day) {
  std::uint64_t n = 0;
  for (char c : day) {
    if (c >= '0' && c <= '9') n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

LinksApi::~LinksApi() { worker_.reset(); }

void LinksApi::set_statistics(links::LinkStore& store, tenancy::TenantService& tenants,
                              const Clock& clock, std::string domain) {
  store_ = &store;
  domain_ = std::move(domain);
  auth_ = std::make_unique<Authenticator>(tenants, clock, std::chrono::seconds{30});
  worker_ = std::make_unique<Worker>("links-api");
}

void LinksApi::add_routes(http::Router& router) {
  router.add("GET", "/l/{code}", [this](http::Request&& r, http::Respond respond) {
    redirect(std::move(r), std::move(respond));
  });
  if (store_ == nullptr) return;
  for (bool per_day : {false, true}) {
    router.add("GET", per_day ? "/v1/short-links/{code}/clicks" : "/v1/short-links",
               [this, per_day](http::Request&& request, http::Respond respond) {
                 worker_->post([this, per_day, request = std::move(request),
                                respond = std::move(respond)]() mutable {
                   statistics(request, respond, per_day);
                 });
               });
  }
}

void LinksApi::statistics(const http::Request& request, const http::Respond& respond,
                          bool per_day) {
  auto caller = auth_->authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!contacts::allows(caller->principal.role, contacts::Permission::read)) {
    return respond(http::problem(403, "forbidden", "Forbidden",
                                 "This API key may not read short links."));
  }
  auto query = parse_page_query(request);
  if (!query) return respond(query.error().to_response());
  const auto tenant = caller->principal.tenant.value;
  namespace json = boost::json;
  json::array data;
  std::optional<std::uint64_t> next;
  if (!per_day) {
    auto rows = store_->list(tenant, query->cursor, query->limit);
    if (!rows) return respond(store_problem(rows.error(), "The short links").to_response());
    for (const auto& r : *rows) {
      data.emplace_back(json::object{
          {"code", r.link.code},
          {"short_url", domain_.empty() ? std::string{} : "https://" + domain_ + "/l/" + r.link.code},
          {"target", r.link.target},
          {"created_at", format_rfc3339(at_ms(r.link.created_ms))},
          {"expires_at", format_rfc3339(at_ms(r.link.expires_ms))},
          {"clicks", r.total_clicks}});
    }
    if (rows->size() == query->limit && !rows->empty()) next = rows->back().id;
    return respond(json_response(200, render_page(std::move(data), next)));
  }
  const std::string code(request.param("code"));
  auto link = store_->find(code);
  if (!link) return respond(store_problem(link.error(), "The short link").to_response());
  if (!*link || (*link)->tenant != tenant) return respond(not_found("short link"));
  if (request.query_param("per_recipient") == "true") {
    return recipient_clicks(*caller, **link, request, respond);
  }
  auto days = store_->clicks(tenant, code);  // a link's days: at most its lifetime
  if (!days) return respond(store_problem(days.error(), "The clicks").to_response());
  for (const auto& d : *days) {
    if (day_number(d.day) <= query->cursor) continue;
    if (data.size() == query->limit) {
      next = day_number(json::value_to<std::string>(data.back().as_object().at("day")));
      break;
    }
    data.emplace_back(json::object{{"day", d.day}, {"clicks", d.clicks}});
  }
  respond(json_response(200, render_page(std::move(data), next)));
}

void LinksApi::recipient_clicks(const Caller& caller, const links::Link& link,
                                const http::Request& request, const http::Respond& respond) {
  namespace json = boost::json;
  auto query = parse_page_query(request);
  if (!query) return respond(query.error().to_response());
  json::array data;
  std::optional<std::uint64_t> next;
  auto* recipients = links_.recipients();
  if (recipients && keys_) {
    auto rows = recipients->clicks(link.tenant, link.code, query->cursor, query->limit);
    if (!rows) return respond(store_problem(rows.error(), "The clicks").to_response());
    auto keys = keys_->tenant(link.tenant);
    if (!keys) return respond(store_problem(keys.error(), "The clicks").to_response());
    const bool full = contacts::allows(caller.principal.role, contacts::Permission::export_data);
    for (const auto& r : *rows) {
      auto number = crypto::open((*keys)->data_key, r.sealed_recipient,
                                 crypto::record_ad(link.tenant, "short_link_recipients", 0,
                                                   "recipient"));
      std::string shown = number ? *number : std::string();
      if (!full && !shown.empty()) shown = phone::PhoneNumber::mask_e164(shown);
      data.emplace_back(json::object{{"recipient", shown},
                                     {"clicked_at", format_rfc3339(at_ms(r.clicked_ms))}});
    }
    if (rows->size() == query->limit && !rows->empty()) next = rows->back().id;
  }
  respond(json_response(200, render_page(std::move(data), next)));
}

void LinksApi::redirect(http::Request&& request, http::Respond respond) {
  auto resolved = links_.resolve(request.param("code"));
  if (!resolved) {
    return respond(unavailable_problem("The link cannot be followed right now.", std::chrono::seconds{1})
                       .to_response());
  }
  switch (resolved->first) {
    case links::Resolution::found: {
      http::Response r{302, "text/plain", {}, {}};
      r.headers.emplace_back("Location", resolved->second);
      r.headers.emplace_back("Cache-Control", "no-store");
      r.headers.emplace_back("Referrer-Policy", "no-referrer");
      return respond(std::move(r));
    }
    case links::Resolution::expired:
      return respond(http::problem(410, "link-expired", "Link expired",
                                   "This link has expired."));
    case links::Resolution::not_found:
      break;
  }
  respond(http::problem(404, "not-found", "Not found", "There is no such link."));
}

}  // namespace diskret::api
