#pragma once
/// The SQLite schema migrations, embedded from src/store/migrations/sqlite/{main,keys}/
/// (NNNN_name.sql) at build time.
#include <span>

#include "core/expected.hpp"

namespace diskret::store::sqlite {

class SqliteDb;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

std::span<const Migration> main_migrations();
std::span<const Migration> keys_migrations();

/// Applies, each in its own transaction, every migration whose version is not yet in the
/// database's schema_migrations table. Returns how many were applied.
Expected<int> apply_migrations(SqliteDb& db, std::span<const Migration> migrations,
                               std::int64_t now_ms);

}  // namespace diskret::store::sqlite
