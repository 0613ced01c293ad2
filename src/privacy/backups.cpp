#include "privacy/backups.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "backup/backup_file.hpp"
#include "backup/errc.hpp"
#include "backup/pg_dump.hpp"
#include "backup/sqlite_snapshot.hpp"
#include "crypto/secret.hpp"

namespace diskret::privacy {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMainItem = "diskret.db";
constexpr std::string_view kMainKind = "sqlite-main";
constexpr std::string_view kPgItem = "main.pgdump";
constexpr std::string_view kPgKind = "postgresql-main";

fs::path sibling(const fs::path& p, const std::string& suffix) {
  fs::path out = p;
  out += suffix;
  return out;
}

// Removes a file or directory on every return path unless released.
class Cleanup {
 public:
  explicit Cleanup(fs::path p) : path_(std::move(p)) {}
  ~Cleanup() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;

 private:
  fs::path path_;
};

void sync_directory(const fs::path& file) {
  const auto dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// A private directory (0700) for plain files while they are encrypted or restored.
Expected<fs::path> private_directory(const fs::path& beside) {
  const auto dir = beside.has_parent_path() ? beside.parent_path() : fs::path(".");
  const auto path = dir / (".diskret-" + crypto::random_token(6));
  std::error_code ec;
  fs::create_directory(path, ec);
  if (ec) return fail(backup::Errc::io_error, fmt::format("cannot create {}: {}", path.string(), ec.message()));
  fs::permissions(path, fs::perms::owner_all, ec);
  return path;
}

backup::BackupKeyLookup key_lookup(store::ServiceKeys& keys) {
  return [&keys](std::string_view id) -> Expected<crypto::SecretKey> {
    auto key = keys.backup_key(id);
    if (!key && key.error().code == diskret::Errc::not_found) {
      return fail(backup::Errc::unknown_key,
                  fmt::format("the backup was made with backup key {}, which this key store does not "
                              "have (a backup restores only with the key store of its installation)",
                              id));
    }
    return key;
  };
}

Expected<void> check_schema(const backup::BackupItem& item, std::int64_t newest_schema) {
  if (item.schema_version > newest_schema) {
    return fail(backup::Errc::incompatible,
                fmt::format("the backup has schema version {}; this diskret knows up to {} (restore "
                            "it with a newer diskret)",
                            item.schema_version, newest_schema));
  }
  return {};
}

}  // namespace

Expected<BackupCreated> create_backup(const fs::path& out, const fs::path& main_db,
                                      store::ServiceKeys& keys, const std::string& master_key_id,
                                      const Clock& clock) {
  auto key = keys.backup_key();
  if (!key) return unexpected(key.error());
  // The plain snapshot lives next to the output only while it is being encrypted.
  const auto snapshot = sibling(out, ".snapshot-" + crypto::random_token(6));
  Cleanup remove_snapshot(snapshot);
  auto info = backup::snapshot_sqlite(main_db, snapshot);
  if (!info) return unexpected(info.error());
  backup::SourceFile source{snapshot, {std::string(kMainItem), std::string(kMainKind), 0, info->schema_version}};
  backup::WriteOptions options{clock.now_ms(), master_key_id, "diskret"};
  auto header = backup::write_backup(out, {source}, backup::BackupKey{key->id, key->key}, options);
  if (!header) return unexpected(header.error());
  std::error_code ec;
  return BackupCreated{*header, fs::file_size(out, ec)};
}

Expected<RestoredFiles> restore_backup(const fs::path& in, const fs::path& main_db,
                                       store::ServiceKeys& keys, std::int64_t newest_schema,
                                       const Clock& clock) {
  if (auto ok = backup::ensure_unused(main_db); !ok) return unexpected(ok.error());
  auto dir = private_directory(main_db);  // beside it: the restored file is renamed into place
  if (!dir) return unexpected(dir.error());
  const fs::path staging = *dir;
  Cleanup remove_staging(staging);
  std::error_code ec;

  auto extracted = backup::extract_backup(in, staging, key_lookup(keys));
  if (!extracted) return unexpected(extracted.error());
  const auto& items = extracted->header.items;
  if (items.size() != 1 || items[0].name != kMainItem || items[0].kind != kMainKind) {
    return fail(backup::Errc::incompatible, "the backup does not hold a diskret.db");
  }
  if (auto ok = check_schema(items[0], newest_schema); !ok) return unexpected(ok.error());
  const auto restored = staging / kMainItem;
  if (auto ok = backup::check_sqlite(restored); !ok) return unexpected(ok.error());
  // Checked again just before the swap: the server may have started meanwhile.
  if (auto ok = backup::ensure_unused(main_db); !ok) return unexpected(ok.error());

  RestoredFiles out{extracted->header, {}};
  if (fs::exists(main_db, ec)) {
    const auto aside = sibling(main_db, fmt::format(".before-restore-{}", clock.now_ms()));
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const auto from = sibling(main_db, suffix);
      if (!fs::exists(from, ec)) continue;
      fs::rename(from, sibling(aside, suffix), ec);
      if (ec) {
        return fail(backup::Errc::io_error,
                    fmt::format("cannot move {} aside: {}", from.string(), ec.message()));
      }
    }
    out.previous = aside;
  }
  fs::rename(restored, main_db, ec);
  if (ec) return fail(backup::Errc::io_error, fmt::format("cannot install {}: {}", main_db.string(), ec.message()));
  sync_directory(main_db);
  return out;
}

Expected<BackupCreated> create_postgresql_backup(const fs::path& out, std::string_view url,
                                                 store::ServiceKeys& keys,
                                                 const std::string& master_key_id,
                                                 const Clock& clock) {
  auto key = keys.backup_key();
  if (!key) return unexpected(key.error());
  auto schema = backup::postgresql_schema_version(url);
  if (!schema) return unexpected(schema.error());
  auto dir = private_directory(out);
  if (!dir) return unexpected(dir.error());
  Cleanup remove_dir(*dir);
  const auto dump = *dir / kPgItem;
  if (auto ok = backup::dump_postgresql(url, dump); !ok) return unexpected(ok.error());
  backup::SourceFile source{dump, {std::string(kPgItem), std::string(kPgKind), 0, *schema}};
  backup::WriteOptions options{clock.now_ms(), master_key_id, "diskret"};
  auto header = backup::write_backup(out, {source}, backup::BackupKey{key->id, key->key}, options);
  if (!header) return unexpected(header.error());
  std::error_code ec;
  return BackupCreated{*header, fs::file_size(out, ec)};
}

Expected<RestoredFiles> restore_postgresql_backup(const fs::path& in, std::string_view url,
                                                  store::ServiceKeys& keys,
                                                  std::int64_t newest_schema) {
  if (auto ok = backup::ensure_postgresql_unused(url); !ok) return unexpected(ok.error());
  auto dir = private_directory(in);
  if (!dir) return unexpected(dir.error());
  Cleanup remove_dir(*dir);
  auto extracted = backup::extract_backup(in, *dir, key_lookup(keys));
  if (!extracted) return unexpected(extracted.error());
  const auto& items = extracted->header.items;
  if (items.size() != 1 || items[0].name != kPgItem || items[0].kind != kPgKind) {
    return fail(backup::Errc::incompatible,
                "the backup does not hold a PostgreSQL dump (a backup of the SQLite store restores "
                "only into the SQLite store)");
  }
  if (auto ok = check_schema(items[0], newest_schema); !ok) return unexpected(ok.error());
  if (auto ok = backup::ensure_postgresql_unused(url); !ok) return unexpected(ok.error());
  if (auto ok = backup::restore_postgresql(url, extracted->files[0]); !ok) return unexpected(ok.error());
  return RestoredFiles{extracted->header, {}};
}

}  // namespace diskret::privacy
