#include "gateway/smtp_senders_api.hpp"

#include <boost/json.hpp>

#include "api/rfc3339.hpp"

namespace diskret::gateway {
namespace json = boost::json;
namespace {

http::Response forbidden() {
  return http::problem(403, "forbidden", "Forbidden",
                       "Only owner and admin keys may manage SMTP sender addresses.");
}

http::Response unavailable() {
  return api::unavailable_problem("Sender addresses cannot be read or changed right now.",
                                  std::chrono::seconds{1})
      .to_response();
}

http::Response invalid(std::string field, std::string reason) {
  return http::problem(422, "validation-failed", "Validation failed",
                       "The request has invalid fields.", {{std::move(field), std::move(reason)}});
}

json::object to_json(const SmtpSender& s) {
  json::array networks;
  for (const auto& n : s.networks) networks.emplace_back(n);
  return json::object{{"id", s.id},
                      {"address", s.address},
                      {"networks", std::move(networks)},
                      {"created_at", api::format_rfc3339(s.created_at)}};
}

}  // namespace

SmtpSendersApi::SmtpSendersApi(SmtpSenders& senders, tenancy::TenantService& tenants,
                               const Clock& clock, std::chrono::seconds settings_ttl)
    : senders_(senders), auth_(tenants, clock, settings_ttl) {}

void SmtpSendersApi::add_routes(http::Router& router) {
  router.add("POST", "/v1/smtp-senders", [this](http::Request&& r, http::Respond respond) {
    create(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/smtp-senders", [this](http::Request&& r, http::Respond respond) {
    list(std::move(r), std::move(respond));
  });
  router.add("DELETE", "/v1/smtp-senders/{id}", [this](http::Request&& r, http::Respond respond) {
    remove(std::move(r), std::move(respond));
  });
}

void SmtpSendersApi::create(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return respond(
        http::problem(400, "malformed-json", "Malformed JSON", "The body must be a JSON object."));
  }
  const auto& o = body.as_object();
  for (const auto& kv : o) {
    if (kv.key() != "address" && kv.key() != "networks") {
      return respond(invalid(std::string(kv.key()), "unknown field"));
    }
  }
  const auto* address = o.if_contains("address");
  if (!address || !address->is_string()) return respond(invalid("address", "must be a string"));
  const auto* networks = o.if_contains("networks");
  if (!networks || !networks->is_array()) {
    return respond(invalid("networks", "must be an array of networks, e.g. [\"192.0.2.0/24\"]"));
  }
  std::vector<std::string> list;
  for (const auto& n : networks->as_array()) {
    if (!n.is_string()) return respond(invalid("networks", "must hold strings"));
    list.emplace_back(n.as_string());
  }
  auto added = senders_.add(caller->principal.tenant.value, address->as_string(), list);
  if (!added) {
    const auto& e = added.error();
    if (e.code == make_error_code(Errc::invalid_argument) ||
        e.code == make_error_code(Errc::already_exists)) {
      const auto colon = e.detail.find(": ");
      const std::string field = colon == std::string::npos ? "address" : e.detail.substr(0, colon);
      const std::string reason = colon == std::string::npos ? e.detail : e.detail.substr(colon + 2);
      if (e.code == make_error_code(Errc::already_exists)) {
        return respond(http::problem(409, "conflict", "Conflict",
                                     "This sender address is registered already."));
      }
      return respond(invalid(field, reason));
    }
    return respond(unavailable());
  }
  respond(http::Response{201, "application/json", {}, json::serialize(to_json(*added))});
}

void SmtpSendersApi::list(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  auto all = senders_.list(caller->principal.tenant.value);
  if (!all) return respond(unavailable());
  json::array items;
  for (const auto& s : *all) items.push_back(to_json(s));
  respond(http::Response{200, "application/json", {},
                         json::serialize(json::object{{"data", std::move(items)}})});
}

void SmtpSendersApi::remove(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  const std::string id_text(request.param("id"));
  std::uint64_t id = 0;
  const bool numeric = !id_text.empty() && id_text.size() < 19 &&
                       id_text.find_first_not_of("0123456789") == std::string::npos;
  if (numeric) id = std::stoull(id_text);
  auto done = numeric ? senders_.remove(caller->principal.tenant.value, id)
                      : Expected<void>{fail(Errc::not_found)};
  if (!done) {
    if (done.error().code == make_error_code(Errc::not_found)) {
      return respond(http::problem(404, "not-found", "Not found", "There is no such sender address."));
    }
    return respond(unavailable());
  }
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::gateway
