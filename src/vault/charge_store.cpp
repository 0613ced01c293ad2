#include "vault/charge_store.hpp"

#include "crypto/secret.hpp"

namespace diskret::vault {
namespace {

ChargeStatus parse_status(std::string_view s) {
  if (s == "approved") return ChargeStatus::approved;
  if (s == "declined") return ChargeStatus::declined;
  return ChargeStatus::pending;
}

}  // namespace

std::string_view charge_status_name(ChargeStatus status) noexcept {
  switch (status) {
    case ChargeStatus::approved: return "approved";
    case ChargeStatus::declined: return "declined";
    case ChargeStatus::pending: break;
  }
  return "pending";
}

std::string new_charge_id() { return "ch_" + crypto::random_token(18); }

Expected<std::optional<ChargeRecord>> ChargeStore::find(std::string_view owner,
                                                        std::string_view idempotency_key) const {
  auto stmt = db_.prepare(
      "SELECT charge_id, token, amount_cents, currency, status, reason, created_at FROM charges "
      "WHERE owner = ? AND idempotency_key = ?");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, owner).bind_text(2, idempotency_key);
  auto row = stmt->step();
  if (!row) return unexpected(row.error());
  if (!*row) return std::optional<ChargeRecord>();
  ChargeRecord r;
  r.owner = owner;
  r.idempotency_key = idempotency_key;
  r.charge_id = stmt->text(0);
  r.token = stmt->text(1);
  r.amount_cents = stmt->int64(2);
  r.currency = stmt->text(3);
  r.status = parse_status(stmt->text(4));
  r.reason = stmt->text(5);
  r.created_at_ms = stmt->int64(6);
  return std::optional<ChargeRecord>(std::move(r));
}

Expected<ChargeRecord> ChargeStore::insert(ChargeRecord r) {
  r.created_at_ms = clock_.now_ms();
  auto stmt = db_.prepare(
      "INSERT INTO charges (owner, idempotency_key, charge_id, token, amount_cents, currency, "
      "status, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, r.owner).bind_text(2, r.idempotency_key).bind_text(3, r.charge_id);
  stmt->bind_text(4, r.token).bind(5, r.amount_cents).bind_text(6, r.currency);
  stmt->bind_text(7, charge_status_name(r.status)).bind_text(8, r.reason).bind(9, r.created_at_ms);
  if (auto ok = stmt->run(); !ok) return unexpected(ok.error());
  return r;
}

Expected<void> ChargeStore::settle(std::string_view charge_id, ChargeStatus status,
                                   std::string_view reason) {
  auto stmt = db_.prepare(
      "UPDATE charges SET status = ?, reason = ? WHERE charge_id = ? AND status = 'pending'");
  if (!stmt) return unexpected(stmt.error());
  stmt->bind_text(1, charge_status_name(status)).bind_text(2, reason).bind_text(3, charge_id);
  return stmt->run();
}

}  // namespace diskret::vault
