#pragma once
/// The PostgreSQL schema migrations, embedded from src/store/migrations/postgresql/
/// {main,keys}/ (NNNN_name.sql) at build time.
#include <cstdint>
#include <span>

#include "core/expected.hpp"

namespace diskret::store::postgresql {

class PgConnection;

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

std::span<const Migration> main_migrations();
std::span<const Migration> keys_migrations();

/// Applies, each in its own transaction, every migration whose version is not yet in the
/// database's schema_migrations table. Holds a session advisory lock meanwhile, so several
/// nodes starting at once apply each migration exactly once (the others wait, then find
/// it applied). Returns how many were applied.
Expected<int> apply_migrations(PgConnection& db, std::span<const Migration> migrations,
                               std::int64_t now_ms);

}  // namespace diskret::store::postgresql
