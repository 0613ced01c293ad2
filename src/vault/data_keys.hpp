#pragma once
/// Envelope encryption for the vault: card fields are sealed with a data key; data keys
/// are stored only wrapped by the vault master key ([keys] master_key_file). A data key
/// may carry wrappings under several master keys while a rotation is in progress, so a
/// crash at any step leaves a key file that still opens every data key.
#include <map>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/expected.hpp"
#include "crypto/secret.hpp"
#include "vault/sqlite.hpp"

namespace diskret::vault {

/// A short id of a master key (keyed hash of the key itself), recorded with each wrapping.
std::string master_key_id(const crypto::SecretKey& master);

class DataKeys {
 public:
  DataKeys(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  /// Unwraps every data key with `master`; creates the first data key when there is none.
  /// Fails with Errc::key_unavailable when a data key has no wrapping under this master
  /// key (wrong or lost key file). Drops wrappings left by an interrupted rotation.
  Expected<void> load(const crypto::SecretKey& master);

  const std::string& active_id() const { return active_id_; }
  const crypto::SecretKey& active() const { return keys_.at(active_id_); }
  /// nullptr for an unknown id.
  const crypto::SecretKey* find(std::string_view id) const;

  /// Rotation step 1 (inside the caller's transaction): a new active data key, wrapped
  /// under both the current and the next master key. Returns its id.
  Expected<std::string> add_active(const crypto::SecretKey& current_master,
                                   const crypto::SecretKey& next_master);
  /// Rotation step 1, after re-encryption: removes every data key but the active one.
  Expected<void> drop_inactive();
  /// Rotation step 3 (after the key file holds `master`): removes wrappings under others.
  Expected<void> drop_wraps_except(const crypto::SecretKey& master);

 private:
  Expected<void> insert_wrap(std::string_view data_key_id, const crypto::SecretKey& master,
                             const crypto::SecretKey& key);
  Expected<std::string> create(const crypto::SecretKey& master);

  Database& db_;
  const Clock& clock_;
  std::map<std::string, crypto::SecretKey, std::less<>> keys_;
  std::string active_id_;
};

}  // namespace diskret::vault
