#include "vault/vault_service.hpp"

#include <fmt/format.h>

#include "vault/errc.hpp"

namespace diskret::vault {
namespace {

StoreCardFailure failure(Error e) { return {std::move(e), {}}; }

}  // namespace

CardFieldErrors validate_charge(const ChargeInput& in) {
  CardFieldErrors errors;
  if (in.token.empty()) errors.push_back({"token", "is required"});
  if (in.amount_cents < 1 || in.amount_cents > kMaxChargeCents) {
    errors.push_back({"amount_cents", fmt::format("must be 1 to {}", kMaxChargeCents)});
  }
  bool currency_ok = in.currency.size() == 3;
  for (char c : in.currency) currency_ok = currency_ok && c >= 'A' && c <= 'Z';
  if (!currency_ok) errors.push_back({"currency", "must be an ISO 4217 code such as EUR"});
  bool key_ok = !in.idempotency_key.empty() && in.idempotency_key.size() <= kMaxIdempotencyKey;
  for (char c : in.idempotency_key) key_ok = key_ok && c > 0x20 && c < 0x7f;
  if (!key_ok) {
    errors.push_back({"idempotency_key",
                      fmt::format("must be 1 to {} printable ASCII characters", kMaxIdempotencyKey)});
  }
  return errors;
}

Expected<CardRecord, StoreCardFailure> VaultService::store_card(const CardInput& input,
                                                                std::string_view owner,
                                                                std::string_view actor) {
  auto card = validate_card(input, clock_);
  if (!card) {
    return unexpected(StoreCardFailure{Error{Errc::invalid_card}, std::move(card.error())});
  }
  CardDetails details{card->pan.view(), card->brand, card->exp_month, card->exp_year};
  auto check = acquirer_.verify(details, card->cvc.view());
  // The CVC has done its one job; it is wiped now rather than when the card goes away.
  card->cvc.clear();
  if (!check) return unexpected(failure(check.error()));
  if (!check->approved) {
    (void)audit_.append("card.check_declined", actor, owner,
                        fmt::format("brand={} reason={}", brand_name(card->brand), check->reason));
    return unexpected(failure(Error{Errc::card_declined, check->reason}));
  }
  auto tx = Transaction::begin(db_);
  if (!tx) return unexpected(failure(tx.error()));
  auto record = cards_.insert(*card, owner);
  if (!record) return unexpected(failure(record.error()));
  auto logged = audit_.append("card.stored", actor, record->token,
                              fmt::format("owner={} brand={}", owner, brand_name(record->brand)));
  if (!logged) return unexpected(failure(logged.error()));
  if (auto ok = tx->commit(); !ok) return unexpected(failure(ok.error()));
  return std::move(*record);
}

Expected<std::vector<CardRecord>> VaultService::list_cards(std::string_view owner) const {
  return cards_.list(owner);
}

Expected<void> VaultService::delete_card(std::string_view owner, std::string_view token) {
  auto tx = Transaction::begin(db_);
  if (!tx) return unexpected(tx.error());
  auto erased = cards_.erase(owner, token);
  if (!erased) return unexpected(erased.error());
  if (!*erased) return fail(Errc::not_found, "no such card");
  if (auto ok = audit_.append("card.deleted", "service", token, fmt::format("owner={}", owner)); !ok) {
    return ok;
  }
  return tx->commit();
}

Expected<ChargeOutcome> VaultService::charge(const ChargeInput& input) {
  if (auto errors = validate_charge(input); !errors.empty()) {
    return fail(diskret::Errc::invalid_argument, errors.front().field + " " + errors.front().reason);
  }
  auto existing = charges_.find(input.owner, input.idempotency_key);
  if (!existing) return unexpected(existing.error());
  if (*existing) {
    const auto& prior = **existing;
    if (prior.token != input.token || prior.amount_cents != input.amount_cents ||
        prior.currency != input.currency) {
      return fail(Errc::idempotency_conflict,
                  "this idempotency key was used for a charge with another card or amount");
    }
    if (prior.status != ChargeStatus::pending) {
      return ChargeOutcome{prior.charge_id, prior.status, prior.reason, true};
    }
  }
  auto card = cards_.find(input.token);
  if (!card) return unexpected(card.error());
  if (!*card || (*card)->owner != input.owner || (*card)->deleted) {
    return fail(Errc::not_found, "no such card");
  }
  if (*existing) return settle(**existing, **card);  // resume a charge whose answer was lost

  ChargeRecord pending{input.owner, input.idempotency_key, new_charge_id(), input.token,
                       input.amount_cents, input.currency, ChargeStatus::pending, {}, 0};
  const bool expired = is_expired((*card)->exp_month, (*card)->exp_year, clock_.now());
  if (expired) {
    // Decided without the acquirer: nothing to resume, so it is written settled at once.
    pending.status = ChargeStatus::declined;
    pending.reason = "expired_card";
  }
  auto tx = Transaction::begin(db_);
  if (!tx) return unexpected(tx.error());
  auto inserted = charges_.insert(pending);
  if (!inserted) return unexpected(inserted.error());
  if (expired) {
    if (auto ok = audit_.append("charge.declined", "service", inserted->charge_id,
                                fmt::format("token={} amount_cents={} reason=expired_card",
                                            input.token, input.amount_cents));
        !ok) {
      return unexpected(ok.error());
    }
  }
  if (auto ok = tx->commit(); !ok) return unexpected(ok.error());
  if (expired) return ChargeOutcome{inserted->charge_id, ChargeStatus::declined, "expired_card", false};
  return settle(*inserted, **card);
}

Expected<ChargeOutcome> VaultService::settle(const ChargeRecord& pending, const CardRecord& card) {
  auto pan = cards_.open_pan(card.token);
  if (!pan) return unexpected(pan.error());
  CardDetails details{pan->view(), card.brand, card.exp_month, card.exp_year};
  // The charge id is the acquirer's idempotency reference: a resumed charge cannot bill twice.
  auto result = acquirer_.charge(details, pending.charge_id, pending.amount_cents, pending.currency);
  pan->clear();
  if (!result) {
    (void)audit_.append("charge.acquirer_unavailable", "service", pending.charge_id,
                        fmt::format("token={} amount_cents={}", card.token, pending.amount_cents));
    return unexpected(result.error());
  }
  const auto status = result->approved ? ChargeStatus::approved : ChargeStatus::declined;
  auto tx = Transaction::begin(db_);
  if (!tx) return unexpected(tx.error());
  if (auto ok = charges_.settle(pending.charge_id, status, result->reason); !ok) return unexpected(ok.error());
  auto logged = audit_.append(
      result->approved ? "charge.approved" : "charge.declined", "service", pending.charge_id,
      fmt::format("token={} amount_cents={} currency={}{}{}", card.token, pending.amount_cents,
                  pending.currency, result->approved ? "" : " reason=", result->reason));
  if (!logged) return unexpected(logged.error());
  if (auto ok = tx->commit(); !ok) return unexpected(ok.error());
  return ChargeOutcome{pending.charge_id, status, result->reason, false};
}

}  // namespace diskret::vault
