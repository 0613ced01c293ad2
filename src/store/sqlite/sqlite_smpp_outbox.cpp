#include "store/sqlite/sqlite_smpp_outbox.hpp"

#include <algorithm>

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO smpp_outbox(tenant_id, keep_until, pdu) VALUES (?, ?, ?) RETURNING id";
constexpr std::string_view kExpire = "DELETE FROM smpp_outbox WHERE tenant_id = ? AND keep_until < ?";
// The outer `claimed_until < ?` is checked again on a row another node claimed meanwhile
// (PostgreSQL re-reads a row it waited for; SQLite has one writer at a time), so a row
// claimed twice at once goes to one of the two.
constexpr std::string_view kClaim =
    "UPDATE smpp_outbox SET claimed_until = ? WHERE claimed_until < ? AND id IN ("
    "SELECT id FROM smpp_outbox WHERE tenant_id = ? AND claimed_until < ? ORDER BY id LIMIT ?) "
    "RETURNING id, tenant_id, keep_until, pdu";
// Whether claim() has anything to expire or take: most polls find nothing.
constexpr std::string_view kAnyDue =
    "SELECT EXISTS(SELECT 1 FROM smpp_outbox WHERE tenant_id = ? "
    "AND (claimed_until < ? OR keep_until < ?))";
constexpr std::string_view kRemove = "DELETE FROM smpp_outbox WHERE id = ?";
constexpr std::string_view kRelease = "UPDATE smpp_outbox SET claimed_until = 0 WHERE id = ?";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM smpp_outbox WHERE tenant_id = ?";
constexpr std::string_view kRequests =
    "SELECT message_id, tenant_id, keep_until, request FROM smpp_receipt_requests "
    "ORDER BY message_id";
constexpr std::string_view kForgetRequests =
    "DELETE FROM smpp_receipt_requests WHERE keep_until < ?";

// Runs `sql` once per id, all in one transaction: a batch costs one commit.
Expected<void> for_each_id(SqlDb& db, std::string_view sql, std::span<const std::uint64_t> ids) {
  if (ids.empty()) return {};
  if (auto ok = db.begin(); !ok) return ok;
  for (std::uint64_t id : ids) {
    auto s = db.use(sql);
    Expected<void> ok = s ? Expected<void>{} : Expected<void>(unexpected(s.error()));
    if (ok) {
      (*s)->bind(1, id);
      ok = (*s)->run();
    }
    if (!ok) {
      (void)db.exec("ROLLBACK");
      return ok;
    }
  }
  return db.exec("COMMIT");
}

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

Expected<std::vector<SmppOutboxRow>> SqliteSmppOutbox::claim(std::uint64_t tenant,
                                                             std::int64_t now_ms,
                                                             std::int64_t lease_until_ms,
                                                             std::size_t limit) {
  std::lock_guard lock(mutex_);
  {
    // A read first: a poll that finds nothing does not wait for the write lock (on SQLite
    // the pipeline's writer holds it for most of each group commit) nor take it.
    auto any = all_rows(
        *db_, kAnyDue,
        [&](SqlStatement& s) {
          s.bind(1, tenant);
          s.bind(2, now_ms);
          s.bind(3, now_ms);
        },
        [](SqlStatement& s) { return s.int64(0); });
    if (!any) return unexpected(any.error());
    if (any->empty() || any->front() == 0) return std::vector<SmppOutboxRow>{};
  }
  {
    auto s = db_->use(kExpire);
    if (!s) return unexpected(s.error());
    (*s)->bind(1, tenant);
    (*s)->bind(2, now_ms);
    if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  }
  auto rows = all_rows(
      *db_, kClaim,
      [&](SqlStatement& s) {
        s.bind(1, lease_until_ms);
        s.bind(2, now_ms);
        s.bind(3, tenant);
        s.bind(4, now_ms);
        s.bind(5, static_cast<std::int64_t>(limit));
      },
      [](SqlStatement& s) {
        SmppOutboxRow r;
        r.id = static_cast<std::uint64_t>(s.int64(0));
        r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
        r.keep_until = s.int64(2);
        r.sealed_pdu = s.blob(3);
        return r;
      });
  // RETURNING promises no order; delivery goes oldest first.
  if (rows) {
    std::sort(rows->begin(), rows->end(),
              [](const SmppOutboxRow& a, const SmppOutboxRow& b) { return a.id < b.id; });
  }
  return rows;
}

Expected<void> SqliteSmppOutbox::remove(std::span<const std::uint64_t> ids) {
  std::lock_guard lock(mutex_);
  return for_each_id(*db_, kRemove, ids);
}

Expected<void> SqliteSmppOutbox::release(std::span<const std::uint64_t> ids) {
  std::lock_guard lock(mutex_);
  return for_each_id(*db_, kRelease, ids);
}

Expected<std::size_t> SqliteSmppOutbox::count(std::uint64_t tenant) {
  std::lock_guard lock(mutex_);
  auto n = all_rows(
      *db_, kCount, [&](SqlStatement& s) { s.bind(1, tenant); },
      [](SqlStatement& s) { return static_cast<std::size_t>(s.int64(0)); });
  if (!n) return unexpected(n.error());
  return n->empty() ? 0 : n->front();
}

Expected<std::vector<SmppReceiptRequestRow>> SqliteSmppOutbox::requests() {
  std::lock_guard lock(mutex_);
  return all_rows(
      *db_, kRequests, [](SqlStatement&) {},
      [](SqlStatement& s) {
        SmppReceiptRequestRow r;
        r.message_id = static_cast<std::uint64_t>(s.int64(0));
        r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
        r.keep_until = s.int64(2);
        r.sealed_request = s.blob(3);
        return r;
      });
}

Expected<std::size_t> SqliteSmppOutbox::forget_requests(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kForgetRequests);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, now_ms);
  if (auto ok = (*s)->run(); !ok) return unexpected(ok.error());
  return static_cast<std::size_t>(db_->changes());
}

}  // namespace diskret::store::sqlite
