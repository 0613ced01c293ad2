// SqliteStore reads: each takes a pooled read connection (WAL: never blocks the writer).
#include <limits>

#include <fmt/format.h>

#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kTenantKey =
    "SELECT tenant_id, version, master_key_id, wrapped, created_at FROM keys.tenant_keys "
    "WHERE tenant_id = ? ORDER BY version DESC LIMIT 1";
constexpr std::string_view kSubject =
    "SELECT " DISKRET_SUBJECT_COLUMNS " FROM keys.subjects s WHERE s.subject_id = ?";
// The ids come as one JSON array: one statement whatever their number.
constexpr std::string_view kSubjects =
    "SELECT " DISKRET_SUBJECT_COLUMNS " FROM keys.subjects s "
    "WHERE s.subject_id IN (SELECT value FROM json_each(?))";
constexpr std::string_view kMaxSubject = "SELECT ifnull(max(subject_id), 0) FROM keys.subjects";
constexpr std::string_view kTenant = "SELECT " DISKRET_TENANT_COLUMNS " FROM tenants WHERE id = ?";
constexpr std::string_view kTenantByPublicId =
    "SELECT " DISKRET_TENANT_COLUMNS " FROM tenants WHERE public_id = ?";
constexpr std::string_view kApiKeys = "SELECT " DISKRET_API_KEY_COLUMNS
                                      " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id "
                                      "WHERE k.tenant_id = ? ORDER BY k.id";
constexpr std::string_view kApiKeyByPrefix = "SELECT " DISKRET_API_KEY_COLUMNS
                                             " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id "
                                             "WHERE k.prefix = ?";
constexpr std::string_view kMessage =
    "SELECT " DISKRET_MESSAGE_COLUMNS " FROM messages WHERE id = ? AND tenant_id = ?";
// Creation time is id >> 16 ms, so since/until become a range on the (tenant_id, id) index.
constexpr std::string_view kMessages =
    "SELECT " DISKRET_MESSAGE_COLUMNS " FROM messages "
    "WHERE tenant_id = ?1 AND id < ?2 AND id >= ?3 AND (?4 IS NULL OR status = ?4) "
    "ORDER BY id DESC LIMIT ?5";
constexpr std::string_view kIdempotency =
    "SELECT tenant_id, key, sealed, created_at FROM idempotency WHERE tenant_id = ? AND key = ?";
constexpr std::string_view kPending =
    "SELECT " DISKRET_MESSAGE_COLUMNS " FROM messages "
    "WHERE status = 0 AND send_at IS NULL AND id > ? ORDER BY id LIMIT ?";
constexpr std::string_view kDue =
    "SELECT " DISKRET_MESSAGE_COLUMNS " FROM messages "
    "WHERE status = 0 AND send_at IS NOT NULL AND send_at <= ? ORDER BY send_at, id LIMIT ?";
constexpr std::string_view kNextSendAt =
    "SELECT min(send_at) FROM messages WHERE status = 0 AND send_at IS NOT NULL AND send_at > ?";
constexpr std::string_view kCountAccepted =
    "SELECT (SELECT count(*) FROM messages WHERE status = 0 AND send_at IS NULL) + "
    "(SELECT count(*) FROM messages WHERE status = 0 AND send_at IS NOT NULL)";
constexpr std::string_view kMaxMessageId = "SELECT ifnull(max(id), 0) FROM messages";

TenantKeyRecord read_tenant_key(const SqliteStatement& s) {
  TenantKeyRecord k;
  k.tenant_id = static_cast<std::uint64_t>(s.int64(0));
  k.version = static_cast<std::uint32_t>(s.int64(1));
  k.master_key_id = s.text(2);
  k.wrapped = s.blob(3);
  k.created_at_ms = s.int64(4);
  return k;
}

IdempotencyRecord read_idempotency(const SqliteStatement& s) {
  return {static_cast<std::uint64_t>(s.int64(0)), s.text(1), s.blob(2), s.int64(3)};
}

std::int64_t id_bound(std::int64_t ms) {
  constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() >> 16;
  return ms <= 0 ? 0 : (ms >= kMaxMs ? std::numeric_limits<std::int64_t>::max() : ms << 16);
}

}  // namespace

template <class Bind, class Read>
auto SqliteStore::read(std::string_view sql, Bind bind, Read read_result)
    -> decltype(read_result(std::declval<SqliteStatement&>())) {
  auto lease = reader();
  if (!lease) return unexpected(lease.error());
  auto stmt = (*lease)->use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return read_result(**stmt);
}

Expected<std::optional<TenantKeyRecord>> SqliteStore::tenant_key(std::uint64_t tenant) {
  return read(
      kTenantKey, [&](SqliteStatement& s) { s.bind(1, tenant); },
      [&](SqliteStatement& s) { return rows::first<TenantKeyRecord>(s, read_tenant_key); });
}

Expected<std::optional<SubjectRecord>> SqliteStore::subject(std::uint64_t subject_id) {
  return read(
      kSubject, [&](SqliteStatement& s) { s.bind(1, subject_id); },
      [&](SqliteStatement& s) { return rows::first<SubjectRecord>(s, rows::subject); });
}

Expected<std::vector<SubjectRecord>> SqliteStore::subjects(const std::vector<std::uint64_t>& ids) {
  if (ids.empty()) return std::vector<SubjectRecord>{};
  const std::string list = fmt::format("[{}]", fmt::join(ids, ","));
  return read(
      kSubjects, [&](SqliteStatement& s) { s.bind_text(1, list); },
      [&](SqliteStatement& s) { return rows::all<SubjectRecord>(s, rows::subject); });
}

Expected<std::uint64_t> SqliteStore::max_subject_id() {
  auto lease = reader();
  if (!lease) return unexpected(lease.error());
  auto n = (*lease)->query_int(kMaxSubject);
  if (!n) return unexpected(n.error());
  return static_cast<std::uint64_t>(*n);
}

Expected<std::optional<TenantRecord>> SqliteStore::tenant(std::uint64_t id) {
  return read(
      kTenant, [&](SqliteStatement& s) { s.bind(1, id); },
      [&](SqliteStatement& s) { return rows::first<TenantRecord>(s, rows::tenant); });
}

Expected<std::optional<TenantRecord>> SqliteStore::tenant_by_public_id(std::string_view public_id) {
  return read(
      kTenantByPublicId, [&](SqliteStatement& s) { s.bind_text(1, public_id); },
      [&](SqliteStatement& s) { return rows::first<TenantRecord>(s, rows::tenant); });
}

Expected<std::vector<ApiKeyRecord>> SqliteStore::api_keys(std::uint64_t tenant) {
  return read(
      kApiKeys, [&](SqliteStatement& s) { s.bind(1, tenant); },
      [&](SqliteStatement& s) { return rows::all<ApiKeyRecord>(s, rows::api_key); });
}

Expected<std::optional<ApiKeyRecord>> SqliteStore::api_key_by_prefix(std::string_view prefix) {
  return read(
      kApiKeyByPrefix, [&](SqliteStatement& s) { s.bind_text(1, prefix); },
      [&](SqliteStatement& s) { return rows::first<ApiKeyRecord>(s, rows::api_key); });
}

Expected<std::optional<MessageRecord>> SqliteStore::message(std::uint64_t tenant, std::uint64_t id) {
  return read(
      kMessage, [&](SqliteStatement& s) { (s.bind(1, id), s.bind(2, tenant)); },
      [&](SqliteStatement& s) { return rows::first<MessageRecord>(s, rows::message); });
}

Expected<std::vector<MessageRecord>> SqliteStore::messages(const MessageQuery& q) {
  std::int64_t upper = q.until_ms ? id_bound(*q.until_ms) : std::numeric_limits<std::int64_t>::max();
  if (q.before_id) upper = std::min(upper, static_cast<std::int64_t>(*q.before_id));
  const std::int64_t lower = q.since_ms ? id_bound(*q.since_ms) : 0;
  std::optional<std::int64_t> status;
  if (q.status) status = *q.status;
  return read(
      kMessages, [&](SqliteStatement& s) { (s.bind(1, q.tenant_id), s.bind(2, upper), s.bind(3, lower), s.bind(4, status),
                s.bind(5, static_cast<std::int64_t>(q.limit))); },
      [&](SqliteStatement& s) { return rows::all<MessageRecord>(s, rows::message); });
}

Expected<std::optional<IdempotencyRecord>> SqliteStore::idempotency(std::uint64_t tenant,
                                                                    const std::string& key) {
  return read(
      kIdempotency, [&](SqliteStatement& s) { (s.bind(1, tenant), s.bind_text(2, key)); },
      [&](SqliteStatement& s) { return rows::first<IdempotencyRecord>(s, read_idempotency); });
}

Expected<std::vector<MessageRecord>> SqliteStore::pending_messages(std::uint64_t after_id,
                                                                   std::size_t limit) {
  return read(
      kPending, [&](SqliteStatement& s) { (s.bind(1, after_id), s.bind(2, static_cast<std::int64_t>(limit))); },
      [&](SqliteStatement& s) { return rows::all<MessageRecord>(s, rows::message); });
}

Expected<std::vector<MessageRecord>> SqliteStore::due_messages(std::int64_t now_ms,
                                                               std::size_t limit) {
  return read(
      kDue, [&](SqliteStatement& s) { (s.bind(1, now_ms), s.bind(2, static_cast<std::int64_t>(limit))); },
      [&](SqliteStatement& s) { return rows::all<MessageRecord>(s, rows::message); });
}

Expected<std::optional<std::int64_t>> SqliteStore::next_send_at(std::int64_t after_ms) {
  return read(
      kNextSendAt, [&](SqliteStatement& s) { s.bind(1, after_ms); },
      [&](SqliteStatement& s) { return (s.step().map([&](bool) { return s.optional_int64(0); })); });
}

Expected<std::uint64_t> SqliteStore::count_accepted() {
  auto lease = reader();
  if (!lease) return unexpected(lease.error());
  auto n = (*lease)->query_int(kCountAccepted);
  if (!n) return unexpected(n.error());
  return static_cast<std::uint64_t>(*n);
}

Expected<std::uint64_t> SqliteStore::max_message_id() {
  auto lease = reader();
  if (!lease) return unexpected(lease.error());
  auto n = (*lease)->query_int(kMaxMessageId);
  if (!n) return unexpected(n.error());
  return static_cast<std::uint64_t>(*n);
}

}  // namespace diskret::store::sqlite
