// SqliteWebhookStore: writes on the connection of the Store's open transaction (events are
// queued in the same commit as the change they report), reads on pooled connections.
#include "store/sqlite/sqlite_webhook_store.hpp"

#include <algorithm>
#include <limits>

#include "store/sqlite/inbound_sql.hpp"

namespace diskret::store::sqlite {
namespace {

using namespace inbound_sql;

#define DISKRET_WEBHOOK_EVENT_COLUMNS                                                    \
  "id, tenant_id, type, ref_id, status, error_code, error_detail, at, state, attempts, " \
  "first_attempt_at, next_attempt_at, done_at"
#define DISKRET_WEBHOOK_ATTEMPT_COLUMNS \
  "event_id, attempt, tenant_id, at, status_code, error, duration_ms, next_attempt_at"

constexpr std::string_view kWebhook =
    "SELECT tenant_id, url, secret, created_at, updated_at FROM webhooks WHERE tenant_id = ?";
constexpr std::string_view kTenants = "SELECT tenant_id FROM webhooks ORDER BY tenant_id";
constexpr std::string_view kPutWebhook =
    "INSERT INTO webhooks(tenant_id, url, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT(tenant_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, "
    "updated_at = excluded.updated_at";
constexpr std::string_view kDeleteWebhook = "DELETE FROM webhooks WHERE tenant_id = ?";
constexpr std::string_view kDropPending =
    "UPDATE webhook_events SET state = 3, done_at = ? WHERE tenant_id = ? AND state = 0";
constexpr std::string_view kEnqueue = "INSERT INTO webhook_events(" DISKRET_WEBHOOK_EVENT_COLUMNS
                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kInsertAttempt =
    "INSERT INTO webhook_attempts(" DISKRET_WEBHOOK_ATTEMPT_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kAdvanceEvent =
    "UPDATE webhook_events SET state = ?, attempts = ?, "
    "first_attempt_at = coalesce(first_attempt_at, ?), next_attempt_at = ?, done_at = ? "
    "WHERE id = ?";
constexpr std::string_view kFinishEvent =
    "UPDATE webhook_events SET state = ?, done_at = ? WHERE id = ? AND state = 0";
constexpr std::string_view kMessageTenant = "SELECT tenant_id FROM messages WHERE id = ?";
constexpr std::string_view kDue = "SELECT " DISKRET_WEBHOOK_EVENT_COLUMNS
                                  " FROM webhook_events WHERE state = 0 AND next_attempt_at <= ? "
                                  "ORDER BY next_attempt_at, id LIMIT ?";
constexpr std::string_view kNextDue =
    "SELECT min(next_attempt_at) FROM webhook_events WHERE state = 0";
constexpr std::string_view kEvent =
    "SELECT " DISKRET_WEBHOOK_EVENT_COLUMNS " FROM webhook_events WHERE tenant_id = ? AND id = ?";
constexpr std::string_view kAttempts =
    "SELECT " DISKRET_WEBHOOK_ATTEMPT_COLUMNS
    " FROM webhook_attempts WHERE tenant_id = ?1 AND (event_id < ?2 OR (event_id = ?2 AND "
    "attempt < ?3)) AND (?4 = 0 OR event_id = ?4) ORDER BY event_id DESC, attempt DESC LIMIT ?5";
constexpr std::string_view kMaxEvent = "SELECT coalesce(max(id), 0) FROM webhook_events";

WebhookRecord webhook_row(const SqlStatement& s) {
  return WebhookRecord{id(s, 0), s.text(1), s.blob(2), s.int64(3), s.int64(4)};
}

WebhookEventRecord event_row(const SqlStatement& s) {
  WebhookEventRecord r;
  r.id = id(s, 0);
  r.tenant_id = id(s, 1);
  r.type = static_cast<std::uint8_t>(s.int64(2));
  r.ref_id = id(s, 3);
  r.status = static_cast<std::uint8_t>(s.int64(4));
  r.error_code = s.text(5);
  r.error_detail = s.text(6);
  r.at_ms = s.int64(7);
  r.state = static_cast<std::uint8_t>(s.int64(8));
  r.attempts = static_cast<std::uint32_t>(s.int64(9));
  r.first_attempt_ms = s.optional_int64(10);
  r.next_attempt_ms = s.int64(11);
  r.done_at_ms = s.optional_int64(12);
  return r;
}

WebhookAttemptRecord attempt_row(const SqlStatement& s) {
  WebhookAttemptRecord r;
  r.event_id = id(s, 0);
  r.attempt = static_cast<std::uint32_t>(s.int64(1));
  r.tenant_id = id(s, 2);
  r.at_ms = s.int64(3);
  r.status_code = static_cast<int>(s.int64(4));
  r.error = s.text(5);
  r.duration_ms = s.int64(6);
  r.next_attempt_ms = s.optional_int64(7);
  return r;
}

class Writes final : public WebhookWrites {
 public:
  explicit Writes(SqlDb& db) : db_(db) {}

  // WebhookWrites
  Expected<void> put_webhook(const WebhookRecord& w) override {
    return run(db_, kPutWebhook, [&](SqlStatement& s) {
      s.bind(1, w.tenant_id);
      s.bind_text(2, w.url);
      s.bind_blob(3, w.secret);
      s.bind(4, w.created_at_ms);
      s.bind(5, w.updated_at_ms);
    });
  }
  Expected<bool> delete_webhook(std::uint64_t tenant, std::int64_t now_ms) override {
    auto deleted = change(db_, kDeleteWebhook, [&](SqlStatement& s) { s.bind(1, tenant); });
    if (!deleted || !*deleted) return deleted;
    auto dropped = run(db_, kDropPending, [&](SqlStatement& s) {
      s.bind(1, now_ms);
      s.bind(2, tenant);
    });
    if (!dropped) return unexpected(dropped.error());
    return true;
  }
  Expected<void> enqueue(const WebhookEventRecord& e) override {
    return run(db_, kEnqueue, [&](SqlStatement& s) {
      s.bind(1, e.id);
      s.bind(2, e.tenant_id);
      s.bind(3, int{e.type});
      s.bind(4, e.ref_id);
      s.bind(5, int{e.status});
      s.bind_text(6, e.error_code);
      s.bind_text(7, e.error_detail);
      s.bind(8, e.at_ms);
      s.bind(9, int{e.state});
      s.bind(10, static_cast<std::int64_t>(e.attempts));
      s.bind(11, e.first_attempt_ms);
      s.bind(12, e.next_attempt_ms);
      s.bind(13, e.done_at_ms);
    });
  }
  Expected<void> record_attempt(const WebhookAttemptRecord& a, std::uint8_t state) override {
    auto logged = run(db_, kInsertAttempt, [&](SqlStatement& s) {
      s.bind(1, a.event_id);
      s.bind(2, static_cast<std::int64_t>(a.attempt));
      s.bind(3, a.tenant_id);
      s.bind(4, a.at_ms);
      s.bind(5, a.status_code);
      s.bind_text(6, a.error);
      s.bind(7, a.duration_ms);
      s.bind(8, a.next_attempt_ms);
    });
    if (!logged) return logged;
    const bool pending = state == webhook_event::kPending;
    return run(db_, kAdvanceEvent, [&](SqlStatement& s) {
      s.bind(1, int{state});
      s.bind(2, static_cast<std::int64_t>(a.attempt));
      s.bind(3, a.at_ms);
      s.bind(4, pending ? a.next_attempt_ms.value_or(a.at_ms) : a.at_ms);
      s.bind(5, pending ? std::optional<std::int64_t>{} : std::optional{a.at_ms});
      s.bind(6, a.event_id);
    });
  }
  Expected<void> finish_event(std::uint64_t event_id, std::uint8_t state,
                              std::int64_t now_ms) override {
    return run(db_, kFinishEvent, [&](SqlStatement& s) {
      s.bind(1, int{state});
      s.bind(2, now_ms);
      s.bind(3, event_id);
    });
  }
  Expected<std::optional<std::uint64_t>> message_tenant(std::uint64_t message_id) override {
    return first<std::uint64_t>(
        db_, kMessageTenant, [&](SqlStatement& s) { s.bind(1, message_id); },
        [](const SqlStatement& s) { return id(s, 0); });
  }

 private:
  SqlDb& db_;
};

}  // namespace

std::unique_ptr<WebhookWrites> SqliteWebhookStore::writes(WriteTransaction& tx) {
  return std::make_unique<Writes>(store_.sql_writer(tx));
}

Expected<std::optional<WebhookRecord>> SqliteWebhookStore::webhook(std::uint64_t tenant) {
  return read_first<WebhookRecord>(
      store_, kWebhook, [&](SqlStatement& s) { s.bind(1, tenant); }, webhook_row);
}

Expected<std::vector<std::uint64_t>> SqliteWebhookStore::tenants_with_webhooks() {
  return read_all<std::uint64_t>(store_, kTenants, no_params(),
                                 [](const SqlStatement& s) { return id(s, 0); });
}

Expected<std::vector<WebhookEventRecord>> SqliteWebhookStore::due_events(
    std::int64_t now_ms, std::size_t limit, const std::vector<std::uint64_t>& skip) {
  // Events in flight are few (bounded by the worker's concurrency): read that many more
  // and leave them out here rather than building SQL with a variable list.
  auto due = read_all<WebhookEventRecord>(
      store_, kDue,
      [&](SqlStatement& s) {
        s.bind(1, now_ms);
        s.bind(2, static_cast<std::int64_t>(limit + skip.size()));
      },
      event_row);
  if (!due) return due;
  std::erase_if(*due, [&](const WebhookEventRecord& e) {
    return std::find(skip.begin(), skip.end(), e.id) != skip.end();
  });
  if (due->size() > limit) due->resize(limit);
  return due;
}

Expected<std::optional<std::int64_t>> SqliteWebhookStore::next_due_ms() {
  auto next = read_first<std::optional<std::int64_t>>(
      store_, kNextDue, no_params(), [](const SqlStatement& s) { return s.optional_int64(0); });
  if (!next) return unexpected(next.error());
  return next->value_or(std::nullopt);
}

Expected<std::optional<WebhookEventRecord>> SqliteWebhookStore::event(std::uint64_t tenant,
                                                                      std::uint64_t id) {
  return read_first<WebhookEventRecord>(
      store_, kEvent,
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, id);
      },
      event_row);
}

Expected<std::vector<WebhookAttemptRecord>> SqliteWebhookStore::attempts(const AttemptQuery& q) {
  const auto before = q.before.value_or(std::pair{
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), std::uint32_t{0}});
  return read_all<WebhookAttemptRecord>(
      store_, kAttempts,
      [&](SqlStatement& s) {
        s.bind(1, q.tenant_id);
        s.bind(2, before.first);
        // No cursor: every attempt of the newest event counts as "before" it.
        s.bind(3, q.before ? static_cast<std::int64_t>(before.second)
                           : std::numeric_limits<std::int64_t>::max());
        s.bind(4, q.event_id.value_or(0));
        s.bind(5, static_cast<std::int64_t>(q.limit));
      },
      attempt_row);
}

Expected<std::uint64_t> SqliteWebhookStore::max_event_id() {
  auto max = read_first<std::uint64_t>(store_, kMaxEvent, no_params(),
                                       [](const SqlStatement& s) { return id(s, 0); });
  if (!max) return unexpected(max.error());
  return max->value_or(0);
}

}  // namespace diskret::store::sqlite
