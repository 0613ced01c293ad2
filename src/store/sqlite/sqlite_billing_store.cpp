// SqliteBillingStore: writes on the connection of the Store's open transaction (a debit
// commits with the messages it pays for), reads on pooled connections.
#include "store/sqlite/sqlite_billing_store.hpp"

#include <limits>

#include "store/sqlite/inbound_sql.hpp"

namespace diskret::store::sqlite {
namespace {

using namespace inbound_sql;

#define DISKRET_LEDGER_COLUMNS                                                             \
  "id, tenant_id, kind, debit_account, credit_account, amount_cents, balance_after, " \
  "message_id, reference, created_at"
#define DISKRET_TOPUP_COLUMNS \
  "tenant_id, idempotency_key, amount_cents, card_token, charge_id, status, reason, created_at"

constexpr std::string_view kAccount =
    "SELECT balance_cents, low_alerted FROM billing_accounts WHERE tenant_id = ?";
// PostgreSQL: the row stays locked until the debit commits, so that nodes debiting the same
// tenant at once take turns (SQLite has one writer anyway).
constexpr std::string_view kAccountForUpdate =
    "SELECT balance_cents, low_alerted FROM billing_accounts WHERE tenant_id = ? FOR UPDATE";
constexpr std::string_view kPutAccount =
    "INSERT INTO billing_accounts(tenant_id, balance_cents, low_alerted, updated_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(tenant_id) DO UPDATE SET "
    "balance_cents = excluded.balance_cents, low_alerted = excluded.low_alerted, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kAppend =
    "INSERT INTO ledger_entries(tenant_id, kind, debit_account, credit_account, amount_cents, "
    "balance_after, message_id, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kDebitOf = "SELECT " DISKRET_LEDGER_COLUMNS
                                      " FROM ledger_entries WHERE message_id = ? AND kind = 'debit'";
constexpr std::string_view kRefunded =
    "SELECT 1 FROM ledger_entries WHERE message_id = ? AND kind = 'refund'";
constexpr std::string_view kTopup = "SELECT " DISKRET_TOPUP_COLUMNS
                                    " FROM topups WHERE tenant_id = ? AND idempotency_key = ?";
constexpr std::string_view kInsertTopup =
    "INSERT INTO topups(" DISKRET_TOPUP_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kLedger = "SELECT " DISKRET_LEDGER_COLUMNS
                                     " FROM ledger_entries WHERE tenant_id = ? AND id < ? "
                                     "ORDER BY id DESC LIMIT ?";

LedgerEntryRecord entry_row(const SqlStatement& s) {
  LedgerEntryRecord r;
  r.id = id(s, 0);
  r.tenant_id = id(s, 1);
  r.kind = s.text(2);
  r.debit_account = s.text(3);
  r.credit_account = s.text(4);
  r.amount_cents = s.int64(5);
  r.balance_after = s.int64(6);
  r.message_id = optional_id(s, 7);
  r.reference = s.text(8);
  r.created_at_ms = s.int64(9);
  return r;
}

TopupRecord topup_row(const SqlStatement& s) {
  return TopupRecord{id(s, 0), s.text(1), s.int64(2), s.text(3),
                     s.text(4), s.text(5), s.text(6), s.int64(7)};
}

AccountRecord account_row(const SqlStatement& s) {
  return AccountRecord{s.int64(0), s.int64(1) != 0};
}

class Writes final : public BillingWrites {
 public:
  explicit Writes(SqlDb& db) : db_(db) {}

  Expected<AccountRecord> account(std::uint64_t tenant) override {
    auto row = first<AccountRecord>(
        db_, db_.dialect() == SqlDialect::postgresql ? kAccountForUpdate : kAccount,
        [&](SqlStatement& s) { s.bind(1, tenant); }, account_row);
    if (!row) return unexpected(row.error());
    return row->value_or(AccountRecord{});
  }
  Expected<void> put_account(std::uint64_t tenant, const AccountRecord& a,
                             std::int64_t now_ms) override {
    return run(db_, kPutAccount, [&](SqlStatement& s) {
      s.bind(1, tenant);
      s.bind(2, a.balance_cents);
      s.bind(3, a.low_alerted ? 1 : 0);
      s.bind(4, now_ms);
    });
  }
  Expected<void> append(const LedgerEntryRecord& e) override {
    return run(db_, kAppend, [&](SqlStatement& s) {
      s.bind(1, e.tenant_id);
      s.bind_text(2, e.kind);
      s.bind_text(3, e.debit_account);
      s.bind_text(4, e.credit_account);
      s.bind(5, e.amount_cents);
      s.bind(6, e.balance_after);
      s.bind(7, e.message_id);
      s.bind_text(8, e.reference);
      s.bind(9, e.created_at_ms);
    });
  }
  Expected<std::optional<LedgerEntryRecord>> debit_of(std::uint64_t message_id) override {
    return first<LedgerEntryRecord>(
        db_, kDebitOf, [&](SqlStatement& s) { s.bind(1, message_id); }, entry_row);
  }
  Expected<bool> refunded(std::uint64_t message_id) override {
    auto row = first<int>(
        db_, kRefunded, [&](SqlStatement& s) { s.bind(1, message_id); },
        [](const SqlStatement&) { return 1; });
    if (!row) return unexpected(row.error());
    return row->has_value();
  }
  Expected<std::optional<TopupRecord>> topup(std::uint64_t tenant, const std::string& key) override {
    return first<TopupRecord>(
        db_, kTopup,
        [&](SqlStatement& s) {
          s.bind(1, tenant);
          s.bind_text(2, key);
        },
        topup_row);
  }
  Expected<void> insert_topup(const TopupRecord& t) override {
    return run(db_, kInsertTopup, [&](SqlStatement& s) {
      s.bind(1, t.tenant_id);
      s.bind_text(2, t.idempotency_key);
      s.bind(3, t.amount_cents);
      s.bind_text(4, t.card_token);
      s.bind_text(5, t.charge_id);
      s.bind_text(6, t.status);
      s.bind_text(7, t.reason);
      s.bind(8, t.created_at_ms);
    });
  }

 private:
  SqlDb& db_;
};

}  // namespace

std::unique_ptr<BillingWrites> SqliteBillingStore::writes(WriteTransaction& tx) {
  return std::make_unique<Writes>(store_.sql_writer(tx));
}

Expected<std::int64_t> SqliteBillingStore::balance(std::uint64_t tenant) {
  auto row = read_first<AccountRecord>(
      store_, kAccount, [&](SqlStatement& s) { s.bind(1, tenant); }, account_row);
  if (!row) return unexpected(row.error());
  return row->value_or(AccountRecord{}).balance_cents;
}

Expected<std::vector<LedgerEntryRecord>> SqliteBillingStore::ledger(std::uint64_t tenant,
                                                                    std::uint64_t before_id,
                                                                    std::size_t limit) {
  return read_all<LedgerEntryRecord>(
      store_, kLedger,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, before_id == 0 ? std::numeric_limits<std::int64_t>::max()
                                 : static_cast<std::int64_t>(before_id));
        s.bind(3, static_cast<std::int64_t>(limit));
      },
      entry_row);
}

Expected<std::optional<TopupRecord>> SqliteBillingStore::topup(std::uint64_t tenant,
                                                               const std::string& key) {
  return read_first<TopupRecord>(
      store_, kTopup,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind_text(2, key);
      },
      topup_row);
}

}  // namespace diskret::store::sqlite
