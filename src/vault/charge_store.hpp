#pragma once
/// The vault's charges table: one row per (owner, idempotency key). A row is written as
/// `pending` before the acquirer is called and settled afterwards, so a retry after a
/// crash or a lost answer resumes the same charge instead of starting a second one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

enum class ChargeStatus { pending, approved, declined };
std::string_view charge_status_name(ChargeStatus status) noexcept;

struct ChargeRecord {
  std::string owner;
  std::string idempotency_key;
  std::string charge_id;
  std::string token;
  std::int64_t amount_cents = 0;
  std::string currency;
  ChargeStatus status = ChargeStatus::pending;
  std::string reason;
  std::int64_t created_at_ms = 0;
};

/// "ch_" + 24 URL-safe random characters.
std::string new_charge_id();

class ChargeStore {
 public:
  ChargeStore(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Expected<std::optional<ChargeRecord>> find(std::string_view owner,
                                             std::string_view idempotency_key) const;
  /// Inserts a new row (status as given; created_at from the clock).
  Expected<ChargeRecord> insert(ChargeRecord record);
  Expected<void> settle(std::string_view charge_id, ChargeStatus status, std::string_view reason);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace diskret::vault
