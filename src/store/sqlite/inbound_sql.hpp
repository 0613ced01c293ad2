#pragma once
/// Internal to the SQLite inbound, webhook and audit stores: running a cached statement on
/// a transaction's connection or on a pooled read connection.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sql_db.hpp"

namespace diskret::store::sqlite::inbound_sql {

template <class Bind>
Expected<void> run(SqlDb& db, std::string_view sql, Bind bind) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return (*stmt)->run();
}

template <class Bind>
Expected<bool> change(SqlDb& db, std::string_view sql, Bind bind) {
  if (auto ok = run(db, sql, bind); !ok) return unexpected(ok.error());
  return db.changes() > 0;
}

template <class Row, class Bind, class Read>
Expected<std::optional<Row>> first(SqlDb& db, std::string_view sql, Bind bind, Read read) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::first<Row>(**stmt, read);
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> all(SqlDb& db, std::string_view sql, Bind bind, Read read) {
  auto stmt = db.use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::all<Row>(**stmt, read);
}

/// The same on a read connection of `store`.
template <class Row, class Bind, class Read>
Expected<std::optional<Row>> read_first(SqlHost& store, std::string_view sql, Bind bind,
                                        Read read) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  auto stmt = (*lease)->use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::first<Row>(**stmt, read);
}

template <class Row, class Bind, class Read>
Expected<std::vector<Row>> read_all(SqlHost& store, std::string_view sql, Bind bind,
                                    Read read) {
  auto lease = store.sql_reader();
  if (!lease) return unexpected(lease.error());
  auto stmt = (*lease)->use(sql);
  if (!stmt) return unexpected(stmt.error());
  bind(**stmt);
  return rows::all<Row>(**stmt, read);
}

inline auto no_params() {
  return [](SqlStatement&) {};
}

inline std::optional<std::uint64_t> optional_id(const SqlStatement& s, int column) {
  auto v = s.optional_int64(column);
  if (!v) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

inline std::uint64_t id(const SqlStatement& s, int column) {
  return static_cast<std::uint64_t>(s.int64(column));
}

}  // namespace diskret::store::sqlite::inbound_sql
