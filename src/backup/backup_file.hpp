#pragma once
/// Writing and reading encrypted backup files (format.hpp). Writing streams plain files
/// into one authenticated file; reading authenticates everything before it hands any file
/// over, so a modified or truncated backup never reaches the database.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/format.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::backup {

/// The key-store key that wraps the random per-backup file keys.
struct BackupKey {
  std::string id;
  crypto::SecretKey key;
};

/// A plain file to put into a backup (its size is taken when writing).
struct SourceFile {
  std::filesystem::path path;
  BackupItem item;  ///< name, kind, schema_version
};

struct WriteOptions {
  std::int64_t created_at_ms = 0;
  std::string master_key_id;
  std::string producer = "diskret";
};

/// Writes `files` into an encrypted backup at `out` (complete and fsync'd before it appears
/// under that name; mode 0600). Returns the header written.
Expected<BackupHeader> write_backup(const std::filesystem::path& out,
                                    const std::vector<SourceFile>& files, const BackupKey& key,
                                    const WriteOptions& options);

/// Reads the (unencrypted, not yet authenticated) header: enough to pick the key and to
/// tell the operator what the file holds.
Expected<BackupHeader> read_backup_header(const std::filesystem::path& in);

/// Finds the backup key with the given id (the key store); Errc::unknown_key if absent.
using BackupKeyLookup = std::function<Expected<crypto::SecretKey>(std::string_view id)>;

struct ExtractedBackup {
  BackupHeader header;
  std::vector<std::filesystem::path> files;  ///< dir / item name, in header order
};

/// Decrypts and authenticates the whole backup into `dir` (which must exist). Items are
/// written as partial files and renamed to their names only after the end marker verified;
/// on any failure nothing is left in `dir`. Errors: Errc::not_a_backup,
/// unsupported_version, invalid_header, unknown_key, damaged (modified: names the byte
/// offset), truncated, io_error.
Expected<ExtractedBackup> extract_backup(const std::filesystem::path& in,
                                         const std::filesystem::path& dir,
                                         const BackupKeyLookup& lookup);

}  // namespace diskret::backup
