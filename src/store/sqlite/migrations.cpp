#include "store/sqlite/migrations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "store/sqlite/sqlite_db.hpp"

namespace diskret::store::sqlite {
namespace {

// Inside an open transaction: applies `m` unless recorded. True when it was applied.
Expected<bool> apply_one(SqliteDb& db, const Migration& m, std::int64_t now_ms) {
  {
    auto present = db.prepare("SELECT count(*) FROM schema_migrations WHERE version = ?");
    if (!present) return unexpected(present.error());
    present->bind(1, m.version);
    auto row = present->step();
    if (!row) return unexpected(row.error());
    if (present->int64(0) != 0) return false;
  }
  if (auto ok = db.exec(m.sql); !ok) {
    return unexpected(Error{ok.error().code, fmt::format("migration {:04}_{}: {}", m.version,
                                                         m.name, ok.error().detail)});
  }
  auto insert =
      db.prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
  if (!insert) return unexpected(insert.error());
  insert->bind(1, m.version);
  insert->bind_text(2, m.name);
  insert->bind(3, now_ms);
  if (auto ok = insert->run(); !ok) return unexpected(ok.error());
  return true;
}

// The versions recorded already, read without a write lock (WAL readers never wait for a
// writer); nullopt when there is no schema_migrations table yet.
Expected<std::optional<std::set<std::int64_t>>> applied_versions(SqliteDb& db) {
  auto table = db.prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!table) return unexpected(table.error());
  auto row = table->step();
  if (!row) return unexpected(row.error());
  if (table->int64(0) == 0) return std::optional<std::set<std::int64_t>>{};
  auto versions = db.prepare("SELECT version FROM schema_migrations");
  if (!versions) return unexpected(versions.error());
  std::set<std::int64_t> out;
  for (;;) {
    auto more = versions->step();
    if (!more) return unexpected(more.error());
    if (!*more) break;
    out.insert(versions->int64(0));
  }
  return std::optional<std::set<std::int64_t>>{std::move(out)};
}

}  // namespace

Expected<int> apply_migrations(SqliteDb& db, std::span<const Migration> migrations,
                               std::int64_t now_ms) {
  // A current schema takes no write lock at all: admin commands open the store while
  // `diskret serve` writes under load, and each BEGIN IMMEDIATE would queue behind it.
  auto applied_before = applied_versions(db);
  if (!applied_before) return unexpected(applied_before.error());
  if (*applied_before && std::all_of(migrations.begin(), migrations.end(), [&](const Migration& m) {
        return (*applied_before)->contains(m.version);
      })) {
    return 0;
  }
  if (auto ok = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at INTEGER NOT NULL)");
      !ok) {
    return unexpected(ok.error());
  }
  int applied = 0;
  for (const Migration& m : migrations) {
    if (*applied_before && (*applied_before)->contains(m.version)) continue;
    // BEGIN IMMEDIATE takes the write lock before the version is read, so two processes
    // migrating at once apply each step exactly once.
    if (auto ok = db.exec("BEGIN IMMEDIATE"); !ok) return unexpected(ok.error());
    auto done = apply_one(db, m, now_ms);
    if (done) {
      if (auto ok = db.exec("COMMIT"); !ok) done = unexpected(ok.error());
    }
    if (!done) {
      if (db.in_transaction()) (void)db.exec("ROLLBACK");
      return unexpected(done.error());
    }
    if (*done) ++applied;
  }
  return applied;
}

}  // namespace diskret::store::sqlite
