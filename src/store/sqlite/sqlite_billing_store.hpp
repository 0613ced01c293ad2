#pragma once
/// SqliteBillingStore: the BillingStore in the SqliteStore's main database (tables of
/// migration 0050_billing). Writes run on the open transaction's connection, reads on the
/// store's reader pool.
#include "store/billing_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {

class SqliteBillingStore final : public BillingStore {
 public:
  explicit SqliteBillingStore(SqlHost& store) : store_(store) {}

  // BillingStore
  std::unique_ptr<BillingWrites> writes(WriteTransaction& tx) override;
  Expected<std::int64_t> balance(std::uint64_t tenant) override;
  Expected<std::vector<LedgerEntryRecord>> ledger(std::uint64_t tenant, std::uint64_t before_id,
                                                  std::size_t limit) override;
  Expected<std::optional<TopupRecord>> topup(std::uint64_t tenant, const std::string& key) override;

 private:
  SqlHost& store_;
};

}  // namespace diskret::store::sqlite
