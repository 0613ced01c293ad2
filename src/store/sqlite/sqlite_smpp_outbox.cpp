#include "store/sqlite/sqlite_smpp_outbox.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO smpp_outbox(tenant_id, keep_until, pdu) VALUES (?, ?, ?) RETURNING id";
constexpr std::string_view kExpire = "DELETE FROM smpp_outbox WHERE tenant_id = ? AND keep_until < ?";
constexpr std::string_view kPending =
    "SELECT id, tenant_id, keep_until, pdu FROM smpp_outbox WHERE tenant_id = ? AND id > ? "
    "ORDER BY id LIMIT ?";
constexpr std::string_view kRemove = "DELETE FROM smpp_outbox WHERE id = ?";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM smpp_outbox WHERE tenant_id = ?";
constexpr std::string_view kSaveRequest =
    "INSERT INTO smpp_receipt_requests(message_id, tenant_id, keep_until, request) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET tenant_id = excluded.tenant_id, "
    "keep_until = excluded.keep_until, request = excluded.request";
constexpr std::string_view kExpireRequests = "DELETE FROM smpp_receipt_requests WHERE keep_until < ?";
constexpr std::string_view kLoadRequests =
    "SELECT message_id, tenant_id, keep_until, request FROM smpp_receipt_requests ORDER BY message_id";
constexpr std::string_view kRemoveRequest = "DELETE FROM smpp_receipt_requests WHERE message_id = ?";

}  // namespace

Expected<std::unique_ptr<SqliteSmppOutbox>> SqliteSmppOutbox::open(
    const std::filesystem::path& main_path, std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteSmppOutbox>(OpenToken{}, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteSmppOutbox::SqliteSmppOutbox(OpenToken, std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}

Expected<std::uint64_t> SqliteSmppOutbox::add(std::uint64_t tenant, std::int64_t keep_until,
                                              std::string_view sealed_pdu) {
  std::lock_guard lock(mutex_);
  return insert_returning_id(*db_, kInsert, [&](SqlStatement& s) {
    s.bind(1, tenant);
    s.bind(2, keep_until);
    s.bind_blob(3, sealed_pdu);
  });
}

Expected<std::vector<SmppOutboxRow>> SqliteSmppOutbox::pending(std::uint64_t tenant,
                                                               std::int64_t now_ms,
                                                               std::uint64_t after,
                                                               std::size_t limit) {
  std::lock_guard lock(mutex_);
  {
    auto s = db_->use(kExpire);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, now_ms);
    if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  }
  auto s = db_->use(kPending);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  (*s)->bind(2, after);
  (*s)->bind(3, static_cast<std::int64_t>(limit));
  std::vector<SmppOutboxRow> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    SmppOutboxRow r;
    r.id = static_cast<std::uint64_t>((*s)->int64(0));
    r.tenant_id = static_cast<std::uint64_t>((*s)->int64(1));
    r.keep_until = (*s)->int64(2);
    r.sealed_pdu = (*s)->blob(3);
    out.push_back(std::move(r));
  }
  return out;
}

Expected<void> SqliteSmppOutbox::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kRemove);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, id);
  return (*s)->run();
}

Expected<std::size_t> SqliteSmppOutbox::count(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kCount);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, tenant);
  auto more = (*s)->step();
  if (!more) return unexpected(more.error());
  return static_cast<std::size_t>(*more ? (*s)->int64(0) : 0);
}

// Many rows, one transaction: a batch costs one commit, not one per row.
template <class Rows, class Bind>
Expected<void> in_transaction(SqlDb& db, std::string_view sql, const Rows& rows, Bind bind) {
  if (rows.empty()) return {};
  if (auto ok = db.begin(); !ok) return ok;
  for (const auto& row : rows) {
    auto s = db.use(sql);
    Expected<void> ok = s ? Expected<void>{} : Expected<void>(unexpected(s.error()));
    if (ok) {
      bind(**s, row);
      ok = (*s)->run();
    }
    if (!ok) {
      (void)db.exec("ROLLBACK");
      return ok;
    }
  }
  return db.exec("COMMIT");
}

Expected<void> SqliteSmppOutbox::save_requests(std::span<const SmppReceiptRequestRow> rows) {
  std::lock_guard lock(mutex_);
  return in_transaction(*db_, kSaveRequest, rows,
                        [](SqlStatement& s, const SmppReceiptRequestRow& r) {
                          s.bind(1, r.message_id);
                          s.bind(2, r.tenant_id);
                          s.bind(3, r.keep_until);
                          s.bind_blob(4, r.sealed_request);
                        });
}

Expected<std::vector<SmppReceiptRequestRow>> SqliteSmppOutbox::load_requests(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  {
    auto s = db_->use(kExpireRequests);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, now_ms);
    if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  }
  auto s = db_->use(kLoadRequests);
  if (!s) return unexpected(s.error());
  std::vector<SmppReceiptRequestRow> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    SmppReceiptRequestRow r;
    r.message_id = static_cast<std::uint64_t>((*s)->int64(0));
    r.tenant_id = static_cast<std::uint64_t>((*s)->int64(1));
    r.keep_until = (*s)->int64(2);
    r.sealed_request = (*s)->blob(3);
    out.push_back(std::move(r));
  }
  return out;
}

Expected<void> SqliteSmppOutbox::remove_requests(std::span<const std::uint64_t> message_ids) {
  std::lock_guard lock(mutex_);
  return in_transaction(*db_, kRemoveRequest, message_ids,
                        [](SqlStatement& s, std::uint64_t id) { s.bind(1, id); });
}

}  // namespace diskret::store::sqlite
