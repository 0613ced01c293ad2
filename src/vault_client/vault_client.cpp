#include "vault_client/vault_client.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "vault_client/signing.hpp"

namespace diskret::vault_client {
namespace {

namespace json = boost::json;

bool valid_token(std::string_view token) {
  if (token.size() < 5 || token.size() > 64 || token.substr(0, 4) != "tok_") return false;
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The problem+json detail of an error answer, or a generic sentence.
std::string problem_detail(const HttpReply& reply) {
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (!ec && v.is_object()) {
    if (const auto* d = v.as_object().if_contains("detail"); d && d->is_string()) {
      return std::string(d->get_string());
    }
  }
  return fmt::format("the card vault answered HTTP {}", reply.status);
}

Expected<json::object> parse_object(const HttpReply& reply) {
  boost::system::error_code ec;
  auto v = json::parse(reply.body, ec);
  if (ec || !v.is_object()) return fail(Errc::protocol, "the card vault's answer is not a JSON object");
  return std::move(v.as_object());
}

std::string string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

int int_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? static_cast<int>(v->get_int64()) : 0;
}

}  // namespace

Expected<VaultClient> VaultClient::create(VaultClientConfig config, crypto::SecretKey secret,
                                          const Clock& clock) {
  auto base = parse_base_url(config.base_url);
  if (!base) return unexpected(base.error());
  return VaultClient(std::move(config), std::move(*base), secret, clock);
}

Expected<std::string> VaultClient::form_url(std::string_view owner) const {
  if (!valid_owner(owner)) {
    return fail(diskret::Errc::invalid_argument, "owner reference must be 1-64 of [A-Za-z0-9_.:-]");
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      clock_->now().time_since_epoch());
  const std::int64_t expires = (now + config_.form_ttl).count();
  return fmt::format("{}{}/form?owner={}&expires={}&sig={}", base_.origin, base_.path_prefix,
                     owner, expires, owner_signature(secret_, owner, expires));
}

Expected<HttpReply> VaultClient::call(std::string_view method, std::string_view target,
                                      std::string_view body) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
      clock_->now().time_since_epoch());
  // The vault sees the target with the base URL's path prefix, so that is what is signed.
  const std::string signed_target = base_.path_prefix + std::string(target);
  auto h = sign_request(secret_, method, signed_target, body, now.count());
  HeaderList headers{{std::string(kTimestampHeader), h.timestamp},
                     {std::string(kNonceHeader), h.nonce},
                     {std::string(kSignatureHeader), h.signature}};
  auto reply = http_request(base_, method, target, headers, body, config_.timeout);
  if (!reply) return reply;
  if (reply->status >= 200 && reply->status < 300) return reply;
  std::string detail = problem_detail(*reply);
  switch (reply->status) {
    case 401: return fail(Errc::unauthenticated, std::move(detail));
    case 404: return fail(Errc::not_found, std::move(detail));
    case 409: return fail(Errc::conflict, std::move(detail));
    case 400:
    case 422: return fail(Errc::invalid, std::move(detail));
    default: return fail(Errc::vault_error, std::move(detail));
  }
}

Expected<std::vector<CardSummary>> VaultClient::list_cards(std::string_view owner) const {
  if (!valid_owner(owner)) return fail(Errc::invalid, "owner reference is not valid");
  auto reply = call("GET", fmt::format("/v1/service/cards?owner={}", owner), "");
  if (!reply) return unexpected(reply.error());
  auto body = parse_object(*reply);
  if (!body) return unexpected(body.error());
  const auto* cards = body->if_contains("cards");
  if (cards == nullptr || !cards->is_array()) return fail(Errc::protocol, "the answer has no cards array");
  std::vector<CardSummary> out;
  for (const auto& item : cards->get_array()) {
    if (!item.is_object()) return fail(Errc::protocol, "a card entry is not an object");
    const auto& o = item.get_object();
    out.push_back({string_field(o, "token"), string_field(o, "brand"), string_field(o, "last4"),
                   int_field(o, "exp_month"), int_field(o, "exp_year")});
  }
  return out;
}

Expected<ChargeResult> VaultClient::charge(const ChargeRequest& request) const {
  if (!valid_owner(request.owner)) return fail(Errc::invalid, "owner reference is not valid");
  json::object o;
  o["owner"] = request.owner;
  o["token"] = request.token;
  o["amount_cents"] = request.amount_cents;
  o["currency"] = request.currency;
  o["idempotency_key"] = request.idempotency_key;
  auto reply = call("POST", "/v1/service/charges", json::serialize(o));
  if (!reply) return unexpected(reply.error());
  auto body = parse_object(*reply);
  if (!body) return unexpected(body.error());
  ChargeResult result;
  result.charge_id = string_field(*body, "charge_id");
  const std::string status = string_field(*body, "status");
  if (status == "approved") {
    result.status = ChargeStatus::approved;
  } else if (status == "declined") {
    result.status = ChargeStatus::declined;
  } else {
    return fail(Errc::protocol, "the charge answer has no valid status");
  }
  result.reason = string_field(*body, "reason");
  result.replayed = reply->header("Idempotent-Replayed") == "true";
  return result;
}

Expected<void> VaultClient::delete_card(std::string_view owner, std::string_view token) const {
  if (!valid_owner(owner)) return fail(Errc::invalid, "owner reference is not valid");
  if (!valid_token(token)) return fail(Errc::not_found, "not a card token");
  auto reply = call("DELETE", fmt::format("/v1/service/cards/{}?owner={}", token, owner), "");
  if (!reply) return unexpected(reply.error());
  return {};
}

}  // namespace diskret::vault_client
