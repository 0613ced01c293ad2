#include "vault/vault_api.hpp"

#include <memory>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/problem.hpp"
#include "vault/card_request.hpp"
#include "vault/errc.hpp"
#include "vault/form.hpp"
#include "vault/sensitive.hpp"
#include "vault_client/signing.hpp"

namespace diskret::vault {
namespace {

namespace json = boost::json;

http::Response json_response(int status, const json::value& body) {
  http::Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

std::vector<http::FieldError> to_http(const CardFieldErrors& errors) {
  std::vector<http::FieldError> out;
  out.reserve(errors.size());
  for (const auto& e : errors) out.push_back({e.field, e.reason, {}});
  return out;
}

http::Response invalid(const CardFieldErrors& errors) {
  std::string names;
  for (const auto& e : errors) {
    if (names.find(e.field) == std::string::npos) names += (names.empty() ? "" : ", ") + e.field;
  }
  return http::problem(422, "validation-failed", "Invalid request",
                       "The request has invalid fields: " + names + ".", to_http(errors));
}

http::Response internal_error(const Error& e) {
  spdlog::error("vault: {}", e.message());
  return http::problem(500, "internal-error", "Internal error",
                       "The vault could not complete the request; it is safe to retry.");
}

json::object card_json(const CardRecord& c) {
  json::object o;
  o["token"] = c.token;
  o["brand"] = brand_name(c.brand);
  o["last4"] = c.last4;
  o["exp_month"] = c.exp_month;
  o["exp_year"] = c.exp_year;
  return o;
}

http::Response html(int status, std::string body, std::string_view portal_origin) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.headers.emplace_back("Content-Security-Policy", form_csp(portal_origin));
  r.body = std::move(body);
  return r;
}

http::Response asset(std::string_view content_type, std::string_view body) {
  http::Response r;
  r.content_type = std::string(content_type);
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.body = std::string(body);
  return r;
}

std::string form_endpoint(const http::Request& request) {
  return fmt::format("/v1/cards?owner={}&expires={}&sig={}", request.query_param("owner"),
                     request.query_param("expires"), request.query_param("sig"));
}

std::string form_actor(const http::Request& request) { return "form:" + request.remote_ip; }

}  // namespace

void VaultApi::add_cors(const http::Request& request, http::Response& response) const {
  // Only the portal may read the vault's answers cross-origin; the form itself is
  // same-origin and needs no CORS at all.
  if (request.header("Origin") == options_.portal_origin) {
    response.headers.emplace_back("Access-Control-Allow-Origin", options_.portal_origin);
    response.headers.emplace_back("Vary", "Origin");
  }
}

http::Response VaultApi::form(const http::Request& request) const {
  auto ok = auth_.verify_owner(request.query_param("owner"), request.query_param("expires"),
                               request.query_param("sig"));
  if (!ok) {
    return html(403, form_error_html("This card form link is invalid or has expired. "
                                     "Please reload the page."),
                options_.portal_origin);
  }
  return html(200, form_html(form_endpoint(request), options_.portal_origin), options_.portal_origin);
}

http::Response VaultApi::form_script(const http::Request&) const {
  return asset("text/javascript; charset=utf-8", form_js());
}

http::Response VaultApi::form_style(const http::Request&) const {
  return asset("text/css; charset=utf-8", form_css());
}

http::Response VaultApi::cards_preflight(const http::Request& request) const {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  if (request.header("Origin") == options_.portal_origin) {
    add_cors(request, r);
    r.headers.emplace_back("Access-Control-Allow-Methods", "POST");
    r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  return r;
}

http::Response VaultApi::store_card(http::Request& request) {
  struct WipeBody {
    http::Request& r;
    ~WipeBody() { wipe(r.body); }
  } wipe_body{request};

  http::Response response;
  if (!limiter_.allow(request.remote_ip)) {
    response = http::problem(429, "rate-limited", "Too many requests",
                             "Too many card submissions from this address; try again later.");
    response.headers.emplace_back("Retry-After",
                                  std::to_string(limiter_.retry_after_seconds(request.remote_ip)));
  } else if (auto link = auth_.verify_owner(request.query_param("owner"),
                                            request.query_param("expires"),
                                            request.query_param("sig"));
             !link) {
    (void)service_.audit().append("card.form_link_refused", form_actor(request), "/v1/cards",
                                  link.error().message());
    response = http::problem(403, "form-link-invalid", "Card form link invalid",
                             "The card form link is invalid or has expired; reload the form.");
  } else if (request.body.size() > kMaxCardBody) {
    response = http::problem(413, "payload-too-large", "Payload too large",
                             fmt::format("A card is at most {} bytes of JSON.", kMaxCardBody));
  } else {
    const std::string owner = request.query_param("owner");
    auto parsed = with_card_input(request.body, [&](const CardInput& input,
                                                    const CardFieldErrors& type_errors) {
      if (!type_errors.empty()) {
        response = invalid(type_errors);
        return;
      }
      auto stored = service_.store_card(input, owner, form_actor(request));
      if (stored) {
        response = json_response(201, card_json(*stored));
      } else if (stored.error().error.code == Errc::invalid_card) {
        response = invalid(stored.error().fields);
      } else if (stored.error().error.code == Errc::card_declined) {
        const auto& reason = stored.error().error.detail;
        std::vector<http::FieldError> fields;
        if (reason == "incorrect_cvc") fields.push_back({"cvc", "is incorrect", {}});
        response = http::problem(402, "card-declined", "Card declined",
                                 "The card was declined (" + reason + ").", std::move(fields));
      } else {
        response = internal_error(stored.error().error);
      }
    });
    if (!parsed) {
      response = http::problem(400, "malformed-json", "Malformed JSON", parsed.error().detail);
    }
  }
  add_cors(request, response);
  return response;
}

std::optional<http::Response> VaultApi::refuse_unsigned(const http::Request& request) {
  auto ok = auth_.verify(request);
  if (ok) return std::nullopt;
  const auto& code = ok.error().code;
  const char* event = code == Errc::replayed_request ? "service.replay_refused"
                      : code == Errc::stale_request  ? "service.stale_refused"
                                                     : "service.auth_failed";
  spdlog::warn("vault: refused {} {} from {}: {}", request.method, request.path, request.remote_ip,
               ok.error().message());
  (void)service_.audit().append(event, "ip:" + request.remote_ip,
                                request.method + " " + request.path, ok.error().message());
  auto r = http::problem(401, "unauthenticated", "Unauthenticated", ok.error().message());
  r.headers.emplace_back("WWW-Authenticate", "Diskret-Vault-HMAC");
  return r;
}

http::Response VaultApi::list_cards(const http::Request& request) {
  if (auto refused = refuse_unsigned(request)) return std::move(*refused);
  const std::string owner = request.query_param("owner");
  if (!vault_client::valid_owner(owner)) {
    return invalid({{"owner", "must be 1-64 characters of A-Z a-z 0-9 _ . : -"}});
  }
  auto cards = service_.list_cards(owner);
  if (!cards) return internal_error(cards.error());
  json::array list;
  for (const auto& c : *cards) list.emplace_back(card_json(c));
  return json_response(200, json::object{{"cards", std::move(list)}});
}

http::Response VaultApi::charge(const http::Request& request) {
  if (auto refused = refuse_unsigned(request)) return std::move(*refused);
  boost::system::error_code ec;
  auto body = json::parse(request.body, ec);
  if (ec || !body.is_object()) {
    return http::problem(400, "malformed-json", "Malformed JSON", "The body must be a JSON object.");
  }
  const auto& o = body.get_object();
  ChargeInput in;
  CardFieldErrors errors;
  auto text = [&](std::string_view key, std::string& out) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return errors.push_back({std::string(key), "is required"});
    if (!v->is_string()) return errors.push_back({std::string(key), "must be a string"});
    out = std::string(v->get_string());
  };
  text("owner", in.owner);
  text("token", in.token);
  text("currency", in.currency);
  text("idempotency_key", in.idempotency_key);
  if (const auto* v = o.if_contains("amount_cents"); v == nullptr || !v->is_int64()) {
    errors.push_back({"amount_cents", "must be an integer"});
  } else {
    in.amount_cents = v->get_int64();
  }
  if (errors.empty() && !vault_client::valid_owner(in.owner)) {
    errors.push_back({"owner", "must be 1-64 characters of A-Z a-z 0-9 _ . : -"});
  }
  if (errors.empty()) errors = validate_charge(in);
  if (!errors.empty()) return invalid(errors);

  auto outcome = service_.charge(in);
  if (!outcome) {
    const auto& code = outcome.error().code;
    if (code == Errc::not_found) {
      return http::problem(404, "card-not-found", "Card not found", "The owner has no such card.");
    }
    if (code == Errc::idempotency_conflict) {
      return http::problem(409, "idempotency-conflict", "Idempotency key reused",
                           outcome.error().message());
    }
    if (code == Errc::acquirer_unavailable) {
      auto r = http::problem(503, "acquirer-unavailable", "Acquirer unavailable",
                             "The outcome is not known yet; retry with the same idempotency key.");
      r.headers.emplace_back("Retry-After", "5");
      return r;
    }
    return internal_error(outcome.error());
  }
  json::object out;
  out["charge_id"] = outcome->charge_id;
  out["status"] = charge_status_name(outcome->status);
  if (outcome->reason.empty()) {
    out["reason"] = nullptr;
  } else {
    out["reason"] = outcome->reason;
  }
  auto r = json_response(outcome->replayed ? 200 : 201, out);
  if (outcome->replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

http::Response VaultApi::delete_card(const http::Request& request) {
  if (auto refused = refuse_unsigned(request)) return std::move(*refused);
  const std::string owner = request.query_param("owner");
  if (!vault_client::valid_owner(owner)) {
    return invalid({{"owner", "must be 1-64 characters of A-Z a-z 0-9 _ . : -"}});
  }
  auto ok = service_.delete_card(owner, request.param("token"));
  if (!ok && ok.error().code == Errc::not_found) {
    return http::problem(404, "card-not-found", "Card not found", "The owner has no such card.");
  }
  if (!ok) return internal_error(ok.error());
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

http::Response VaultApi::health(const http::Request&) const {
  return json_response(200, json::object{{"status", "ok"}});
}

void VaultApi::add_routes(http::Router& router, Worker* worker) {
  // Every handler runs on the worker: it owns the database, the nonce cache and the rate
  // limiter, so none of them needs a lock.
  auto route = [&](std::string_view method, std::string_view pattern,
                   std::function<http::Response(http::Request&)> fn) {
    router.add(method, pattern, [worker, fn](http::Request&& r, http::Respond respond) {
      auto request = std::make_shared<http::Request>(std::move(r));
      auto job = [request, respond, fn] { respond(fn(*request)); };
      if (worker != nullptr) {
        worker->post(std::move(job));
      } else {
        job();
      }
    });
  };
  route("GET", "/form", [this](http::Request& r) { return form(r); });
  route("GET", "/form.js", [this](http::Request& r) { return form_script(r); });
  route("GET", "/form.css", [this](http::Request& r) { return form_style(r); });
  route("POST", "/v1/cards", [this](http::Request& r) { return store_card(r); });
  route("OPTIONS", "/v1/cards", [this](http::Request& r) { return cards_preflight(r); });
  route("GET", "/v1/service/cards", [this](http::Request& r) { return list_cards(r); });
  route("POST", "/v1/service/charges", [this](http::Request& r) { return charge(r); });
  route("DELETE", "/v1/service/cards/{token}", [this](http::Request& r) { return delete_card(r); });
  route("GET", "/healthz", [this](http::Request& r) { return health(r); });
}

}  // namespace diskret::vault
