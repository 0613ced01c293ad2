#pragma once
/// VaultService: what the vault does, without HTTP. Stores validated cards (after an
/// acquirer card check that is the only use of the CVC), lists and deletes an owner's
/// cards, and charges by token exactly once per idempotency key. Every change and its
/// audit entry commit together. Not thread-safe: the app calls it from one worker thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "vault/acquirer.hpp"
#include "vault/audit_log.hpp"
#include "vault/card_number.hpp"
#include "vault/card_store.hpp"
#include "vault/charge_store.hpp"
#include "vault/data_keys.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

/// Errc::invalid_card with `fields`, Errc::card_declined with the reason in the detail,
/// or a storage error.
struct StoreCardFailure {
  Error error;
  CardFieldErrors fields;
};

struct ChargeInput {
  std::string owner;
  std::string token;
  std::int64_t amount_cents = 0;
  std::string currency;
  std::string idempotency_key;
};

struct ChargeOutcome {
  std::string charge_id;
  ChargeStatus status = ChargeStatus::declined;
  std::string reason;
  bool replayed = false;  ///< an earlier call with this idempotency key decided it
};

inline constexpr std::int64_t kMaxChargeCents = 100'000'000;
inline constexpr std::size_t kMaxIdempotencyKey = 128;

/// Field errors of a charge request (amount, currency, idempotency key); empty when fine.
CardFieldErrors validate_charge(const ChargeInput& input);

class VaultService {
 public:
  VaultService(Database& db, DataKeys& keys, Acquirer& acquirer, const Clock& clock)
      : db_(db), cards_(db, keys, clock), charges_(db, clock), audit_(db, clock),
        acquirer_(acquirer), clock_(clock) {}

  /// `actor` names who stored it for the audit ("form:127.0.0.1").
  Expected<CardRecord, StoreCardFailure> store_card(const CardInput& input, std::string_view owner,
                                                    std::string_view actor);
  Expected<std::vector<CardRecord>> list_cards(std::string_view owner) const;
  /// Errc::not_found when the owner has no such card.
  Expected<void> delete_card(std::string_view owner, std::string_view token);
  /// Errc::not_found (unknown token, other owner, deleted), Errc::idempotency_conflict,
  /// Errc::acquirer_unavailable (retry with the same key), invalid_argument.
  Expected<ChargeOutcome> charge(const ChargeInput& input);

  AuditLog& audit() { return audit_; }
  CardStore& cards() { return cards_; }

 private:
  Expected<ChargeOutcome> settle(const ChargeRecord& pending, const CardRecord& card);

  Database& db_;
  CardStore cards_;
  ChargeStore charges_;
  AuditLog audit_;
  Acquirer& acquirer_;
  const Clock& clock_;
};

}  // namespace diskret::vault
