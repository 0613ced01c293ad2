#pragma once
/// A consistent copy of a live SQLite database (the online backup API) while other
/// connections keep writing: the copy is taken inside one read transaction, which in WAL
/// mode never blocks writers, so it is the database as of one commit.
#include <cstdint>
#include <filesystem>

#include "core/expected.hpp"

namespace diskret::backup {

struct SnapshotInfo {
  std::uint64_t bytes = 0;
  std::uint64_t pages = 0;
  std::int64_t schema_version = 0;  ///< highest version in schema_migrations, 0 if none
};

/// Copies `source` (must exist) to `dest` (must not exist; created with mode 0600) as a
/// self-contained rollback-journal file (no -wal beside it).
Expected<SnapshotInfo> snapshot_sqlite(const std::filesystem::path& source,
                                       const std::filesystem::path& dest);

/// Errc::in_use while any other connection has the database open (a running server):
/// files must not be swapped under it. Takes and releases an exclusive lock.
Expected<void> ensure_unused(const std::filesystem::path& path);

/// PRAGMA quick_check on a database file: Errc::damaged unless it answers "ok".
Expected<void> check_sqlite(const std::filesystem::path& path);

}  // namespace diskret::backup
