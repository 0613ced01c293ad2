#include "smpp_server/credentials_api.hpp"

#include <boost/json.hpp>

#include "api/rfc3339.hpp"

namespace diskret::smpp_server {
namespace json = boost::json;
namespace {

http::Response forbidden() {
  return http::problem(403, "forbidden", "Forbidden",
                       "Only owner and admin keys may manage SMPP credentials.");
}

http::Response unavailable() {
  return api::unavailable_problem("SMPP credentials cannot be changed right now.",
                                  std::chrono::seconds{1})
      .to_response();
}

json::object to_json(const Credential& c) {
  json::object o;
  o["system_id"] = c.system_id;
  o["window"] = c.window;
  o["tps"] = c.tps;
  o["created_at"] = api::format_rfc3339(c.created_at);
  if (c.revoked_at) {
    o["revoked_at"] = api::format_rfc3339(*c.revoked_at);
  } else {
    o["revoked_at"] = nullptr;
  }
  return o;
}

// Reads an optional non-negative integer field no larger than `max`.
bool read_limit(const json::object& body, std::string_view name, std::uint32_t max,
                std::uint32_t& out, std::vector<http::FieldError>& errors) {
  const auto* v = body.if_contains(name);
  if (!v) return true;
  if (!v->is_int64() && !v->is_uint64()) {
    errors.push_back({std::string(name), "must be an integer"});
    return false;
  }
  const std::int64_t n = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  if (n < 0 || n > max) {
    errors.push_back({std::string(name), "must be between 0 and " + std::to_string(max)});
    return false;
  }
  out = static_cast<std::uint32_t>(n);
  return true;
}

}  // namespace

CredentialsApi::CredentialsApi(CredentialService& credentials, tenancy::TenantService& tenants,
                               const Clock& clock, std::chrono::seconds settings_ttl)
    : credentials_(credentials), auth_(tenants, clock, settings_ttl) {}

void CredentialsApi::add_routes(http::Router& router) {
  router.add("POST", "/v1/smpp-credentials", [this](http::Request&& r, http::Respond respond) {
    create(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/smpp-credentials", [this](http::Request&& r, http::Respond respond) {
    list(std::move(r), std::move(respond));
  });
  router.add("DELETE", "/v1/smpp-credentials/{system_id}",
             [this](http::Request&& r, http::Respond respond) {
               revoke(std::move(r), std::move(respond));
             });
}

void CredentialsApi::create(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  std::uint32_t window = 0, tps = 0;
  if (!request.body.empty()) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) {
      return respond(http::problem(400, "malformed-json", "Malformed JSON",
                                   "The body must be a JSON object."));
    }
    std::vector<http::FieldError> errors;
    for (const auto& kv : body.as_object()) {
      if (kv.key() != "window" && kv.key() != "tps") {
        errors.push_back({std::string(kv.key()), "unknown field"});
      }
    }
    read_limit(body.as_object(), "window", kMaxCredentialWindow, window, errors);
    read_limit(body.as_object(), "tps", kMaxCredentialTps, tps, errors);
    if (!errors.empty()) {
      return respond(http::problem(422, "validation-failed", "Validation failed",
                                   "The request has invalid fields.", std::move(errors)));
    }
  }
  auto created = credentials_.create(caller->principal.tenant, window, tps);
  if (!created) return respond(unavailable());
  json::object o = to_json(created->credential);
  o["password"] = created->password;  // the only time it is shown
  respond(http::Response{201, "application/json", {}, json::serialize(o)});
}

void CredentialsApi::list(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  auto all = credentials_.list(caller->principal.tenant);
  if (!all) return respond(unavailable());
  json::array items;
  for (const auto& c : *all) items.push_back(to_json(c));
  json::object o;
  o["credentials"] = std::move(items);
  respond(http::Response{200, "application/json", {}, json::serialize(o)});
}

void CredentialsApi::revoke(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!api::can_manage(caller->principal.role)) return respond(forbidden());
  auto done = credentials_.revoke(caller->principal.tenant, request.param("system_id"));
  if (!done) {
    if (done.error().code == make_error_code(Errc::not_found)) {
      return respond(http::problem(404, "not-found", "Not found",
                                   "There is no active SMPP credential with this system_id."));
    }
    return respond(unavailable());
  }
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::smpp_server
