// InboundApi: routing, authentication and the JSON of each endpoint.
#include "api/inbound_api.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "api/rfc3339.hpp"
#include "http/problem.hpp"
#include "inbound/errc.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using contacts::Permission;

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 500;

http::Response json_ok(int status, const json::value& body) {
  return http::Response{status, "application/json", {}, json::serialize(body)};
}

http::Response validation(std::string field, std::string reason) {
  return http::problem(422, "validation-failed", "Invalid request",
                       "The request has invalid fields; nothing was changed.",
                       {{std::move(field), std::move(reason), {}}});
}

/// 422 for the inbound module's validation errors, 503/500 for the store.
http::Response failure(const Error& e, std::string_view field, std::string_view what) {
  if (e.code.category() == inbound::inbound_category())
    return validation(std::string(field), e.message());
  if (e.code == diskret::Errc::unavailable) {
    return unavailable_problem(std::string(what) + " cannot be read or stored right now.",
                               std::chrono::seconds{1})
        .to_response();
  }
  if (e.code == diskret::Errc::not_found) {
    return http::problem(404, "not-found", "Not found", std::string(what) + " was not found.");
  }
  return http::problem(500, "internal", "Internal error",
                       std::string(what) + " failed; the request changed nothing.");
}

json::value time_or_null(const std::optional<SystemTime>& t) {
  if (!t) return nullptr;
  return json::value(format_rfc3339(*t));
}

/// limit 1..500 (default 50); 400 naming the parameter otherwise.
std::optional<std::size_t> parse_limit(const http::Request& r) {
  if (!r.has_query_param("limit")) return kDefaultLimit;
  const std::string text = r.query_param("limit");
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n == 0 || n > kMaxLimit) {
    return std::nullopt;
  }
  return n;
}

http::Response bad_query(std::string_view name, std::string_view reason) {
  return http::problem(400, "invalid-query", "Invalid query parameter",
                       "The query parameter " + std::string(name) + " " + std::string(reason) + ".",
                       {{std::string(name), std::string(reason), {}}});
}

std::string actor(const Caller& c) {
  // Portal sessions act as their user, API keys as the key.
  if (c.principal.user_id != 0) return "user:" + std::to_string(c.principal.user_id);
  return "api_key:" + std::to_string(c.principal.api_key_id);
}

json::object webhook_json(const inbound::WebhookView& w) {
  return json::object{{"url", w.url},
                      {"secret_set", w.secret_set},
                      {"created_at", format_rfc3339(w.created_at)},
                      {"updated_at", format_rfc3339(w.updated_at)}};
}

}  // namespace

InboundApi::InboundApi(inbound::InboundService& service, tenancy::TenantService& tenants,
                       const Clock& clock, std::chrono::seconds settings_ttl)
    : service_(service),
      auth_(tenants, clock, settings_ttl),
      worker_(std::make_unique<Worker>("inbound-api")) {}

InboundApi::~InboundApi() = default;

void InboundApi::route(http::Router& router, std::string_view method, std::string_view pattern,
                       Permission permission, Work work) {
  router.add(
      method, pattern,
      [this, permission, work = std::move(work)](http::Request&& request, http::Respond respond) {
        auto caller = auth_.authenticate(request);
        if (!caller) return respond(caller.error().to_response());
        if (!contacts::allows(caller->principal.role, permission)) {
          return respond(http::problem(
              403, "forbidden", "Forbidden",
              std::string("An API key with role ") + contacts::role_label(caller->principal.role) +
                  " may not do this (needs " + contacts::permission_name(permission) + ")."));
        }
        worker_->post([request = std::move(request), respond = std::move(respond),
                       caller = std::move(*caller),
                       work]() mutable { work(request, respond, caller); });
      });
}

void InboundApi::add_routes(http::Router& router) {
  const auto bind = [this](auto member) -> Work {
    return [this, member](const http::Request& r, const http::Respond& respond, const Caller& c) {
      (this->*member)(r, respond, c);
    };
  };
  route(router, "GET", "/v1/numbers", Permission::read, bind(&InboundApi::get_numbers));
  route(router, "GET", "/v1/inbound", Permission::read, bind(&InboundApi::get_inbound));
  route(router, "GET", "/v1/webhooks/deliveries", Permission::read,
        bind(&InboundApi::get_deliveries));
  route(router, "GET", "/v1/webhooks", Permission::read, bind(&InboundApi::get_webhook));
  route(router, "PUT", "/v1/webhooks", Permission::manage_webhooks, bind(&InboundApi::put_webhook));
  route(router, "DELETE", "/v1/webhooks", Permission::manage_webhooks,
        bind(&InboundApi::delete_webhook));
  route(router, "GET", "/v1/keywords", Permission::read, bind(&InboundApi::get_keywords));
  route(router, "PUT", "/v1/keywords", Permission::manage_webhooks,
        bind(&InboundApi::put_keywords));
}

void InboundApi::get_numbers(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto numbers = service_.numbers(c.principal.tenant.value);
  if (!numbers) return respond(failure(numbers.error(), "", "The numbers"));
  json::array data;
  for (const auto& n : *numbers) {
    data.push_back(json::object{{"number", n.number},
                                {"kind", inbound::number_kind_name(n.kind)},
                                {"assigned_at", format_rfc3339(n.assigned_at)}});
  }
  respond(json_ok(200, json::object{{"data", std::move(data)}}));
}

void InboundApi::get_inbound(const http::Request& r, const http::Respond& respond,
                             const Caller& c) {
  const auto limit = parse_limit(r);
  if (!limit) return respond(bad_query("limit", "must be a whole number from 1 to 500"));
  std::optional<std::uint64_t> before;
  if (r.has_query_param("cursor")) {
    auto id = pipeline::parse_message_id(r.query_param("cursor"));
    if (!id) return respond(bad_query("cursor", "is not one this list gave out"));
    before = id->value;
  }
  auto page = service_.inbound(c.principal.tenant.value, before, *limit);
  if (!page) return respond(failure(page.error(), "", "The inbound messages"));
  json::array data;
  for (const auto& m : page->items) {
    json::object o{{"id", m.id},
                   {"from", m.from},
                   {"to", m.to},
                   {"text", m.text},
                   {"received_at", format_rfc3339(m.received_at)}};
    o["keyword"] = m.keyword ? json::value(*m.keyword) : json::value(nullptr);
    data.push_back(std::move(o));
  }
  json::value next = nullptr;
  if (page->next_before)
    next = pipeline::format_message_id(pipeline::MessageId{*page->next_before});
  respond(json_ok(200, json::object{{"data", std::move(data)}, {"next_cursor", next}}));
}

void InboundApi::put_webhook(const http::Request& r, const http::Respond& respond,
                             const Caller& c) {
  boost::system::error_code ec;
  json::value body = json::parse(r.body, ec);
  if (ec || !body.is_object()) {
    return respond(http::problem(400, "invalid-json", "Invalid JSON",
                                 "The body must be a JSON object {\"url\", \"secret\"}."));
  }
  const json::object& o = body.as_object();
  for (const auto& [key, _] : o) {
    if (key != "url" && key != "secret") {
      return respond(validation(std::string(key), "is not a field of a webhook"));
    }
  }
  const json::value* url = o.if_contains("url");
  if (!url || !url->is_string()) return respond(validation("url", "is required (a string)"));
  std::optional<std::string_view> secret;
  if (const json::value* s = o.if_contains("secret"); s && !s->is_null()) {
    if (!s->is_string()) return respond(validation("secret", "must be a string"));
    secret = std::string_view(s->as_string());
  }
  auto put = service_.put_webhook(c.principal.tenant.value, std::string_view(url->as_string()),
                                  secret, actor(c));
  if (!put) {
    const bool about_secret = put.error().code == make_error_code(inbound::Errc::invalid_secret);
    return respond(failure(put.error(), about_secret ? "secret" : "url", "The webhook"));
  }
  json::object out = webhook_json(put->webhook);
  // A secret diskret chose is shown this once; one the tenant chose is never echoed.
  if (put->generated_secret) out["secret"] = *put->generated_secret;
  respond(json_ok(200, out));
}

void InboundApi::get_webhook(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto hook = service_.webhook(c.principal.tenant.value);
  if (!hook) return respond(failure(hook.error(), "", "The webhook"));
  if (!*hook) {
    return respond(http::problem(404, "not-found", "Not found", "No webhook is set."));
  }
  respond(json_ok(200, webhook_json(**hook)));
}

void InboundApi::delete_webhook(const http::Request&, const http::Respond& respond,
                                const Caller& c) {
  auto deleted = service_.delete_webhook(c.principal.tenant.value, actor(c));
  if (!deleted) return respond(failure(deleted.error(), "", "The webhook"));
  if (!*deleted) return respond(http::problem(404, "not-found", "Not found", "No webhook is set."));
  respond(http::Response{204, "application/json", {}, ""});
}

void InboundApi::get_deliveries(const http::Request& r, const http::Respond& respond,
                                const Caller& c) {
  const auto limit = parse_limit(r);
  if (!limit) return respond(bad_query("limit", "must be a whole number from 1 to 500"));
  std::optional<std::string> cursor;
  std::optional<std::string> event;
  if (r.has_query_param("cursor")) cursor = r.query_param("cursor");
  if (r.has_query_param("event_id")) event = r.query_param("event_id");
  auto page = service_.deliveries(c.principal.tenant.value, cursor, event, *limit);
  if (!page) {
    if (page.error().code == make_error_code(inbound::Errc::invalid_text)) {
      return respond(bad_query("cursor", "is not one this list gave out"));
    }
    return respond(failure(page.error(), "", "The delivery log"));
  }
  json::array data;
  for (const auto& d : page->items) {
    data.push_back(json::object{
        {"event_id", d.event_id},
        {"attempt", d.attempt},
        {"status_code", d.status_code == 0 ? json::value(nullptr) : json::value(d.status_code)},
        {"error", d.error.empty() ? json::value(nullptr) : json::value(d.error)},
        {"at", format_rfc3339(d.at)},
        {"next_attempt_at", time_or_null(d.next_attempt_at)}});
  }
  json::value next = nullptr;
  if (page->next_cursor) next = *page->next_cursor;
  respond(json_ok(200, json::object{{"data", std::move(data)}, {"next_cursor", next}}));
}

void InboundApi::get_keywords(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto settings = service_.settings(c.principal.tenant.value);
  if (!settings) return respond(failure(settings.error(), "", "The keyword settings"));
  respond(http::Response{200, "application/json", {}, inbound::to_json(*settings)});
}

void InboundApi::put_keywords(const http::Request& r, const http::Respond& respond,
                              const Caller& c) {
  auto settings = service_.put_settings(c.principal.tenant.value, r.body, actor(c));
  if (!settings) return respond(failure(settings.error(), "keywords", "The keyword settings"));
  respond(http::Response{200, "application/json", {}, inbound::to_json(*settings)});
}

}  // namespace diskret::api
