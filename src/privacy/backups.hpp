#pragma once
/// `diskret backup create|restore`: an encrypted online backup of diskret.db (never of the
/// key store: that is what lets erasure reach old backups) and its restore. A restore
/// authenticates the whole file first, swaps the database only while no other process has
/// it open, and keeps the replaced files beside it; afterwards Eraser::reapply() and
/// AuditLog::rewind_anchors() bring the restored copy in line with the key store.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "backup/format.hpp"
#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/service_keys.hpp"

namespace diskret::privacy {

struct BackupCreated {
  backup::BackupHeader header;
  std::uint64_t file_bytes = 0;
};

/// Snapshots `main_db` (consistent, while others write) into an encrypted backup `out`.
Expected<BackupCreated> create_backup(const std::filesystem::path& out,
                                      const std::filesystem::path& main_db,
                                      store::ServiceKeys& keys, const std::string& master_key_id,
                                      const Clock& clock);

struct RestoredFiles {
  backup::BackupHeader header;
  std::filesystem::path previous;  ///< where the replaced diskret.db now is (empty if none)
};

/// Replaces `main_db` with the database in backup `in`. Refuses a tampered, truncated or
/// foreign file (backup::Errc), one made by a newer diskret (schema above
/// `newest_schema`), and a database that another process has open (stop the server).
Expected<RestoredFiles> restore_backup(const std::filesystem::path& in,
                                       const std::filesystem::path& main_db,
                                       store::ServiceKeys& keys, std::int64_t newest_schema,
                                       const Clock& clock);

/// Multi-node mode: the PostgreSQL database `url` names (not its key database), dumped with
/// pg_dump, into an encrypted backup `out` like create_backup's. Online: nodes may run.
Expected<BackupCreated> create_postgresql_backup(const std::filesystem::path& out,
                                                 std::string_view url, store::ServiceKeys& keys,
                                                 const std::string& master_key_id,
                                                 const Clock& clock);

/// Replaces the contents of the PostgreSQL database `url` names with backup `in`, in one
/// transaction. Refuses what restore_backup refuses, a backup of the SQLite store, and a
/// database that any other session uses (stop every node).
Expected<RestoredFiles> restore_postgresql_backup(const std::filesystem::path& in,
                                                  std::string_view url, store::ServiceKeys& keys,
                                                  std::int64_t newest_schema);

}  // namespace diskret::privacy
