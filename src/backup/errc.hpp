#pragma once
/// Error codes of the backup module. Messages are meant for the operator's terminal.
#include <system_error>

namespace diskret::backup {

enum class Errc {
  ok = 0,
  not_a_backup,         ///< wrong magic: some other file
  unsupported_version,  ///< made by a newer diskret
  damaged,              ///< modified or corrupt: authentication failed
  truncated,            ///< ends before its end marker
  unknown_key,          ///< the key store has no key for this backup
  invalid_header,       ///< header is not what this version writes
  io_error,
  snapshot_failed,      ///< the SQLite online backup did not complete
  in_use,               ///< the database is open in another process (stop the server)
  incompatible,         ///< made by a newer diskret (schema) or holds other contents
};

const std::error_category& backup_category() noexcept;
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), backup_category()}; }

}  // namespace diskret::backup

template <>
struct std::is_error_code_enum<diskret::backup::Errc> : std::true_type {};
