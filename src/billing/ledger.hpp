#pragma once
/// The ledger's vocabulary and its pure rules: the kinds of entry, which accounts each
/// moves money between, how a balance changes, and the CSV export. Money is integer euro
/// cents everywhere; nothing here touches storage.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/billing_store.hpp"

namespace diskret::billing {

enum class EntryKind : std::uint8_t { topup, grant, debit, refund };

const char* kind_name(EntryKind kind) noexcept;  ///< "topup" ...

/// The entry moving `amount_cents` for `kind` on a tenant whose balance is `balance`;
/// nullopt when it would make the balance negative (or the amount is not positive).
/// Credits (topup, grant, refund) move money into the tenant's account, debits out.
std::optional<store::LedgerEntryRecord> make_entry(std::uint64_t tenant, EntryKind kind,
                                                   std::int64_t amount_cents,
                                                   std::int64_t balance,
                                                   std::int64_t now_ms);

/// True when a balance change from `before` to `after` crosses below `threshold` (the
/// moment a low-balance alert is due: once per crossing).
inline bool crosses_below(std::int64_t before, std::int64_t after, std::int64_t threshold) {
  return before >= threshold && after < threshold;
}

/// "12.34" for 1234 cents.
std::string format_euros(std::int64_t cents);

/// CSV (RFC 4180, header row) of ledger entries:
/// id,created_at,kind,debit_account,credit_account,amount_cents,balance_after_cents,message_id,reference
std::string ledger_csv(const std::vector<store::LedgerEntryRecord>& entries);

}  // namespace diskret::billing
