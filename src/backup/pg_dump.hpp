#pragma once
/// Plain dumps of a PostgreSQL database (multi-node mode) with PostgreSQL's own tools, as
/// the items of an encrypted backup (backup_file.hpp): pg_dump's custom format out,
/// pg_restore in. The connection URL never appears on a command line (where `ps` would
/// show its password): it is split with libpq into the PG* environment variables of the
/// child only. The tools come from $DISKRET_PG_BIN, else Debian's PostgreSQL 15, else PATH.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace diskret::backup {

/// Dumps the database `url` names into `out` (custom format, created with mode 0600; it is
/// personal data in clear until sealed into a backup: keep it in a private directory and
/// delete it). Errc::io_error with pg_dump's first error line when it fails.
Expected<void> dump_postgresql(std::string_view url, const std::filesystem::path& out);

/// Replaces the contents of the database `url` names with the dump `in`, in one
/// transaction: objects of the dump are dropped and recreated (--clean --if-exists), so
/// nothing of the dump's tables survives from before. Every node must be stopped.
Expected<void> restore_postgresql(std::string_view url, const std::filesystem::path& in);

/// The highest schema migration applied to the database `url` names (0: none).
Expected<std::int64_t> postgresql_schema_version(std::string_view url);

/// Refuses (Errc::in_use) while any other session is connected to the database `url`
/// names: a restore replaces what running nodes are using, so every node must be stopped.
Expected<void> ensure_postgresql_unused(std::string_view url);

/// The directory the PostgreSQL client tools are taken from ("" = PATH).
std::string postgresql_bin_dir();

}  // namespace diskret::backup
