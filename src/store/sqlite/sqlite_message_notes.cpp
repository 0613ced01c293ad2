#include "store/sqlite/sqlite_message_notes.hpp"

#include <algorithm>

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsertReceipt =
    "INSERT INTO smpp_receipt_requests(message_id, tenant_id, keep_until, request) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET tenant_id = excluded.tenant_id, "
    "keep_until = excluded.keep_until, request = excluded.request";
constexpr std::string_view kTakeReceipt =
    "DELETE FROM smpp_receipt_requests WHERE message_id = ? "
    "RETURNING message_id, tenant_id, keep_until, request";
constexpr std::string_view kTakeReceipts =
    "DELETE FROM smpp_receipt_requests WHERE message_id = ANY(CAST(? AS BIGINT[])) "
    "RETURNING message_id, tenant_id, keep_until, request";
constexpr std::string_view kAnyReceipt = "SELECT EXISTS(SELECT 1 FROM smpp_receipt_requests)";
constexpr std::string_view kAddDeliver =
    "INSERT INTO smpp_outbox(tenant_id, keep_until, pdu) VALUES (?, ?, ?)";
constexpr std::string_view kInsertBounce =
    "INSERT INTO mail_bounces(message_id, tenant_id, keep_until, origin) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET tenant_id = excluded.tenant_id, "
    "keep_until = excluded.keep_until, origin = excluded.origin, outcome = NULL, reason = NULL, "
    "next_attempt = NULL, attempts = 0, give_up_at = NULL";
constexpr std::string_view kScheduleBounce =
    "UPDATE mail_bounces SET outcome = ?, reason = ?, next_attempt = ?, give_up_at = ? "
    "WHERE message_id = ? AND outcome IS NULL";
constexpr std::string_view kDropWaiting =
    "DELETE FROM mail_bounces WHERE message_id = ? AND outcome IS NULL";
constexpr std::string_view kWaiting =
    "SELECT message_id FROM mail_bounces WHERE outcome IS NULL AND keep_until >= ?";
constexpr std::string_view kWaitingBounce =
    "SELECT message_id FROM mail_bounces WHERE message_id = ? AND outcome IS NULL";
constexpr std::string_view kAnyWaitingBounce =
    "SELECT EXISTS(SELECT 1 FROM mail_bounces WHERE outcome IS NULL)";
constexpr std::string_view kWaitingBounces =
    "SELECT message_id FROM mail_bounces WHERE message_id = ANY(CAST(? AS BIGINT[])) "
    "AND outcome IS NULL";
// As the SMPP outbox's claim: the outer condition is checked again on a row another node
// claimed meanwhile, so each due bounce goes to one node.
constexpr std::string_view kClaimDue =
    "UPDATE mail_bounces SET next_attempt = ? WHERE next_attempt <= ? AND message_id IN ("
    "SELECT message_id FROM mail_bounces WHERE next_attempt IS NOT NULL AND next_attempt <= ? "
    "ORDER BY next_attempt, message_id LIMIT ?) "
    "RETURNING message_id, tenant_id, origin, outcome, reason, attempts, give_up_at";
constexpr std::string_view kCount = "SELECT COUNT(*) FROM mail_bounces";
constexpr std::string_view kRemove = "DELETE FROM mail_bounces WHERE message_id = ?";
constexpr std::string_view kRetry =
    "UPDATE mail_bounces SET attempts = ?, next_attempt = ? WHERE message_id = ?";
constexpr std::string_view kForget =
    "DELETE FROM mail_bounces WHERE outcome IS NULL AND keep_until < ?";
constexpr std::string_view kNextDue =
    "SELECT MIN(next_attempt) FROM mail_bounces WHERE next_attempt IS NOT NULL";

template <class Bind>
Expected<void> run(SqlDb& db, std::string_view sql, Bind bind) {
  auto s = db.use(sql);
  if (!s) return unexpected(s.error());
  bind(**s);
  return (*s)->run();
}

// The rows `one` finds for each id on SQLite (an indexed lookup each, no round trip), or
// `many` finds for all of them at once on PostgreSQL (the ids as one array literal: one
// round trip per commit). On SQLite `any` (a single boolean) comes first for several ids:
// most group commits of a platform without SMPP receivers or mail senders find nothing,
// and then look once instead of once per message.
template <class Read>
auto rows_for_ids(SqlDb& db, std::string_view any, std::string_view one, std::string_view many,
                  std::span<const std::uint64_t> ids, Read read)
    -> Expected<std::vector<decltype(read(std::declval<SqlStatement&>()))>> {
  std::vector<decltype(read(std::declval<SqlStatement&>()))> out;
  if (ids.empty()) return out;
  if (db.dialect() == SqlDialect::postgresql) {
    const std::string array = bigint_array(ids);
    return all_rows(db, many, [&](SqlStatement& s) { s.bind_text(1, array); }, read);
  }
  if (ids.size() > 1) {
    auto found =
        all_rows(db, any, [](SqlStatement&) {}, [](SqlStatement& s) { return s.int64(0); });
    if (!found) return unexpected(found.error());
    if (found->empty() || found->front() == 0) return out;
  }
  for (std::uint64_t id : ids) {
    auto rows = all_rows(db, one, [&](SqlStatement& s) { s.bind(1, id); }, read);
    if (!rows) return unexpected(rows.error());
    for (auto& r : *rows) out.push_back(std::move(r));
  }
  return out;
}

MessageNote read_receipt_request(SqlStatement& s) {
  MessageNote n;
  n.kind = MessageNote::Kind::smpp_receipt;
  n.message_id = static_cast<std::uint64_t>(s.int64(0));
  n.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  n.keep_until = s.int64(2);
  n.sealed = s.blob(3);
  return n;
}

}  // namespace

Expected<std::unique_ptr<SqliteMessageNotes>> SqliteMessageNotes::open(
    SqlHost& store, const std::filesystem::path& main_path,
    std::chrono::milliseconds busy_timeout) {
  auto db = SqliteDb::open_beside(main_path, busy_timeout);
  if (!db) return unexpected(db.error());
  return std::make_unique<SqliteMessageNotes>(OpenToken{}, store, std::make_unique<SqliteDb>(std::move(*db)));
}

SqliteMessageNotes::SqliteMessageNotes(OpenToken, SqlHost& store, std::unique_ptr<SqlDb> db)
    : store_(store), db_(std::move(db)) {}

Expected<void> SqliteMessageNotes::insert(WriteTransaction& tx, const MessageNote& note) {
  const auto sql = note.kind == MessageNote::Kind::smpp_receipt ? kInsertReceipt : kInsertBounce;
  return run(store_.sql_writer(tx), sql, [&](SqlStatement& s) {
    s.bind(1, note.message_id);
    s.bind(2, note.tenant_id);
    s.bind(3, note.keep_until);
    s.bind_blob(4, note.sealed);
  });
}

Expected<void> SqliteMessageNotes::settle_bounce(WriteTransaction& tx, std::uint64_t message_id,
                                                 const std::optional<BounceDue>& due) {
  if (!due) {
    return run(store_.sql_writer(tx), kDropWaiting,
               [&](SqlStatement& s) { s.bind(1, message_id); });
  }
  return run(store_.sql_writer(tx), kScheduleBounce, [&](SqlStatement& s) {
    s.bind_text(1, due->outcome);
    s.bind_text(2, due->reason);
    s.bind(3, due->due_ms);
    s.bind(4, due->give_up_ms);
    s.bind(5, message_id);
  });
}

Expected<std::vector<MessageNote>> SqliteMessageNotes::take_receipt_requests(
    WriteTransaction& tx, std::span<const std::uint64_t> message_ids) {
  return rows_for_ids(store_.sql_writer(tx), kAnyReceipt, kTakeReceipt, kTakeReceipts,
                      message_ids, read_receipt_request);
}

Expected<std::vector<std::uint64_t>> SqliteMessageNotes::waiting_bounces(
    WriteTransaction& tx, std::span<const std::uint64_t> message_ids) {
  return rows_for_ids(store_.sql_writer(tx), kAnyWaitingBounce, kWaitingBounce, kWaitingBounces,
                      message_ids,
                      [](SqlStatement& s) { return static_cast<std::uint64_t>(s.int64(0)); });
}

Expected<void> SqliteMessageNotes::add_deliver(WriteTransaction& tx, std::uint64_t tenant,
                                               std::int64_t keep_until,
                                               std::string_view sealed_pdu) {
  return run(store_.sql_writer(tx), kAddDeliver, [&](SqlStatement& s) {
    s.bind(1, tenant);
    s.bind(2, keep_until);
    s.bind_blob(3, sealed_pdu);
  });
}

Expected<std::vector<std::uint64_t>> SqliteMessageNotes::waiting(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kWaiting);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, now_ms);
  std::vector<std::uint64_t> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    out.push_back(static_cast<std::uint64_t>((*s)->int64(0)));
  }
  return out;
}

Expected<std::vector<BounceRow>> SqliteMessageNotes::claim_due(std::int64_t now_ms,
                                                               std::int64_t lease_until_ms,
                                                               std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto rows = all_rows(
      *db_, kClaimDue,
      [&](SqlStatement& s) {
        s.bind(1, lease_until_ms);
        s.bind(2, now_ms);
        s.bind(3, now_ms);
        s.bind(4, static_cast<std::int64_t>(limit));
      },
      [](SqlStatement& s) {
        BounceRow r;
        r.message_id = static_cast<std::uint64_t>(s.int64(0));
        r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
        r.sealed_origin = s.blob(2);
        r.outcome = s.text(3);
        r.reason = s.text(4);
        r.attempts = static_cast<std::uint32_t>(s.int64(5));
        r.give_up_at = s.int64(6);
        return r;
      });
  // RETURNING promises no order: the oldest message first.
  if (rows) {
    std::sort(rows->begin(), rows->end(), [](const BounceRow& a, const BounceRow& b) {
      return a.message_id < b.message_id;
    });
  }
  return rows;
}

Expected<std::size_t> SqliteMessageNotes::count() {
  std::lock_guard lock(mutex_);
  auto n = all_rows(
      *db_, kCount, [](SqlStatement&) {},
      [](SqlStatement& s) { return static_cast<std::size_t>(s.int64(0)); });
  if (!n) return unexpected(n.error());
  return n->empty() ? 0 : n->front();
}

Expected<void> SqliteMessageNotes::remove(std::uint64_t message_id) {
  std::lock_guard lock(mutex_);
  return run(*db_, kRemove, [&](SqlStatement& s) { s.bind(1, message_id); });
}

Expected<void> SqliteMessageNotes::retry(std::uint64_t message_id, std::uint32_t attempts,
                                         std::int64_t next_ms) {
  std::lock_guard lock(mutex_);
  return run(*db_, kRetry, [&](SqlStatement& s) {
    s.bind(1, static_cast<std::int64_t>(attempts));
    s.bind(2, next_ms);
    s.bind(3, message_id);
  });
}

Expected<std::size_t> SqliteMessageNotes::forget_expired(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (auto ok = run(*db_, kForget, [&](SqlStatement& s) { s.bind(1, now_ms); }); !ok) {
    return unexpected(ok.error());
  }
  return static_cast<std::size_t>(db_->changes());
}

Expected<std::optional<std::int64_t>> SqliteMessageNotes::next_due() {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kNextDue);
  if (!s) return unexpected(s.error());
  auto more = (*s)->step();
  if (!more) return unexpected(more.error());
  std::optional<std::int64_t> out = *more ? (*s)->optional_int64(0) : std::nullopt;
  (*s)->reset();
  return out;
}

}  // namespace diskret::store::sqlite
