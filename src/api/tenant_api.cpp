#include "api/tenant_api.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "api/content_settings_json.hpp"
#include "api/rfc3339.hpp"
#include "campaigns/quiet_hours.hpp"
#include "contacts/permissions.hpp"
#include "phone/region.hpp"
#include "sms/sender_id.hpp"

namespace diskret::api {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxSenderIds = 50;
constexpr std::size_t kMaxCountries = 250;
constexpr std::uint16_t kMaxSegmentsLimit = 255;

http::Response forbidden(std::string_view what) {
  return http::problem(403, "forbidden", "Forbidden",
                       "Only owner and admin keys may " + std::string(what) + ".");
}

http::Response unavailable() {
  return unavailable_problem("The account cannot be read or changed right now.",
                             std::chrono::seconds{1})
      .to_response();
}

http::Response invalid(std::vector<http::FieldError> errors) {
  return http::problem(422, "validation-failed", "Validation failed",
                       "The request has invalid fields.", std::move(errors));
}

std::string actor_of(const Caller& caller) {
  // Portal sessions act as their user, API keys as the key.
  if (caller.principal.user_id != 0) return "user:" + std::to_string(caller.principal.user_id);
  return "api_key:" + std::to_string(caller.principal.api_key_id);
}

json::object settings_json(const tenancy::Tenant& t) {
  json::array countries, senders;
  for (const auto& c : t.settings.allowed_countries) countries.emplace_back(c);
  for (const auto& s : t.settings.sender_ids) senders.emplace_back(s);
  return json::object{{"id", t.public_id},
                      {"name", t.name},
                      {"display_name", t.settings.display_name},
                      {"default_region", t.settings.default_region},
                      {"allowed_countries", std::move(countries)},
                      {"max_segments", t.settings.max_segments},
                      {"sender_ids", std::move(senders)},
                      {"quiet_hours", t.settings.quiet_hours.empty()
                                          ? json::value(nullptr)
                                          : json::value(t.settings.quiet_hours)},
                      {"created_at", format_rfc3339(t.created_at)}};
}

json::object key_json(const tenancy::ApiKeyInfo& k) {
  json::object o{{"id", k.id},
                 {"prefix", k.prefix},
                 {"name", k.name},
                 {"role", tenancy::role_name(k.role)},
                 {"created_at", format_rfc3339(k.created_at)}};
  o["revoked_at"] = k.revoked_at ? json::value(format_rfc3339(*k.revoked_at)) : json::value(nullptr);
  return o;
}

Expected<json::object, http::Response> body_object(const http::Request& request) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return unexpected(
        http::problem(400, "malformed-json", "Malformed JSON", "The body must be a JSON object."));
  }
  return std::move(body.as_object());
}

// Applies the fields present in `body` to `s`; every problem is named.
void apply_settings(const json::object& body, tenancy::TenantSettings& s,
                    std::vector<http::FieldError>& errors, const TenantSettingsExtension* extension) {
  for (const auto& kv : body) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    if (is_content_key(key)) continue;  // apply_content_settings
    if (extension && extension->owns(key)) continue;  // validated by the extension
    if (key == "display_name") {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 200) {
        errors.push_back({"display_name", "must be a string of 1 to 200 characters"});
      } else {
        s.display_name = std::string(v.as_string());
      }
    } else if (key == "default_region") {
      if (!v.is_string() || !phone::is_supported_region(v.as_string())) {
        errors.push_back({"default_region", "must be a supported ISO 3166 country code like DE"});
      } else {
        s.default_region = std::string(v.as_string());
      }
    } else if (key == "allowed_countries") {
      if (!v.is_array() || v.as_array().size() > kMaxCountries) {
        errors.push_back({"allowed_countries", "must be an array of ISO 3166 country codes"});
        continue;
      }
      std::vector<std::string> countries;
      for (const auto& c : v.as_array()) {
        if (!c.is_string() || !phone::is_supported_region(c.as_string())) {
          errors.push_back({"allowed_countries", "holds something that is not a country code"});
          break;
        }
        std::string code(c.as_string());
        if (std::find(countries.begin(), countries.end(), code) == countries.end()) {
          countries.push_back(std::move(code));
        }
      }
      s.allowed_countries = std::move(countries);
    } else if (key == "max_segments") {
      if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > kMaxSegmentsLimit) {
        errors.push_back({"max_segments", "must be an integer from 1 to 255"});
      } else {
        s.max_segments = static_cast<std::uint16_t>(v.as_int64());
      }
    } else if (key == "sender_ids") {
      if (!v.is_array() || v.as_array().size() > kMaxSenderIds) {
        errors.push_back({"sender_ids", "must be an array of at most 50 sender ids"});
        continue;
      }
      std::vector<std::string> senders;
      for (const auto& e : v.as_array()) {
        auto parsed = e.is_string() ? sms::SenderId::parse(e.as_string())
                                    : Expected<sms::SenderId>(fail(Errc::invalid_argument));
        if (!parsed) {
          errors.push_back({"sender_ids", "holds an invalid sender id" +
                                              (e.is_string() ? " (\"" + std::string(e.as_string()) +
                                                                   "\": " + parsed.error().message() + ")"
                                                             : std::string())});
          break;
        }
        auto shown = parsed->display();
        if (std::find(senders.begin(), senders.end(), shown) == senders.end()) {
          senders.push_back(std::move(shown));
        }
      }
      s.sender_ids = std::move(senders);
    } else if (key == "quiet_hours") {
      // null: the platform's default; "off" or "HH:MM-HH:MM" over midnight.
      if (v.is_null()) {
        s.quiet_hours.clear();
      } else if (!v.is_string() || !campaigns::QuietHours::parse(v.as_string())) {
        errors.push_back({"quiet_hours", "must be null, \"off\" or HH:MM-HH:MM over midnight, "
                                         "e.g. \"20:00-08:00\""});
      } else {
        s.quiet_hours = std::string(v.as_string());
      }
    } else {
      errors.push_back({std::string(key), "is not a setting (display_name, default_region, "
                                          "allowed_countries, max_segments, sender_ids, "
                                          "quiet_hours, smart_encoding, dlp_policy, "
                                          "dlp_patterns, short_links, bounce_emails, click_tracking, "
                                          "click_tracking_purpose, pumping_prefix_per_hour, "
                                          "pumping_unusual_per_hour)"});
    }
  }
}

}  // namespace

TenantApi::TenantApi(tenancy::TenantService& tenants, const Clock& clock,
                     std::chrono::seconds settings_ttl)
    : tenants_(tenants), auth_(tenants, clock, settings_ttl) {}

void TenantApi::add_routes(http::Router& router) {
  router.add("GET", "/v1/tenant", [this](http::Request&& r, http::Respond respond) {
    get_tenant(std::move(r), std::move(respond));
  });
  router.add("PATCH", "/v1/tenant", [this](http::Request&& r, http::Respond respond) {
    patch_tenant(std::move(r), std::move(respond));
  });
  router.add("POST", "/v1/api-keys", [this](http::Request&& r, http::Respond respond) {
    create_key(std::move(r), std::move(respond));
  });
  router.add("GET", "/v1/api-keys", [this](http::Request&& r, http::Respond respond) {
    list_keys(std::move(r), std::move(respond));
  });
  router.add("DELETE", "/v1/api-keys/{id}", [this](http::Request&& r, http::Respond respond) {
    revoke_key(std::move(r), std::move(respond));
  });
}

void TenantApi::get_tenant(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  auto tenant = tenants_.get_tenant(caller->principal.tenant);
  if (!tenant) return respond(unavailable());
  auto shown = settings_json(*tenant);
  if (content_) {
    auto content = content_->settings(caller->principal.tenant.value);
    if (!content) return respond(unavailable());
    add_content_json(shown, *content);
  }
  if (extension_ && !extension_->show(caller->principal.tenant.value, shown)) {
    return respond(unavailable());
  }
  respond(http::Response{200, "application/json", {}, json::serialize(shown)});
}

void TenantApi::patch_tenant(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_manage(caller->principal.role)) return respond(forbidden("change the account"));
  auto body = body_object(request);
  if (!body) return respond(std::move(body.error()));
  auto tenant = tenants_.get_tenant(caller->principal.tenant);
  if (!tenant) return respond(unavailable());
  tenancy::TenantSettings settings = tenant->settings;
  std::vector<http::FieldError> errors;
  apply_settings(*body, settings, errors, extension_);
  if (extension_) extension_->validate(*body, errors);
  // Content safeguards (issue 12) live beside the tenant row, in ContentService.
  std::optional<content::ContentSettings> content;
  const bool content_keys = std::any_of(body->begin(), body->end(),
                                        [](const auto& kv) { return is_content_key(kv.key()); });
  if (content_keys && !content_) {
    errors.push_back({"smart_encoding", "content settings are not available on this server"});
  } else if (content_) {
    auto current = content_->settings(caller->principal.tenant.value);
    if (!current) return respond(unavailable());
    content = *current;
    apply_content_settings(*body, *content, errors);
  }
  if (!errors.empty()) return respond(invalid(std::move(errors)));
  auto extension_key = [this](std::string_view key) { return extension_ && extension_->owns(key); };
  const bool tenant_keys = std::any_of(body->begin(), body->end(), [&](const auto& kv) {
    return !is_content_key(kv.key()) && !extension_key(kv.key());
  });
  const bool extension_keys = std::any_of(body->begin(), body->end(),
                                          [&](const auto& kv) { return extension_key(kv.key()); });
  tenancy::Tenant shown_tenant = *tenant;
  if (tenant_keys || (!content_keys && !extension_keys)) {
    auto updated = tenants_.update_settings(caller->principal.tenant, settings, actor_of(*caller));
    if (!updated) return respond(unavailable());
    shown_tenant = std::move(*updated);
  }
  if (content && content_keys) {
    auto saved = content_->update(caller->principal.tenant.value, *content, actor_of(*caller));
    if (!saved) return respond(unavailable());
  }
  if (extension_keys &&
      !extension_->save(caller->principal.tenant.value, *body, actor_of(*caller))) {
    return respond(unavailable());
  }
  auto shown = settings_json(shown_tenant);
  if (content) add_content_json(shown, *content);
  if (extension_ && !extension_->show(caller->principal.tenant.value, shown)) {
    return respond(unavailable());
  }
  respond(http::Response{200, "application/json", {}, json::serialize(shown)});
}

void TenantApi::create_key(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_manage(caller->principal.role)) return respond(forbidden("manage API keys"));
  auto body = body_object(request);
  if (!body) return respond(std::move(body.error()));
  std::vector<http::FieldError> errors;
  std::string name;
  std::optional<tenancy::Role> role;
  for (const auto& kv : *body) {
    if (kv.key() == "name") {
      if (!kv.value().is_string() || kv.value().as_string().empty() ||
          kv.value().as_string().size() > 100) {
        errors.push_back({"name", "must be a string of 1 to 100 characters"});
      } else {
        name = std::string(kv.value().as_string());
      }
    } else if (kv.key() == "role") {
      if (kv.value().is_string()) role = tenancy::parse_role(kv.value().as_string());
      if (!role) errors.push_back({"role", "must be owner, admin, sender or viewer"});
    } else {
      errors.push_back({std::string(kv.key()), "is not a known field"});
    }
  }
  if (name.empty() && errors.empty()) errors.push_back({"name", "is required"});
  if (!role && errors.empty()) errors.push_back({"role", "is required"});
  if (!errors.empty()) return respond(invalid(std::move(errors)));
  if (!contacts::may_manage_role(caller->principal.role, *role)) {
    return respond(forbidden("create keys with this role (an admin cannot create owner keys)"));
  }
  auto created = tenants_.create_api_key(caller->principal.tenant, name, *role);
  if (!created) return respond(unavailable());
  json::object o = key_json(created->info);
  o["key"] = created->secret;  // the only time it is shown
  respond(http::Response{201, "application/json", {}, json::serialize(o)});
}

void TenantApi::list_keys(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_manage(caller->principal.role)) return respond(forbidden("manage API keys"));
  auto keys = tenants_.list_api_keys(caller->principal.tenant);
  if (!keys) return respond(unavailable());
  json::array items;
  for (const auto& k : *keys) items.push_back(key_json(k));
  respond(http::Response{200, "application/json", {},
                         json::serialize(json::object{{"data", std::move(items)}})});
}

void TenantApi::revoke_key(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (!can_manage(caller->principal.role)) return respond(forbidden("manage API keys"));
  const std::string id_text(request.param("id"));
  const bool numeric = !id_text.empty() && id_text.size() < 19 &&
                       id_text.find_first_not_of("0123456789") == std::string::npos;
  auto done = numeric ? tenants_.revoke_api_key(caller->principal.tenant, std::stoull(id_text))
                      : Expected<void>{fail(Errc::not_found)};
  if (!done) {
    if (done.error().code == make_error_code(Errc::not_found)) {
      return respond(http::problem(404, "not-found", "Not found", "There is no active API key with this id."));
    }
    return respond(unavailable());
  }
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::api
