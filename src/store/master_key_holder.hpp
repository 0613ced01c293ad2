#pragma once
/// MasterKeyHolder: the master key in force, shared by the KeyRing, the service keys and
/// rotation. After `diskret keys rotate` (possibly run by another process) the key store
/// names a master key id this process does not hold; key_for() then reloads the key file
/// (and the rotation's staging file), so a running server picks up the new key without a
/// restart and no wrapped key is unreadable at any moment.
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "crypto/secret.hpp"

namespace diskret::store {

struct MasterKey {
  crypto::SecretKey key;
  std::string id;
};

class MasterKeyHolder {
 public:
  /// The keys a reload may find (the key file, then the rotation's staging file).
  using Reload = std::function<Expected<std::vector<MasterKey>>()>;

  MasterKeyHolder(MasterKey current, Reload reload)
      : current_(std::move(current)), reload_(std::move(reload)) {}

  MasterKey current() const;
  /// The key with id `wanted`: the current one, or one found by reloading (which then
  /// becomes current). Errc::permission_denied when no source has it (the key was rotated
  /// away and destroyed, or belongs to another installation).
  Expected<crypto::SecretKey> key_for(std::string_view wanted);
  /// Makes `key` current (the process that rotated).
  void replace(MasterKey key);

 private:
  mutable std::mutex mutex_;
  MasterKey current_;
  Reload reload_;
};

/// Reload for key files: `path` and `path` + ".next" (rotation's staging file), whichever
/// exist. Never creates either file.
MasterKeyHolder::Reload reload_from_files(std::string path);

}  // namespace diskret::store
