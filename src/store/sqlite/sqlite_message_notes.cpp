#include "store/sqlite/sqlite_message_notes.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kInsertReceipt =
    "INSERT INTO smpp_receipt_requests(message_id, tenant_id, keep_until, request) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET tenant_id = excluded.tenant_id, "
    "keep_until = excluded.keep_until, request = excluded.request";
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
constexpr std::string_view kDue =
    "SELECT message_id, tenant_id, origin, outcome, reason, attempts, give_up_at "
    "FROM mail_bounces WHERE next_attempt IS NOT NULL AND next_attempt <= ? "
    "ORDER BY next_attempt, message_id LIMIT ?";
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

Expected<std::vector<BounceRow>> SqliteMessageNotes::due(std::int64_t now_ms, std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto s = db_->use(kDue);
  if (!s) return unexpected(s.error());
  (*s)->bind(1, now_ms);
  (*s)->bind(2, static_cast<std::int64_t>(limit));
  std::vector<BounceRow> out;
  for (;;) {
    auto more = (*s)->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    BounceRow r;
    r.message_id = static_cast<std::uint64_t>((*s)->int64(0));
    r.tenant_id = static_cast<std::uint64_t>((*s)->int64(1));
    r.sealed_origin = (*s)->blob(2);
    r.outcome = (*s)->text(3);
    r.reason = (*s)->text(4);
    r.attempts = static_cast<std::uint32_t>((*s)->int64(5));
    r.give_up_at = (*s)->int64(6);
    out.push_back(std::move(r));
  }
  return out;
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
