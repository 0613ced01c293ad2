#include "store/sqlite/sqlite_audit_chain.hpp"

#include <algorithm>
#include <limits>

#include "store/sqlite/inbound_sql.hpp"
#include "store/sqlite/rows.hpp"

namespace diskret::store::sqlite {
namespace {

#define DISKRET_AUDIT_COLUMNS \
  "id, tenant_id, seq, at, actor, action, object, subject_blind, details, prev_hash, hash"

constexpr std::string_view kHead = "SELECT " DISKRET_AUDIT_COLUMNS
                                   " FROM audit_events WHERE tenant_id = ? AND seq IS NOT NULL "
                                   "ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kInsert =
    "INSERT INTO audit_events(tenant_id, seq, at, actor, action, object, subject_blind, details, "
    "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kLastCheckpoint =
    "SELECT tenant_id, seq, hash, at, key_id, signature FROM audit_checkpoints "
    "WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kInsertCheckpoint =
    "INSERT INTO audit_checkpoints(tenant_id, seq, hash, at, key_id, signature) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(tenant_id, seq) DO UPDATE SET hash = excluded.hash, "
    "at = excluded.at, key_id = excluded.key_id, signature = excluded.signature";
constexpr std::string_view kUnchained = "SELECT " DISKRET_AUDIT_COLUMNS
                                        " FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT ?";
constexpr std::string_view kAdopt =
    "UPDATE audit_events SET seq = ?, details = ?, prev_hash = ?, hash = ?, actor = ?, action = ?, "
    "object = ? WHERE id = ?";
constexpr std::string_view kScan =
    "SELECT " DISKRET_AUDIT_COLUMNS " FROM audit_events "
    "WHERE seq IS NOT NULL AND (tenant_id > ?1 OR (tenant_id = ?1 AND seq > ?2)) "
    "ORDER BY tenant_id, seq LIMIT ?3";
constexpr std::string_view kPage =
    "SELECT " DISKRET_AUDIT_COLUMNS " FROM audit_events "
    "WHERE tenant_id = ?1 AND seq < ?2 AND id < ?3 ORDER BY seq DESC LIMIT ?4";
constexpr std::string_view kPageSubject =
    "SELECT " DISKRET_AUDIT_COLUMNS " FROM audit_events "
    "WHERE tenant_id = ?1 AND subject_blind = ?5 AND seq < ?2 AND id < ?3 "
    "ORDER BY seq DESC LIMIT ?4";
constexpr std::string_view kCheckpoints =
    "SELECT tenant_id, seq, hash, at, key_id, signature FROM audit_checkpoints "
    "ORDER BY tenant_id, seq";
constexpr std::string_view kLatestCheckpoints =
    "SELECT c.tenant_id, c.seq, c.hash, c.at, c.key_id, c.signature FROM audit_checkpoints c "
    "JOIN (SELECT tenant_id, max(seq) AS seq FROM audit_checkpoints GROUP BY tenant_id) m "
    "ON m.tenant_id = c.tenant_id AND m.seq = c.seq ORDER BY c.tenant_id";
constexpr std::string_view kHeads =
    "SELECT " DISKRET_AUDIT_COLUMNS " FROM audit_events e "
    "WHERE seq = (SELECT max(seq) FROM audit_events WHERE tenant_id = e.tenant_id) "
    "ORDER BY tenant_id";

AuditChainRow chain_row(const SqlStatement& s) {
  AuditChainRow r;
  r.id = static_cast<std::uint64_t>(s.int64(0));
  r.tenant_id = static_cast<std::uint64_t>(s.int64(1));
  if (auto seq = s.optional_int64(2)) r.seq = static_cast<std::uint64_t>(*seq);
  r.at_ms = s.int64(3);
  r.actor = s.text(4);
  r.action = s.text(5);
  r.object = s.text(6);
  if (!s.is_null(7)) {
    const auto bytes = s.blob(7);
    Blind b{};
    std::copy_n(bytes.begin(), std::min(bytes.size(), b.size()), b.begin());
    r.subject_blind = b;
  }
  r.details = s.text(8);
  r.prev_hash = s.is_null(9) ? std::string() : s.blob(9);
  r.hash = s.is_null(10) ? std::string() : s.blob(10);
  return r;
}

AuditCheckpointRow checkpoint_row(const SqlStatement& s) {
  return {static_cast<std::uint64_t>(s.int64(0)), static_cast<std::uint64_t>(s.int64(1)),
          s.blob(2), s.int64(3), s.text(4), s.blob(5)};
}

template <class Bind>
Expected<void> run(SqlDb& db, std::string_view sql, Bind bind) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return (*stmt)->run();
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> all(SqlDb& db, std::string_view sql, Bind bind, Read read) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::all<Row>(**stmt, read);
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> read_all(SqlHost& store, std::string_view sql, Bind bind, Read read) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  return all<Row>(*lease->operator->(), sql, bind, read);
}

template <class Row>
Expected<std::optional<Row>> first_of(Expected<std::vector<Row>>&& rows) {
  if (!rows) return unexpected(rows.error());
  if (rows->empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

std::int64_t before(std::uint64_t seq) {
  return seq == 0 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(seq);
}

}  // namespace

Expected<std::optional<AuditChainRow>> SqliteAuditChain::head(WriteTransaction& tx, std::uint64_t tenant) {
  auto& db = store_.sql_writer(tx);
  if (db.dialect() == SqlDialect::postgresql) {
    // One writer per chain across the nodes: the tenant's chain stays locked from reading
    // its head to the commit of the entry after it (SQLite has one writer anyway).
    auto locked = run(db, "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))", [&](SqlStatement& s) {
      s.bind(1, static_cast<std::int64_t>(0x6175646974000000ULL ^ tenant));  // "audit"
    });
    if (!locked) return unexpected(locked.error());
  }
  return first_of(all<AuditChainRow>(store_.sql_writer(tx), kHead, [&](SqlStatement& s) { s.bind(1, tenant); },
                                     chain_row));
}

Expected<std::uint64_t> SqliteAuditChain::insert(WriteTransaction& tx, const AuditChainRow& r) {
  auto& db = store_.sql_writer(tx);
  return insert_returning_id(db, kInsert, [&](SqlStatement& s) {
    s.bind(1, r.tenant_id);
    s.bind(2, r.seq);
    s.bind(3, r.at_ms);
    s.bind_text(4, r.actor);
    s.bind_text(5, r.action);
    s.bind_text(6, r.object);
    if (r.subject_blind) {
      s.bind_blob(7, r.subject_blind->data(), r.subject_blind->size());
    } else {
      s.bind_null(7);
    }
    s.bind_text(8, r.details);
    s.bind_blob(9, r.prev_hash);
    s.bind_blob(10, r.hash);
  });
}

Expected<std::optional<AuditCheckpointRow>> SqliteAuditChain::last_checkpoint(WriteTransaction& tx,
                                                                              std::uint64_t tenant) {
  return first_of(all<AuditCheckpointRow>(store_.sql_writer(tx), kLastCheckpoint,
                                          [&](SqlStatement& s) { s.bind(1, tenant); }, checkpoint_row));
}

Expected<void> SqliteAuditChain::insert_checkpoint(WriteTransaction& tx, const AuditCheckpointRow& c) {
  return run(store_.sql_writer(tx), kInsertCheckpoint, [&](SqlStatement& s) {
    s.bind(1, c.tenant_id);
    s.bind(2, c.seq);
    s.bind_blob(3, c.hash);
    s.bind(4, c.at_ms);
    s.bind_text(5, c.key_id);
    s.bind_blob(6, c.signature);
  });
}

Expected<std::vector<AuditChainRow>> SqliteAuditChain::unchained(WriteTransaction& tx, std::size_t limit) {
  return all<AuditChainRow>(store_.sql_writer(tx), kUnchained,
                            [&](SqlStatement& s) { s.bind(1, static_cast<std::int64_t>(limit)); }, chain_row);
}

Expected<void> SqliteAuditChain::adopt(WriteTransaction& tx, const AuditChainRow& r) {
  return run(store_.sql_writer(tx), kAdopt, [&](SqlStatement& s) {
    s.bind(1, r.seq);
    s.bind_text(2, r.details);
    s.bind_blob(3, r.prev_hash);
    s.bind_blob(4, r.hash);
    s.bind_text(5, r.actor);
    s.bind_text(6, r.action);
    s.bind_text(7, r.object);
    s.bind(8, r.id);
  });
}

Expected<void> SqliteAuditChain::remove_tenant(WriteTransaction& tx, std::uint64_t tenant) {
  auto& db = store_.sql_writer(tx);
  for (auto sql : {std::string_view("DELETE FROM audit_events WHERE tenant_id = ?"),
                   std::string_view("DELETE FROM audit_checkpoints WHERE tenant_id = ?")}) {
    if (auto ok = run(db, sql, [&](SqlStatement& s) { s.bind(1, tenant); }); !ok) return ok;
  }
  return {};
}

Expected<std::vector<AuditChainRow>> SqliteAuditChain::scan(std::uint64_t after_tenant,
                                                            std::uint64_t after_seq, std::size_t limit) {
  return read_all<AuditChainRow>(
      store_, kScan,
      [&](SqlStatement& s) {
        s.bind(1, after_tenant);
        s.bind(2, after_seq);
        s.bind(3, static_cast<std::int64_t>(limit));
      },
      chain_row);
}

Expected<std::vector<AuditChainRow>> SqliteAuditChain::page(const AuditPageQuery& q) {
  return read_all<AuditChainRow>(
      store_, q.subject ? kPageSubject : kPage,
      [&](SqlStatement& s) {
        s.bind(1, q.tenant_id);
        s.bind(2, before(q.before_seq));
        s.bind(3, before(q.before_id));
        s.bind(4, static_cast<std::int64_t>(q.limit));
        if (q.subject) s.bind_blob(5, q.subject->data(), q.subject->size());
      },
      chain_row);
}

Expected<std::vector<AuditCheckpointRow>> SqliteAuditChain::checkpoints() {
  return read_all<AuditCheckpointRow>(store_, kCheckpoints, [](SqlStatement&) {}, checkpoint_row);
}

Expected<std::vector<AuditCheckpointRow>> SqliteAuditChain::latest_checkpoints() {
  return read_all<AuditCheckpointRow>(store_, kLatestCheckpoints, [](SqlStatement&) {}, checkpoint_row);
}

Expected<std::vector<AuditChainRow>> SqliteAuditChain::heads() {
  return read_all<AuditChainRow>(store_, kHeads, [](SqlStatement&) {}, chain_row);
}

}  // namespace diskret::store::sqlite
