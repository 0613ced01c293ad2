#pragma once
/// The vault database schema (cards, charges, data keys, audit) and its migrations,
/// tracked with PRAGMA user_version.
#include "core/expected.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

inline constexpr int kSchemaVersion = 1;

/// Brings the schema to kSchemaVersion; refuses a database from a newer vault.
Expected<void> migrate(Database& db);

}  // namespace diskret::vault
