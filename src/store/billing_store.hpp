#pragma once
/// BillingStore: prepaid credit per tenant (migration 0050_billing): the balance, the
/// double-entry ledger and the top-ups by idempotency key. Amounts are euro cents. Writes
/// join a WriteTransaction of the Store (the pipeline's writer debits in the transaction
/// that stores the messages); reads are safe from any thread.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.hpp"
#include "store/store.hpp"

namespace diskret::store {

/// One balanced entry: amount_cents moves from debit_account to credit_account.
struct LedgerEntryRecord {
  std::uint64_t id = 0;
  std::uint64_t tenant_id = 0;
  std::string kind;            ///< "topup", "grant", "debit", "refund"
  std::string debit_account;   ///< "card", "grant", "tenant", "messages"
  std::string credit_account;
  std::int64_t amount_cents = 0;   ///< > 0
  std::int64_t balance_after = 0;  ///< the tenant's balance after this entry
  std::optional<std::uint64_t> message_id;
  std::string reference;  ///< charge id, grant reason, ... (no card data)
  std::int64_t created_at_ms = 0;
};

struct TopupRecord {
  std::uint64_t tenant_id = 0;
  std::string idempotency_key;
  std::int64_t amount_cents = 0;
  std::string card_token;
  std::string charge_id;
  std::string status;  ///< "approved", "declined"
  std::string reason;
  std::int64_t created_at_ms = 0;
};

struct AccountRecord {
  std::int64_t balance_cents = 0;
  bool low_alerted = false;
};

class BillingWrites {
 public:
  virtual ~BillingWrites() = default;
  /// The tenant's account (zero balance when it has none yet).
  virtual Expected<AccountRecord> account(std::uint64_t tenant) = 0;
  /// Sets the balance (never negative: the CHECK refuses it) and the low-balance flag.
  virtual Expected<void> put_account(std::uint64_t tenant, const AccountRecord& account,
                                     std::int64_t now_ms) = 0;
  virtual Expected<void> append(const LedgerEntryRecord& entry) = 0;
  /// The debit entry of a message, if it was paid for.
  virtual Expected<std::optional<LedgerEntryRecord>> debit_of(std::uint64_t message_id) = 0;
  /// True when the message has a refund entry already.
  virtual Expected<bool> refunded(std::uint64_t message_id) = 0;
  virtual Expected<std::optional<TopupRecord>> topup(std::uint64_t tenant,
                                                     const std::string& key) = 0;
  virtual Expected<void> insert_topup(const TopupRecord& topup) = 0;
};

class BillingStore {
 public:
  virtual ~BillingStore() = default;
  virtual std::unique_ptr<BillingWrites> writes(WriteTransaction& tx) = 0;
  virtual Expected<std::int64_t> balance(std::uint64_t tenant) = 0;
  /// Newest first, ids below `before_id` (0: from the newest).
  virtual Expected<std::vector<LedgerEntryRecord>> ledger(std::uint64_t tenant,
                                                          std::uint64_t before_id,
                                                          std::size_t limit) = 0;
  virtual Expected<std::optional<TopupRecord>> topup(std::uint64_t tenant,
                                                     const std::string& key) = 0;
};

}  // namespace diskret::store
