#include "store/sqlite/sqlite_security_store.hpp"

#include <limits>

#include "store/sqlite/inbound_sql.hpp"
#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

constexpr std::string_view kGrantColumns =
    "id, tenant_id, grantee, reason, granted_by, created_at, expires_at, revoked_at";

AccessGrantRecord grant_row(const SqlStatement& s) {
  AccessGrantRecord g;
  g.id = static_cast<std::uint64_t>(s.int64(0));
  g.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  g.grantee = s.text(2);
  g.reason = s.text(3);
  g.granted_by = s.text(4);
  g.created_at_ms = s.int64(5);
  g.expires_at_ms = s.int64(6);
  g.revoked_at_ms = s.optional_int64(7);
  return g;
}

AlertRecord alert_row(const SqlStatement& s) {
  return {static_cast<std::uint64_t>(s.int64(0)), static_cast<std::uint64_t>(s.int64(1)), s.text(2),
          s.text(3), s.text(4), s.int64(5)};
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> read_query(SqlHost& store, const std::string& sql, Bind bind, Read read) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  auto stmt = (*lease)->statement(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::all<Row>(**stmt, read);
}

template <class Bind>
Expected<std::uint64_t> write(SqlDb& db, const std::string& sql, Bind bind) {
  auto stmt = db.statement(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  if (auto ok = (*stmt)->run(); !ok) return unexpected(ok.error());
  return static_cast<std::uint64_t>(db.changes());
}

}  // namespace

Expected<std::uint64_t> SqliteSecurityStore::insert_grant(WriteTransaction& tx, const AccessGrantRecord& g) {
  auto& db = store_.sql_writer(tx);
  return insert_returning_id(db,
                 "INSERT INTO access_grants(tenant_id, grantee, reason, granted_by, created_at, expires_at) "
                 "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                 [&](SqlStatement& s) {
                   s.bind(1, g.tenant_id);
                   s.bind_text(2, g.grantee);
                   s.bind_text(3, g.reason);
                   s.bind_text(4, g.granted_by);
                   s.bind(5, g.created_at_ms);
                   s.bind(6, g.expires_at_ms);
                 });
}

Expected<bool> SqliteSecurityStore::revoke_grant(WriteTransaction& tx, std::uint64_t tenant, std::uint64_t id,
                                                 std::int64_t at_ms) {
  auto n = write(store_.sql_writer(tx),
                 "UPDATE access_grants SET revoked_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL",
                 [&](SqlStatement& s) {
                   s.bind(1, at_ms);
                   s.bind(2, tenant);
                   s.bind(3, id);
                 });
  if (!n) return unexpected(n.error());
  return *n > 0;
}

Expected<std::vector<AccessGrantRecord>> SqliteSecurityStore::grants(std::uint64_t tenant) {
  return read_query<AccessGrantRecord>(
      store_, "SELECT " + std::string(kGrantColumns) + " FROM access_grants WHERE tenant_id = ? ORDER BY id DESC",
      [&](SqlStatement& s) { s.bind(1, tenant); }, grant_row);
}

Expected<std::optional<AccessGrantRecord>> SqliteSecurityStore::grant(std::uint64_t tenant, std::uint64_t id) {
  auto rows = read_query<AccessGrantRecord>(
      store_, "SELECT " + std::string(kGrantColumns) + " FROM access_grants WHERE tenant_id = ? AND id = ?",
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, id);
      },
      grant_row);
  if (!rows) return unexpected(rows.error());
  if (rows->empty()) return std::optional<AccessGrantRecord>();
  return std::optional<AccessGrantRecord>(rows->front());
}

Expected<std::uint64_t> SqliteSecurityStore::insert_alert(WriteTransaction& tx, const AlertRecord& a) {
  auto& db = store_.sql_writer(tx);
  return insert_returning_id(db, "INSERT INTO security_alerts(tenant_id, kind, severity, details, at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                 [&](SqlStatement& s) {
                   s.bind(1, a.tenant_id);
                   s.bind_text(2, a.kind);
                   s.bind_text(3, a.severity);
                   s.bind_text(4, a.details);
                   s.bind(5, a.at_ms);
                 });
}

Expected<std::vector<AlertRecord>> SqliteSecurityStore::alerts(std::uint64_t tenant, std::uint64_t before_id,
                                                               std::size_t limit) {
  return read_query<AlertRecord>(
      store_,
      "SELECT id, tenant_id, kind, severity, details, at FROM security_alerts "
      "WHERE tenant_id IN (?, 0) AND id < ? ORDER BY id DESC LIMIT ?",
      [&](SqlStatement& s) {
        s.bind(1, tenant);
        s.bind(2, before_id == 0 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(before_id));
        s.bind(3, static_cast<std::int64_t>(limit));
      },
      alert_row);
}

Expected<std::vector<std::pair<std::string, std::uint64_t>>> SqliteSecurityStore::alert_counts() {
  return read_query<std::pair<std::string, std::uint64_t>>(
      store_, "SELECT kind, count(*) FROM security_alerts GROUP BY kind ORDER BY kind", [](SqlStatement&) {},
      [](const SqlStatement& s) { return std::pair{s.text(0), static_cast<std::uint64_t>(s.int64(1))}; });
}

}  // namespace diskret::store::sqlite
