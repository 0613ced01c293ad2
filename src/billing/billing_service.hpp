#pragma once
/// BillingService: the credits side that is not the pipeline's: balance and ledger reads,
/// operator grants, top-ups charged through the card vault (by token; diskret never sees
/// card data) and the tenant's cards. Every balance change is one ledger entry written in
/// one Store transaction with the new balance. Blocking: call it off the I/O thread.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "billing/credit_charger.hpp"
#include "billing/ledger.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/billing_store.hpp"
#include "vault_client/vault_client.hpp"

namespace diskret::billing {

/// Errc of the top-up path besides diskret::Errc::unavailable (database):
/// vault_client::Errc::unreachable etc. pass through; a key reused with another amount or
/// card is diskret::Errc::already_exists; an unknown card diskret::Errc::not_found.
struct TopupOutcome {
  bool approved = false;
  std::string reason;     ///< when declined: "card_declined", "insufficient_funds", ...
  std::string charge_id;
  std::int64_t amount_cents = 0;
  std::int64_t balance_cents = 0;
  bool replayed = false;  ///< an earlier request with this Idempotency-Key
};

class BillingService {
 public:
  BillingService(store::Store& store, store::BillingStore& billing, const Clock& clock,
                 std::int64_t low_threshold_cents = 0,
                 const vault_client::VaultClient* vault = nullptr)
      : store_(store), billing_(billing), clock_(clock), low_threshold_(low_threshold_cents),
        vault_(vault) {}

  /// The vault's owner reference of a tenant ("tenant:<id>").
  static std::string owner_of(std::uint64_t tenant);

  Expected<std::int64_t> balance(std::uint64_t tenant) { return billing_.balance(tenant); }
  Expected<std::vector<store::LedgerEntryRecord>> ledger(std::uint64_t tenant,
                                                         std::uint64_t before_id,
                                                         std::size_t limit) {
    return billing_.ledger(tenant, before_id, limit);
  }
  /// Credits `amount_cents` (> 0) with a reason; `audit` appends to the trail in the same
  /// transaction (may be empty). Returns the new balance.
  Expected<std::int64_t> grant(std::uint64_t tenant, std::int64_t amount_cents,
                               const std::string& reason,
                               const std::function<Expected<void>(store::WriteTransaction&)>& audit = {});
  /// Charges the card through the vault once per (tenant, key) and credits the balance
  /// when approved. Declines are outcomes, not errors.
  Expected<TopupOutcome> topup(std::uint64_t tenant, const std::string& idempotency_key,
                               std::int64_t amount_cents, const std::string& card_token);
  Expected<std::vector<vault_client::CardSummary>> cards(std::uint64_t tenant);
  /// The signed URL of the vault's hosted card form for this tenant (the portal's iframe).
  Expected<std::string> card_form_url(std::uint64_t tenant);
  Expected<void> delete_card(std::uint64_t tenant, const std::string& token);

 private:
  Expected<std::int64_t> credit(store::BillingWrites& writes, std::uint64_t tenant, EntryKind kind,
                                std::int64_t amount, const std::string& reference,
                                std::int64_t now_ms);
  TopupOutcome outcome_of(const store::TopupRecord& r, std::int64_t balance, bool replayed) const;

  store::Store& store_;
  store::BillingStore& billing_;
  const Clock& clock_;
  std::int64_t low_threshold_;
  const vault_client::VaultClient* vault_;
};

}  // namespace diskret::billing
