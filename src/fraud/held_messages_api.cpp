#include "fraud/held_messages_api.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "api/contacts_api.hpp"
#include "api/rfc3339.hpp"

namespace diskret::fraud {
namespace json = boost::json;
namespace {

http::Response forbidden() {
  return http::problem(403, "forbidden", "Forbidden",
                       "Only owner and admin keys may review held messages and change abuse settings.");
}

http::Response unavailable() {
  return api::unavailable_problem("Held messages cannot be read or changed right now.",
                                  std::chrono::seconds{1})
      .to_response();
}

http::Response not_found() {
  return http::problem(404, "not-found", "Not found",
                       "No held message with this id: decided already, or expired undecided.");
}

http::Response ok_json(json::value v, int status = 200) {
  return http::Response{status, "application/json", {}, json::serialize(v)};
}

json::object to_json(const HeldMessage& h, std::chrono::milliseconds expiry) {
  return json::object{{"id", "hm_" + std::to_string(h.id)},
                      {"to", h.message.to},
                      {"from", h.message.from},
                      {"text", h.message.text},
                      {"category", pipeline::category_name(h.message.category)},
                      {"client_ref", h.message.client_ref},
                      {"reason", h.reason},
                      {"range", h.range},
                      {"source", h.source},
                      {"held_at", api::format_rfc3339(h.created_at)},
                      {"expires_at", api::format_rfc3339(h.created_at + expiry)}};
}

}  // namespace

std::optional<std::uint64_t> parse_held_id(std::string_view text) {
  if (!text.starts_with("hm_") || text.size() < 4 || text.size() > 23) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data() + 3, text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v == 0) return std::nullopt;
  return v;
}

HeldMessagesApi::HeldMessagesApi(HeldMessages& held, pipeline::Pipeline& pipeline,
                                 tenancy::TenantService& tenants, const Clock& clock)
    : held_(held), pipeline_(pipeline), auth_(tenants, clock, std::chrono::seconds{30}),
      clock_(clock) {}

void HeldMessagesApi::add_routes(http::Router& router) {
  router.add("GET", "/v1/held-messages",
             [this](http::Request&& r, http::Respond respond) { list(std::move(r), std::move(respond)); });
  router.add("POST", "/v1/held-messages/{id}/release", [this](http::Request&& r, http::Respond respond) {
    release(std::move(r), std::move(respond));
  });
  router.add("POST", "/v1/held-messages/{id}/reject", [this](http::Request&& r, http::Respond respond) {
    reject(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/abuse-settings", [this](http::Request&& r, http::Respond respond) {
    get_settings(std::move(r), std::move(respond));
  });
  router.add("PUT", "/v1/abuse-settings", [this](http::Request&& r, http::Respond respond) {
    put_settings(std::move(r), std::move(respond));
  });
}

void HeldMessagesApi::list(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  std::size_t limit = 50;
  if (request.has_query_param("limit")) {
    const std::string v = request.query_param("limit");
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size() || n < 1 || n > 500) {
      return respond(http::problem(422, "validation-failed", "Validation failed",
                                   "limit must be 1..500.", {{"limit", "must be 1..500"}}));
    }
    limit = n;
  }
  std::uint64_t after = 0;
  if (request.has_query_param("cursor")) {
    auto c = parse_held_id(request.query_param("cursor"));
    if (!c) {
      return respond(http::problem(422, "validation-failed", "Validation failed",
                                   "cursor is not one this list returned.", {{"cursor", "invalid"}}));
    }
    after = *c;
  }
  auto rows = held_.list(caller->principal.tenant.value, after, limit + 1);
  if (!rows) return respond(unavailable());
  json::array data;
  const bool more = rows->size() > limit;
  if (more) rows->pop_back();
  for (const auto& h : *rows) data.push_back(to_json(h, expiry_));
  json::object out{{"data", std::move(data)}};
  out["next_cursor"] = more ? json::value("hm_" + std::to_string(rows->back().id)) : json::value(nullptr);
  respond(ok_json(std::move(out)));
}

Expected<HeldMessage, http::Response> HeldMessagesApi::find(const http::Request& request,
                                                            const api::Caller& caller) {
  auto id = parse_held_id(request.param("id"));
  if (!id) return unexpected(not_found());
  auto h = held_.get(caller.principal.tenant.value, *id);
  if (!h) return unexpected(unavailable());
  if (!*h) return unexpected(not_found());
  // Expired but not yet swept by HeldExpiry: decided already (rejected by the platform).
  if ((*h)->created_at + expiry_ <= clock_.now()) return unexpected(not_found());
  return std::move(**h);
}

void HeldMessagesApi::audit(const api::Caller& caller, const char* action,
                            const HeldMessage& held) const {
  if (!audit_) return;
  audit_(caller.principal.tenant.value, api::actor_of(caller), action,
         "held_message:hm_" + std::to_string(held.id),
         json::serialize(json::object{{"reason", held.reason}, {"range", held.range},
                                      {"source", held.source}}));
}

void HeldMessagesApi::release(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  auto h = find(request, *caller);
  if (!h) return respond(std::move(h.error()));
  // Removed first: two releases racing send it once.
  auto removed = held_.remove(caller->principal.tenant.value, h->id);
  if (!removed) return respond(unavailable());
  if (!*removed) return respond(not_found());
  audit(*caller, "fraud.held_released", *h);
  pipeline::AcceptRequest accept;
  accept.tenant = caller->principal.tenant;
  accept.messages.push_back(h->message);
  auto ids = pipeline_.preassign(1);
  const std::uint64_t held_id = h->id;
  pipeline_.accept(std::move(accept), ids,
                   [respond, held_id, id = ids.front()](Expected<pipeline::AcceptResult> r) {
                     if (!r) {
                       return respond(api::unavailable_problem(
                                          "The released message could not be stored; it is lost "
                                          "from review, send it again.",
                                          std::chrono::seconds{1})
                                          .to_response());
                     }
                     respond(ok_json(json::object{{"id", "hm_" + std::to_string(held_id)},
                                                  {"status", "released"},
                                                  {"message_id", pipeline::format_message_id(id)}},
                                     202));
                   });
}

void HeldMessagesApi::reject(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  auto h = find(request, *caller);
  if (!h) return respond(std::move(h.error()));
  auto removed = held_.remove(caller->principal.tenant.value, h->id);
  if (!removed) return respond(unavailable());
  if (!*removed) return respond(not_found());
  audit(*caller, "fraud.held_rejected", *h);
  respond(ok_json(json::object{{"id", "hm_" + std::to_string(h->id)}, {"status", "rejected"}}));
}

void HeldMessagesApi::get_settings(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  auto on = held_.link_check(caller->principal.tenant.value);
  if (!on) return respond(unavailable());
  respond(ok_json(json::object{{"link_check", *on}}));
}

void HeldMessagesApi::put_settings(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  std::vector<http::FieldError> errors;
  if (ec || !body.is_object()) {
    return respond(http::problem(400, "malformed-json", "Malformed JSON", "The body is not a JSON object."));
  }
  bool link_check = false;
  for (const auto& [key, value] : body.as_object()) {
    if (key == "link_check" && value.is_bool()) {
      link_check = value.as_bool();
    } else if (key == "link_check") {
      errors.push_back({"link_check", "must be true or false"});
    } else {
      errors.push_back({std::string(key), "is not a setting"});  // no mass assignment
    }
  }
  if (!body.as_object().contains("link_check")) errors.push_back({"link_check", "is required"});
  if (!errors.empty()) {
    return respond(http::problem(422, "validation-failed", "Validation failed",
                                 "The settings are not valid.", std::move(errors)));
  }
  if (!held_.set_link_check(caller->principal.tenant.value, link_check)) return respond(unavailable());
  respond(ok_json(json::object{{"link_check", link_check}}));
}

}  // namespace diskret::fraud
