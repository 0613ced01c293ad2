// PrivacyApi: routing, validation and the JSON of each endpoint.
#include "api/privacy_api.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <fmt/format.h>

#include "api/rfc3339.hpp"
#include "audit/actions.hpp"
#include "audit/verifier.hpp"
#include "core/hex.hpp"
#include "http/problem.hpp"
#include "phone/phone_number.hpp"
#include "privacy/errc.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using contacts::Permission;

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 500;

http::Response json_ok(const json::value& body) {
  return http::Response{200, "application/json", {}, json::serialize(body)};
}

http::Response validation(std::string field, std::string reason) {
  return http::problem(422, "validation-failed", "Invalid request",
                       "The request has invalid fields; nothing was changed.",
                       {{std::move(field), std::move(reason), {}}});
}

http::Response failure(const Error& e, std::string_view what) {
  if (e.code == diskret::Errc::unavailable) {
    return unavailable_problem(std::string(what) + " cannot be done right now.", std::chrono::seconds{1})
        .to_response();
  }
  if (e.code == diskret::Errc::not_found) {
    return http::problem(404, "not-found", "Not found", std::string(what) + " was not found.");
  }
  if (e.code == diskret::Errc::invalid_argument || e.code == privacy::Errc::invalid_policy) {
    return validation(e.message().substr(0, e.message().find(':')), e.message());
  }
  return http::problem(500, "internal", "Internal error", std::string(what) + " failed.");
}

std::string actor(const Caller& c) {
  // Portal sessions act as their user, API keys as the key.
  if (c.principal.user_id != 0) return "user:" + std::to_string(c.principal.user_id);
  return "api_key:" + std::to_string(c.principal.api_key_id);
}

Expected<json::object, http::Response> body_object(const http::Request& r,
                                                   std::initializer_list<std::string_view> fields) {
  boost::system::error_code ec;
  json::value body = json::parse(r.body, ec);
  if (ec || !body.is_object()) {
    return tl::unexpected(http::problem(400, "invalid-json", "Invalid JSON", "The body must be a JSON object."));
  }
  for (const auto& [key, _] : body.as_object()) {
    if (std::find(fields.begin(), fields.end(), std::string_view(key)) == fields.end()) {
      return tl::unexpected(validation(std::string(key), "is not a field of this request"));
    }
  }
  return std::move(body.as_object());
}

/// The "phone" of a body in E.164 (the tenant's region for national notation).
Expected<std::string, http::Response> phone_of(const json::object& o, const Caller& c) {
  const json::value* v = o.if_contains("phone");
  if (!v || !v->is_string()) return tl::unexpected(validation("phone", "is required (a string)"));
  auto n = phone::PhoneNumber::parse(std::string_view(v->as_string()), phone::Region{c.settings.default_region});
  if (!n) return tl::unexpected(validation("phone", n.error().message()));
  return n->e164();
}

std::optional<std::size_t> parse_size(const http::Request& r, std::string_view name, std::size_t fallback,
                                      std::size_t max) {
  if (!r.has_query_param(name)) return fallback;
  const std::string text = r.query_param(name);
  std::size_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n == 0 || n > max) return std::nullopt;
  return n;
}

std::optional<std::uint64_t> parse_cursor(const http::Request& r) {
  if (!r.has_query_param("cursor")) return 0;
  const std::string text = r.query_param("cursor");
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n == 0) return std::nullopt;
  return n;
}

http::Response bad_query(std::string_view name, std::string_view reason) {
  return http::problem(400, "invalid-query", "Invalid query parameter",
                       "The query parameter " + std::string(name) + " " + std::string(reason) + ".",
                       {{std::string(name), std::string(reason), {}}});
}

json::value details_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(text) : v;
}

json::object grant_json(const store::AccessGrantRecord& g, std::int64_t now_ms) {
  const char* state = g.revoked_at_ms ? "revoked" : g.expires_at_ms <= now_ms ? "expired" : "active";
  return json::object{{"id", g.id},
                      {"operator", g.grantee},
                      {"reason", g.reason},
                      {"granted_by", g.granted_by},
                      {"created_at", privacy::rfc3339_ms(g.created_at_ms)},
                      {"expires_at", privacy::rfc3339_ms(g.expires_at_ms)},
                      {"revoked_at", g.revoked_at_ms ? json::value(privacy::rfc3339_ms(*g.revoked_at_ms)) : json::value(nullptr)},
                      {"state", state}};
}

// Paths whose successful GETs hand out personal data (numbers, texts, names).
bool reads_personal_data(const http::Request& r) {
  if (r.method != "GET") return false;
  for (std::string_view prefix : {"/v1/messages", "/v1/inbound", "/v1/contacts", "/v1/suppressions"}) {
    if (r.path.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// The portal's session token in a Cookie header (empty without one).
std::string session_cookie(std::string_view header) {
  const std::string prefix = std::string(kSessionCookie) + "=";
  for (auto pos = header.find(prefix); pos != std::string_view::npos;
       pos = header.find(prefix, pos + 1)) {
    if (pos == 0 || header[pos - 1] == ' ' || header[pos - 1] == ';') {
      auto value = header.substr(pos + prefix.size());
      return std::string(value.substr(0, value.find(';')));
    }
  }
  return {};
}

// The address a burst of failed logins came from, without the last part (not a person's
// data in clear, still enough to act on).
std::string masked_address(std::string_view ip) {
  const auto cut = ip.find_last_of(".:");
  if (cut == std::string_view::npos) return std::string(ip);
  return std::string(ip.substr(0, cut + 1)) + "x";
}

}  // namespace

PrivacyApi::PrivacyApi(PrivacyApiDeps deps, const Clock& clock)
    : d_(std::move(deps)), clock_(clock), auth_(d_.tenants, clock, std::chrono::seconds{30}),
      worker_(std::make_unique<Worker>("privacy-api")) {}

PrivacyApi::~PrivacyApi() = default;

void PrivacyApi::route(http::Router& router, std::string_view method, std::string_view pattern,
                       Permission permission, Work work) {
  router.add(method, pattern, [this, permission, work = std::move(work)](http::Request&& request, http::Respond respond) {
    auto caller = auth_.authenticate(request);
    if (!caller) return respond(caller.error().to_response());
    if (!contacts::allows(caller->principal.role, permission)) {
      return respond(http::problem(403, "forbidden", "Forbidden",
                                   std::string("An API key with role ") + contacts::role_label(caller->principal.role) +
                                       " may not do this (needs " + contacts::permission_name(permission) + ")."));
    }
    worker_->post([request = std::move(request), respond = std::move(respond), caller = std::move(*caller),
                   work]() mutable { work(request, respond, caller); });
  });
}

void PrivacyApi::add_routes(http::Router& router) {
  const auto bind = [this](auto member) -> Work {
    return [this, member](const http::Request& r, const http::Respond& respond, const Caller& c) {
      (this->*member)(r, respond, c);
    };
  };
  route(router, "POST", "/v1/privacy/exports", Permission::export_data, bind(&PrivacyApi::post_export));
  route(router, "POST", "/v1/privacy/erasures", Permission::erase_data, bind(&PrivacyApi::post_erasure));
  route(router, "GET", "/v1/privacy/report", Permission::read_audit, bind(&PrivacyApi::get_report));
  route(router, "GET", "/v1/privacy/retention", Permission::read, bind(&PrivacyApi::get_retention));
  route(router, "PUT", "/v1/privacy/retention", Permission::erase_data, bind(&PrivacyApi::put_retention));
  route(router, "GET", "/v1/audit", Permission::read_audit, bind(&PrivacyApi::get_audit));
  route(router, "GET", "/v1/audit/verify", Permission::read_audit,
        bind(&PrivacyApi::get_audit_verify));
  route(router, "GET", "/v1/alerts", Permission::read_audit, bind(&PrivacyApi::get_alerts));
  route(router, "POST", "/v1/access-grants", Permission::manage_users, bind(&PrivacyApi::post_grant));
  route(router, "GET", "/v1/access-grants", Permission::read_audit, bind(&PrivacyApi::get_grants));
  route(router, "DELETE", "/v1/access-grants/{id}", Permission::manage_users, bind(&PrivacyApi::delete_grant));
}

void PrivacyApi::post_export(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto body = body_object(r, {"phone"});
  if (!body) return respond(std::move(body.error()));
  auto e164 = phone_of(*body, c);
  if (!e164) return respond(std::move(e164.error()));
  const auto tenant = c.principal.tenant.value;
  auto document = d_.privacy.exporter().collect(tenant, *e164, actor(c));
  if (!document) return respond(failure(document.error(), "The export"));
  respond(http::Response{200, "application/json", {}, privacy::to_json(*document)});
  // Many people exported in a short time is how data leaves in bulk: alert the admins.
  const auto key = std::to_string(tenant);
  if (d_.rules.exports.hit(key, clock_.now_ms())) {
    (void)d_.alerts.raise(tenant, privacy::alert::kManyExports, "warning",
                          json::serialize(json::object{{"exports_last_hour", d_.rules.exports.count(key, clock_.now_ms())},
                                                       {"api_key", c.principal.api_key_id}}));
  }
}

void PrivacyApi::post_erasure(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto body = body_object(r, {"phone"});
  if (!body) return respond(std::move(body.error()));
  auto e164 = phone_of(*body, c);
  if (!e164) return respond(std::move(e164.error()));
  auto report = d_.privacy.eraser().erase(c.principal.tenant.value, *e164, actor(c));
  if (!report) return respond(failure(report.error(), "The erasure"));
  respond(json_ok(json::object{{"phone", *e164},
                               {"status", "erased"},
                               {"repeated", report->erased_before},
                               {"erased_at", privacy::rfc3339_ms(clock_.now_ms())},
                               {"contact_deleted", report->contact_deleted},
                               {"messages_kept_without_person", report->messages_scrubbed},
                               {"messages_cancelled", report->messages_cancelled},
                               {"inbound_deleted", report->inbound_deleted},
                               {"keys_destroyed", report->subject_keys_destroyed},
                               {"suppression", json::object{{"suppressed", true}, {"reason", "erased"}}}}));
}

void PrivacyApi::get_audit_verify(const http::Request&, const http::Respond& respond,
                                  const Caller& c) {
  const auto tenant = c.principal.tenant.value;
  auto report = d_.audit.verify();
  if (!report) return respond(failure(report.error(), "The audit trail"));
  std::uint64_t entries = 0;
  for (const auto& h : report->heads) {
    if (h.tenant == tenant) entries = h.seq;
  }
  // Only the caller's own chain: another tenant's break is none of its business.
  json::value first_break = nullptr;
  for (const auto& b : report->breaks) {
    if (b.tenant != tenant) continue;
    first_break = json::object{{"seq", b.seq}, {"kind", std::string(audit::to_string(b.kind))}};
    break;
  }
  respond(json_ok(json::object{{"verified", first_break.is_null()},
                               {"entries", entries},
                               {"checked_at", format_rfc3339(clock_.now())},
                               {"first_break", std::move(first_break)}}));
}

void PrivacyApi::get_audit(const http::Request& r, const http::Respond& respond, const Caller& c) {
  const auto limit = parse_size(r, "limit", kDefaultLimit, kMaxLimit);
  if (!limit) return respond(bad_query("limit", "must be a whole number from 1 to 500"));
  const auto cursor = parse_cursor(r);
  if (!cursor) return respond(bad_query("cursor", "is not one this list gave out"));
  store::AuditPageQuery q{.tenant_id = c.principal.tenant.value, .before_seq = *cursor, .limit = *limit};
  if (r.has_query_param("phone")) {
    auto n = phone::PhoneNumber::parse(r.query_param("phone"), phone::Region{c.settings.default_region});
    if (!n) return respond(bad_query("phone", "is not a valid phone number"));
    auto keys = d_.keys.tenant(q.tenant_id);
    if (!keys) return respond(failure(keys.error(), "The audit trail"));
    q.subject = store::KeyRing::blind(**keys, n->e164());
  }
  auto entries = d_.audit.page(q);
  if (!entries) return respond(failure(entries.error(), "The audit trail"));
  json::array data;
  for (const auto& e : *entries) {
    data.push_back(json::object{{"seq", e.seq},
                                {"at", privacy::rfc3339_ms(e.at_ms)},
                                {"actor", e.actor},
                                {"action", e.action},
                                {"object", e.object},
                                {"subject", e.subject.empty() ? json::value(nullptr) : json::value(e.subject)},
                                {"details", details_json(e.details)},
                                {"prev_hash", to_hex(e.prev_hash)},
                                {"hash", to_hex(e.hash)}});
  }
  json::value next = nullptr;
  if (entries->size() == *limit && entries->back().seq > 1) next = std::to_string(entries->back().seq);
  respond(json_ok(json::object{{"data", std::move(data)}, {"next_cursor", next}}));
}

void PrivacyApi::get_report(const http::Request&, const http::Respond& respond, const Caller& c) {
  const auto tenant = c.principal.tenant.value;
  auto inputs = d_.report_base ? d_.report_base() : privacy::ProcessingInputs{};
  auto record = d_.store.tenant(tenant);
  if (!record || !*record) return respond(failure(record ? Error{make_error_code(diskret::Errc::not_found)} : record.error(), "The tenant"));
  inputs.tenant = (*record)->public_id;
  inputs.tenant_name = (*record)->name;
  inputs.generated_at_ms = clock_.now_ms();
  auto policy = d_.privacy.exporter().retention(tenant);
  if (!policy) return respond(failure(policy.error(), "The retention settings"));
  inputs.retention = *policy;
  auto counts = d_.rows.category_counts(tenant);
  if (!counts) return respond(failure(counts.error(), "The report"));
  inputs.counts = *counts;
  respond(http::Response{200, "application/json", {}, privacy::processing_report_json(inputs)});
}

void PrivacyApi::get_retention(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto policy = d_.privacy.exporter().retention(c.principal.tenant.value);
  if (!policy) return respond(failure(policy.error(), "The retention settings"));
  respond(http::Response{200, "application/json", {}, privacy::to_json(*policy)});
}

void PrivacyApi::put_retention(const http::Request& r, const http::Respond& respond, const Caller& c) {
  const auto tenant = c.principal.tenant.value;
  auto current = d_.privacy.exporter().retention(tenant);
  if (!current) return respond(failure(current.error(), "The retention settings"));
  auto policy = privacy::policy_from_json(r.body, *current);
  if (!policy) {
    const auto& m = policy.error().message();
    const auto field = m.substr(0, m.find(' '));
    return respond(validation(field.find("_days") != std::string::npos ? field : "body", m));
  }
  auto tx = d_.store.begin();
  if (!tx) return respond(failure(tx.error(), "The retention settings"));
  if (auto ok = d_.rows.put_retention_settings(**tx, tenant, privacy::to_json(*policy), clock_.now_ms()); !ok) {
    return respond(failure(ok.error(), "The retention settings"));
  }
  audit::AuditDraft entry;
  entry.tenant = tenant;
  entry.actor = actor(c);
  entry.action = std::string(audit::action::kRetentionChanged);
  entry.object = "retention";
  entry.details = privacy::to_json(*policy);
  if (auto ok = d_.audit.record(**tx, entry); !ok) return respond(failure(ok.error(), "The retention settings"));
  if (auto ok = (*tx)->commit(); !ok) return respond(failure(ok.error(), "The retention settings"));
  respond(http::Response{200, "application/json", {}, privacy::to_json(*policy)});
}

void PrivacyApi::get_alerts(const http::Request& r, const http::Respond& respond, const Caller& c) {
  const auto limit = parse_size(r, "limit", kDefaultLimit, kMaxLimit);
  if (!limit) return respond(bad_query("limit", "must be a whole number from 1 to 500"));
  const auto cursor = parse_cursor(r);
  if (!cursor) return respond(bad_query("cursor", "is not one this list gave out"));
  auto alerts = d_.alerts.list(c.principal.tenant.value, *cursor, *limit);
  if (!alerts) return respond(failure(alerts.error(), "The alerts"));
  json::array data;
  for (const auto& a : *alerts) {
    data.push_back(json::object{{"id", a.id},
                                {"scope", a.tenant_id == 0 ? "platform" : "tenant"},
                                {"kind", a.kind},
                                {"severity", a.severity},
                                {"at", privacy::rfc3339_ms(a.at_ms)},
                                {"details", details_json(a.details)}});
  }
  json::value next = nullptr;
  if (alerts->size() == *limit) next = std::to_string(alerts->back().id);
  respond(json_ok(json::object{{"data", std::move(data)}, {"next_cursor", next}}));
}

void PrivacyApi::post_grant(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto body = body_object(r, {"operator", "reason", "hours"});
  if (!body) return respond(std::move(body.error()));
  const json::value* who = body->if_contains("operator");
  const json::value* why = body->if_contains("reason");
  const json::value* hours = body->if_contains("hours");
  if (!who || !who->is_string()) return respond(validation("operator", "is required (the staff member's name)"));
  if (!why || !why->is_string()) return respond(validation("reason", "is required (why support needs access)"));
  double h = 24;
  if (hours) {
    if (!hours->is_number()) return respond(validation("hours", "must be a number"));
    h = hours->to_number<double>();
  }
  const auto minutes = std::chrono::minutes(static_cast<std::int64_t>(h * 60));
  auto g = d_.grants.grant(c.principal.tenant.value, std::string_view(who->as_string()),
                           std::string_view(why->as_string()), minutes, actor(c));
  if (!g) {
    const auto& m = g.error().message();
    return respond(validation(m.substr(0, m.find(':')), m));
  }
  auto response = json_ok(grant_json(*g, clock_.now_ms()));
  response.status = 201;
  respond(std::move(response));
}

void PrivacyApi::get_grants(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto grants = d_.grants.list(c.principal.tenant.value);
  if (!grants) return respond(failure(grants.error(), "The access grants"));
  json::array data;
  for (const auto& g : *grants) data.push_back(grant_json(g, clock_.now_ms()));
  respond(json_ok(json::object{{"data", std::move(data)}}));
}

void PrivacyApi::delete_grant(const http::Request& r, const http::Respond& respond, const Caller& c) {
  std::uint64_t id = 0;
  const auto text = r.param("id");
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    return respond(http::problem(404, "not-found", "Not found", "No access grant with this id."));
  }
  auto revoked = d_.grants.revoke(c.principal.tenant.value, id, actor(c));
  if (!revoked) return respond(failure(revoked.error(), "The access grant"));
  if (!*revoked) return respond(http::problem(404, "not-found", "Not found", "No active access grant with this id."));
  respond(http::Response{204, "application/json", {}, ""});
}

void PrivacyApi::on_response(const Seen& seen, int status) {
  const auto now = clock_.now_ms();
  if (status == 401) {
    if (d_.rules.auth_failures.hit(seen.remote_ip, now)) {
      const auto address = masked_address(seen.remote_ip);
      const auto failures = d_.rules.auth_failures.count(seen.remote_ip, now);
      worker_->post([this, address, failures] {
        (void)d_.alerts.raise(0, privacy::alert::kManyAuthFailures, "warning",
                              json::serialize(json::object{{"address", address},
                                                           {"failures_last_5_minutes", failures}}));
      });
    }
    return;
  }
  if (status < 200 || status >= 300 || seen.path.empty()) return;
  // The key was just accepted, so this is a cached lookup.
  const std::string_view header = seen.authorization;
  Expected<tenancy::Principal> principal = fail(diskret::Errc::not_found);
  if (header.size() > 7 && header.substr(0, 7) == "Bearer ") {
    principal = d_.tenants.authenticate(header.substr(7));
  } else if (!seen.session.empty() && d_.tenants.session_resolver() != nullptr) {
    // A portal session read it: audited as its user.
    principal = d_.tenants.session_resolver()->resolve_session(seen.session, std::nullopt);
  }
  if (!principal) return;
  audit::AuditDraft entry;
  entry.tenant = principal->tenant.value;
  entry.at_ms = now;
  entry.actor = principal->user_id != 0 ? "user:" + std::to_string(principal->user_id)
                                         : "api_key:" + std::to_string(principal->api_key_id);
  entry.action = std::string(audit::action::kPersonalDataRead);
  entry.object = seen.path.substr(0, 200);
  d_.privacy.audit_queue().push(std::move(entry));
}

http::Handler PrivacyApi::watch(http::Handler inner) {
  return [this, inner = std::move(inner)](http::Request&& request, http::Respond respond) {
    // Only what on_response needs travels with the answer: the path and key only for
    // reads of personal data (most requests carry just the address).
    Seen seen;
    seen.remote_ip = request.remote_ip;
    if (reads_personal_data(request)) {
      seen.path = request.path;
      seen.authorization = std::string(request.header("Authorization"));
      if (seen.authorization.empty()) seen.session = session_cookie(request.header("Cookie"));
    }
    inner(std::move(request), [this, seen = std::move(seen), respond = std::move(respond)](http::Response&& response) {
      const int status = response.status;
      respond(std::move(response));
      on_response(seen, status);
    });
  };
}

std::string PrivacyApi::metrics_text() {
  std::string out = d_.privacy.metrics_text();
  if (auto alerts = d_.alerts.metrics_text()) out += *alerts;
  return out;
}

}  // namespace diskret::api
