#include "store/postgresql/pg_migrations.hpp"

#include <set>

#include <fmt/format.h>

#include "store/postgresql/pg_connection.hpp"

namespace diskret::store::postgresql {
namespace {

// Any constant unlikely to collide with advisory locks of other software in the database.
constexpr std::int64_t kMigrationLock = 0x6469736b72657401;  // "diskret" 01

Expected<std::set<std::int64_t>> applied_versions(PgConnection& db) {
  auto rows = db.query("SELECT version FROM schema_migrations");
  if (!rows) return unexpected(rows.error());
  std::set<std::int64_t> out;
  for (int r = 0; r < rows->rows(); ++r) out.insert(rows->int64(r, 0));
  return out;
}

Expected<void> apply_one(PgConnection& db, const Migration& m, std::int64_t now_ms) {
  if (auto ok = db.exec("BEGIN"); !ok) return ok;
  auto done = db.exec(m.sql);
  if (done) {
    auto recorded = db.query(
        "INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
        PgParams().add(m.version).add_text(m.name).add(now_ms));
    if (!recorded) done = unexpected(recorded.error());
  }
  if (done) done = db.exec("COMMIT");
  if (!done) {
    (void)db.exec("ROLLBACK");
    return unexpected(Error{done.error().code, fmt::format("migration {:04}_{}: {}", m.version,
                                                           m.name, done.error().detail)});
  }
  return {};
}

}  // namespace

Expected<int> apply_migrations(PgConnection& db, std::span<const Migration> migrations,
                               std::int64_t now_ms) {
  // A session lock, not a transaction lock: it spans the migrations' own transactions. A
  // node that dies holding it releases it with its connection.
  if (auto ok = db.exec(fmt::format("SELECT pg_advisory_lock({})", kMigrationLock)); !ok) {
    return unexpected(ok.error());
  }
  auto applied = [&]() -> Expected<int> {
    if (auto ok = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                          " applied_at BIGINT NOT NULL)");
        !ok) {
      return unexpected(ok.error());
    }
    auto before = applied_versions(db);
    if (!before) return unexpected(before.error());
    int n = 0;
    for (const Migration& m : migrations) {
      if (before->contains(m.version)) continue;
      if (auto ok = apply_one(db, m, now_ms); !ok) return unexpected(ok.error());
      ++n;
    }
    return n;
  }();
  (void)db.exec(fmt::format("SELECT pg_advisory_unlock({})", kMigrationLock));
  return applied;
}

}  // namespace diskret::store::postgresql
