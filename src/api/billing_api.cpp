// BillingApi: routing, authentication and the JSON/CSV of each credits endpoint.
#include "api/billing_api.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <random>

#include "api/rfc3339.hpp"
#include "billing/ledger.hpp"
#include "http/problem.hpp"
#include "pipeline/message.hpp"
#include "vault_client/errc.hpp"

namespace diskret::api {
namespace {

namespace json = boost::json;
using contacts::Permission;

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxLimit = 500;
constexpr std::size_t kMaxCsvRows = 1'000'000;
constexpr std::int64_t kMaxTopupCents = 10'000'000;  // 100,000 EUR

http::Response json_ok(int status, const json::value& body) {
  return http::Response{status, "application/json", {}, json::serialize(body)};
}

http::Response bad_query(std::string_view name, std::string_view reason) {
  return http::problem(400, "invalid-query", "Invalid query parameter",
                       "The query parameter " + std::string(name) + " " + std::string(reason) + ".",
                       {{std::string(name), std::string(reason), {}}});
}

http::Response validation(std::string field, std::string reason) {
  return http::problem(422, "validation-failed", "Invalid request",
                       "The request has invalid fields; nothing was charged.",
                       {{std::move(field), std::move(reason), {}}});
}

/// Store and vault errors: 503 when either cannot answer now, 404 for an unknown card.
http::Response failure(const Error& e, std::string_view what) {
  using VErrc = vault_client::Errc;
  if (e.code == VErrc::not_found || e.code == diskret::Errc::not_found) {
    return http::problem(404, "not-found", "Not found", "There is no such card for this account.");
  }
  if (e.code == VErrc::conflict || e.code == diskret::Errc::already_exists) {
    return http::problem(422, "idempotency-key-reused", "Idempotency key reused",
                         "This Idempotency-Key was used for another top-up; use a new key.");
  }
  if (e.code == VErrc::invalid) return validation("card_token", "the card vault refused it");
  if (e.code.category() == vault_client::vault_client_category()) {
    return unavailable_problem("The card vault cannot be reached right now; nothing was charged.",
                               std::chrono::seconds{5})
        .to_response();
  }
  if (e.code == diskret::Errc::unavailable) {
    return unavailable_problem(std::string(what) + " cannot be read or stored right now.",
                               std::chrono::seconds{1})
        .to_response();
  }
  if (e.code == diskret::Errc::invalid_argument) return validation("amount_cents", e.message());
  return http::problem(500, "internal", "Internal error", std::string(what) + " failed.");
}

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

std::optional<std::uint64_t> parse_cursor(const std::string& text) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || p != text.data() + text.size() || n == 0) return std::nullopt;
  return n;
}

json::object entry_json(const store::LedgerEntryRecord& e) {
  json::object o{{"id", std::to_string(e.id)},
                 {"kind", e.kind},
                 {"debit_account", e.debit_account},
                 {"credit_account", e.credit_account},
                 {"amount_cents", e.amount_cents},
                 {"balance_after_cents", e.balance_after},
                 {"reference", e.reference},
                 {"created_at", format_rfc3339(SystemTime{std::chrono::milliseconds{e.created_at_ms}})}};
  o["message_id"] = e.message_id ? json::value(pipeline::format_message_id(pipeline::MessageId{*e.message_id}))
                                 : json::value(nullptr);
  return o;
}

bool wants_csv(const http::Request& r) {
  if (r.has_query_param("format")) return r.query_param("format") == "csv";
  return r.header("Accept").find("text/csv") != std::string_view::npos;
}

std::string random_key() {
  std::random_device rd;
  return "auto-" + std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd());
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

BillingApi::BillingApi(billing::BillingService& service, tenancy::TenantService& tenants,
                       const Clock& clock, std::chrono::seconds settings_ttl)
    : service_(service),
      auth_(tenants, clock, settings_ttl),
      worker_(std::make_unique<Worker>("billing-api")) {}

BillingApi::~BillingApi() = default;

void BillingApi::route(http::Router& router, std::string_view method, std::string_view pattern,
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

void BillingApi::add_routes(http::Router& router) {
  const auto bind = [this](auto member) -> Work {
    return [this, member](const http::Request& r, const http::Respond& respond, const Caller& c) {
      (this->*member)(r, respond, c);
    };
  };
  route(router, "GET", "/v1/balance", Permission::read, bind(&BillingApi::get_balance));
  route(router, "GET", "/v1/ledger", Permission::read, bind(&BillingApi::get_ledger));
  route(router, "POST", "/v1/topups", Permission::manage_billing, bind(&BillingApi::post_topup));
  route(router, "GET", "/v1/cards", Permission::manage_billing, bind(&BillingApi::get_cards));
  route(router, "GET", "/v1/cards/form", Permission::manage_billing,
        bind(&BillingApi::get_card_form));
  route(router, "DELETE", "/v1/cards/{token}", Permission::manage_billing,
        bind(&BillingApi::delete_card));
}

void BillingApi::get_balance(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto balance = service_.balance(c.principal.tenant.value);
  if (!balance) return respond(failure(balance.error(), "The balance"));
  respond(json_ok(200, json::object{{"balance_cents", *balance}, {"currency", "EUR"}}));
}

void BillingApi::get_ledger(const http::Request& r, const http::Respond& respond, const Caller& c) {
  std::uint64_t before = 0;
  if (r.has_query_param("cursor")) {
    auto cursor = parse_cursor(r.query_param("cursor"));
    if (!cursor) return respond(bad_query("cursor", "is not one this list gave out"));
    before = *cursor;
  }
  const std::uint64_t tenant = c.principal.tenant.value;
  if (wants_csv(r)) {
    // The export: every entry (from the cursor on), oldest last, in pages of the store.
    std::vector<store::LedgerEntryRecord> all;
    for (;;) {
      auto page = service_.ledger(tenant, before, 5'000);
      if (!page) return respond(failure(page.error(), "The ledger"));
      if (page->empty()) break;
      before = page->back().id;
      const bool last = page->size() < 5'000;
      all.insert(all.end(), page->begin(), page->end());
      if (last || all.size() >= kMaxCsvRows) break;
    }
    http::Response out{200, "text/csv; charset=utf-8", {}, billing::ledger_csv(all)};
    out.headers.emplace_back("Content-Disposition", "attachment; filename=\"ledger.csv\"");
    return respond(std::move(out));
  }
  const auto limit = parse_limit(r);
  if (!limit) return respond(bad_query("limit", "must be a whole number from 1 to 500"));
  auto page = service_.ledger(tenant, before, *limit);
  if (!page) return respond(failure(page.error(), "The ledger"));
  json::array data;
  for (const auto& e : *page) data.push_back(entry_json(e));
  json::value next = nullptr;
  if (page->size() == *limit) next = json::value(std::to_string(page->back().id));
  respond(json_ok(200, json::object{{"data", std::move(data)}, {"next_cursor", next}}));
}

void BillingApi::post_topup(const http::Request& r, const http::Respond& respond, const Caller& c) {
  std::string key;
  if (auto header = r.header("Idempotency-Key"); !header.empty()) {
    if (!valid_key(header)) {
      return respond(http::problem(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
                                   "Idempotency-Key must be 1..255 visible ASCII characters.",
                                   {{"Idempotency-Key", "must be 1..255 visible ASCII characters", {}}}));
    }
    key = std::string(header);
  } else {
    key = random_key();  // no retry safety asked for: every request is a new top-up
  }
  boost::system::error_code ec;
  json::value body = json::parse(r.body, ec);
  if (ec || !body.is_object()) {
    return respond(http::problem(400, "invalid-json", "Invalid JSON",
                                 "The body must be a JSON object {amount_cents, card_token}."));
  }
  const json::object& o = body.as_object();
  const json::value* amount = o.if_contains("amount_cents");
  if (amount == nullptr || !amount->is_int64() || amount->as_int64() <= 0 ||
      amount->as_int64() > kMaxTopupCents) {
    return respond(validation("amount_cents", "must be a whole number of cents from 1 to 10000000"));
  }
  const json::value* token = o.if_contains("card_token");
  if (token == nullptr || !token->is_string() || token->as_string().empty() ||
      token->as_string().size() > 128) {
    return respond(validation("card_token", "must be a card token from GET /v1/cards"));
  }
  auto outcome = service_.topup(c.principal.tenant.value, key, amount->as_int64(),
                                std::string(token->as_string()));
  if (!outcome) return respond(failure(outcome.error(), "The top-up"));
  if (!outcome->approved) {
    http::Response declined = http::problem(
        402, "payment-declined", "Payment declined",
        "The card was declined (" + outcome->reason + "); nothing was credited.",
        {{"card_token", outcome->reason, {}}});
    if (outcome->replayed) declined.headers.emplace_back("Idempotent-Replayed", "true");
    return respond(std::move(declined));
  }
  http::Response ok = json_ok(outcome->replayed ? 200 : 201,
                              json::object{{"charge_id", outcome->charge_id},
                                           {"status", "approved"},
                                           {"amount_cents", outcome->amount_cents},
                                           {"balance_cents", outcome->balance_cents},
                                           {"currency", "EUR"}});
  if (outcome->replayed) ok.headers.emplace_back("Idempotent-Replayed", "true");
  respond(std::move(ok));
}

void BillingApi::get_cards(const http::Request&, const http::Respond& respond, const Caller& c) {
  auto cards = service_.cards(c.principal.tenant.value);
  if (!cards) return respond(failure(cards.error(), "The cards"));
  json::array data;
  for (const auto& card : *cards) {
    data.push_back(json::object{{"token", card.token},
                                {"brand", card.brand},
                                {"last4", card.last4},
                                {"exp_month", card.exp_month},
                                {"exp_year", card.exp_year}});
  }
  respond(json_ok(200, json::object{{"data", std::move(data)}}));
}

void BillingApi::get_card_form(const http::Request&, const http::Respond& respond,
                               const Caller& c) {
  auto url = service_.card_form_url(c.principal.tenant.value);
  if (!url) return respond(failure(url.error(), "The card form"));
  respond(json_ok(200, json::object{{"url", *url}}));
}

void BillingApi::delete_card(const http::Request& r, const http::Respond& respond, const Caller& c) {
  auto deleted = service_.delete_card(c.principal.tenant.value, std::string(r.param("token")));
  if (!deleted) return respond(failure(deleted.error(), "The card"));
  respond(http::Response{204, "application/json", {}, {}});
}

}  // namespace diskret::api
