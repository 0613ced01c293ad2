#include "portal/session_api.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "api/rfc3339.hpp"
#include <spdlog/spdlog.h>

#include "crypto/password.hpp"
#include "http/problem.hpp"

namespace diskret::portal {
namespace {

namespace json = boost::json;

http::Response json_ok(int status, const json::value& body) {
  return http::Response{status, "application/json", {}, json::serialize(body)};
}

http::Response invalid_credentials() {
  return http::problem(401, "invalid-credentials", "Login failed",
                       "Account, email or password is wrong.");
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The session token of the request's cookie (empty without one).
std::string_view session_token(const http::Request& request) {
  std::string_view header = request.header("Cookie");
  const std::string prefix = std::string(api::kSessionCookie) + "=";
  for (auto pos = header.find(prefix); pos != std::string_view::npos;
       pos = header.find(prefix, pos + 1)) {
    if (pos == 0 || header[pos - 1] == ' ' || header[pos - 1] == ';') {
      auto value = header.substr(pos + prefix.size());
      return value.substr(0, value.find(';'));
    }
  }
  return {};
}

http::Response no_session() {
  return http::problem(400, "no-session", "No portal session",
                       "This ends portal sessions; API keys are revoked at /v1/api-keys.");
}

}  // namespace

SessionApi::SessionApi(SessionStore& sessions, LoginThrottle& throttle,
                       contacts::UserService& users, tenancy::TenantService& tenants,
                       const Clock& clock, SessionApiOptions options, TotpService* totp)
    : sessions_(sessions),
      throttle_(throttle),
      users_(users),
      tenants_(tenants),
      clock_(clock),
      auth_(tenants, clock, std::chrono::seconds{30}),
      options_(std::move(options)),
      totp_(totp),
      worker_(std::make_unique<api::Worker>("portal-login")) {}

SessionApi::~SessionApi() { worker_.reset(); }

void SessionApi::add_routes(http::Router& router) {
  auto bind = [this](void (SessionApi::*fn)(http::Request&&, http::Respond)) {
    return [this, fn](http::Request&& r, http::Respond respond) {
      (this->*fn)(std::move(r), std::move(respond));
    };
  };
  router.add("POST", "/v1/session", bind(&SessionApi::login));
  router.add("GET", "/v1/session", bind(&SessionApi::whoami));
  router.add("DELETE", "/v1/session", bind(&SessionApi::logout));
  router.add("DELETE", "/v1/sessions", bind(&SessionApi::logout_everywhere));
  if (totp_ != nullptr) {
    router.add("POST", "/v1/session/totp", bind(&SessionApi::totp_enrol));
    router.add("POST", "/v1/session/totp/recovery-codes", bind(&SessionApi::recovery_codes));
    router.add("POST", "/v1/session/totp/confirm", bind(&SessionApi::totp_confirm));
    router.add("DELETE", "/v1/session/totp", bind(&SessionApi::totp_disable));
  }
  if (passwords_ != nullptr) {
    router.add("PUT", "/v1/session/password", bind(&SessionApi::change_password));
  }
  router.add("GET", "/v1/public/security", [this](http::Request&&, http::Respond respond) {
    http::Response r{200, "application/json", {{"Cache-Control", "no-cache"}},
                     options_.security_facts};
    respond(std::move(r));
  });
}

std::string SessionApi::cookie(std::string_view value, std::chrono::seconds max_age) const {
  std::string c = std::string(api::kSessionCookie) + "=" + std::string(value) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(max_age.count());
  if (options_.secure_cookie) c += "; Secure";
  return c;
}

void SessionApi::audit(std::uint64_t tenant, std::string actor, std::string action,
                       std::string object, std::string details) {
  if (store_ == nullptr || audit_ == nullptr) return;
  store::AuditEventRecord e;
  e.tenant_id = tenant;
  e.at_ms = clock_.now_ms();
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.object = std::move(object);
  e.details = std::move(details);
  Expected<void> ok;
  if (auto tx = store_->begin(); !tx) {
    ok = unexpected(tx.error());
  } else if (auto appended = audit_->append(**tx, e); !appended) {
    ok = unexpected(appended.error());
  } else {
    ok = (*tx)->commit();
  }
  if (!ok) spdlog::warn("portal: {} not audited: {}", e.action, ok.error().message());
}

void SessionApi::login(http::Request&& request, http::Respond respond) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return respond(http::problem(400, "malformed-json", "Malformed JSON",
                                 "The body must be a JSON object."));
  }
  std::vector<http::FieldError> errors;
  auto text = [&](const char* name) -> std::string {
    const auto* v = body.as_object().if_contains(name);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) {
      errors.push_back({name, "is required", {}});
      return {};
    }
    if (v->as_string().size() > contacts::kMaxPasswordBytes) {
      errors.push_back({name, "is too long", {}});
      return {};
    }
    return std::string(v->as_string());
  };
  std::string account = text("account"), email = text("email"), password = text("password");
  std::optional<std::string> code;
  if (const auto* v = body.as_object().if_contains("totp"); v != nullptr && !v->is_null()) {
    if (v->is_string() && v->as_string().size() <= 16) {
      code = std::string(v->as_string());
    } else {
      errors.push_back({"totp", "must be the 6-digit code", {}});
    }
  }
  if (!errors.empty()) {
    return respond(http::problem(422, "validation-failed", "Validation failed",
                                 "The request has invalid fields.", std::move(errors)));
  }
  const std::string throttle_key = account + "\n" + lower(email);
  if (auto wait = throttle_.wait(throttle_key, request.remote_ip); wait.count() > 0) {
    http::Problem p{429, "login-throttled", "Too many failed logins",
                    "Too many failed logins; try again in " + std::to_string(wait.count()) + " s.",
                    {}, {{"Retry-After", std::to_string(wait.count())}}};
    return respond(p.to_response());
  }
  worker_->post([this, account = std::move(account), email = std::move(email),
                 password = std::move(password), code = std::move(code), ip = request.remote_ip,
                 respond = std::move(respond)]() mutable {
    respond(check_credentials(account, email, password, code, ip));
  });
}

http::Response SessionApi::check_credentials(const std::string& account, const std::string& email,
                                             const std::string& password,
                                             const std::optional<std::string>& code,
                                             const std::string& ip) {
  const std::string throttle_key = account + "\n" + lower(email);
  auto tenant = tenants_.find_tenant(account);
  if (!tenant) {
    if (tenant.error().code != Errc::not_found) {
      return api::unavailable_problem("Logins cannot be checked right now.", std::chrono::seconds{1})
          .to_response();
    }
    // An unknown account costs the same as a wrong password.
    if (dummy_hash_.empty()) dummy_hash_ = crypto::hash_password("not a password of anyone");
    (void)crypto::verify_password(dummy_hash_, password);
    throttle_.failed(throttle_key, ip);
    return invalid_credentials();
  }
  auto user = users_.verify(tenant->id.value, email, password);
  if (!user) {
    return api::unavailable_problem("Logins cannot be checked right now.", std::chrono::seconds{1})
        .to_response();
  }
  if (!*user) {
    throttle_.failed(throttle_key, ip);
    audit(tenant->id.value, "system:portal", "session.login_failed", "", R"({"reason":"password"})");
    return invalid_credentials();
  }
  if (totp_ != nullptr) {
    auto on = totp_->enabled(tenant->id.value, (*user)->id);
    if (!on) {
      return api::unavailable_problem("Logins cannot be checked right now.", std::chrono::seconds{1})
          .to_response();
    }
    if (*on && !code) {
      return http::problem(401, "totp-required", "Second factor required",
                           "Enter the 6-digit code of your authenticator app.");
    }
    if (*on) {
      auto ok = totp_->check(tenant->id.value, (*user)->id, *code);
      if (ok && !*ok) {
        // Not a current app code: one of the user's recovery codes, each good once.
        ok = totp_->use_recovery_code(tenant->id.value, (*user)->id, *code);
        if (ok && *ok) {
          auto left = totp_->recovery_codes_left(tenant->id.value, (*user)->id);
          const std::string who = "user:" + std::to_string((*user)->id);
          audit(tenant->id.value, who, "user.recovery_code_used", who,
                "{\"left\":" + std::to_string(left ? *left : 0) + "}");
        }
      }
      if (!ok || !*ok) {
        throttle_.failed(throttle_key, ip);
        audit(tenant->id.value, "system:portal", "session.login_failed",
              "user:" + std::to_string((*user)->id), R"({"reason":"totp"})");
        return http::problem(401, "invalid-totp", "Login failed",
                             "The code of the authenticator app is wrong or was used already.");
      }
    }
  }
  throttle_.succeeded(throttle_key);
  tenancy::Principal principal;
  principal.tenant = tenant->id;
  principal.tenant_public_id = tenant->public_id;
  principal.role = (*user)->role;
  principal.user_id = (*user)->id;
  auto session = sessions_.create(principal, (*user)->email);
  audit(tenant->id.value, "user:" + std::to_string(principal.user_id), "session.login",
        "user:" + std::to_string(principal.user_id), "");
  auto r = json_ok(201, json::object{{"kind", "session"},
                                     {"tenant_id", tenant->public_id},
                                     {"tenant_name", tenant->name},
                                     {"user_id", (*user)->id},
                                     {"email", (*user)->email},
                                     {"role", tenancy::role_name(principal.role)},
                                     {"csrf_token", session.csrf},
                                     {"expires_at", api::format_rfc3339(session.expires_at)}});
  r.headers.emplace_back("Set-Cookie", cookie(session.token, options_.cookie_max_age));
  return r;
}

void SessionApi::whoami(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  const auto& p = caller->principal;
  json::object o{{"tenant_id", p.tenant_public_id},
                 {"tenant_name", caller->settings.display_name},
                 {"role", tenancy::role_name(p.role)}};
  if (p.user_id == 0) {
    o["kind"] = "api_key";
    return respond(json_ok(200, o));
  }
  auto info = sessions_.info(session_token(request));
  if (!info) return respond(http::problem(401, "session-expired", "Unauthorized", "Log in again."));
  o["kind"] = "session";
  o["user_id"] = p.user_id;
  o["email"] = info->email;
  o["csrf_token"] = info->csrf;
  o["expires_at"] = api::format_rfc3339(info->expires_at);
  if (totp_ != nullptr) {
    auto on = totp_->enabled(p.tenant.value, p.user_id);
    o["totp"] = on && *on;
    if (on && *on) {
      auto left = totp_->recovery_codes_left(p.tenant.value, p.user_id);
      if (left) o["recovery_codes_left"] = *left;
    }
  }
  respond(json_ok(200, o));
}

Expected<api::Caller, http::Response> SessionApi::session_caller(const http::Request& request) {
  auto caller = auth_.authenticate(request);
  if (!caller) return unexpected(caller.error().to_response());
  if (caller->principal.user_id == 0) return unexpected(no_session());
  return std::move(*caller);
}

namespace {

std::optional<std::string> code_of(const http::Request& request) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  const auto* v = body.as_object().if_contains("code");
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

http::Response wrong_code() {
  return http::problem(422, "validation-failed", "Validation failed",
                       "The code does not match; check the app's clock and try the next code.",
                       {{"code", "does not match", {}}});
}

http::Response totp_unavailable() {
  return api::unavailable_problem("The second factor cannot be read or stored right now.",
                                  std::chrono::seconds{1})
      .to_response();
}

}  // namespace

void SessionApi::totp_enrol(http::Request&& request, http::Respond respond) {
  auto caller = session_caller(request);
  if (!caller) return respond(std::move(caller.error()));
  const auto& p = caller->principal;
  auto info = sessions_.info(session_token(request));
  if (!info) return respond(http::problem(401, "session-expired", "Unauthorized", "Log in again."));
  auto enrolment = totp_->enrol(p.tenant.value, p.user_id, "diskret", info->email);
  if (!enrolment) {
    if (enrolment.error().code == Errc::already_exists) {
      return respond(http::problem(409, "totp-already-on", "Second factor already on",
                                   "Switch the second factor off before enrolling a new one."));
    }
    return respond(totp_unavailable());
  }
  respond(json_ok(201, json::object{{"secret", enrolment->secret}, {"otpauth_uri", enrolment->uri}}));
}

void SessionApi::totp_confirm(http::Request&& request, http::Respond respond) {
  auto caller = session_caller(request);
  if (!caller) return respond(std::move(caller.error()));
  auto code = code_of(request);
  if (!code) {
    return respond(http::problem(422, "validation-failed", "Validation failed", "code is required.",
                                 {{"code", "is required", {}}}));
  }
  auto ok = totp_->confirm(caller->principal.tenant.value, caller->principal.user_id, *code);
  if (!ok) return respond(totp_unavailable());
  if (!*ok) return respond(wrong_code());
  const std::string who = "user:" + std::to_string(caller->principal.user_id);
  audit(caller->principal.tenant.value, who, "user.totp_enabled", who, "");
  // Shown this once: the way back in when the phone is lost.
  auto codes = totp_->new_recovery_codes(caller->principal.tenant.value, caller->principal.user_id);
  if (!codes) return respond(totp_unavailable());
  audit(caller->principal.tenant.value, who, "user.recovery_codes_generated", who,
        "{\"count\":" + std::to_string(codes->size()) + "}");
  json::array list;
  for (auto& c : *codes) list.emplace_back(c);
  respond(json_ok(200, json::object{{"totp", true}, {"recovery_codes", std::move(list)}}));
}

void SessionApi::totp_disable(http::Request&& request, http::Respond respond) {
  auto caller = session_caller(request);
  if (!caller) return respond(std::move(caller.error()));
  const auto& p = caller->principal;
  auto on = totp_->enabled(p.tenant.value, p.user_id);
  if (!on) return respond(totp_unavailable());
  if (*on) {
    auto code = code_of(request);
    auto ok = code ? totp_->check(p.tenant.value, p.user_id, *code) : Expected<bool>(false);
    if (!ok) return respond(totp_unavailable());
    if (!*ok) return respond(wrong_code());
  }
  if (!totp_->disable(p.tenant.value, p.user_id)) return respond(totp_unavailable());
  const std::string who = "user:" + std::to_string(p.user_id);
  audit(p.tenant.value, who, "user.totp_disabled", who, "");
  respond(http::Response{204, "application/json", {}, {}});
}

void SessionApi::logout(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (caller->principal.user_id == 0) return respond(no_session());
  sessions_.end(session_token(request));
  http::Response r{204, "application/json", {}, {}};
  r.headers.emplace_back("Set-Cookie", cookie("", std::chrono::seconds{0}));
  respond(std::move(r));
}

void SessionApi::logout_everywhere(http::Request&& request, http::Respond respond) {
  auto caller = auth_.authenticate(request);
  if (!caller) return respond(caller.error().to_response());
  if (caller->principal.user_id == 0) return respond(no_session());
  const auto ended = sessions_.end_all(caller->principal.tenant.value, caller->principal.user_id);
  const std::string who = "user:" + std::to_string(caller->principal.user_id);
  audit(caller->principal.tenant.value, who, "session.logout_everywhere", who,
        "{\"ended\":" + std::to_string(ended) + "}");
  auto r = json_ok(200, json::object{{"ended", ended}});
  r.headers.emplace_back("Set-Cookie", cookie("", std::chrono::seconds{0}));
  respond(std::move(r));
}

}  // namespace diskret::portal

namespace diskret::portal {

void SessionApi::change_password(http::Request&& request, http::Respond respond) {
  auto caller = session_caller(request);
  if (!caller) return respond(std::move(caller.error()));
  auto info = sessions_.info(session_token(request));
  if (!info) return respond(http::problem(401, "session-expired", "Unauthorized", "Log in again."));
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return respond(http::problem(400, "malformed-json", "Malformed JSON",
                                 "The body must be a JSON object."));
  }
  auto text = [&](const char* name) -> std::optional<std::string> {
    const auto* v = body.as_object().if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  auto current = text("current_password");
  auto next = text("new_password");
  std::vector<http::FieldError> errors;
  if (!current) errors.push_back({"current_password", "is required", {}});
  if (!next) {
    errors.push_back({"new_password", "is required", {}});
  } else if (auto reason = contacts::check_password(*next)) {
    errors.push_back({"new_password", *reason, {}});
  }
  if (!errors.empty()) {
    return respond(http::problem(422, "validation-failed", "Validation failed",
                                 "The request has invalid fields.", std::move(errors)));
  }
  const tenancy::Principal principal = caller->principal;
  const std::string throttle_key = principal.tenant_public_id + "\n" + lower(info->email);
  if (auto wait = throttle_.wait(throttle_key, request.remote_ip); wait.count() > 0) {
    http::Problem p{429, "login-throttled", "Too many failed attempts",
                    "Try again in " + std::to_string(wait.count()) + " s.", {},
                    {{"Retry-After", std::to_string(wait.count())}}};
    return respond(p.to_response());
  }
  // Two Argon2id operations: on the worker, not the I/O thread.
  worker_->post([this, principal, email = info->email, current = std::move(*current),
                 next = std::move(*next), ip = request.remote_ip, throttle_key,
                 respond = std::move(respond)]() mutable {
    auto user = users_.verify(principal.tenant.value, email, current);
    if (!user) {
      return respond(api::unavailable_problem("Passwords cannot be checked right now.",
                                              std::chrono::seconds{1})
                         .to_response());
    }
    if (!*user || (*user)->id != principal.user_id) {
      throttle_.failed(throttle_key, ip);
      return respond(http::problem(422, "validation-failed", "Validation failed",
                                   "The current password is wrong.",
                                   {{"current_password", "is wrong", {}}}));
    }
    const std::string hash = crypto::hash_password(next);
    auto set = passwords_->set_hash(principal.tenant.value, principal.user_id, hash);
    if (!set || !*set) {
      return respond(api::unavailable_problem("The password cannot be stored right now.",
                                              std::chrono::seconds{1})
                         .to_response());
    }
    // Whoever knew the old password is logged out; this browser gets a new session.
    sessions_.end_all(principal.tenant.value, principal.user_id);
    auto session = sessions_.create(principal, email);
    const std::string who = "user:" + std::to_string(principal.user_id);
    audit(principal.tenant.value, who, "user.password_changed", who, "");
    auto r = json_ok(200, json::object{{"csrf_token", session.csrf},
                                       {"expires_at", api::format_rfc3339(session.expires_at)}});
    r.headers.emplace_back("Set-Cookie", cookie(session.token, options_.cookie_max_age));
    respond(std::move(r));
  });
}

}  // namespace diskret::portal

namespace diskret::portal {

void SessionApi::recovery_codes(http::Request&& request, http::Respond respond) {
  auto caller = session_caller(request);
  if (!caller) return respond(std::move(caller.error()));
  auto info = sessions_.info(session_token(request));
  if (!info) return respond(http::problem(401, "session-expired", "Unauthorized", "Log in again."));
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  const json::value* password = ec || !body.is_object() ? nullptr
                                                        : body.as_object().if_contains("password");
  if (password == nullptr || !password->is_string() || password->as_string().empty() ||
      password->as_string().size() > contacts::kMaxPasswordBytes) {
    return respond(http::problem(422, "validation-failed", "Validation failed",
                                 "The current password is required.",
                                 {{"password", "is required", {}}}));
  }
  const tenancy::Principal principal = caller->principal;
  auto on = totp_->enabled(principal.tenant.value, principal.user_id);
  if (!on) return respond(totp_unavailable());
  if (!*on) {
    return respond(http::problem(409, "totp-off", "Second factor is off",
                                 "Recovery codes belong to a second factor: switch it on first."));
  }
  const std::string throttle_key = principal.tenant_public_id + "\n" + lower(info->email);
  if (auto wait = throttle_.wait(throttle_key, request.remote_ip); wait.count() > 0) {
    http::Problem p{429, "login-throttled", "Too many failed attempts",
                    "Try again in " + std::to_string(wait.count()) + " s.", {},
                    {{"Retry-After", std::to_string(wait.count())}}};
    return respond(p.to_response());
  }
  worker_->post([this, principal, email = info->email, password = std::string(password->as_string()),
                 ip = request.remote_ip, throttle_key, respond = std::move(respond)]() mutable {
    auto user = users_.verify(principal.tenant.value, email, password);
    if (!user) {
      return respond(api::unavailable_problem("Passwords cannot be checked right now.",
                                              std::chrono::seconds{1})
                         .to_response());
    }
    if (!*user || (*user)->id != principal.user_id) {
      throttle_.failed(throttle_key, ip);
      return respond(http::problem(422, "validation-failed", "Validation failed",
                                   "The password is wrong.", {{"password", "is wrong", {}}}));
    }
    auto codes = totp_->new_recovery_codes(principal.tenant.value, principal.user_id);
    if (!codes) return respond(totp_unavailable());
    const std::string who = "user:" + std::to_string(principal.user_id);
    audit(principal.tenant.value, who, "user.recovery_codes_generated", who,
          "{\"count\":" + std::to_string(codes->size()) + "}");
    json::array list;
    for (auto& c : *codes) list.emplace_back(c);
    respond(json_ok(201, json::object{{"recovery_codes", std::move(list)}}));
  });
}

}  // namespace diskret::portal
