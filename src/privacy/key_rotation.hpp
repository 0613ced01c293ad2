#pragma once
/// Master key rotation (`diskret keys rotate`), safe while a server runs:
///   1. every service key exists (so the API key pepper is stored before the key changes);
///   2. the new key is written to "<master key file>.next" (0600, fsync'd);
///   3. one key-store transaction rewraps every tenant and service key and records the new
///      key id as current (nothing else is re-encrypted: data keys do not change);
///   4. the staging file replaces the key file; the old key exists nowhere any more.
/// A crash between 3 and 4 is finished by finish_interrupted_rotation() (at the next start
/// or rotation); one before 3 leaves a stale staging file that it removes.
#include <filesystem>
#include <string>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "store/key_vault.hpp"
#include "store/master_key_holder.hpp"
#include "store/service_keys.hpp"

namespace diskret::privacy {

struct RotationReport {
  std::string old_key_id;
  std::string new_key_id;
  store::RotationResult rewrapped;
};

/// Rotates the master key in `master_key_file`. `holder` holds the current key and gets
/// the new one. Refuses (Errc::unavailable) while another rotation holds the lock file.
Expected<RotationReport> rotate_master_key(const std::filesystem::path& master_key_file,
                                           store::KeyVault& vault, store::MasterKeyHolder& holder,
                                           store::ServiceKeys& services, const Clock& clock);

/// Completes or discards a rotation that stopped between its steps. True when it moved the
/// key file forward. Call before loading the master key.
Expected<bool> finish_interrupted_rotation(const std::filesystem::path& master_key_file,
                                           store::KeyVault& vault);

/// Path of the staging file of a rotation.
std::filesystem::path staging_path(const std::filesystem::path& master_key_file);

}  // namespace diskret::privacy
