// PgStore reads: each on a pooled connection (MVCC: never blocks the writers).
#include <algorithm>
#include <limits>

#include "store/postgresql/pg_rows.hpp"
#include "store/postgresql/pg_store.hpp"
#include "store/sql_db.hpp"

namespace diskret::store::postgresql {
namespace {

constexpr std::string_view kTenantKey =
    "SELECT tenant_id, version, master_key_id, wrapped, created_at FROM tenant_keys "
    "WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1";
constexpr std::string_view kSubject =
    "SELECT " DISKRET_PG_SUBJECT_COLUMNS " FROM subjects s WHERE s.subject_id = $1";
constexpr std::string_view kSubjects =
    "SELECT " DISKRET_PG_SUBJECT_COLUMNS " FROM subjects s WHERE s.subject_id = ANY($1::bigint[])";
constexpr std::string_view kMaxSubject = "SELECT coalesce(max(subject_id), 0) FROM subjects";
constexpr std::string_view kNextSubjects =
    "SELECT nextval('subject_ids') FROM generate_series(1, 64) ORDER BY 1";
constexpr std::string_view kTenant =
    "SELECT " DISKRET_PG_TENANT_COLUMNS " FROM tenants WHERE id = $1";
constexpr std::string_view kTenantByPublicId =
    "SELECT " DISKRET_PG_TENANT_COLUMNS " FROM tenants WHERE public_id = $1";
constexpr std::string_view kApiKeys =
    "SELECT " DISKRET_PG_API_KEY_COLUMNS " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id "
    "WHERE k.tenant_id = $1 ORDER BY k.id";
constexpr std::string_view kApiKeyByPrefix =
    "SELECT " DISKRET_PG_API_KEY_COLUMNS " FROM api_keys k JOIN tenants t ON t.id = k.tenant_id "
    "WHERE k.prefix = $1";
constexpr std::string_view kMessage =
    "SELECT " DISKRET_PG_MESSAGE_COLUMNS " FROM messages WHERE id = $1 AND tenant_id = $2";
// Creation time is id >> 16 ms, so since/until become a range on the (tenant_id, id) index.
constexpr std::string_view kMessages =
    "SELECT " DISKRET_PG_MESSAGE_COLUMNS " FROM messages "
    "WHERE tenant_id = $1 AND id < $2 AND id >= $3 AND ($4::int IS NULL OR status = $4::int) "
    "ORDER BY id DESC LIMIT $5";
constexpr std::string_view kIdempotency =
    "SELECT tenant_id, key, sealed, created_at FROM idempotency WHERE tenant_id = $1 AND key = $2";
// The dispatcher's reads see this node's messages only: what it accepted or claimed.
// Another node's messages come to it through claim() only, so two nodes never both send
// one because both read it as pending.
constexpr std::string_view kPending =
    "SELECT " DISKRET_PG_MESSAGE_COLUMNS " FROM messages "
    "WHERE status = 0 AND send_at IS NULL AND id > $1 AND claimed_by = $3 ORDER BY id LIMIT $2";
constexpr std::string_view kDue =
    "SELECT " DISKRET_PG_MESSAGE_COLUMNS " FROM messages "
    "WHERE status = 0 AND send_at IS NOT NULL AND send_at <= $1 AND claimed_by = $3 "
    "ORDER BY send_at, id LIMIT $2";
constexpr std::string_view kNextSendAt =
    "SELECT min(send_at) FROM messages WHERE status = 0 AND send_at IS NOT NULL AND send_at > $1 "
    "AND claimed_by = $2";
constexpr std::string_view kCountAccepted = "SELECT count(*) FROM messages WHERE status = 0";
constexpr std::string_view kMaxMessageId = "SELECT coalesce(max(id), 0) FROM messages";

std::int64_t id_bound(std::int64_t ms) {
  constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() >> 16;
  return ms <= 0 ? 0 : (ms >= kMaxMs ? std::numeric_limits<std::int64_t>::max() : ms << 16);
}

template <class Row, class Read>
Expected<std::optional<Row>> first(Expected<PgResult>&& r, Read read) {
  if (!r) return unexpected(r.error());
  return rows::first<Row>(*r, read);
}

template <class Row, class Read>
Expected<std::vector<Row>> all(Expected<PgResult>&& r, Read read) {
  if (!r) return unexpected(r.error());
  return rows::all<Row>(*r, read);
}

Expected<std::uint64_t> number(Expected<PgResult>&& r) {
  if (!r) return unexpected(r.error());
  return static_cast<std::uint64_t>(r->int64(0, 0));
}

IdempotencyRecord idempotency_row(const PgResult& r, int row) {
  return {static_cast<std::uint64_t>(r.int64(row, 0)), std::string(r.text(row, 1)),
          r.bytes(row, 2), r.int64(row, 3)};
}

}  // namespace

Expected<std::optional<TenantKeyRecord>> PgStore::tenant_key(std::uint64_t tenant) {
  return first<TenantKeyRecord>(read(kTenantKey, PgParams().add(tenant), true), rows::tenant_key);
}

Expected<std::optional<SubjectRecord>> PgStore::subject(std::uint64_t subject_id) {
  return first<SubjectRecord>(read(kSubject, PgParams().add(subject_id), true), rows::subject);
}

Expected<std::vector<SubjectRecord>> PgStore::subjects(const std::vector<std::uint64_t>& ids) {
  if (ids.empty()) return std::vector<SubjectRecord>{};
  return all<SubjectRecord>(read(kSubjects, PgParams().add_text(bigint_array(ids)), true),
                            rows::subject);
}

Expected<std::uint64_t> PgStore::max_subject_id() { return number(read(kMaxSubject, {}, true)); }

// Nodes creating people at once would each count on from the same max(subject_id). Ids
// are fetched a block at a time; the unused rest of a block is skipped at exit, never
// reused.
Expected<std::optional<std::uint64_t>> PgStore::next_subject_id() {
  std::lock_guard lock(subject_ids_mutex_);
  if (subject_ids_.empty()) {
    auto r = read(kNextSubjects, {}, true);
    if (!r) return unexpected(r.error());
    for (int row = r->rows() - 1; row >= 0; --row) {
      subject_ids_.push_back(static_cast<std::uint64_t>(r->int64(row, 0)));
    }
  }
  if (subject_ids_.empty()) return fail(Errc::internal, "no subject id from the sequence");
  const std::uint64_t id = subject_ids_.back();
  subject_ids_.pop_back();
  return std::optional<std::uint64_t>{id};
}

Expected<std::optional<TenantRecord>> PgStore::tenant(std::uint64_t id) {
  return first<TenantRecord>(read(kTenant, PgParams().add(id)), rows::tenant);
}

Expected<std::optional<TenantRecord>> PgStore::tenant_by_public_id(std::string_view public_id) {
  return first<TenantRecord>(read(kTenantByPublicId, PgParams().add_text(public_id)), rows::tenant);
}

Expected<std::vector<ApiKeyRecord>> PgStore::api_keys(std::uint64_t tenant) {
  return all<ApiKeyRecord>(read(kApiKeys, PgParams().add(tenant)), rows::api_key);
}

Expected<std::optional<ApiKeyRecord>> PgStore::api_key_by_prefix(std::string_view prefix) {
  return first<ApiKeyRecord>(read(kApiKeyByPrefix, PgParams().add_text(prefix)), rows::api_key);
}

Expected<std::optional<MessageRecord>> PgStore::message(std::uint64_t tenant, std::uint64_t id) {
  return first<MessageRecord>(read(kMessage, PgParams().add(id).add(tenant)), rows::message);
}

Expected<std::vector<MessageRecord>> PgStore::messages(const MessageQuery& q) {
  std::int64_t upper = q.until_ms ? id_bound(*q.until_ms) : std::numeric_limits<std::int64_t>::max();
  if (q.before_id) upper = std::min(upper, static_cast<std::int64_t>(*q.before_id));
  const std::int64_t lower = q.since_ms ? id_bound(*q.since_ms) : 0;
  std::optional<std::int64_t> status;
  if (q.status) status = *q.status;
  PgParams p;
  p.add(q.tenant_id).add(upper).add(lower).add(status).add(static_cast<std::int64_t>(q.limit));
  return all<MessageRecord>(read(kMessages, p), rows::message);
}

Expected<std::optional<IdempotencyRecord>> PgStore::idempotency(std::uint64_t tenant,
                                                                const std::string& key) {
  return first<IdempotencyRecord>(read(kIdempotency, PgParams().add(tenant).add_text(key)),
                                  idempotency_row);
}

Expected<std::vector<MessageRecord>> PgStore::pending_messages(std::uint64_t after_id,
                                                               std::size_t limit) {
  return all<MessageRecord>(read(kPending, PgParams()
                                               .add(after_id)
                                               .add(static_cast<std::int64_t>(limit))
                                               .add_text(options_.node_id)),
                           rows::message);
}

Expected<std::vector<MessageRecord>> PgStore::due_messages(std::int64_t now_ms, std::size_t limit) {
  return all<MessageRecord>(
      read(kDue, PgParams().add(now_ms).add(static_cast<std::int64_t>(limit)).add_text(options_.node_id)),
      rows::message);
}

Expected<std::optional<std::int64_t>> PgStore::next_send_at(std::int64_t after_ms) {
  auto r = read(kNextSendAt, PgParams().add(after_ms).add_text(options_.node_id));
  if (!r) return unexpected(r.error());
  return r->optional_int64(0, 0);
}

Expected<std::uint64_t> PgStore::count_accepted() { return number(read(kCountAccepted, {})); }

Expected<std::uint64_t> PgStore::max_message_id() { return number(read(kMaxMessageId, {})); }

}  // namespace diskret::store::postgresql
