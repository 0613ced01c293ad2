#include "store/sqlite/sqlite_privacy_store.hpp"

#include <fmt/format.h>

#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

// Column lists per table, in PrivacyRow order: id, tenant, subject, status, done, scrubbed,
// payload. For inbound rows "status" is handled and "done" the time received.
constexpr std::string_view kMessageCols =
    "id, tenant_id, subject_id, status, done_at, scrubbed, payload FROM messages";
constexpr std::string_view kInboundCols =
    "id, tenant_id, subject_id, handled, received_at, scrubbed, payload FROM inbound_messages";

std::string_view cols(RowTable t) { return t == RowTable::messages ? kMessageCols : kInboundCols; }
std::string_view table_name(RowTable t) { return t == RowTable::messages ? "messages" : "inbound_messages"; }

PrivacyRow privacy_row(const SqlStatement& s) {
  PrivacyRow r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  if (auto v = s.optional_int64(2)) r.subject_id = static_cast<std::uint64_t>(*v);
  r.status = static_cast<std::uint8_t>(s.int64(3));
  r.done_at_ms = s.optional_int64(4);
  r.scrubbed = static_cast<std::uint8_t>(s.int64(5));
  r.payload = s.blob(6);
  return r;
}

// "?, ?, ?" for n parameters (subject id lists are short: one person).
std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

template <class Bind>
Expected<std::uint64_t> run(SqlDb& db, const std::string& sql, Bind bind) {
  auto stmt = db.statement(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  if (auto ok = (*stmt)->run(); !ok) return unexpected(ok.error());
  return static_cast<std::uint64_t>(db.changes());
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> query(SqlDb& db, const std::string& sql, Bind bind, Read read) {
  auto stmt = db.statement(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::all<Row>(**stmt, read);
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> read_query(SqlHost& store, const std::string& sql, Bind bind, Read read) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  return query<Row>(*lease->operator->(), sql, bind, read);
}

void bind_ids(SqlStatement& s, int first, std::span<const std::uint64_t> ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) s.bind(first + static_cast<int>(i), ids[i]);
}

auto read_u64 = [](const SqlStatement& s) { return static_cast<std::uint64_t>(s.int64(0)); };

}  // namespace

Expected<std::vector<PrivacyRow>> SqlitePrivacyStore::rows_of_subjects(
    RowTable table, std::uint64_t tenant, std::span<const std::uint64_t> subject_ids) {
  if (subject_ids.empty()) return std::vector<PrivacyRow>{};
  return read_query<PrivacyRow>(
      store_,
      fmt::format("SELECT {} WHERE tenant_id = ? AND subject_id IN ({}) ORDER BY id", cols(table),
                  placeholders(subject_ids.size())),
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        bind_ids(s, 2, subject_ids);
      },
      privacy_row);
}

Expected<std::vector<PrivacyRow>> SqlitePrivacyStore::rows_between(RowTable table, std::uint64_t tenant,
                                                                   std::uint64_t from_id,
                                                                   std::uint64_t below_id,
                                                                   std::size_t limit) {
  return read_query<PrivacyRow>(
      store_,
      fmt::format("SELECT {} WHERE tenant_id = ? AND id >= ? AND id < ? ORDER BY id LIMIT ?", cols(table)),
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, from_id);
        s.bind(3, below_id);
        s.bind(4, static_cast<std::int64_t>(limit));
      },
      privacy_row);
}

Expected<std::optional<PrivacyRow>> SqlitePrivacyStore::row(RowTable table, std::uint64_t tenant,
                                                            std::uint64_t id) {
  auto rows = read_query<PrivacyRow>(
      store_, fmt::format("SELECT {} WHERE tenant_id = ? AND id = ?", cols(table)),
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, id);
      },
      privacy_row);
  if (!rows) return unexpected(rows.error());
  if (rows->empty()) return std::optional<PrivacyRow>();
  return std::optional<PrivacyRow>(std::move(rows->front()));
}

Expected<std::vector<std::pair<std::string, std::uint64_t>>> SqlitePrivacyStore::category_counts(
    std::uint64_t tenant) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const char* table : {"contacts", "consents", "suppressions", "users", "messages", "inbound_messages"}) {
    auto n = read_query<std::uint64_t>(store_, fmt::format("SELECT count(*) FROM {} WHERE tenant_id = ?", table),
                                       [&](SqlStatement& s) { s.bind(1, tenant); }, read_u64);
    if (!n) return unexpected(n.error());
    out.emplace_back(table, n->empty() ? 0 : n->front());
  }
  return out;
}

Expected<std::vector<std::uint64_t>> SqlitePrivacyStore::tenants() {
  return read_query<std::uint64_t>(store_, "SELECT id FROM tenants WHERE offboarded_at IS NULL ORDER BY id",
                                   [](SqlStatement&) {}, read_u64);
}

Expected<std::optional<std::string>> SqlitePrivacyStore::retention_settings(std::uint64_t tenant) {
  auto rows = read_query<std::string>(
      store_, "SELECT retention FROM privacy_settings WHERE tenant_id = ?",
      [&](SqlStatement& s) { s.bind(1, tenant); }, [](const SqlStatement& s) { return s.text(0); });
  if (!rows) return unexpected(rows.error());
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front());
}

Expected<std::int64_t> SqlitePrivacyStore::state(const std::string& name) {
  auto rows = read_query<std::int64_t>(
      store_, "SELECT value FROM privacy_state WHERE name = ?", [&](SqlStatement& s) { s.bind_text(1, name); },
      [](const SqlStatement& s) { return s.int64(0); });
  if (!rows) return unexpected(rows.error());
  return rows->empty() ? 0 : rows->front();
}

Expected<std::uint64_t> SqlitePrivacyStore::cursor(std::uint64_t tenant, const std::string& stage) {
  auto rows = read_query<std::uint64_t>(
      store_, "SELECT next_id FROM retention_cursors WHERE tenant_id = ? AND stage = ?",
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind_text(2, stage);
      },
      read_u64);
  if (!rows) return unexpected(rows.error());
  return rows->empty() ? 0 : rows->front();
}

Expected<std::vector<std::uint64_t>> SqlitePrivacyStore::pending(std::uint64_t tenant, const std::string& stage) {
  return read_query<std::uint64_t>(
      store_, "SELECT row_id FROM retention_pending WHERE tenant_id = ? AND stage = ? ORDER BY row_id",
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind_text(2, stage);
      },
      read_u64);
}

Expected<void> SqlitePrivacyStore::rewrite(WriteTransaction& tx, RowTable table, std::uint64_t id,
                                           const std::string& payload,
                                           std::optional<std::uint64_t> subject_id, std::uint8_t scrubbed) {
  auto n = run(store_.sql_writer(tx),
               fmt::format("UPDATE {} SET payload = ?, subject_id = ?, scrubbed = ? WHERE id = ?",
                           table_name(table)),
               [&](SqlStatement& s) {
                 s.bind_blob(1, payload);
                 s.bind(2, subject_id);
                 s.bind(3, static_cast<std::int64_t>(scrubbed));
                 s.bind(4, id);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<std::uint64_t> SqlitePrivacyStore::fail_waiting(WriteTransaction& tx, std::uint64_t tenant,
                                                         std::span<const std::uint64_t> subject_ids,
                                                         const std::string& code, std::int64_t at_ms) {
  if (subject_ids.empty()) return 0;
  return run(store_.sql_writer(tx),
             fmt::format("UPDATE messages SET status = {}, error_code = ?, error_detail = '', done_at = ?, "
                         "send_at = NULL WHERE tenant_id = ? AND status = {} AND subject_id IN ({})",
                         state::kFailed, state::kAccepted, placeholders(subject_ids.size())),
             [&](SqlStatement& s) {
               s.bind_text(1, code);
               s.bind(2, at_ms);
               s.bind(3, tenant);
               bind_ids(s, 4, subject_ids);
             });
}

Expected<std::uint64_t> SqlitePrivacyStore::delete_inbound(WriteTransaction& tx, std::uint64_t tenant,
                                                           std::span<const std::uint64_t> ids) {
  std::uint64_t deleted = 0;
  for (auto id : ids) {
    auto n = run(store_.sql_writer(tx), "DELETE FROM inbound_messages WHERE tenant_id = ? AND id = ?",
                 [&](SqlStatement& s) {
                   s.bind(1, tenant);
                   s.bind(2, id);
                 });
    if (!n) return unexpected(n.error());
    deleted += *n;
  }
  return deleted;
}

Expected<std::uint64_t> SqlitePrivacyStore::delete_held_messages(WriteTransaction& tx,
                                                                 std::uint64_t tenant,
                                                                 const Blind& blind) {
  return run(store_.sql_writer(tx), "DELETE FROM held_messages WHERE tenant_id = ? AND blind = ?",
             [&](SqlStatement& s) {
               s.bind(1, tenant);
               s.bind_blob(2, blind.data(), blind.size());
             });
}

Expected<std::uint64_t> SqlitePrivacyStore::delete_keyword_replies(WriteTransaction& tx, std::uint64_t tenant,
                                                                   std::span<const std::uint64_t> subject_ids) {
  if (subject_ids.empty()) return 0;
  return run(store_.sql_writer(tx),
             fmt::format("DELETE FROM keyword_replies WHERE tenant_id = ? AND subject_id IN ({})",
                         placeholders(subject_ids.size())),
             [&](SqlStatement& s) {
               s.bind(1, tenant);
               bind_ids(s, 2, subject_ids);
             });
}

Expected<std::vector<IdempotencyRow>> SqlitePrivacyStore::idempotency_rows(WriteTransaction& tx,
                                                                           std::uint64_t tenant) {
  return query<IdempotencyRow>(
      store_.sql_writer(tx), "SELECT key, sealed FROM idempotency WHERE tenant_id = ?",
      [&](SqlStatement& s) { s.bind(1, tenant); },
      [](const SqlStatement& s) { return IdempotencyRow{s.text(0), s.blob(1)}; });
}

Expected<void> SqlitePrivacyStore::delete_idempotency(WriteTransaction& tx, std::uint64_t tenant,
                                                      const std::string& key) {
  auto n = run(store_.sql_writer(tx), "DELETE FROM idempotency WHERE tenant_id = ? AND key = ?",
               [&](SqlStatement& s) {
                 s.bind(1, tenant);
                 s.bind_text(2, key);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::put_retention_settings(WriteTransaction& tx, std::uint64_t tenant,
                                                          const std::string& json, std::int64_t at_ms) {
  auto n = run(store_.sql_writer(tx),
               "INSERT INTO privacy_settings(tenant_id, retention, updated_at) VALUES (?, ?, ?) "
               "ON CONFLICT(tenant_id) DO UPDATE SET retention = excluded.retention, "
               "updated_at = excluded.updated_at",
               [&](SqlStatement& s) {
                 s.bind(1, tenant);
                 s.bind_text(2, json);
                 s.bind(3, at_ms);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::set_state(WriteTransaction& tx, const std::string& name, std::int64_t value) {
  auto n = run(store_.sql_writer(tx), "INSERT INTO privacy_state(name, value) VALUES (?, ?) "
               "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
               [&](SqlStatement& s) {
                 s.bind_text(1, name);
                 s.bind(2, value);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::set_cursor(WriteTransaction& tx, std::uint64_t tenant,
                                              const std::string& stage, std::uint64_t next_id) {
  auto n = run(store_.sql_writer(tx),
               "INSERT INTO retention_cursors(tenant_id, stage, next_id) VALUES (?, ?, ?) "
               "ON CONFLICT(tenant_id, stage) DO UPDATE SET next_id = excluded.next_id",
               [&](SqlStatement& s) {
                 s.bind(1, tenant);
                 s.bind_text(2, stage);
                 s.bind(3, next_id);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::add_pending(WriteTransaction& tx, std::uint64_t tenant,
                                               const std::string& stage, std::uint64_t id) {
  auto n = run(store_.sql_writer(tx),
               "INSERT INTO retention_pending(tenant_id, stage, row_id) VALUES (?, ?, ?) "
               "ON CONFLICT DO NOTHING",
               [&](SqlStatement& s) {
                 s.bind(1, tenant);
                 s.bind_text(2, stage);
                 s.bind(3, id);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::remove_pending(WriteTransaction& tx, std::uint64_t tenant,
                                                  const std::string& stage, std::uint64_t id) {
  auto n = run(store_.sql_writer(tx),
               "DELETE FROM retention_pending WHERE tenant_id = ? AND stage = ? AND row_id = ?",
               [&](SqlStatement& s) {
                 s.bind(1, tenant);
                 s.bind_text(2, stage);
                 s.bind(3, id);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::remove_tenant_data(WriteTransaction& tx, std::uint64_t tenant,
                                                      std::int64_t at_ms) {
  auto& db = store_.sql_writer(tx);
  auto by_tenant = [&](const std::string& sql) {
    return run(db, sql, [&](SqlStatement& s) { s.bind(1, tenant); });
  };
  // Rows that name the tenant only through another row go first.
  for (const char* sql :
       {"DELETE FROM carrier_ids WHERE message_id IN (SELECT id FROM messages WHERE tenant_id = ?)",
        "DELETE FROM list_members WHERE list_id IN (SELECT id FROM contact_lists WHERE tenant_id = ?)"}) {
    if (auto n = by_tenant(sql); !n) return unexpected(n.error());
  }
  // Every table with a tenant_id column, so that tables added later are covered too; the
  // audit trail stays (it holds no personal data and proves what was done).
  auto tables = query<std::string>(
      db,
      db.dialect() == SqlDialect::sqlite
          ? "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' "
            "AND c.name = 'tenant_id' AND m.name NOT IN ('audit_events', 'audit_checkpoints') "
            "ORDER BY m.name"
          : "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'tenant_id' AND table_name NOT IN ('audit_events', 'audit_checkpoints') "
            "ORDER BY table_name",
      [](SqlStatement&) {}, [](const SqlStatement& s) { return s.text(0); });
  if (!tables) return unexpected(tables.error());
  for (const auto& t : *tables) {
    if (auto n = by_tenant(fmt::format("DELETE FROM \"{}\" WHERE tenant_id = ?", t)); !n) {
      return unexpected(n.error());
    }
  }
  auto n = run(db, "UPDATE tenants SET offboarded_at = ? WHERE id = ? AND offboarded_at IS NULL",
               [&](SqlStatement& s) {
                 s.bind(1, at_ms);
                 s.bind(2, tenant);
               });
  if (!n) return unexpected(n.error());
  return {};
}

Expected<void> SqlitePrivacyStore::reserve_tenant_ids(WriteTransaction& tx, std::uint64_t id) {
  auto& db = store_.sql_writer(tx);
  if (db.dialect() == SqlDialect::postgresql) {
    // The identity sequence of tenants.id: never back, at least `id` from here on.
    auto set = query<std::int64_t>(
        db,
        "SELECT setval(pg_get_serial_sequence('tenants', 'id'), "
        "GREATEST(CAST(? AS BIGINT), nextval(pg_get_serial_sequence('tenants', 'id')) - 1))",
        [&](SqlStatement& s) { s.bind(1, id); }, [](const SqlStatement& s) { return s.int64(0); });
    if (!set) return unexpected(set.error());
    return {};
  }
  // sqlite_sequence has a row once AUTOINCREMENT handed out an id; add it otherwise.
  auto n = run(db, "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'tenants'",
               [&](SqlStatement& s) { s.bind(1, id); });
  if (!n) return unexpected(n.error());
  if (*n == 0) {
    auto ins = run(db, "INSERT INTO sqlite_sequence(name, seq) VALUES ('tenants', ?)",
                   [&](SqlStatement& s) { s.bind(1, id); });
    if (!ins) return unexpected(ins.error());
  }
  return {};
}

}  // namespace diskret::store::sqlite
